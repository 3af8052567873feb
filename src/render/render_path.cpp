#include "render/render_path.hpp"

#include "core/yaml.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_kustomization_files[] = {"kustomization.yaml", "kustomization.yml",
                                                      "Kustomization"};

bool has_kustomization(const FileSystem& fs, std::string_view dir) {
  for (std::string_view name : k_kustomization_files) {
    if (fs.is_file(join_path(dir, name))) return true;
  }
  return false;
}

bool is_manifest_name(std::string_view name) {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

// A YAML file is a manifest when every document names an apiVersion and a kind; other
// YAML (values files, configuration) is left out, and YAML that does not parse is an error
// naming the file.
Result<bool> is_manifest(const FileSystem& fs, const std::string& path) {
  std::string text = TRY(fs.read_file(path));
  std::vector<Node> docs = TRY(parse_yaml_stream(text, path));
  if (docs.empty()) return false;
  for (const Node& doc : docs) {
    if (doc.string_at({"apiVersion"}).empty() || doc.string_at({"kind"}).empty()) return false;
  }
  return true;
}

Result<void> collect(const FileSystem& fs, const std::string& root, const std::string& dir,
                     std::vector<std::string>& out) {
  for (const std::string& name : TRY(fs.list_dir(dir))) {
    if (name.starts_with(".")) continue;
    std::string path = join_path(dir, name);
    std::string relative = path.substr(root == "/" ? 1 : root.size() + 1);
    if (fs.is_dir(path)) {
      // Like Flux's walk (which does not follow links), a linked directory is left out: a
      // link to an ancestor would otherwise be walked forever.
      if (TRY(fs.resolve(path)) != path) continue;
      if (has_kustomization(fs, path)) {
        out.push_back(relative);
      } else {
        TRY_VOID(collect(fs, root, path, out));
      }
    } else if (is_manifest_name(name) && TRY(is_manifest(fs, path))) {
      out.push_back(relative);
    }
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> manifest_resources(const FileSystem& fs, std::string_view dir) {
  std::string root = TRY(fs.resolve(dir));
  std::vector<std::string> out;
  TRY_VOID(collect(fs, root, root, out));
  return out;
}

Result<std::vector<Node>> render_path(const FileSystem& fs, std::string_view dir,
                                      const BuildOptions& options) {
  if (!fs.is_dir(dir)) return fail(dir, ": not a directory");
  if (has_kustomization(fs, dir)) return build_kustomization(fs, dir, options);
  std::string root = TRY(fs.resolve(dir));
  std::vector<std::string> resources = TRY(manifest_resources(fs, root));
  Node kustomization = Node::map();
  kustomization.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
  kustomization.set("kind", Node::string("Kustomization"));
  Node& list = kustomization["resources"];
  list = Node::list();
  for (const std::string& r : resources)
    list.push_back(Node::string(r));
  OverlayFileSystem generated(fs);
  generated.add_file(join_path(root, "kustomization.yaml"), to_yaml(kustomization));
  return build_kustomization(generated, root, options);
}

}  // namespace plumb::render
