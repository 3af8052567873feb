#include "render/target.hpp"

#include <algorithm>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_origin_annotation = "config.kubernetes.io/origin";
constexpr std::string_view k_transformations_annotation =
    "alpha.config.kubernetes.io/transformations";

std::string quote_if_needed(std::string_view s) {
  // The origin annotation is YAML text; paths are plain scalars in practice.
  return std::string(s);
}

// One "key: value" line as kustomize's YAML printer writes it (quoted when it must be).
std::string yaml_line(std::string_view key, std::string_view value) {
  Node map = Node::map();
  map.set(key, Node::string(value));
  return to_yaml(map);
}

// The text of a YAML map as an item of a list: "- " before the first line, "  " before the
// others.
std::string as_list_item(std::string_view text) {
  std::string out = "- ";
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\n' && i + 1 < text.size()) out += "  ";
  }
  return out;
}

// A resource's origin ("path: P\n" with perhaps repo and ref) as the origin of a plugin it
// configures: kustomize's OriginFromCustomPlugin writes repo, ref, then configuredIn: P.
std::string configured_in(std::string_view origin) {
  if (!origin.starts_with("path: ")) return std::string(origin);
  size_t end = origin.find('\n');
  std::string_view path = origin.substr(6, end == std::string_view::npos ? end : end - 6);
  std::string_view rest = end == std::string_view::npos ? "" : origin.substr(end + 1);
  return std::string(rest) + "configuredIn: " + std::string(path) + "\n";
}

// Merges the labels/annotations of old into fresh (fresh wins), kustomize's
// CopyMergeMetaDataFieldsFrom; name and namespace come from old.
void copy_merge_metadata(Resource& fresh, const Resource& old) {
  for (std::string_view field : {"labels", "annotations"}) {
    const Node* from = old.obj.at_path({"metadata", field});
    if (from == nullptr || !from->is_map() || from->empty()) continue;
    Node merged = *from;
    if (const Node* mine = fresh.obj.at_path({"metadata", field}); mine && mine->is_map()) {
      for (const MapEntry& e : mine->entries())
        merged.set(e.key.as_string(), e.value);
    }
    fresh.obj["metadata"].set(field, merged);
  }
  fresh.set_name(old.name());
  if (!old.ns().empty()) {
    fresh.set_namespace(old.ns());
  } else if (Node* md = fresh.obj.find_mut("metadata")) {
    md->erase("namespace");
  }
  fresh.previous = old.previous;
  fresh.prefixes = old.prefixes;
  fresh.suffixes = old.suffixes;
  fresh.ref_var_names = old.ref_var_names;
}

void merge_data_field(Resource& fresh, const Resource& old, std::string_view field) {
  const Node* from = old.obj.find(field);
  if (from == nullptr || !from->is_map()) return;
  Node merged = *from;
  if (const Node* mine = fresh.obj.find(field); mine && mine->is_map()) {
    for (const MapEntry& e : mine->entries())
      merged.set(e.key.as_string(), e.value);
  }
  if (!merged.empty()) fresh.obj.set(field, merged);
}

}  // namespace

std::shared_ptr<const TransformerConfig> Accumulator::default_config() {
  static const auto k_defaults =
      std::make_shared<const TransformerConfig>(TransformerConfig::defaults());
  return k_defaults;
}

TransformerConfig& Accumulator::config_mut() {
  if (m_config.use_count() > 1) m_config = std::make_shared<TransformerConfig>(*m_config);
  return const_cast<TransformerConfig&>(*m_config);
}

Result<void> Accumulator::merge_config(const Accumulator& other) {
  if (other.m_config == m_config) return {};
  return config_mut().merge(*other.m_config);
}

