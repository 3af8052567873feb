// One kustomization directory being built (kustomize's KustTarget): loads its file, then
// accumulates resources, generators, components, transformers and vars into an Accumulator.
// Sub-kustomizations get their own Accumulator, merged into the parent's; components work on
// the parent's.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "merge/schema.hpp"
#include "render/build.hpp"
#include "render/field_spec.hpp"
#include "render/kustomization.hpp"
#include "render/loader.hpp"
#include "render/resource_set.hpp"

namespace plumb::render {

struct Var {
  std::string name;
  Gvk gvk;
  std::string obj_name;
  std::string obj_namespace;
  std::string field_path;
};

// Where a kustomization sits, for origin annotations: its directory relative to the top
// kustomization, or within a remote repository (then with the repository and ref).
struct OriginDir {
  std::string path;
  std::string repo;  // the clone URL, redacted
  std::string ref;
};

// State shared by every kustomization of one build.
struct BuildState {
  const BuildOptions* options = nullptr;
  // Remote repositories fetched by this build, by clone URL and ref: an entry named twice is
  // fetched once, and the whole build reads one commit of it.
  std::map<std::string, RemoteTree> remote_trees;
  // kustomize keeps one schema per build: the top kustomization's `openapi:`, or else the
  // first one a base declares; builtin types until then.
  std::optional<Schema> schema;
  bool schema_set = false;
};

struct Accumulator {
  ResourceSet resources;
  std::vector<Var> vars;

  const TransformerConfig& config() const { return *m_config; }
  // Copy-on-write: accumulators share the default tables until one of them changes, so a
  // tree of a thousand bases neither copies nor re-merges the tables a thousand times.
  TransformerConfig& config_mut();
  Result<void> merge_config(const Accumulator& other);

 private:
  std::shared_ptr<const TransformerConfig> m_config = default_config();
  static std::shared_ptr<const TransformerConfig> default_config();
};

class Target {
 public:
  // origin: where this directory sits (for origin annotations).
  static Result<Target> load(Loader loader, BuildState& state, OriginDir origin, bool top);

  const Kustomization& kustomization() const { return m_k; }
  void inherit_build_metadata(const Node* build_metadata);
  Result<void> accumulate(Accumulator& ra);

 private:
  Result<void> accumulate_resources(Accumulator& ra, const std::vector<std::string>& paths,
                                    std::string_view field);
  Result<void> accumulate_directory(Accumulator& ra, std::string_view path, bool component);
  Result<void> accumulate_remote(Accumulator& ra, const RepoSpec& spec, std::string_view field,
                                 bool component);
  Result<void> accumulate_loader(Accumulator& ra, Loader child, OriginDir origin, bool component);
  Result<void> merge_configurations(Accumulator& ra);
  Result<void> run_generators(Accumulator& ra);
  Result<void> run_transformers(Accumulator& ra);
  Result<void> run_validators(Accumulator& ra);
  Result<void> merge_vars(Accumulator& ra);
  Result<std::vector<Resource>> plugin_configs(std::string_view field);
  Result<void> load_openapi(bool top);
  bool tracks_origin() const;
  std::string origin_path(std::string_view path) const;
  // "repo: ...\nref: ...\n" for a kustomization in a remote repository, else "".
  std::string origin_repo_lines() const;

  Loader m_loader;
  Kustomization m_k;
  BuildState* m_state = nullptr;
  const Schema* schema() const { return m_state->schema ? &*m_state->schema : nullptr; }
  OriginDir m_origin;
};

Result<void> absorb(ResourceSet& into, Resource generated);

}  // namespace plumb::render
