// render_source: the source's tool picked as Argo's GetAppSourceType picks it, its path checked
// as util/app/path.Path checks it, the tool run (render_directory.cpp, render_kustomize.cpp,
// render_helm.cpp), then GenerateManifests' own pass over the objects (lists expanded).
#include "argo/render_source.hpp"

#include <cmath>

#include "argo/render_source_parts.hpp"
#include "core/yaml.hpp"
#include "helm/sigs_yaml.hpp"
#include "merge/merge.hpp"
#include "render/kustomization.hpp"

namespace plumb::argo {
namespace {

// The kustomize, helm and directory blocks that are set, in ExplicitType's order, after
// NormalizeSource dropped the empty ones (a directory block with only include or exclude
// stays).
std::vector<SourceType> explicit_types(const ApplicationSource& source) {
  std::vector<SourceType> out;
  if (const auto& k = source.kustomize;
      k && (!k->name_prefix.empty() || !k->name_suffix.empty() || !k->namespace_.empty() ||
            !k->images.empty() || !k->common_labels.empty() || !k->common_annotations.empty() ||
            !k->patches.empty() || !k->components.empty() || !k->replicas.empty()))
    out.push_back(SourceType::kustomize);
  if (const auto& h = source.helm;
      h && (!h->value_files.empty() || !h->values.empty() || !h->values_object.is_null() ||
            !h->parameters.empty() || !h->release_name.empty() || h->skip_crds ||
            h->ignore_missing_value_files || !h->kube_version.empty() || !h->api_versions.empty() ||
            h->pass_credentials))
    out.push_back(SourceType::helm);
  if (const auto& d = source.directory;
      d && (d->recurse || !d->include.empty() || !d->exclude.empty()))
    out.push_back(SourceType::directory);
  return out;
}

// A directory that is not a symlink (`path` clean, its parent resolved): Argo walks with
// Lstat, so a link is never a directory to it.
bool is_real_dir(const FileSystem& tree, const std::string& path) {
  auto real = tree.resolve(path);
  return real && *real == path && tree.is_dir(path);
}

// discovery.AppType: the path's own entries in name order; the last match wins.
SourceType discover(const FileSystem& tree, const std::string& dir) {
  auto names = tree.list_dir(dir);
  if (!names) return SourceType::directory;
  SourceType type = SourceType::directory;
  for (const std::string& name : *names) {
    if (is_real_dir(tree, join_path(dir, name))) continue;
    if (name.ends_with("Chart.yaml")) type = SourceType::helm;
    for (std::string_view k : render::k_kustomization_file_names)
      if (name == k) type = SourceType::kustomize;
  }
  return type;
}

// util/app/path.Path: the source path as a directory of the tree (symlinks followed).
Result<std::string> app_dir(const FileSystem& tree, const std::string& path) {
  if (is_abs_path(path)) return fail(path, ": app path is absolute");
  std::string rel = clean_path(path.empty() ? "." : path);
  if (rel == ".." || rel.starts_with("../")) return fail(path, ": app path outside root");
  std::string dir = clean_path("/" + rel);
  if (!tree.is_dir(dir)) {
    if (tree.is_file(dir)) return fail(path, ": app path is not a directory");
    return fail(path, ": app path does not exist");
  }
  return tree.resolve(dir);
}

// What the objects are once Argo's controller has them: JSON numbers that Go prints as
// integers (any integral float64 within int64) decode as integers.
void integral_floats_to_ints(Node& n) {
  if (n.is_float()) {
    double f = n.as_float();
    if (std::isfinite(f) && f == std::trunc(f) && f >= -9.223372036854775808e18 &&
        f < 9.223372036854775808e18)
      n = Node::integer(static_cast<int64_t>(f));
  } else if (n.is_list()) {
    for (Node& item : n.items_mut())
      integral_floats_to_ints(item);
  } else if (n.is_map()) {
    for (MapEntry& e : n.entries_mut())
      integral_floats_to_ints(e.value);
  }
}

std::string object_name(const Node& o) {
  std::string name(o.string_at({"kind"}));
  name += "/";
  name += o.string_at({"metadata", "name"});
  return name;
}

// GenerateManifests: an object with an `items` list is a list (its items taken as they are,
// each must be an object); one whose `items` is null and that has no spec or status is an
// empty list.
Result<std::vector<Node>> expand_lists(std::vector<Node> objects) {
  std::vector<Node> out;
  out.reserve(objects.size());
  for (Node& o : objects) {
    integral_floats_to_ints(o);
    const Node* items = o.find("items");
    if (items && items->is_list()) {
      for (const Node& item : items->items()) {
        if (!item.is_map()) return fail(object_name(o), ": items member is not an object");
        out.push_back(item);
      }
      continue;
    }
    if (items && items->is_null() && !o.find("spec") && !o.find("status")) continue;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::string_view to_string(SourceType type) {
  switch (type) {
    case SourceType::directory:
      return "Directory";
    case SourceType::kustomize:
      return "Kustomize";
    case SourceType::helm:
      return "Helm";
  }
  return "Directory";
}

SourceType source_type(const FileSystem& tree, const ApplicationSource& source) {
  std::vector<SourceType> types = explicit_types(source);
  if (!types.empty()) return types.front();
  if (!source.chart.empty()) return SourceType::helm;
  auto dir = app_dir(tree, source.path);
  return dir ? discover(tree, *dir) : SourceType::directory;
}

Result<Rendered> render_source(const RenderRequest& request) {
  if (request.tree == nullptr || request.source == nullptr)
    return fail("render_source: no tree or no source");
  const FileSystem& tree = *request.tree;
  const ApplicationSource& source = *request.source;
  std::vector<SourceType> types = explicit_types(source);
  if (types.size() > 1) {
    std::string names;
    for (SourceType t : types)
      names += (names.empty() ? "" : ",") + std::string(to_string(t));
    return fail("multiple application sources defined: ", names);
  }
  std::string dir = TRY(app_dir(tree, source.path));
  Rendered out{source_type(tree, source), {}};
  detail::BuildEnv env(request);
  std::vector<Node> objects;
  switch (out.type) {
    case SourceType::directory:
      objects = TRY(detail::render_directory(request, dir));
      break;
    case SourceType::kustomize:
      objects = TRY(detail::render_kustomize(request, dir, env));
      break;
    case SourceType::helm:
      objects = TRY(detail::render_helm(request, dir, env));
      break;
  }
  std::string where = source.path.empty() ? "." : source.path;
  auto expanded = expand_lists(std::move(objects));
  if (!expanded) return std::unexpected(expanded.error().context(where));
  out.objects = std::move(*expanded);
  return out;
}

namespace detail {

BuildEnv::BuildEnv(const RenderRequest& r) {
  const ApplicationSource& s = *r.source;
  m_vars = {
      {"ARGOCD_APP_NAME", r.app_name},
      {"ARGOCD_APP_NAMESPACE", r.namespace_},
      {"ARGOCD_APP_PROJECT_NAME", r.project},
      {"ARGOCD_APP_REVISION", r.revision},
      {"ARGOCD_APP_REVISION_SHORT", r.revision.substr(0, 7)},
      {"ARGOCD_APP_REVISION_SHORT_8", r.revision.substr(0, 8)},
      {"ARGOCD_APP_SOURCE_REPO_URL", s.repo_url},
      {"ARGOCD_APP_SOURCE_PATH", s.path},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", s.target_revision},
  };
}

namespace {

bool shell_special(char c) {
  return std::string_view("*#$@!?-0123456789").find(c) != std::string_view::npos;
}

bool alnum(char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// os.getShellName: the name after a '$' and how many bytes it took ("" with a width > 0 is
// bad syntax, eaten).
std::pair<std::string_view, size_t> shell_name(std::string_view s) {
  if (s[0] == '{') {
    if (s.size() > 2 && shell_special(s[1]) && s[2] == '}') return {s.substr(1, 1), 3};
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] != '}') continue;
      if (i == 1) return {"", 2};
      return {s.substr(1, i - 1), i + 1};
    }
    return {"", 1};
  }
  if (shell_special(s[0])) return {s.substr(0, 1), 1};
  size_t i = 0;
  while (i < s.size() && alnum(s[i]))
    ++i;
  return {s.substr(0, i), i};
}

}  // namespace

std::string BuildEnv::expand(std::string_view s) const {
  std::string out;
  size_t i = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    if (s[j] != '$' || j + 1 >= s.size()) continue;
    out.append(s.substr(i, j - i));
    auto [name, width] = shell_name(s.substr(j + 1));
    if (name.empty() && width == 0) {
      out.push_back('$');
    } else if (name == "$") {
      out.push_back('$');
    } else if (!name.empty()) {
      for (const auto& [var, value] : m_vars)
        if (var == name) out += value;
    }
    j += width;
    i = j + 1;
  }
  out.append(s.substr(std::min(i, s.size())));
  return out;
}

Result<Node> decode_object(std::string_view yaml, std::string_view what) {
  auto doc = helm::yaml_to_json(yaml, helm::YamlNumbers::typed);
  if (!doc) return fail(what, ": ", doc.error().message());
  return as_object(std::move(*doc), what);
}

Result<Node> as_object(Node doc, std::string_view what) {
  if (doc.is_null()) return doc;
  if (!doc.is_map())
    return fail(what, ": json: cannot unmarshal ", doc.is_list() ? "array" : "a scalar",
                " into Go value of type map[string]interface {}");
  const Node* kind = doc.find("kind");
  if (kind == nullptr || !kind->is_string() || kind->as_string().empty())
    return fail(what, ": Object 'Kind' is missing");
  return doc;
}

}  // namespace detail

Result<Node> apply_source_overrides(const FileSystem& tree, const Node& source,
                                    std::string_view app_name) {
  auto dir = app_dir(tree, std::string(source.string_at({"path"})));
  if (!dir) return source;
  std::vector<std::string> files = {join_path(*dir, ".argocd-source.yaml")};
  if (!app_name.empty())
    files.push_back(join_path(*dir, ".argocd-source-" + std::string(app_name) + ".yaml"));
  Node merged = source.is_map() ? source : Node::map();
  for (const std::string& file : files) {
    if (!tree.is_file(file)) continue;
    std::string text = TRY(tree.read_file(file));
    auto patch = helm::yaml_to_json(text, helm::YamlNumbers::typed);
    if (!patch) return std::unexpected(patch.error().context(file));
    // evanphx/json-patch refuses a null patch; a non-object replaces the whole source.
    if (patch->is_null()) return fail(file, ": Invalid JSON Patch");
    if (!patch->is_map())
      return fail(file, ": json: cannot unmarshal ", patch->is_list() ? "array" : "a scalar",
                  " into Go value of type v1alpha1.ApplicationSource");
    merged = merge_patch(merged, *patch);
  }
  for (std::string_view kept : {"chart", "path", "repoURL", "targetRevision"}) {
    if (const Node* original = source.find(kept))
      merged.set(kept, *original);
    else
      merged.erase(kept);
  }
  return merged;
}

}  // namespace plumb::argo