Result<void> absorb(ResourceSet& into, Resource generated) {
  ResId id = generated.cur_id();
  std::vector<size_t> matches = into.by_any_id(id);
  if (matches.empty()) {
    if (generated.behavior == Behavior::merge || generated.behavior == Behavior::replace) {
      return fail("id ", id.str(), " does not exist; cannot merge or replace");
    }
    return into.append(std::move(generated));
  }
  if (matches.size() > 1) {
    return fail("found multiple objects that could accept merge of ", id.str());
  }
  Resource& old = into.mut()[matches[0]];
  switch (generated.behavior) {
    case Behavior::replace: {
      copy_merge_metadata(generated, old);
      break;
    }
    case Behavior::merge: {
      std::string origin(old.annotation(k_origin_annotation));
      copy_merge_metadata(generated, old);
      merge_data_field(generated, old, "data");
      merge_data_field(generated, old, "binaryData");
      if (!origin.empty()) generated.set_annotation(k_origin_annotation, origin);
      break;
    }
    default:
      return fail("id ", id.str(), " exists; behavior must be merge or replace");
  }
  // A hash suffix survives only when both sides want one (a merge onto a plain resource
  // keeps its name; disableNameSuffixHash in the overlay drops the base's hash).
  generated.needs_hash = generated.needs_hash && old.needs_hash;
  generated.behavior = old.behavior;
  old = std::move(generated);
  return {};
}

Result<Target> Target::load(Loader loader, BuildState& state, OriginDir origin, bool top) {
  std::string content;
  std::string file;
  int found = 0;
  for (std::string_view name : k_kustomization_file_names) {
    std::string path = join_path(loader.root(), name);
    if (loader.fs().is_file(path)) {
      ++found;
      content = TRY(loader.fs().read_file(path));
      file = path;
    }
  }
  if (found == 0) {
    return fail(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
        "'Kustomization' in directory '",
        loader.root(), "'");
  }
  if (found > 1) return fail("Found multiple kustomization files under: ", loader.root());
  Target target;
  target.m_k = TRY(parse_kustomization(content, file));
  target.m_loader = std::move(loader);
  target.m_state = &state;
  target.m_origin = std::move(origin);
  TRY_VOID(target.load_openapi(top));
  return target;
}

Result<void> Target::load_openapi(bool top) {
  if (m_state->schema_set && !top) return {};
  const Node* openapi = m_k.get("openapi");
  const Node* version = openapi ? find_field(*openapi, "version") : nullptr;
  const Node* path = openapi ? find_field(*openapi, "path") : nullptr;
  if (version != nullptr && path != nullptr) {
    return fail(m_k.file, ": openapi: builtin version and custom schema provided, cannot use both");
  }
  if (path != nullptr) {
    std::string file(path->as_string());
    auto text = m_loader.load(file);
    if (!text) return fail(m_k.file, ": openapi: '", file, "' doesn't exist or cannot be read");
    std::string source = join_path(m_loader.root(), file);
    std::string_view body = *text;
    size_t first = body.find_first_not_of(" \t\r\n");
    Node doc;
    if (first != std::string_view::npos && body[first] == '{') {
      doc = TRY(parse_json(body, source));
    } else {
      doc = TRY(parse_yaml(body, source));
    }
    Schema schema(BuiltinTypes::include);
    TRY_VOID(schema.add_openapi_v2(doc, source));
    m_state->schema = std::move(schema);
    m_state->schema_set = true;
    return {};
  }
  if (version != nullptr) {
    if (version->as_string() != "v1.21.2") {
      return fail(m_k.file, ": openapi: the specified OpenAPI version '", version->as_string(),
                  "' is not built in (v1.21.2 is)");
    }
    m_state->schema.reset();
    m_state->schema_set = true;
    return {};
  }
  if (top) {
    m_state->schema.reset();
    m_state->schema_set = false;
  }
  return {};
}

void Target::inherit_build_metadata(const Node* build_metadata) {
  if (build_metadata == nullptr) {
    m_k.fields.erase("buildMetadata");
  } else {
    m_k.fields.set("buildMetadata", *build_metadata);
  }
}

bool Target::tracks_origin() const {
  return m_k.has_build_metadata("originAnnotations");
}

std::string Target::origin_path(std::string_view path) const {
  return m_origin.path.empty() ? clean_path(path) : join_path(m_origin.path, path);
}

std::string Target::origin_repo_lines() const {
  if (m_origin.repo.empty()) return "";
  std::string out = yaml_line("repo", m_origin.repo);
  if (!m_origin.ref.empty()) out += yaml_line("ref", m_origin.ref);
  return out;
}

