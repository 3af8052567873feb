#include "render/build.hpp"

#include "render/plugin.hpp"
#include "render/target.hpp"
#include "render/vars.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_managed_by_label = "app.kubernetes.io/managed-by";
constexpr std::string_view k_managed_by_value = "kustomize-(devel)";

// Build annotations kustomize strips before printing, unless buildMetadata asks to keep one.
void strip_annotations(Resource& r, bool keep_origin, bool keep_transformations) {
  Node* metadata = r.obj.find_mut("metadata");
  if (metadata == nullptr) return;
  Node* annotations = metadata->find_mut("annotations");
  if (annotations == nullptr || !annotations->is_map()) return;
  bool touched = false;
  for (std::string_view key :
       {"config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations",
        "kustomize.config.k8s.io/needs-hash", "kustomize.config.k8s.io/behavior",
        "internal.config.kubernetes.io/previousKinds",
        "internal.config.kubernetes.io/previousNames",
        "internal.config.kubernetes.io/previousNamespaces",
        "internal.config.kubernetes.io/prefixes", "internal.config.kubernetes.io/suffixes",
        "internal.config.kubernetes.io/annotations-migration-resource-id",
        "internal.config.kubernetes.io/id", "config.k8s.io/id", "config.kubernetes.io/index",
        "internal.config.kubernetes.io/index", "internal.config.kubernetes.io/path",
        "config.kubernetes.io/path", "kustomize.config.k8s.io/id"}) {
    if (keep_origin && key == "config.kubernetes.io/origin") continue;
    if (keep_transformations && key == "alpha.config.kubernetes.io/transformations") continue;
    if (annotations->find(key) != nullptr) {
      annotations->erase(key);
      touched = true;
    }
  }
  if (touched && annotations->empty()) metadata->erase("annotations");
}

Result<void> sort_resources(ResourceSet& resources, const Kustomization& k,
                            const BuildOptions& options) {
  if (const Node* sort = k.get("sortOptions")) {
    Node config = *sort;
    config.set("kind", Node::string("SortOrderTransformer"));
    Transform t = TRY(make_sort_order(config));
    return t(resources);
  }
  if (options.reorder != Reorder::none) sort_legacy(resources);
  return {};
}

}  // namespace

Result<std::vector<Node>> build_kustomization(const FileSystem& fs, std::string_view dir,
                                              const BuildOptions& options) {
  Loader loader = TRY(Loader::at(fs, dir, options.restrictor));
  BuildState state;
  state.options = &options;
  Target top = TRY(Target::load(std::move(loader), state, OriginDir{}, true));
  const Kustomization& k = top.kustomization();
  Accumulator ra;
  auto accumulated = top.accumulate(ra);
  if (!accumulated) return std::unexpected(accumulated.error());
  TRY_VOID(add_hash_suffixes(ra.resources));
  TRY_VOID(fix_name_references(ra.resources, ra.config()));
  TRY_VOID(resolve_vars(ra.resources, ra.vars, ra.config().var_reference));
  ra.resources.filter([](const Resource& r) {
    return r.annotation("config.kubernetes.io/local-config") != "true";
  });
  TRY_VOID(sort_resources(ra.resources, k, options));
  bool managed = options.managed_by_label || k.has_build_metadata("managedByLabel");
  bool keep_origin = k.has_build_metadata("originAnnotations");
  bool keep_transformations = k.has_build_metadata("transformerAnnotations");
  std::vector<Node> out;
  out.reserve(ra.resources.size());
  for (Resource& r : ra.resources.mut()) {
    if (managed) {
      Node& labels = r.obj["metadata"]["labels"];
      if (!labels.is_map()) labels = Node::map();
      labels.set(k_managed_by_label, Node::string(k_managed_by_value));
    }
    strip_annotations(r, keep_origin, keep_transformations);
    out.push_back(std::move(r.obj));
  }
  return out;
}

}  // namespace plumb::render
