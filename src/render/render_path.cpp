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

namespace {

Node generated_kustomization(const std::vector<std::string>& resources) {
  Node kustomization = Node::map();
  kustomization.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
  kustomization.set("kind", Node::string("Kustomization"));
  Node& list = kustomization["resources"];
  list = Node::list();
  for (const std::string& r : resources)
    list.push_back(Node::string(r));
  return kustomization;
}

// One file: a kustomization file builds its directory; any other file is built from a
// kustomization generated beside it (in a directory of its own, so a kustomization file next
// to it is neither read nor shadowed) that lists only that file.
Result<std::vector<Node>> render_file(const FileSystem& fs, std::string_view file,
                                      const BuildOptions& options) {
  std::string path = TRY(fs.resolve(file));
  std::string_view dir = dir_name(path);
  for (std::string_view name : k_kustomization_files) {
    if (base_name(path) == name) return build_kustomization(fs, dir, options);
  }
  std::string root = join_path(dir, ".plumb-file");
  OverlayFileSystem generated(fs);
  generated.add_file(join_path(root, "kustomization.yaml"),
                     to_yaml(generated_kustomization({"../" + std::string(base_name(path))})));
  BuildOptions file_options = options;
  file_options.restrictor = LoadRestrictor::none;  // the file sits beside the generated root
  return build_kustomization(generated, root, file_options);
}

}  // namespace

Result<std::vector<Node>> render_path(const FileSystem& fs, std::string_view path,
                                      const BuildOptions& options) {
  if (fs.is_file(path)) return render_file(fs, path, options);
  if (!fs.is_dir(path)) return fail(path, ": no such file or directory");
  if (has_kustomization(fs, path)) return build_kustomization(fs, path, options);
  std::string root = TRY(fs.resolve(path));
  std::vector<std::string> resources = TRY(manifest_resources(fs, root));
  OverlayFileSystem generated(fs);
  generated.add_file(join_path(root, "kustomization.yaml"),
                     to_yaml(generated_kustomization(resources)));
  return build_kustomization(generated, root, options);
}

}  // namespace plumb::render
