#include "render/loader.hpp"

#include <unistd.h>

#include <algorithm>

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
  loader.m_chain = std::make_shared<std::vector<Visited>>();
  loader.m_repo_chain = std::make_shared<std::vector<std::string>>();
  return loader;
}

bool Loader::leaves_repository(std::string_view path) const {
  if (m_owned_fs == nullptr || is_abs_path(path)) return false;
  long depth = 0;
  std::string joined = m_root + "/" + std::string(path);
  for (size_t i = 0; i <= joined.size();) {
    size_t j = std::min(joined.find('/', i), joined.size());
    std::string_view part = std::string_view(joined).substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    depth += part == ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

Result<std::string> Loader::file_path(std::string_view path) const {
  std::string full = join_path(m_root, path);
  if (leaves_repository(path)) {
    return fail("security; file '", path, "' is not in or below '", m_root, "' of ", m_repo);
  }
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
  return !leaves_repository(path) && m_fs->is_dir(join_path(m_root, path));
}

bool Loader::is_file(std::string_view path) const {
  return !leaves_repository(path) && m_fs->is_file(join_path(m_root, path));
}

Result<Loader> Loader::child(std::string_view path) const {
  std::string full = join_path(m_root, path);
  if (leaves_repository(path)) {
    return fail("security; bases in kustomizations found in cloned git repos must be within ",
                "the repo, but base '", path, "' is outside ", m_repo);
  }
  if (!m_fs->is_dir(full)) {
    return fail("must build at directory: '", full, "': not a valid directory");
  }
  std::string real = TRY(m_fs->resolve(full));
  auto chain = std::make_shared<std::vector<Visited>>(*m_chain);
  chain->push_back(Visited{m_fs, m_root});
  for (const Visited& visited : *chain) {
    if (visited.fs == m_fs && path_within(visited.root, real)) {
      return fail("cycle detected: candidate root '", real, "' contains visited root '",
                  visited.root, "'");
    }
  }
  Loader loader = *this;
  loader.m_root = real;
  loader.m_chain = std::move(chain);
  return loader;
}

Result<Loader> Loader::remote(const RepoSpec& spec, const RemoteTree& tree) const {
  for (const std::string& previous : *m_repo_chain) {
    if (previous.starts_with(spec.raw)) {
      return fail("cycle detected: URI '", redact_url(spec.raw), "' referenced by previous URI '",
                  redact_url(previous), "'");
    }
  }
  std::string root = join_path("/", spec.kust_root_path);
  if (tree.fs->is_file(root)) {
    return fail("'", spec.kust_root_path, "' refers to a file; expecting directory");
  }
  if (!tree.fs->is_dir(root)) {
    return fail("'", spec.kust_root_path, "' is not a directory of the repository");
  }
  auto chain = std::make_shared<std::vector<Visited>>(*m_chain);
  chain->push_back(Visited{m_fs, m_root});
  auto repos = std::make_shared<std::vector<std::string>>(*m_repo_chain);
  repos->push_back(spec.raw);
  Loader loader;
  loader.m_fs = tree.fs.get();
  loader.m_owned_fs = tree.fs;
  loader.m_root = TRY(tree.fs->resolve(root));
  loader.m_repo = redact_url(spec.clone_spec());
  loader.m_restrictor = LoadRestrictor::root_only;  // clones never escape their root
  loader.m_chain = std::move(chain);
  loader.m_repo_chain = std::move(repos);
  return loader;
}

bool is_remote_file(std::string_view path) {
  return path.starts_with("http://") || path.starts_with("https://");
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
