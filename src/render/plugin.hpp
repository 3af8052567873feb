// Builtin plugins: transformers and generators registered by kind name. The kustomization
// fields (namePrefix, patches, configMapGenerator ...) configure the same units as the
// `transformers:` / `generators:` entries do, through the same YAML-shaped config.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"
#include "merge/schema.hpp"
#include "render/field_spec.hpp"
#include "render/loader.hpp"
#include "render/resource_set.hpp"

namespace plumb::render {

struct PluginContext {
  const Loader* loader = nullptr;
  const TransformerConfig* config = nullptr;
  // Merge keys and strategies for strategic merge patches (builtin types plus `openapi:`).
  const Schema* schema = nullptr;
};

using Transform = std::function<Result<void>(ResourceSet&)>;

// A transformer for a builtin kind ("PrefixSuffixTransformer" ...); config is the plugin's
// YAML document (apiVersion/kind/metadata plus the plugin's fields).
Result<Transform> make_transformer(const Node& config, const PluginContext& ctx);
// Runs a builtin generator ("ConfigMapGenerator", "SecretGenerator" ...).
Result<ResourceSet> run_generator(const Node& config, const PluginContext& ctx);

// The units, one file each. Each takes the plugin-shaped config.
Result<Transform> make_prefix_suffix(const Node& config, bool prefix, bool suffix);
Result<Transform> make_namespace(const Node& config);
Result<Transform> make_labels(const Node& config, std::string_view field);  // labels/annotations
Result<Transform> make_image_tag(const Node& config);
// Several image entries applied in one pass (each field meets each matching rule once, in
// order), so `images:` costs O(image fields), not O(entries x resources).
Result<Transform> make_image_tags(const std::vector<Node>& configs);
Result<Transform> make_replica_count(const Node& config);
Result<Transform> make_patch(const Node& config, const PluginContext& ctx);
Result<Transform> make_patch_smp(const Node& config, const PluginContext& ctx);
Result<Transform> make_patch_json6902(const Node& config, const PluginContext& ctx);
Result<Transform> make_replacements(const Node& config, const PluginContext& ctx);
Result<Transform> make_sort_order(const Node& config);
// A generator's key and value.
struct GeneratorPair {
  std::string key;
  std::string value;
};
// An env file's KEY=VALUE lines as kustomize and kubectl read them (leading blanks and a BOM
// dropped, `#` comments, a KEY alone takes the environment's value, invalid UTF-8 refused).
Result<std::vector<GeneratorPair>> read_env_file(const Loader& loader, const std::string& path);
Result<ResourceSet> generate_config_map(const Node& config, const PluginContext& ctx);
Result<ResourceSet> generate_secret(const Node& config, const PluginContext& ctx);
Result<ResourceSet> generate_iam_policy(const Node& config);

// A patch target selector (kustomize's types.Selector): regexes on group, version, kind,
// name, namespace plus label and annotation selectors.
class Selector {
 public:
  static Result<Selector> parse(const Node& target);
  bool matches(const Resource& r) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> m_impl;
};
// Indexes of the resources a selector picks, in order.
std::vector<size_t> select(const ResourceSet& set, const Selector& selector);

// Field specs of a plugin config's "fieldSpecs" list.
Result<FieldSpecs> field_specs_of(const Node& config);
Node field_specs_node(const FieldSpecs& specs);
// A string -> string map field ("labels", "annotations"), scalars given as text.
Result<Node> string_map_of(const Node* map, std::string_view what);

// The name suffix hash for resources that asked for one (generated ConfigMaps and Secrets).
Result<void> add_hash_suffixes(ResourceSet& resources);
// Points name references at renamed objects (kustomize's nameReference pass).
Result<void> fix_name_references(ResourceSet& resources, const TransformerConfig& config);
// Field specs for name references declared by CRD files (the `crds:` field).
Result<TransformerConfig> config_from_crds(std::string_view text, std::string_view source);
// Replaces $(VAR) references (kustomize's vars) once names are final.
struct Var;
// Legacy kind order, as `kubectl kustomize` sorts by default.
void sort_legacy(ResourceSet& resources);

}  // namespace plumb::render
