// A Kustomize source as Argo's util/kustomize Build runs it: the `kustomize edit` commands for
// the Application's overrides (in Argo's order: nameprefix, namesuffix, image, replicas,
// label, annotation, namespace, the patches append, component), then `kustomize build`. The
// edits are what kustomize v5's commands (kustomize/commands/edit) do to the file: read it as
// a Kustomization (deprecated fields folded), change it, write it whole; here the edited file is
// laid over the tree.
#include <algorithm>
#include <map>

#include "argo/render_source_parts.hpp"
#include "core/yaml.hpp"
#include "helm/manifests.hpp"
#include "render/build.hpp"
#include "render/kustomization.hpp"
#include "render/repo_spec.hpp"

namespace plumb::argo::detail {
namespace {

// The kustomization file `kustomize edit` works on (kustfile.NewKustomizationFile): exactly
// one of the recognised names in the directory.
Result<std::string> kustomization_file(const FileSystem& tree, const std::string& dir) {
  std::vector<std::string> found;
  for (std::string_view name : render::k_kustomization_file_names) {
    std::string path = join_path(dir, name);
    if (tree.is_file(path) || tree.is_dir(path)) found.emplace_back(name);
  }
  if (found.empty()) return fail(dir, ": Missing kustomization file 'kustomization.yaml'.");
  if (found.size() > 1) {
    std::string names;
    for (const std::string& n : found)
      names += (names.empty() ? "" : " ") + n;
    return fail(dir, ": Found multiple kustomization file: [", names, "]");
  }
  std::string path = join_path(dir, found.front());
  if (tree.is_dir(path)) return fail(path, " should be a file");
  return path;
}

std::string text_at(const Node& map, std::string_view key) {
  const Node* n = render::find_field(map, key);
  return n && n->is_string() ? std::string(n->as_string()) : std::string();
}

// types.Image, written as kustomize writes it (omitempty, struct order).
struct Image {
  std::string name, new_name, tag_suffix, new_tag, digest;

