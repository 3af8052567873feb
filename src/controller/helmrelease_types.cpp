#include "controller/helmrelease_types.hpp"

#include <algorithm>

#include "controller/spec_reader.hpp"
#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/sort_keys.hpp"
#include "core/yaml.hpp"
#include "helm/render_values.hpp"
#include "helm/sigs_yaml.hpp"
#include "helm/strvals.hpp"
#include "source/digest.hpp"

namespace plumb::controller {
namespace {

Result<CrdPolicy> crd_policy(const SpecReader& r, std::string_view section, CrdPolicy fallback) {
  std::string_view text = r.object.string_at({"spec", section, "crds"});
  if (text.empty()) return fallback;
  if (text == "Skip") return CrdPolicy::skip;
  if (text == "Create") return CrdPolicy::create;
  if (text == "CreateReplace") return CrdPolicy::create_replace;
  return r.bad(std::string(section) + ".crds",
               "must be Skip, Create or CreateReplace, not '" + std::string(text) + "'");
}

Result<HelmRemediation> remediation(const SpecReader& r, std::string_view section) {
  HelmRemediation out;
  const Node* node = r.object.at_path({"spec", section, "remediation"});
  if (!node || node->is_null()) return out;
  std::string field = std::string(section) + ".remediation";
  if (!node->is_map()) return r.bad(field, "must be an object");
  if (const Node* retries = node->find("retries"); retries && !retries->is_null()) {
    if (!retries->is_int()) return r.bad(field + ".retries", "must be an integer");
    out.retries = int(retries->as_int());
  }
  // Flux's defaults: an upgrade remediates its last failure when it has retries, an install
  // only when told.
  out.remediate_last_failure = section == "upgrade" && out.retries > 0;
  if (const Node* last = node->find("remediateLastFailure"); last && !last->is_null()) {
    if (!last->is_bool()) return r.bad(field + ".remediateLastFailure", "must be true or false");
    out.remediate_last_failure = last->as_bool();
  }
  std::string_view strategy = node->string_at({"strategy"});
  if (section == "install") {
    out.uninstall = true;  // InstallRemediation.GetStrategy: always uninstall
    if (!strategy.empty()) return r.bad(field + ".strategy", "is not a field of install");
    return out;
  }
  if (!strategy.empty() && strategy != "rollback" && strategy != "uninstall")
    return r.bad(field + ".strategy",
                 "must be rollback or uninstall, not '" + std::string(strategy) + "'");
  out.uninstall = strategy == "uninstall";
  return out;
}

Result<std::vector<ValuesReference>> values_from(const SpecReader& r) {
  std::vector<ValuesReference> out;
  const Node* list = r.spec("valuesFrom");
  if (!list || list->is_null()) return out;
  if (!list->is_list()) return r.bad("valuesFrom", "must be a list");
  for (const Node& entry : list->items()) {
    ValuesReference ref;
    ref.kind = std::string(entry.string_at({"kind"}));
    ref.name = std::string(entry.string_at({"name"}));
    if (ref.kind != "ConfigMap" && ref.kind != "Secret")
      return r.bad("valuesFrom.kind", "must be ConfigMap or Secret, not '" + ref.kind + "'");
    if (ref.name.empty()) return r.bad("valuesFrom.name", "is required");
    if (std::string_view key = entry.string_at({"valuesKey"}); !key.empty())
      ref.values_key = std::string(key);
    ref.target_path = std::string(entry.string_at({"targetPath"}));
    const Node* optional = entry.find("optional");
    ref.optional = optional && optional->as_bool();
    out.push_back(std::move(ref));
  }
  return out;
}

Result<bool> flag(const SpecReader& r, std::initializer_list<std::string_view> path,
                  std::string_view field, bool fallback) {
  const Node* node = r.object.at_path(path);
  if (!node || node->is_null()) return fallback;
  if (!node->is_bool()) return r.bad(field, "must be true or false");
  return node->as_bool();
}

Result<HelmHookOptions> hook_options(const SpecReader& r) {
  HelmHookOptions out;
  out.install_disabled =
      TRY(flag(r, {"spec", "install", "disableHooks"}, "install.disableHooks", false));
  out.upgrade_disabled =
      TRY(flag(r, {"spec", "upgrade", "disableHooks"}, "upgrade.disableHooks", false));
  out.rollback_disabled =
      TRY(flag(r, {"spec", "rollback", "disableHooks"}, "rollback.disableHooks", false));
  out.uninstall_disabled =
      TRY(flag(r, {"spec", "uninstall", "disableHooks"}, "uninstall.disableHooks", false));
  out.test = TRY(flag(r, {"spec", "test", "enable"}, "test.enable", false));
  bool ignore = TRY(flag(r, {"spec", "test", "ignoreFailures"}, "test.ignoreFailures", false));
  out.install_ignore_test_failures =
      TRY(flag(r, {"spec", "install", "remediation", "ignoreTestFailures"},
               "install.remediation.ignoreTestFailures", ignore));
  out.upgrade_ignore_test_failures =
      TRY(flag(r, {"spec", "upgrade", "remediation", "ignoreTestFailures"},
               "upgrade.remediation.ignoreTestFailures", ignore));
  if (const Node* timeout = r.object.at_path({"spec", "test", "timeout"});
      timeout && !timeout->is_null()) {
    auto parsed = parse_duration(timeout->as_string());
    if (!parsed) return r.bad("test.timeout", parsed.error().message());
    out.test_timeout = std::chrono::duration_cast<milliseconds>(*parsed);
  }
  return out;
}

// Flux's release name: releaseName (at most 53 characters, the CRD's limit), else
// [targetNamespace-]name shortened; either must be a name Helm accepts.
Result<std::string> release_name(const SpecReader& r, const HelmReleaseSpec& spec) {
  std::string name = TRY(r.string("releaseName"));
  if (name.size() > 53)
    return r.bad("releaseName", "'" + name + "' is longer than Helm's 53 characters");
  if (name.empty()) {
    name = std::string(r.object.string_at({"metadata", "name"}));
    if (!spec.target_namespace.empty()) name = spec.target_namespace + "-" + name;
    name = shorten_release_name(name);
  }
  if (auto valid = helm::validate_release_name(name); !valid) {
    std::string message = valid.error().message();
    constexpr std::string_view prefix = "release name check failed: ";  // helm template's
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    return r.bad("releaseName", message);
  }
  return name;
}

// A kustomize Selector (fluxcd/pkg/apis/kustomize): the keys a patch target or an ignore
// rule's target may have, each a string.
Result<Node> selector(const SpecReader& r, const std::string& field, const Node& target) {
  if (target.is_null()) return Node();
  if (!target.is_map()) return r.bad(field, "must be an object");
  static constexpr std::string_view keys[] = {
      "group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"};
  for (const MapEntry& e : target.entries()) {
    std::string_view key = e.key.as_string();
    if (std::find(std::begin(keys), std::end(keys), key) == std::end(keys))
      return r.bad(field + "." + std::string(key), "is not a field of a target selector");
    if (!e.value.is_string() && !e.value.is_null())
      return r.bad(field + "." + std::string(key), "must be a string");
  }
  return target;
}

// spec.postRenderers: each entry's kustomize patches and images (the v2 API has no other
// post-renderer; v2beta1's patchesStrategicMerge/patchesJson6902 are gone from it).
Result<std::vector<KustomizePostRenderer>> post_renderers(const SpecReader& r) {
  std::vector<KustomizePostRenderer> out;
  Node list = TRY(r.list("postRenderers"));
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = "postRenderers[" + std::to_string(i) + "]";
    const Node& entry = list.items()[i];
    if (!entry.is_map()) return r.bad(field, "must be an object");
    KustomizePostRenderer renderer;
    const Node* kustomize = entry.find("kustomize");
    if (!kustomize || kustomize->is_null()) continue;  // a post-renderer without one does nothing
    field += ".kustomize";
    if (!kustomize->is_map()) return r.bad(field, "must be an object");
    for (const MapEntry& e : kustomize->entries()) {
      std::string_view key = e.key.as_string();
      if (key != "patches" && key != "images")
        return r.bad(field + "." + std::string(key),
                     "is not a field of HelmRelease v2's kustomize post-renderer (patches and "
                     "images are)");
    }
    if (const Node* patches = kustomize->find("patches"); patches && !patches->is_null()) {
      if (!patches->is_list()) return r.bad(field + ".patches", "must be a list");
      renderer.patches = Node::list();
      for (size_t j = 0; j < patches->size(); ++j) {
        std::string at = field + ".patches[" + std::to_string(j) + "]";
        const Node& p = patches->items()[j];
        if (!p.is_map()) return r.bad(at, "must be an object");
        const Node* text = p.find("patch");
        if (!text || !text->is_string() || text->as_string().empty())
          return r.bad(at + ".patch", "is required");
        Node patch = Node::map();
        patch.set("patch", *text);
        const Node* target = p.find("target");
        Node t = TRY(selector(r, at + ".target", target ? *target : Node()));
        if (!t.is_null()) patch.set("target", t);
        renderer.patches.push_back(std::move(patch));
      }
    }
    if (const Node* images = kustomize->find("images"); images && !images->is_null()) {
      if (!images->is_list()) return r.bad(field + ".images", "must be a list");
      renderer.images = Node::list();
      for (size_t j = 0; j < images->size(); ++j) {
        std::string at = field + ".images[" + std::to_string(j) + "]";
        const Node& image = images->items()[j];
        if (!image.is_map() || image.string_at({"name"}).empty())
          return r.bad(at + ".name", "is required");
        Node copy = Node::map();
        for (std::string_view key : {"name", "newName", "newTag", "digest"}) {
          const Node* v = image.find(key);
          if (!v || v->is_null()) continue;
          if (!v->is_string()) return r.bad(at + "." + std::string(key), "must be a string");
          copy.set(key, *v);
        }
        renderer.images.push_back(std::move(copy));
      }
    }
    out.push_back(std::move(renderer));
  }
  return out;
}

Result<void> drift_detection(const SpecReader& r, HelmReleaseSpec& spec) {
  const Node* drift = r.spec("driftDetection");
  if (!drift || drift->is_null()) return {};
  if (!drift->is_map()) return r.bad("driftDetection", "must be an object");
  std::string_view mode = drift->string_at({"mode"});
  if (mode == "enabled") {
    spec.drift_mode = DriftMode::enabled;
  } else if (mode == "warn") {
    spec.drift_mode = DriftMode::warn;
  } else if (!mode.empty() && mode != "disabled") {
    return r.bad("driftDetection.mode",
                 "must be enabled, warn or disabled, not '" + std::string(mode) + "'");
  }
  const Node* ignore = drift->find("ignore");
  if (!ignore || ignore->is_null()) return {};
  if (!ignore->is_list()) return r.bad("driftDetection.ignore", "must be a list");
  for (size_t i = 0; i < ignore->size(); ++i) {
    std::string at = "driftDetection.ignore[" + std::to_string(i) + "]";
    const Node& entry = ignore->items()[i];
    if (!entry.is_map()) return r.bad(at, "must be an object");
    const Node* paths = entry.find("paths");
    if (!paths || !paths->is_list() || paths->size() == 0)
      return r.bad(at + ".paths", "is required (a list of JSON pointers)");
    DriftIgnoreRule rule;
    for (const Node& p : paths->items()) {
      if (!p.is_string() || (!p.as_string().empty() && p.as_string()[0] != '/'))
        return r.bad(at + ".paths", "must be JSON pointers (\"/spec/replicas\")");
      rule.paths.emplace_back(p.as_string());
    }
    const Node* target = entry.find("target");
    rule.target = TRY(selector(r, at + ".target", target ? *target : Node()));
    spec.drift_ignore.push_back(std::move(rule));
  }
  return {};
}

// The text of one valuesFrom key; nullopt when an optional object or key is missing.
Result<std::optional<std::string>> reference_text(const ValuesReference& ref, std::string_view ns,
                                                  const ObjectLookup& lookup) {
  std::string id = ref.kind + " '" + std::string(ns) + "/" + ref.name + "'";
  auto object = TRY(lookup(ref.kind, ns, ref.name));
  if (!object) {
    if (ref.optional) return std::nullopt;
    return fail("could not find ", id);
  }
  const Node* data = object->at_path({"data", ref.values_key});
  if (!data || !data->is_string()) {
    if (ref.optional) return std::nullopt;
    return fail("missing key '", ref.values_key, "' in ", id);
  }
  if (ref.kind == "ConfigMap") return std::string(data->as_string());
  auto decoded = base64_decode(data->as_string());
  if (!decoded) return fail("key '", ref.values_key, "' in ", id, " is not base64");
  return std::move(*decoded);
}

}  // namespace

