// Loader: reads the files of one kustomization root through the FileSystem seam and enforces
// the load restrictor. Under RootOnly a file must lie (symlinks followed) in or below the
// root of the kustomization that names it; a directory (a base or component) may be anywhere
// except an ancestor of a root already being built (that is a cycle). A remote base's loader
// (`remote`) reads the fetched repository's own FileSystem, which it keeps alive; it and every
// loader below it stay root-only and inside that repository, and a repository URL that
// prefixes one already being built is a cycle (kustomize's fileloader rules).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "render/remote.hpp"
#include "render/resource.hpp"

namespace plumb::render {

enum class LoadRestrictor { root_only, none };

class Loader {
 public:
  // A loader at dir (made absolute against the working directory of the FileSystem).
  static Result<Loader> at(const FileSystem& fs, std::string_view dir, LoadRestrictor restrictor);

  const std::string& root() const { return m_root; }
  const FileSystem& fs() const { return *m_fs; }
  LoadRestrictor restrictor() const { return m_restrictor; }

  // Reads a file named relative to the root.
  Result<std::string> load(std::string_view path) const;
  // The path of a file relative to the root, checked against the restrictor.
  Result<std::string> file_path(std::string_view path) const;
  bool is_dir(std::string_view path) const;
  bool is_file(std::string_view path) const;
  // A loader for a sub-kustomization directory, refusing cycles.
  Result<Loader> child(std::string_view path) const;
  // A loader at spec.kust_root_path in a fetched repository, refusing repository cycles.
  Result<Loader> remote(const RepoSpec& spec, const RemoteTree& tree) const;
  // The repository URL (redacted) this loader reads from, "" on the local tree.
  const std::string& repo() const { return m_repo; }
  // Whether path, taken from the root, climbs above the top of the fetched repository this
  // loader reads (a git tree would otherwise clamp "/.." to "/"); false on the local tree.
  bool leaves_repository(std::string_view path) const;

 private:
  struct Visited {
    const FileSystem* fs;
    std::string root;
  };

  const FileSystem* m_fs = nullptr;
  std::shared_ptr<const FileSystem> m_owned_fs;  // a fetched repository's files
  std::string m_root;                            // absolute, symlinks resolved
  std::string m_repo;
  LoadRestrictor m_restrictor = LoadRestrictor::root_only;
  std::shared_ptr<const std::vector<Visited>> m_chain;           // roots of the referrers
  std::shared_ptr<const std::vector<std::string>> m_repo_chain;  // raw URLs of remote referrers
};

// True for http(s) entries kustomize would download as files (not git repositories).
bool is_remote_file(std::string_view path);

// Splits a YAML stream into resources; List kinds expand to their items.
Result<std::vector<Resource>> parse_resources(std::string_view text, std::string_view source);

}  // namespace plumb::render