Result<void> Target::accumulate(Accumulator& ra) {
  for (std::string_view unsupported : {"helmCharts", "helmChartInflationGenerator"}) {
    if (const Node* v = m_k.get(unsupported); v && !v->empty()) {
      return fail(m_k.file, ": ", unsupported, ": helm charts are not supported yet");
    }
  }
  std::vector<std::string> resources = TRY(m_k.strings("resources"));
  TRY_VOID(accumulate_resources(ra, resources, "resources"));
  TRY_VOID(merge_configurations(ra));
  TRY_VOID(run_generators(ra));
  for (const std::string& path : TRY(m_k.strings("components"))) {
    // A component is always a directory: a git URL is fetched before any local lookup.
    if (auto spec = parse_repo_spec(path)) {
      TRY_VOID(accumulate_remote(ra, *spec, "components", true));
      continue;
    }
    auto done = accumulate_directory(ra, path, true);
    if (!done) return std::unexpected(done.error().context("accumulating components"));
  }
  TRY_VOID(run_transformers(ra));
  TRY_VOID(run_validators(ra));
  TRY_VOID(merge_vars(ra));
  return {};
}

Result<void> Target::accumulate_resources(Accumulator& ra, const std::vector<std::string>& paths,
                                          std::string_view field) {
  for (const std::string& path : paths) {
    // kustomize tries a file first, then a git URL, then a directory.
    if (!m_loader.is_file(path)) {
      if (auto spec = parse_repo_spec(path)) {
        TRY_VOID(accumulate_remote(ra, *spec, field, false));
        continue;
      }
      if (is_remote_file(path)) {
        return fail(m_k.file, ": ", field, ": ", redact_url(path),
                    ": remote files over http are not supported yet");
      }
    }
    // A path out of a fetched repository is refused as a base (kustomize's message).
    if (m_loader.is_dir(path) || m_loader.leaves_repository(path)) {
      auto done = accumulate_directory(ra, path, false);
      if (!done) return std::unexpected(done.error().context("accumulating resources"));
      continue;
    }
    auto text = m_loader.load(path);
    if (!text) {
      return fail(m_k.file, ": accumulating resources: ", field, ": '", path,
                  "': ", text.error().message());
    }
    std::vector<Resource> loaded = TRY(parse_resources(*text, join_path(m_loader.root(), path)));
    for (Resource& r : loaded) {
      if (tracks_origin()) {
        r.set_annotation(k_origin_annotation, "path: " + quote_if_needed(origin_path(path)) + "\n" +
                                                  origin_repo_lines());
      }
      auto added = ra.resources.append(std::move(r));
      if (!added) {
        return fail(m_k.file, ": merging resources from '", path, "': ", added.error().message());
      }
    }
  }
  return {};
}

Result<void> Target::accumulate_directory(Accumulator& ra, std::string_view path, bool component) {
  Loader child = TRY(m_loader.child(path));
  OriginDir origin = m_origin;
  origin.path = origin_path(path);
  return accumulate_loader(ra, std::move(child), std::move(origin), component);
}

Result<void> Target::accumulate_remote(Accumulator& ra, const RepoSpec& spec,
                                       std::string_view field, bool component) {
  std::string url = redact_url(spec.raw);
  std::string clone = spec.clone_spec();
  auto redacted = [&](Error error) {
    std::string message = error.message();
    std::string safe = redact_url(clone);
    for (size_t at = message.find(clone); at != std::string::npos;
         at = message.find(clone, at + safe.size()))
      message.replace(at, clone.size(), safe);
    return fail(m_k.file, ": ", field, ": ", url, ": ", message);
  };
  if (m_state->options->remote == nullptr) {
    return fail(m_k.file, ": ", field, ": ", url,
                ": remote bases cannot be fetched here (no git access given to the build)");
  }
  std::string key = clone + "\n" + spec.ref;
  auto cached = m_state->remote_trees.find(key);
  if (cached == m_state->remote_trees.end()) {
    auto tree = m_state->options->remote->fetch(spec);
    if (!tree) {
      return redacted(tree.error().context("fetching ref " +
                                           (spec.ref.empty() ? std::string("HEAD") : spec.ref)));
    }
    cached = m_state->remote_trees.emplace(key, std::move(*tree)).first;
  }
  auto child = m_loader.remote(spec, cached->second);
  if (!child) return redacted(child.error());
  // kustomize's origin of a remote base: the path below the repository root, "notCloned"
  // when the entry names the root itself (it strips the first segment of its placeholder
  // clone directory).
  OriginDir origin{spec.kust_root_path.empty() ? "notCloned" : clean_path(spec.kust_root_path),
                   redact_url(clone), spec.ref};
  auto done = accumulate_loader(ra, std::move(*child), std::move(origin), component);
  if (!done) return redacted(done.error());
  return {};
}