  static Image of(const Node& n) {
    return {text_at(n, "name"), text_at(n, "newName"), text_at(n, "tagSuffix"),
            text_at(n, "newTag"), text_at(n, "digest")};
  }
  Node node() const {
    Node out = Node::map();
    auto put = [&](std::string_view key, const std::string& value) {
      if (!value.empty()) out.set(key, Node::string(value));
    };
    put("name", name);
    put("newName", new_name);
    put("tagSuffix", tag_suffix);
    put("newTag", new_tag);
    put("digest", digest);
    return out;
  }
};

// setimage.go parse: [<image>=]<name>[:<tag>][@<digest>].
Result<Image> parse_image_arg(const std::string& arg) {
  size_t eq = arg.find('=');
  std::string key = eq == std::string::npos ? "" : arg.substr(0, eq);
  std::string value = eq == std::string::npos ? arg : arg.substr(eq + 1);
  Image image;
  std::string name;
  render::split_image(value, name, image.new_tag, image.digest);
  if (name == arg)
    return fail("spec.source.kustomize.images: invalid format of image \"", arg,
                "\", use one of: <image>=<newimage>:<newtag>, <image>=<newimage>@<digest>, "
                "<image>=<newimage>:<newtag>@<digest>, <image>=<newimage>, <image>:<newtag>, "
                "<image>:<newtag>@<digest>, <image>@<digest>");
  if (key.empty()) {
    image.name = name;
  } else {
    image.name = key;
    image.new_name = name;
  }
  return image;
}

// `kustomize edit set image`: each argument replaces the entry of its name ("*" keeps the
// entry's value), the others stay; the list is written sorted by name.
Result<void> set_images(Node& fields, const std::vector<std::string>& raw, const BuildEnv& env) {
  std::map<std::string, Image> images;
  for (const std::string& r : raw) {
    Image image = TRY(parse_image_arg(env.expand(r)));
    images[image.name] = image;
  }
  if (const Node* existing = fields.find("images"); existing && existing->is_list()) {
    for (const Node& n : existing->items()) {
      Image im = Image::of(n);
      auto it = images.find(im.name);
      if (it == images.end()) {
        images[im.name] = im;
        continue;
      }
      Image& arg = it->second;
      if (arg.new_name == "*") arg.new_name = im.new_name;
      if (arg.new_tag == "*") arg.new_tag = im.new_tag;
      if (arg.digest == "*") arg.digest = im.digest;
    }
  }
  Node list = Node::list();
  for (auto& [name, image] : images) {
    for (std::string* part : {&image.new_name, &image.new_tag, &image.digest})
      if (*part == "*") part->clear();
    list.push_back(image.node());
  }
  fields.set("images", std::move(list));
  return {};
}

// `kustomize edit set replicas NAME=COUNT`: replaces the entries of those names; sorted.
Result<void> set_replicas(Node& fields, const std::vector<KustomizeOptions::Replica>& replicas) {
  std::map<std::string, int64_t> counts;
  for (const KustomizeOptions::Replica& r : replicas) {
    if (r.name.find('=') != std::string::npos)
      return fail("spec.source.kustomize.replicas: invalid format of replica \"", r.name, "=",
                  std::to_string(r.count), "\", use the following format: <name>=<count>");
    counts[r.name] = r.count;
  }
  if (const Node* existing = fields.find("replicas"); existing && existing->is_list()) {
    for (const Node& n : existing->items()) {
      const Node* count = render::find_field(n, "count");
      counts.try_emplace(text_at(n, "name"), count ? count->as_int() : 0);
    }
  }
  Node list = Node::list();
  for (const auto& [name, count] : counts) {
    Node r = Node::map();
    r.set("name", Node::string(name));
    r.set("count", Node::integer(count));
    list.push_back(std::move(r));
  }
  fields.set("replicas", std::move(list));
  return {};
}

// `kustomize edit add label|annotation K:V ...` without --force: Argo passes "K:V", kustomize
// splits it at the first ':' and trims quotes around V; a key already there is an error.
Result<void> add_metadata(Node& fields, std::string_view field, std::string_view kind,
                          const std::vector<std::pair<std::string, std::string>>& pairs,
                          const BuildEnv* env) {
  Node* map = fields.find_mut(field);
  if (map == nullptr || !map->is_map()) {
    fields.set(field, Node::map());
    map = fields.find_mut(field);
  }
  for (const auto& [name, value] : pairs) {
    std::string arg = name + ":" + (env ? env->expand(value) : value);
    size_t colon = arg.find(':');
    if (colon == 0)
      return fail("invalid ", kind, ": '", arg, "' (need k:v pair where v may be quoted)");
    std::string key = arg.substr(0, colon);
    std::string v = arg.substr(colon + 1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (map->find(key))
      return fail(kind, " ", key, " already in kustomization file. Use --force to override.");
    map->set(key, Node::string(v));
  }
  return {};
}

// Argo's patches edit: appended to the file's `patches` list (written by Argo itself, as
// there is no `kustomize edit` for it).
Result<void> add_patches(Node& fields, const std::vector<Node>& patches) {
  Node* list = fields.find_mut("patches");
  if (list != nullptr && !list->is_null() && !list->is_list())
    return fail("expected 'patches' field in kustomization.yaml to be []any");
  if (list == nullptr || list->is_null()) {
    fields.set("patches", Node::list());
    list = fields.find_mut("patches");
  }
  for (const Node& p : patches)
    list->push_back(p);
  return {};
}

bool has_glob_meta(std::string_view s) {
  return s.find_first_of("*?[\\") != std::string::npos;
}

// Go's filepath.Glob relative to `base`: a pattern without metacharacters is itself when it
// exists; otherwise matches per directory in name order, joined and cleaned.
std::vector<std::string> glob(const FileSystem& tree, const std::string& base,
                              std::string_view pattern) {
  if (!has_glob_meta(pattern)) {
    std::string path = join_path(base, pattern);
    if (tree.is_file(path) || tree.is_dir(path)) return {std::string(pattern)};
    return {};
  }
  size_t slash = pattern.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? "." : pattern.substr(0, slash);
  if (dir.empty()) dir = "/";
  std::string_view file = slash == std::string_view::npos ? pattern : pattern.substr(slash + 1);
  std::vector<std::string> dirs =
      has_glob_meta(dir) ? glob(tree, base, dir) : std::vector<std::string>{std::string(dir)};
  std::vector<std::string> out;
  for (const std::string& d : dirs) {
    auto names = tree.list_dir(join_path(base, d));
    if (!names) continue;
    for (const std::string& name : *names)
      if (helm::filepath_match(file, name)) out.push_back(join_path(d, name));
  }
  return out;
}

// `kustomize edit add component`: each argument globbed from the kustomization's directory
// (a remote URL taken as written), added unless already listed.
Result<void> add_components(Node& fields, const FileSystem& tree, const std::string& dir,
                            const std::string& file, const std::vector<std::string>& components) {
  std::vector<std::string> found;
  for (const std::string& c : components) {
    std::vector<std::string> matches = glob(tree, dir, c);
    if (matches.empty()) {
      if (!render::parse_repo_spec(c))
        return fail(c, " has no match: must build at directory: not a valid directory: ",
                    join_path(dir, c), ": no such file or directory");
      matches.push_back(c);
    }
    found.insert(found.end(), matches.begin(), matches.end());
  }
  Node* list = fields.find_mut("components");
  if (list == nullptr || !list->is_list()) {
    fields.set("components", Node::list());
    list = fields.find_mut("components");
  }
  for (const std::string& c : found) {
    if (c == base_name(file)) continue;
    auto items = list->items();
    if (std::any_of(items.begin(), items.end(), [&](const Node& n) { return n.as_string() == c; }))
      continue;
    list->push_back(Node::string(c));
  }
  return {};
}

bool edits_anything(const KustomizeOptions& k) {
  return !k.name_prefix.empty() || !k.name_suffix.empty() || !k.images.empty() ||
         !k.replicas.empty() || !k.common_labels.empty() || !k.common_annotations.empty() ||
         !k.namespace_.empty() || !k.patches.empty() || !k.components.empty();
}

// The kustomization of `dir` after Argo's edits for `k`, laid over the tree in `fs`.
Result<void> edit_kustomization(OverlayFileSystem& fs, const FileSystem& tree,
                                const std::string& dir, const KustomizeOptions& k,
                                const BuildEnv& env) {
  std::string file = TRY(kustomization_file(tree, dir));
  std::string text = TRY(tree.read_file(file));
  render::Kustomization parsed = TRY(render::parse_kustomization(text, file));
  Node fields = parsed.fields;
  if (!k.name_prefix.empty()) fields.set("namePrefix", Node::string(k.name_prefix));
  if (!k.name_suffix.empty()) fields.set("nameSuffix", Node::string(k.name_suffix));
  if (!k.images.empty()) TRY_VOID(set_images(fields, k.images, env));
  if (!k.replicas.empty()) TRY_VOID(set_replicas(fields, k.replicas));
  if (!k.common_labels.empty())
    TRY_VOID(add_metadata(fields, "commonLabels", "label", k.common_labels, &env));
  if (!k.common_annotations.empty())
    TRY_VOID(
        add_metadata(fields, "commonAnnotations", "annotation", k.common_annotations, nullptr));
  if (!k.namespace_.empty()) fields.set("namespace", Node::string(k.namespace_));
  if (!k.patches.empty()) TRY_VOID(add_patches(fields, k.patches));
  if (!k.components.empty()) TRY_VOID(add_components(fields, tree, dir, file, k.components));
  fields.set("apiVersion", Node::string(parsed.api_version));
  fields.set("kind", Node::string(parsed.kind));
  fs.add_file(file, to_yaml(fields));
  return {};
}

}  // namespace

Result<std::vector<Node>> render_kustomize(const RenderRequest& request, const std::string& dir,
                                           const BuildEnv& env) {
  const std::string where =
      "kustomize build " + (request.source->path.empty() ? std::string(".") : request.source->path);
  OverlayFileSystem fs(*request.tree);
  if (const auto& k = request.source->kustomize; k && edits_anything(*k)) {
    auto edited = edit_kustomization(fs, *request.tree, dir, *k, env);
    if (!edited) return std::unexpected(edited.error().context(where));
  }
  render::BuildOptions options;
  options.remote = request.remote;
  options.restrictor = request.kustomize_load_restrictor;
  auto built = render::build_kustomization(fs, dir, options);
  if (!built) return std::unexpected(built.error().context(where));
  return std::move(*built);
}

}  // namespace plumb::argo::detail
