#include "controller/helmrelease_types.hpp"

#include <algorithm>

#include "controller/spec_reader.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
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
  out.remediate_last_failure = out.retries != 0;  // Flux's default
  if (const Node* last = node->find("remediateLastFailure"); last && !last->is_null()) {
    if (!last->is_bool()) return r.bad(field + ".remediateLastFailure", "must be true or false");
    out.remediate_last_failure = last->as_bool();
  }
  std::string_view strategy = node->string_at({"strategy"});
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

// Flux's release name: [targetNamespace-]name; Helm refuses names over 53 characters.
Result<std::string> release_name(const SpecReader& r, const HelmReleaseSpec& spec) {
  std::string name = TRY(r.string("releaseName"));
  if (name.empty()) {
    name = std::string(r.object.string_at({"metadata", "name"}));
    if (!spec.target_namespace.empty()) name = spec.target_namespace + "-" + name;
  }
  if (name.size() > 53)
    return r.bad("releaseName", "'" + name + "' is longer than Helm's 53 characters");
  return name;
}

// Go's json.Marshal of a map: keys sorted, recursively.
Node sorted_keys(const Node& value) {
  if (value.is_list()) {
    Node out = Node::list(value.size());
    for (const Node& item : value.items())
      out.push_back(sorted_keys(item));
    return out;
  }
  if (!value.is_map()) return value;
  std::vector<const MapEntry*> entries;
  for (const MapEntry& e : value.entries())
    entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
    return a->key.as_string() < b->key.as_string();
  });
  Node out = Node::map(entries.size());
  for (const MapEntry* e : entries)
    out.set(e->key.as_string(), sorted_keys(e->value));
  return out;
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

Result<HelmReleaseSpec> parse_helm_release(const Node& object) {
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
  std::string_view drift = object.string_at({"spec", "driftDetection", "mode"});
  if (!drift.empty() && drift != "enabled" && drift != "warn" && drift != "disabled")
    return r.bad("driftDetection.mode",
                 "must be enabled, warn or disabled, not '" + std::string(drift) + "'");
  spec.drift_detection = drift == "enabled";
  if (const Node* deps = r.spec("dependsOn"); deps && deps->is_list()) {
    for (const Node& d : deps->items()) {
      std::string dep_ns(d.string_at({"namespace"}));
      spec.depends_on.push_back(
          NamespacedName{dep_ns.empty() ? ns : dep_ns, std::string(d.string_at({"name"}))});
    }
  }
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

std::string values_digest(const Node& values) {
  return source::sha256_digest(to_json(sorted_keys(values)));
}

}  // namespace plumb::controller