Result<void> Target::accumulate_loader(Accumulator& ra, Loader child, OriginDir origin,
                                       bool component) {
  std::string dir =
      child.repo().empty() ? child.root() : child.repo() + "//" + child.root().substr(1);
  Target sub = TRY(Target::load(std::move(child), *m_state, std::move(origin), false));
  sub.inherit_build_metadata(m_k.get("buildMetadata"));
  if (component && !sub.m_k.is_component()) {
    return fail("expected kind 'Component' for path '", dir, "' but got '", sub.m_k.kind, "'");
  }
  if (!component && sub.m_k.is_component()) {
    return fail("expected kind != 'Component' for path '", dir, "'");
  }
  if (component) {
    auto done = sub.accumulate(ra);
    if (!done) return std::unexpected(done.error().context("accumulating component '" + dir + "'"));
    return {};
  }
  Accumulator sub_ra;
  auto done = sub.accumulate(sub_ra);
  if (!done) return std::unexpected(done.error().context("recursed accumulation of '" + dir + "'"));
  auto merged = ra.resources.append_all(sub_ra.resources);
  if (!merged) {
    return std::unexpected(merged.error().context("recursed merging from path '" + dir + "'"));
  }
  TRY_VOID(ra.merge_config(sub_ra));
  for (Var& v : sub_ra.vars) {
    for (const Var& have : ra.vars) {
      if (have.name == v.name) return fail("var '", v.name, "' already encountered");
    }
    ra.vars.push_back(std::move(v));
  }
  return {};
}

Result<void> Target::merge_configurations(Accumulator& ra) {
  for (const std::string& path : TRY(m_k.strings("configurations"))) {
    std::string text = TRY(m_loader.load(path));
    std::string source = join_path(m_loader.root(), path);
    Node doc = TRY(parse_yaml(text, source));
    TransformerConfig config = TRY(TransformerConfig::from_node(doc, source));
    TransformerConfig& mine = ra.config_mut();
    if (doc.is_map() && doc.find("namePrefix")) mine.name_prefix.clear();
    if (doc.is_map() && doc.find("nameSuffix")) mine.name_suffix.clear();
    TRY_VOID(mine.merge(config));
  }
  for (const std::string& path : TRY(m_k.strings("crds"))) {
    std::string text = TRY(m_loader.load(path));
    std::string source = join_path(m_loader.root(), path);
    TransformerConfig config = TRY(config_from_crds(text, source));
    TRY_VOID(ra.config_mut().merge(config));
  }
  return {};
}

Result<std::vector<Resource>> Target::plugin_configs(std::string_view field) {
  std::vector<Resource> out;
  std::vector<std::string> paths;
  const Node* entries = m_k.get(field);
  if (entries == nullptr) return out;
  if (!entries->is_list()) return fail(m_k.file, ": field '", field, "' must be a list");
  Accumulator temp;
  for (const Node& entry : entries->items()) {
    std::string_view text = entry.as_string();
    auto docs = parse_resources(text, m_k.file);
    bool inline_config = docs && !docs->empty();
    if (!inline_config) {
      paths.emplace_back(text);
      continue;
    }
    for (Resource& r : *docs) {
      if (tracks_origin()) {
        r.set_annotation(k_origin_annotation, origin_repo_lines() + "configuredIn: " +
                                                  origin_path(base_name(m_k.file)) + "\n");
      }
      TRY_VOID(temp.resources.append(std::move(r)));
    }
  }
  TRY_VOID(accumulate_resources(temp, paths, field));
  for (const Resource& r : temp.resources.items())
    out.push_back(r);
  return out;
}