namespace {

// spec.chartRef {kind, name, namespace}: the rest of the spec read as with a chart template
// (one without a chart of its own), then the reference put in its place.
Result<HelmReleaseSpec> parse_with_chart_ref(const Node& object, const Node& ref) {
  SpecReader r(object);
  if (object.at_path({"spec", "chart"}))
    return r.bad("chartRef", "and spec.chart exclude each other");
  SourceRef source{std::string(ref.string_at({"kind"})), std::string(ref.string_at({"name"})),
                   std::string(ref.string_at({"namespace"}))};
  if (source.kind != "OCIRepository" && source.kind != "HelmChart")
    return r.bad("chartRef.kind", "must be OCIRepository or HelmChart, not '" + source.kind + "'");
  if (source.name.empty()) return r.bad("chartRef.name", "is required");
  if (source.namespace_.empty()) source.namespace_ = object.string_at({"metadata", "namespace"});
  Node templated = object;
  Node& chart = templated["spec"]["chart"]["spec"];
  chart.set("chart", Node::string("."));
  chart["sourceRef"].set("kind", Node::string("GitRepository"));
  chart["sourceRef"].set("name", Node::string(source.name));
  templated["spec"].erase("chartRef");
  HelmReleaseSpec spec = TRY(parse_helm_release(templated));
  spec.chart.clear();
  spec.source_ref = std::move(source);
  spec.chart_ref = true;
  return spec;
}

}  // namespace

