#include "render/loader.hpp"

#include <unistd.h>

#include "core/yaml.hpp"

namespace plumb::render {

Result<Loader> Loader::at(const FileSystem& fs, std::string_view dir, LoadRestrictor restrictor) {
  std::string absolute(dir);
  if (!is_abs_path(absolute)) {
    char buffer[4096];
    std::string cwd = ::getcwd(buffer, sizeof buffer) ? buffer : "/";
    absolute = join_path(cwd, dir);
  }
  if (!fs.is_dir(absolute)) {
    return fail("must build at directory: '", dir, "': not a valid directory");
  }
  Loader loader;
  loader.m_fs = &fs;
  loader.m_root = TRY(fs.resolve(absolute));
  loader.m_restrictor = restrictor;
  loader.m_chain = std::make_shared<std::vector<std::string>>();
  return loader;
}

Result<std::string> Loader::file_path(std::string_view path) const {
  std::string full = join_path(m_root, path);
  if (m_restrictor == LoadRestrictor::root_only) {
    auto real = m_fs->resolve(full);
    std::string checked = real ? *real : full;
    if (!path_within(checked, m_root)) {
      return fail("security; file '", checked, "' is not in or below '", m_root, "'");
    }
  }
  return full;
}

Result<std::string> Loader::load(std::string_view path) const {
  std::string full = TRY(file_path(path));
  return m_fs->read_file(full);
}

bool Loader::is_dir(std::string_view path) const {
  return m_fs->is_dir(join_path(m_root, path));
}

Result<Loader> Loader::child(std::string_view path) const {
  std::string full = join_path(m_root, path);
  if (!m_fs->is_dir(full)) {
    return fail("must build at directory: '", full, "': not a valid directory");
  }
  std::string real = TRY(m_fs->resolve(full));
  auto chain = std::make_shared<std::vector<std::string>>(*m_chain);
  chain->push_back(m_root);
  for (const std::string& visited : *chain) {
    if (path_within(visited, real)) {
      return fail("cycle detected: candidate root '", real, "' contains visited root '", visited,
                  "'");
    }
  }
  Loader loader = *this;
  loader.m_root = real;
  loader.m_chain = std::move(chain);
  return loader;
}

bool is_remote_target(std::string_view path) {
  return path.find("://") != std::string_view::npos || path.starts_with("github.com/") ||
         path.starts_with("gitlab.com/") || path.starts_with("bitbucket.org/") ||
         path.starts_with("git@") || path.starts_with("git::");
}

Result<std::vector<Resource>> parse_resources(std::string_view text, std::string_view source) {
  std::vector<Node> docs = TRY(parse_yaml_stream(text, source));
  std::vector<Resource> out;
  auto add = [&](const Node& doc) -> Result<void> {
    if (doc.is_null()) return {};
    if (!doc.is_map()) return fail(source, ": a resource must be a YAML map");
    if (doc.empty()) return {};
    if (doc.string_at({"kind"}).empty()) return fail(source, ": missing kind in object");
    if (doc.string_at({"metadata", "name"}).empty()) {
      return fail(source, ": missing metadata.name in object of kind ", doc.string_at({"kind"}));
    }
    out.emplace_back(doc);
    return {};
  };
  for (const Node& doc : docs) {
    std::string_view kind = doc.string_at({"kind"});
    const Node* items = doc.find("items");
    if (kind.ends_with("List") && items != nullptr && (items->is_list() || items->is_null())) {
      if (items->is_list()) {
        for (const Node& item : items->items())
          TRY_VOID(add(item));
      }
      continue;
    }
    TRY_VOID(add(doc));
  }
  return out;
}

}  // namespace plumb::render
