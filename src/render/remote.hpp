// Remote bases: kustomization entries that name a git repository (render/repo_spec.hpp) are
// fetched through a RemoteFetcher the caller passes in BuildOptions, and the directory the
// entry names is built as its own kustomization root in that repository, as kustomize builds
// its clone: always under the root-only load restrictor, never reading outside the repository.
//
//   render::GitRemoteFetcher remote(cache_dir);
//   options.remote = &remote;   // without it a remote entry is an error naming it
//
// Thread safety: fetch() may be called by several builds at once; a RemoteTree's files are
// read-only and may be shared between threads.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/thread_annotations.hpp"
#include "render/repo_spec.hpp"

namespace plumb::render {

// A repository at one commit: paths are absolute from "/", the repository's root.
struct RemoteTree {
  std::shared_ptr<const FileSystem> fs;
  std::string commit;  // 40 hex digits
};

class RemoteFetcher {
 public:
  virtual ~RemoteFetcher() = default;
  // The commit spec.ref names on spec.clone_spec() ("" = the remote's HEAD), with its files.
  // Errors say what failed; they may contain the clone URL (the caller redacts it).
  virtual Result<RemoteTree> fetch(const RepoSpec& spec) = 0;
};

// Fetches with libgit2 (source/git.hpp) into one bare cache repository per clone URL under
// cache_dir, kept between builds: a ref is looked up on the remote each time (a moved branch
// or tag is seen, as kustomize's fresh clone sees it), objects are fetched only when the commit
// is not cached yet, and a commit id already cached needs no network at all. Files are read
// from the object store (no checkout). Not supported yet: submodules (a path inside one reads
// as missing), `?timeout=`, credentials other than those in the URL, ssh (no agent or
// known_hosts).
class GitRemoteFetcher final : public RemoteFetcher {
 public:
  explicit GitRemoteFetcher(std::string cache_dir) : m_cache_dir(std::move(cache_dir)) {}
  // Holds m_mutex throughout, network included: the cache takes one fetch at a time.
  Result<RemoteTree> fetch(const RepoSpec& spec) override EXCLUDES(m_mutex);

 private:
  std::string m_cache_dir;
  Mutex m_mutex;  // guards the cache directory (on disk), not a member
};

// Where `plumb build` keeps its cache: $XDG_CACHE_HOME/plumb/git, else ~/.cache/plumb/git.
std::string default_git_cache_dir();

}  // namespace plumb::render