Result<HelmReleaseSpec> parse_helm_release(const Node& object) {
  if (const Node* ref = object.at_path({"spec", "chartRef"}); ref && !ref->is_null())
    return parse_with_chart_ref(object, *ref);
  SpecReader r(object);
  HelmReleaseSpec spec;
  std::string ns(object.string_at({"metadata", "namespace"}));
  spec.interval = TRY(r.duration("interval", true)).value();
  spec.timeout = TRY(r.duration("timeout", false)).value_or(milliseconds{0});
  spec.suspend = TRY(r.boolean("suspend"));
  const Node* chart = object.at_path({"spec", "chart", "spec"});
  if (!chart || !chart->is_map()) return r.bad("chart.spec", "is required");
  spec.chart = std::string(chart->string_at({"chart"}));
  if (spec.chart.empty()) return r.bad("chart.spec.chart", "is required");
  if (std::string_view v = chart->string_at({"version"}); !v.empty()) spec.version = v;
  spec.source_ref.kind = std::string(chart->string_at({"sourceRef", "kind"}));
  spec.source_ref.name = std::string(chart->string_at({"sourceRef", "name"}));
  spec.source_ref.namespace_ = std::string(chart->string_at({"sourceRef", "namespace"}));
  if (spec.source_ref.namespace_.empty()) spec.source_ref.namespace_ = ns;
  if (spec.source_ref.name.empty()) return r.bad("chart.spec.sourceRef.name", "is required");
  if (spec.source_ref.kind != "GitRepository" && spec.source_ref.kind != "HelmRepository" &&
      spec.source_ref.kind != "Bucket")
    return r.bad("chart.spec.sourceRef.kind",
                 "must be GitRepository, HelmRepository or Bucket, "
                 "not '" +
                     spec.source_ref.kind + "'");
  if (const Node* files = chart->find("valuesFiles"); files && files->is_list()) {
    for (const Node& f : files->items())
      spec.values_files.emplace_back(f.as_string());
  } else if (std::string_view file = chart->string_at({"valuesFile"}); !file.empty()) {
    spec.values_files.emplace_back(file);
  }
  if (const Node* ignore = chart->find("ignoreMissingValuesFiles"); ignore && !ignore->is_null()) {
    if (!ignore->is_bool())
      return r.bad("chart.spec.ignoreMissingValuesFiles", "must be true or false");
    spec.ignore_missing_values_files = ignore->as_bool();
  }
  spec.target_namespace = TRY(r.string("targetNamespace"));
  spec.storage_namespace = TRY(r.string("storageNamespace"));
  if (spec.storage_namespace.empty()) spec.storage_namespace = ns;
  spec.release_name = TRY(release_name(r, spec));
  if (const Node* values = r.spec("values"); values && !values->is_null()) {
    if (!values->is_map()) return r.bad("values", "must be an object");
    spec.values = *values;
  }
  spec.values_from = TRY(values_from(r));
  spec.install_crds = TRY(crd_policy(r, "install", CrdPolicy::create));
  spec.upgrade_crds = TRY(crd_policy(r, "upgrade", CrdPolicy::skip));
  spec.install_remediation = TRY(remediation(r, "install"));
  spec.upgrade_remediation = TRY(remediation(r, "upgrade"));
  if (const Node* keep = object.at_path({"spec", "uninstall", "keepHistory"}))
    spec.keep_history = keep->as_bool();
  if (const Node* max = r.spec("maxHistory"); max && !max->is_null()) {
    if (!max->is_int() || max->as_int() < 0)
      return r.bad("maxHistory", "must be a non-negative integer");
    spec.max_history = int(max->as_int());
  }
  TRY_VOID(drift_detection(r, spec));
  spec.post_renderers = TRY(post_renderers(r));
  std::string strategy = TRY(r.string("postRenderStrategy"));
  if (strategy == "nohooks") {
    spec.post_render_strategy = PostRenderStrategy::nohooks;
  } else if (strategy == "separate") {
    spec.post_render_strategy = PostRenderStrategy::separate;
  } else if (!strategy.empty() && strategy != "combined") {
    return r.bad("postRenderStrategy",
                 "must be nohooks, combined or separate, not '" + strategy + "'");
  }
  if (const Node* deps = r.spec("dependsOn"); deps && deps->is_list()) {
    for (const Node& d : deps->items()) {
      std::string dep_ns(d.string_at({"namespace"}));
      spec.depends_on.push_back(
          NamespacedName{dep_ns.empty() ? ns : dep_ns, std::string(d.string_at({"name"}))});
    }
  }
  spec.hooks = TRY(hook_options(r));
  return spec;
}