Result<void> Target::run_generators(Accumulator& ra) {
  PluginContext ctx{&m_loader, &ra.config(), schema()};
  auto run = [&](const Node& config, std::string_view origin) -> Result<void> {
    auto made = run_generator(config, ctx);
    if (!made) return std::unexpected(made.error().context(m_k.file));
    ResourceSet generated = std::move(*made);
    for (Resource r : generated.items()) {
      if (tracks_origin()) r.set_annotation(k_origin_annotation, origin);
      auto done = absorb(ra.resources, std::move(r));
      if (!done) return std::unexpected(done.error().context(m_k.file));
    }
    return {};
  };
  const Node* options = m_k.get("generatorOptions");
  for (std::string_view field : {"configMapGenerator", "secretGenerator"}) {
    const Node* list = m_k.get(field);
    if (list == nullptr) continue;
    if (!list->is_list()) return fail(m_k.file, ": field '", field, "' must be a list");
    std::string kind = field == "configMapGenerator" ? "ConfigMapGenerator" : "SecretGenerator";
    for (const Node& args : list->items()) {
      Node config = args;
      config.set("kind", Node::string(kind));
      if (options != nullptr) config.set("globalOptions", *options);
      std::string origin = origin_repo_lines() +
                           "configuredIn: " + origin_path(base_name(m_k.file)) +
                           "\nconfiguredBy:\n  apiVersion: builtin\n  kind: " + kind + "\n";
      TRY_VOID(run(config, origin));
    }
  }
  for (const Resource& config : TRY(plugin_configs("generators"))) {
    std::string origin = configured_in(config.annotation(k_origin_annotation));
    Node plain = config.obj;
    if (Node* md = plain.find_mut("metadata")) {
      if (Node* an = md->find_mut("annotations")) {
        an->erase(k_origin_annotation);
        if (an->empty()) md->erase("annotations");
      }
    }
    origin += "configuredBy:\n  apiVersion: " + std::string(plain.string_at({"apiVersion"})) +
              "\n  kind: " + std::string(plain.string_at({"kind"})) + "\n";
    if (!plain.string_at({"metadata", "name"}).empty()) {
      origin += "  name: " + std::string(plain.string_at({"metadata", "name"})) + "\n";
    }
    TRY_VOID(run(plain, origin));
  }
  return {};
}

