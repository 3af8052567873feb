// A FileSystem over one commit of a git repository: reads blobs straight from the object
// store. Paths are absolute from "/" (the repository root); relative paths are taken from
// "/". Symlinks stored in the tree are followed by resolve() and by reads, and may not point
// outside the root. content_id is the object id of the blob or tree a path resolves to,
// found by walking trees only.
//
// Thread safety: every member may be called from several threads; calls into libgit2 are
// made one at a time (a git_repository is not shared between threads unguarded).
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "core/fs.hpp"
#include "core/thread_annotations.hpp"

namespace plumb::source {

class GitTreeFs final : public FileSystem {
 public:
  // Takes a reference to repo (which must outlive this) and owns tree.
  GitTreeFs(git_repository* repo, git_tree* tree) : m_repo(repo), m_tree(tree) {}
  ~GitTreeFs() override;

  Result<std::string> read_file(std::string_view path) const override EXCLUDES(m_mutex);
  Result<std::vector<std::string>> list_dir(std::string_view path) const override EXCLUDES(m_mutex);
  bool is_dir(std::string_view path) const override EXCLUDES(m_mutex);
  bool is_file(std::string_view path) const override EXCLUDES(m_mutex);
  Result<std::string> resolve(std::string_view path) const override EXCLUDES(m_mutex);
  // "b<hex>" for a file, "t<hex>" for a directory, "c<hex>" for a submodule, "" when the
  // path does not exist.
  std::optional<std::string> content_id(std::string_view path) const override EXCLUDES(m_mutex);

 private:
  // What a path leads to once every symlink is followed; the root is a tree.
  struct Found {
    std::string path;
    git_object_t type = GIT_OBJECT_TREE;  // TREE, BLOB, or COMMIT (a submodule)
    git_oid id{};
  };
  Result<Found> find_locked(std::string_view path) const REQUIRES(m_mutex);
  Result<std::string> blob_text(const git_oid& id) const REQUIRES(m_mutex);

  mutable Mutex m_mutex;
  // Used (passed to libgit2) only with m_mutex held.
  git_repository* const m_repo GUARDED_BY(m_mutex);
  git_tree* const m_tree GUARDED_BY(m_mutex);
};

}  // namespace plumb::source