Node merge_maps(Node a, const Node& b) {
  if (!a.is_map()) a = Node::map();
  if (!b.is_map()) return a;
  for (const MapEntry& e : b.entries()) {
    Node* into = a.find_mut(e.key.as_string());
    if (into && into->is_map() && e.value.is_map()) {
      *into = merge_maps(std::move(*into), e.value);
    } else {
      a.set(e.key.as_string(), e.value);
    }
  }
  return a;
}

Result<Node> compose_values(const HelmReleaseSpec& spec, std::string_view ns,
                            const ObjectLookup& lookup) {
  Node result = Node::map();
  for (const ValuesReference& ref : spec.values_from) {
    std::optional<std::string> text = TRY(reference_text(ref, ns, lookup));
    if (!text) continue;
    std::string id = ref.kind + " '" + std::string(ns) + "/" + ref.name + "'";
    if (ref.target_path.empty()) {
      auto values = parse_yaml(*text, ref.values_key);
      if (!values)
        return fail("unable to read values from key '", ref.values_key, "' in ", id, ": ",
                    values.error().message());
      if (!values->is_null() && !values->is_map())
        return fail("unable to read values from key '", ref.values_key, "' in ", id, ": not a map");
      result = merge_maps(std::move(result), *values);
      continue;
    }
    // Flux's ReplacePathValue: the text as a string at the path (commas escaped).
    std::string escaped;
    for (char c : *text) {
      if (c == ',') escaped += '\\';
      escaped += c;
    }
    if (auto set = helm::parse_set_string(ref.target_path + "=" + escaped, result); !set)
      // The parser's message may quote the value: not repeated.
      return fail("unable to replace value at path '", ref.target_path, "' from ", id);
  }
  return merge_maps(std::move(result), spec.values);
}

std::string shorten_release_name(std::string_view name) {
  constexpr size_t max_length = 53, hash_length = 12;
  if (name.size() <= max_length) return std::string(name);
  return std::string(name.substr(0, max_length - (hash_length + 1))) + "-" +
         source::sha256_hex(name).substr(0, hash_length);
}

Result<Node> merge_values_files(const HelmReleaseSpec& spec, const ValuesFileReader& read) {
  Node merged = Node::map();
  for (const std::string& path : spec.values_files) {
    std::optional<std::string> text = TRY(read(path));
    if (!text) {
      if (spec.ignore_missing_values_files) continue;
      if (spec.source_ref.kind == "HelmRepository")  // a path in the chart
        return fail("no values file found at path '", path, "'");
      return fail("no values file found at path '", clean_path("/" + path), "' (reference '", path,
                  "')");
    }
    auto values = helm::yaml_to_map(*text);
    if (!values)
      return fail("unmarshaling values from '", path, "' failed: ", values.error().message());
    merged = merge_maps(std::move(merged), *values);
  }
  return merged;
}

std::string values_digest(const Node& values) {
  return source::sha256_digest(to_json(sort_keys(values)));
}

}  // namespace plumb::controller