Result<void> Target::run_transformers(Accumulator& ra) {
  PluginContext ctx{&m_loader, &ra.config(), schema()};
  const TransformerConfig& tc = ra.config();
  std::vector<Transform> chain;
  std::vector<std::string> origins;  // the transformations annotation entry of each
  auto builtin_origin = [&](std::string_view kind) {
    return as_list_item(origin_repo_lines() + "configuredIn: " + origin_path(base_name(m_k.file)) +
                        "\nconfiguredBy:\n  apiVersion: builtin\n  kind: " + std::string(kind) +
                        "\n");
  };
  auto add = [&](Node config) -> Result<void> {
    auto made = make_transformer(config, ctx);
    if (!made) return std::unexpected(made.error().context(m_k.file));
    chain.push_back(std::move(*made));
    origins.push_back(builtin_origin(config.string_at({"kind"})));
    return {};
  };
  auto plugin = [](std::string_view kind) {
    Node n = Node::map();
    n.set("kind", Node::string(kind));
    return n;
  };
  if (const Node* smp = m_k.get("patchesStrategicMerge"); smp && !smp->empty()) {
    Node c = plugin("PatchStrategicMergeTransformer");
    c.set("paths", *smp);
    TRY_VOID(add(c));
  }
  if (const Node* patches = m_k.get("patches"); patches && patches->is_list()) {
    for (const Node& p : patches->items()) {
      Node c = p;
      c.set("kind", Node::string("PatchTransformer"));
      TRY_VOID(add(c));
    }
  }
  if (!m_k.string("namespace").empty()) {
    Node c = plugin("NamespaceTransformer");
    c["metadata"].set("namespace", Node::string(m_k.string("namespace")));
    c.set("fieldSpecs", field_specs_node(tc.name_space));
    TRY_VOID(add(c));
  }
  if (!m_k.string("namePrefix").empty()) {
    Node c = plugin("PrefixTransformer");
    c.set("prefix", Node::string(m_k.string("namePrefix")));
    c.set("fieldSpecs", field_specs_node(tc.name_prefix));
    TRY_VOID(add(c));
  }
  if (!m_k.string("nameSuffix").empty()) {
    Node c = plugin("SuffixTransformer");
    c.set("suffix", Node::string(m_k.string("nameSuffix")));
    c.set("fieldSpecs", field_specs_node(tc.name_suffix));
    TRY_VOID(add(c));
  }
  if (const Node* labels = m_k.get("labels"); labels && labels->is_list()) {
    for (const Node& entry : labels->items()) {
      FieldSpecs specs;
      if (const Node* fields = find_field(entry, "fields"); fields && fields->is_list()) {
        for (const Node& f : fields->items()) {
          FieldSpec spec = TRY(field_spec_from_node(f, m_k.file));
          TRY_VOID(merge_field_spec(specs, spec));
        }
      }
      const Node* selectors = find_field(entry, "includeSelectors");
      const Node* templates = find_field(entry, "includeTemplates");
      if (selectors && selectors->as_bool()) {
        for (const FieldSpec& s : tc.common_labels)
          TRY_VOID(merge_field_spec(specs, s));
      } else {
        TRY_VOID(merge_field_spec(specs, FieldSpec{{}, "metadata/labels", true}));
        if (templates && templates->as_bool()) {
          for (const FieldSpec& s : tc.template_labels)
            TRY_VOID(merge_field_spec(specs, s));
        }
      }
      for (const FieldSpec& s : tc.labels)
        TRY_VOID(merge_field_spec(specs, s));
      Node c = plugin("LabelTransformer");
      const Node* pairs = find_field(entry, "pairs");
      c.set("labels", pairs ? *pairs : Node::map());
      c.set("fieldSpecs", field_specs_node(specs));
      TRY_VOID(add(c));
    }
  }
  if (const Node* labels = m_k.get("commonLabels"); labels && !labels->empty()) {
    Node c = plugin("LabelTransformer");
    c.set("labels", *labels);
    c.set("fieldSpecs", field_specs_node(tc.common_labels));
    TRY_VOID(add(c));
  }
  if (const Node* annotations = m_k.get("commonAnnotations");
      annotations && !annotations->empty()) {
    Node c = plugin("AnnotationsTransformer");
    c.set("annotations", *annotations);
    c.set("fieldSpecs", field_specs_node(tc.common_annotations));
    TRY_VOID(add(c));
  }
  if (const Node* patches = m_k.get("patchesJson6902"); patches && patches->is_list()) {
    for (const Node& p : patches->items()) {
      Node c = plugin("PatchJson6902Transformer");
      if (const Node* t = find_field(p, "target")) c.set("target", *t);
      if (const Node* path = find_field(p, "path")) c.set("path", *path);
      if (const Node* op = find_field(p, "patch")) c.set("jsonOp", *op);
      TRY_VOID(add(c));
    }
  }
  if (const Node* replicas = m_k.get("replicas"); replicas && replicas->is_list()) {
    for (const Node& r : replicas->items()) {
      Node c = plugin("ReplicaCountTransformer");
      c.set("replica", r);
      c.set("fieldSpecs", field_specs_node(tc.replicas));
      TRY_VOID(add(c));
    }
  }
  if (const Node* images = m_k.get("images"); images && images->is_list() && !images->empty()) {
    std::vector<Node> configs;
    std::string entries;
    for (const Node& image : images->items()) {
      Node c = plugin("ImageTagTransformer");
      c.set("imageTag", image);
      c.set("fieldSpecs", field_specs_node(tc.images));
      configs.push_back(std::move(c));
      entries += builtin_origin("ImageTagTransformer");
    }
    chain.push_back(TRY(make_image_tags(configs)));
    origins.push_back(entries);
  }
  if (const Node* replacements = m_k.get("replacements"); replacements && !replacements->empty()) {
    Node c = plugin("ReplacementTransformer");
    c.set("replacements", *replacements);
    TRY_VOID(add(c));
  }
  for (const Resource& config : TRY(plugin_configs("transformers"))) {
    Node plain = config.obj;
    std::string entry =
        configured_in(config.annotation(k_origin_annotation)) +
        "configuredBy:\n  apiVersion: " + std::string(plain.string_at({"apiVersion"})) +
        "\n  kind: " + std::string(plain.string_at({"kind"})) + "\n";
    if (!plain.string_at({"metadata", "name"}).empty()) {
      entry += "  name: " + std::string(plain.string_at({"metadata", "name"})) + "\n";
    }
    entry = as_list_item(entry);
    if (Node* md = plain.find_mut("metadata")) {
      if (Node* an = md->find_mut("annotations")) {
        an->erase(k_origin_annotation);
        if (an->empty()) md->erase("annotations");
      }
    }
    auto t = make_transformer(plain, ctx);
    if (!t) return std::unexpected(t.error().context(m_k.file + ": transformers"));
    chain.push_back(std::move(*t));
    origins.push_back(entry);
  }
  bool annotate = m_k.has_build_metadata("transformerAnnotations");
  for (size_t i = 0; i < chain.size(); ++i) {
    auto done = chain[i](ra.resources);
    if (!done) return std::unexpected(done.error().context(m_k.file));
    if (!annotate) continue;
    for (Resource& r : ra.resources.mut()) {
      std::string list(r.annotation(k_transformations_annotation));
      r.set_annotation(k_transformations_annotation, list + origins[i]);
    }
  }
  return {};
}

