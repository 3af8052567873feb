// Loader: reads the files of one kustomization root through the FileSystem seam and enforces
// the load restrictor. Under RootOnly a file must lie (symlinks followed) in or below the
// root of the kustomization that names it; a directory (a base or component) may be anywhere
// except an ancestor of a root already being built (that is a cycle).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
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
  // A loader for a sub-kustomization directory, refusing cycles.
  Result<Loader> child(std::string_view path) const;

 private:
  const FileSystem* m_fs = nullptr;
  std::string m_root;  // absolute, symlinks resolved
  LoadRestrictor m_restrictor = LoadRestrictor::root_only;
  std::shared_ptr<const std::vector<std::string>> m_chain;  // roots of the referrers
};

// True for resource entries kustomize would fetch over the network.
bool is_remote_target(std::string_view path);

// Splits a YAML stream into resources; List kinds expand to their items.
Result<std::vector<Resource>> parse_resources(std::string_view text, std::string_view source);

}  // namespace plumb::render