Result<void> Target::run_validators(Accumulator& ra) {
  PluginContext ctx{&m_loader, &ra.config(), schema()};
  for (const Resource& config : TRY(plugin_configs("validators"))) {
    Transform t = TRY(make_transformer(config.obj, ctx));
    ResourceSet copy = ra.resources;
    TRY_VOID(t(copy));
  }
  return {};
}

Result<void> Target::merge_vars(Accumulator& ra) {
  const Node* vars = m_k.get("vars");
  if (vars == nullptr) return {};
  if (!vars->is_list()) return fail(m_k.file, ": field 'vars' must be a list");
  for (const Node& entry : vars->items()) {
    Var v;
    v.name = std::string(entry.string_at({"name"}));
    const Node* ref = find_field(entry, "objref");
    if (ref == nullptr) return fail(m_k.file, ": var '", v.name, "' has no objref");
    v.gvk = Gvk::from_api_version(ref->string_at({"apiVersion"}), ref->string_at({"kind"}));
    if (const Node* g = ref->find("group"); g && v.gvk.group.empty()) {
      v.gvk.group = std::string(g->as_string());
    }
    if (const Node* ver = ref->find("version"); ver && v.gvk.version.empty()) {
      v.gvk.version = std::string(ver->as_string());
    }
    v.obj_name = std::string(ref->string_at({"name"}));
    v.obj_namespace = std::string(ref->string_at({"namespace"}));
    v.field_path = "metadata.name";
    if (const Node* fr = find_field(entry, "fieldref")) {
      std::string_view fp = fr->string_at({"fieldpath"});
      if (fp.empty()) fp = fr->string_at({"fieldPath"});
      if (!fp.empty()) v.field_path = std::string(fp);
    }
    ResId target{v.gvk, v.obj_name, v.obj_namespace};
    bool exact_ns = !v.obj_namespace.empty() || v.gvk.cluster_scoped();
    std::vector<size_t> matched;
    for (size_t i : ra.resources.by_any_name(v.obj_name)) {
      const Resource& r = ra.resources[i];
      std::vector<ResId> ids = r.previous;
      ids.push_back(r.cur_id());
      for (const ResId& id : ids) {
        bool hit = id.gvk == target.gvk && id.name == target.name &&
                   (!exact_ns || id.effective_namespace() == target.effective_namespace());
        if (hit) {
          matched.push_back(i);
          break;
        }
      }
    }
    if (matched.size() > 1) {
      return fail(m_k.file, ": found ", std::to_string(matched.size()), " resId matches for var ",
                  v.name, " (unable to disambiguate)");
    }
    if (matched.size() == 1) ra.resources.mut()[matched[0]].ref_var_names.push_back(v.name);
    for (const Var& have : ra.vars) {
      if (have.name == v.name) return fail(m_k.file, ": var '", v.name, "' already encountered");
    }
    ra.vars.push_back(std::move(v));
  }
  return {};
}

}  // namespace plumb::render
