// SealedSecret objects: the scope they declare, the Secret they unseal to (as the
// sealed-secrets controller builds it) and the SealedSecret of a Secret (as kubeseal writes it).
#include <algorithm>
#include <array>
#include <memory>

#include "core/base64.hpp"
#include "gotemplate/template.hpp"
#include "sealed/openssl.hpp"
#include "sealed/sealed.hpp"
#include "sprig/sprig.hpp"

namespace plumb::sealed {
namespace {

// ObjectMeta's fields in the order Go's encoding/json writes them.
constexpr std::array<std::string_view, 15> k_object_meta_order = {"name",
                                                                  "generateName",
                                                                  "namespace",
                                                                  "selfLink",
                                                                  "uid",
                                                                  "resourceVersion",
                                                                  "generation",
                                                                  "creationTimestamp",
                                                                  "deletionTimestamp",
                                                                  "deletionGracePeriodSeconds",
                                                                  "labels",
                                                                  "annotations",
                                                                  "ownerReferences",
                                                                  "finalizers",
                                                                  "managedFields"};
// What kubeseal strips from the Secret's metadata before it becomes the template: fields the
// server sets, and ownerReferences.
constexpr std::array<std::string_view, 8> k_stripped_meta = {
    "selfLink",          "uid",
    "resourceVersion",   "generation",
    "deletionTimestamp", "deletionGracePeriodSeconds",
    "ownerReferences",   "creationTimestamp"};
// Annotations holding a whole copy of the object (the plaintext Secret included).
constexpr std::array<std::string_view, 2> k_last_applied = {
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration"};

std::string object_ref(const Node& object) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  return ns.empty() ? name : ns + "/" + name;
}

bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<bool> annotation_flag(const Node& metadata, std::string_view annotation) {
  const Node* value = metadata.at_path({"annotations", annotation});
  if (value == nullptr || value->is_null()) return false;
  if (value->is_bool()) return value->as_bool();
  if (value->is_string() && value->as_string() == "true") return true;
  if (value->is_string() && value->as_string() == "false") return false;
  return fail("annotation ", annotation, ": must be \"true\" or \"false\"");
}

Node sorted_string_map(const Node& map) {
  std::vector<const MapEntry*> entries;
  for (const MapEntry& entry : map.entries())
    entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
    return a->key.as_string() < b->key.as_string();
  });
  Node out = Node::map(entries.size());
  for (const MapEntry* entry : entries)
    out.set(entry->key.as_string(), entry->value);
  return out;
}

// --- unsealing ----------------------------------------------------------------------------

std::shared_ptr<const gotemplate::FuncMap> template_functions() {
  // sprig's generic functions without env, expandenv and getHostByName, as the controller
  // gives spec.template.data: a template learns nothing about the controller's environment.
  static const auto k_funcs = [] {
    gotemplate::FuncMap funcs = sprig::functions();
    funcs.remove("getHostByName");
    return std::make_shared<const gotemplate::FuncMap>(std::move(funcs));
  }();
  return k_funcs;
}

struct Unsealed {
  Node data = Node::map();       // key → base64 of the value, for the Secret
  Node plaintext = Node::map();  // key → value, what data templates see
  std::vector<std::string> errors;
};

void open_values(const Node& encrypted, const std::vector<KeyPair>& keys, std::string_view label,
                 Unsealed& out) {
  Node sorted = sorted_string_map(encrypted);
  for (const MapEntry& entry : sorted.entries()) {
    std::string key(entry.key.as_string());
    std::string where = "spec.encryptedData." + key + ": ";
    if (!entry.value.is_string()) {
      out.errors.push_back(where + "not a string");
      continue;
    }
    auto sealed_bytes = base64_decode(entry.value.as_string());
    if (!sealed_bytes) {
      out.errors.push_back(where + "not base64");
      continue;
    }
    auto plaintext = unseal(keys, label, *sealed_bytes);
    if (!plaintext) {
      out.errors.push_back(where + plaintext.error().message());
      continue;
    }
    out.data.set(key, Node::string(base64_encode(*plaintext)));
    out.plaintext.set(key, Node::string(*plaintext));
  }
}

void render_templates(const Node& templates, Unsealed& out) {
  gotemplate::Value dot = gotemplate::Value::from_node(out.plaintext);
  Node sorted = sorted_string_map(templates);
  for (const MapEntry& entry : sorted.entries()) {
    std::string key(entry.key.as_string());
    std::string where = "spec.template.data." + key + ": ";
    if (!entry.value.is_string()) {
      out.errors.push_back(where + "not a string");
      continue;
    }
    gotemplate::TemplateSet set(key, template_functions());
    if (auto parsed = set.parse(key, std::string(entry.value.as_string())); !parsed) {
      out.errors.push_back(where + parsed.error().message());
      continue;
    }
    auto rendered = set.execute(key, dot);
    if (!rendered) {
      // Go's execution errors quote the values a function choked on: plaintext.
      out.errors.push_back(where +
                           "executing the template failed (details withheld: they may "
                           "quote secret values)");
      continue;
    }
    out.data.set(key, Node::string(base64_encode(*rendered)));
  }
}

Node owner_reference(const Node& sealed_secret) {
  Node ref = Node::map();
  std::string_view api_version = sealed_secret.string_at({"apiVersion"});
  ref.set("apiVersion", Node::string(api_version.empty() ? k_api_version : api_version));
  ref.set("kind", Node::string(k_kind));
  ref.set("name", Node::string(sealed_secret.string_at({"metadata", "name"})));
  ref.set("uid", Node::string(sealed_secret.string_at({"metadata", "uid"})));
  ref.set("controller", Node::boolean(true));
  Node refs = Node::list(1);
  refs.push_back(ref);
  return refs;
}

Node secret_metadata(const Node& sealed_secret, const Node& template_spec) {
  const Node* template_meta = template_spec.find("metadata");
  Node metadata =
      template_meta != nullptr && template_meta->is_map() ? *template_meta : Node::map();
  if (const Node* created = metadata.find("creationTimestamp"); created && created->is_null())
    metadata.erase("creationTimestamp");
  metadata.set("name", Node::string(sealed_secret.string_at({"metadata", "name"})));
  metadata.set("namespace", Node::string(sealed_secret.string_at({"metadata", "namespace"})));
  const Node* skip = metadata.at_path({"annotations", k_skip_owner_annotation});
  bool skip_owner = skip != nullptr && skip->is_string() && skip->as_string() == "true";
  if (!skip_owner) metadata.set("ownerReferences", owner_reference(sealed_secret));
  return metadata;
}

Result<Node> build_secret(const Node& sealed_secret, const std::vector<KeyPair>& keys) {
  const Node* spec = sealed_secret.find("spec");
  if (spec == nullptr || !spec->is_map()) return fail("spec: missing");
  const Node* encrypted = spec->find("encryptedData");
  if ((encrypted == nullptr || encrypted->is_null()) && spec->find("data") != nullptr)
    return fail(
        "spec.data: the deprecated single-blob format is not supported, use "
        "spec.encryptedData");
  if (encrypted != nullptr && !encrypted->is_null() && !encrypted->is_map())
    return fail("spec.encryptedData: not a map");
  const Node* template_spec = spec->find("template");
  Node no_template = Node::map();
  if (template_spec == nullptr || !template_spec->is_map()) template_spec = &no_template;

  const Node& metadata = *sealed_secret.find("metadata");
  Scope scope = TRY(scope_of(metadata));
  std::string label =
      label_of(scope, metadata.string_at({"namespace"}), metadata.string_at({"name"}));

  Unsealed unsealed;
  if (encrypted != nullptr && encrypted->is_map()) open_values(*encrypted, keys, label, unsealed);
  if (const Node* templates = template_spec->find("data"); templates && templates->is_map())
    render_templates(*templates, unsealed);
  if (!unsealed.errors.empty()) {
    std::string message;
    for (const std::string& error : unsealed.errors)
      message += (message.empty() ? "" : "; ") + error;
    return fail(message);
  }

  Node secret = Node::map();
  secret.set("apiVersion", Node::string("v1"));
  secret.set("kind", Node::string("Secret"));
  secret.set("metadata", secret_metadata(sealed_secret, *template_spec));
  if (const Node* immutable = template_spec->find("immutable"); immutable && immutable->is_bool())
    secret.set("immutable", *immutable);
  secret.set("data", unsealed.data);
  if (std::string_view type = template_spec->string_at({"type"}); !type.empty())
    secret.set("type", Node::string(type));
  return secret;
}

// --- sealing ------------------------------------------------------------------------------

// The Secret's metadata as kubeseal puts it in the template: ObjectMeta's known fields in Go's
// order, server fields stripped, creationTimestamp null, maps by key, empty ones left out.
Node template_metadata(const Node& metadata, Scope scope, bool set_scope) {
  Node out = Node::map();
  for (std::string_view field : k_object_meta_order) {
    if (field == "creationTimestamp") {
      out.set(field, Node());
      continue;
    }
    if (contains(k_stripped_meta, field)) continue;
    Node value = field == "annotations" ? Node::map() : Node();
    if (const Node* found = metadata.find(field); found != nullptr) value = *found;
    if (field == "annotations") {
      for (std::string_view stripped : k_last_applied)
        value.erase(stripped);
      if (set_scope) {
        value.erase(k_namespace_wide_annotation);
        value.erase(k_cluster_wide_annotation);
        if (scope == Scope::namespace_wide)
          value.set(k_namespace_wide_annotation, Node::string("true"));
        if (scope == Scope::cluster_wide)
          value.set(k_cluster_wide_annotation, Node::string("true"));
      }
    }
    if (value.is_null() || (value.is_string() && value.as_string().empty())) continue;
    if (value.is_container() && value.empty()) continue;
    out.set(field, value.is_map() ? sorted_string_map(value) : value);
  }
  return out;
}

// ObjectMeta as Go writes a decoded one: known fields in order, creationTimestamp null when
// unset, empty values left out.
Node object_meta_layout(const Node& metadata) {
  Node out = Node::map();
  for (std::string_view field : k_object_meta_order) {
    const Node* found = metadata.is_map() ? metadata.find(field) : nullptr;
    if (field == "creationTimestamp") {
      out.set(field, found != nullptr ? *found : Node());
      continue;
    }
    if (found == nullptr || found->is_null()) continue;
    if (found->is_string() && found->as_string().empty()) continue;
    if (found->is_container() && found->empty()) continue;
    out.set(field, found->is_map() ? sorted_string_map(*found) : *found);
  }
  return out;
}

Node sealed_metadata(std::string_view name, std::string_view ns, Scope scope) {
  Node metadata = Node::map();
  metadata.set("name", Node::string(name));
  if (!ns.empty()) metadata.set("namespace", Node::string(ns));
  metadata.set("creationTimestamp", Node());
  if (scope != Scope::strict) {
    Node annotations = Node::map();
    annotations.set(
        scope == Scope::namespace_wide ? k_namespace_wide_annotation : k_cluster_wide_annotation,
        Node::string("true"));
    metadata.set("annotations", annotations);
  }
  return metadata;
}

// The Secret's values by key: data (base64) then stringData, which wins, as the API server
// merges them.
Result<std::vector<std::pair<std::string, std::string>>> secret_values(const Node& secret) {
  std::vector<std::pair<std::string, std::string>> values;
  auto put = [&](std::string key, std::string value) {
    auto it = std::find_if(values.begin(), values.end(), [&](auto& kv) { return kv.first == key; });
    if (it != values.end())
      it->second = std::move(value);
    else
      values.emplace_back(std::move(key), std::move(value));
  };
  if (const Node* data = secret.find("data"); data && data->is_map()) {
    for (const MapEntry& entry : data->entries()) {
      std::string key(entry.key.as_string());
      if (!entry.value.is_string()) return fail("data.", key, ": not a base64 string");
      auto decoded = base64_decode(entry.value.as_string());
      if (!decoded) return fail("data.", key, ": not base64");
      put(key, std::move(*decoded));
    }
  }
  if (const Node* data = secret.find("stringData"); data && data->is_map()) {
    for (const MapEntry& entry : data->entries()) {
      std::string key(entry.key.as_string());
      if (!entry.value.is_string()) return fail("stringData.", key, ": not a string");
      put(key, std::string(entry.value.as_string()));
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

}  // namespace

std::string_view scope_name(Scope scope) {
  switch (scope) {
    case Scope::strict:
      return "strict";
    case Scope::namespace_wide:
      return "namespace-wide";
    case Scope::cluster_wide:
      return "cluster-wide";
  }
  return "strict";
}

Result<Scope> parse_scope(std::string_view name) {
  if (name == "strict" || name.empty()) return Scope::strict;
  if (name == "namespace-wide") return Scope::namespace_wide;
  if (name == "cluster-wide") return Scope::cluster_wide;
  return fail("scope \"", name, "\": must be one of: strict, namespace-wide, cluster-wide");
}

Result<Scope> scope_of(const Node& metadata) {
  bool cluster_wide = TRY(annotation_flag(metadata, k_cluster_wide_annotation));
  bool namespace_wide = TRY(annotation_flag(metadata, k_namespace_wide_annotation));
  if (cluster_wide) return Scope::cluster_wide;
  if (namespace_wide) return Scope::namespace_wide;
  return Scope::strict;
}

std::string label_of(Scope scope, std::string_view ns, std::string_view name) {
  switch (scope) {
    case Scope::cluster_wide:
      return "";
    case Scope::namespace_wide:
      return std::string(ns);
    case Scope::strict:
      break;
  }
  return std::string(ns) + "/" + std::string(name);
}

Result<Node> unseal_object(const Node& sealed_secret, const std::vector<KeyPair>& keys) {
  std::string what = "SealedSecret " + object_ref(sealed_secret);
  if (!sealed_secret.is_map() || sealed_secret.find("metadata") == nullptr ||
      !sealed_secret.find("metadata")->is_map())
    return fail(what, ": metadata: missing");
  return detail::in_context(build_secret(sealed_secret, keys), what);
}

Node kubeseal_layout(const Node& sealed_secret) {
  Node out = Node::map();
  out.set("kind", Node::string(k_kind));
  out.set("apiVersion", Node::string(k_api_version));
  const Node* metadata = sealed_secret.find("metadata");
  out.set("metadata", object_meta_layout(metadata != nullptr ? *metadata : Node::map()));
  const Node* spec = sealed_secret.find("spec");
  Node spec_out = Node::map();
  const Node* template_spec = spec != nullptr ? spec->find("template") : nullptr;
  Node template_out = Node::map();
  const Node* template_meta = template_spec != nullptr ? template_spec->find("metadata") : nullptr;
  template_out.set("metadata",
                   object_meta_layout(template_meta != nullptr ? *template_meta : Node::map()));
  if (template_spec != nullptr) {
    if (std::string_view type = template_spec->string_at({"type"}); !type.empty())
      template_out.set("type", Node::string(type));
    if (const Node* immutable = template_spec->find("immutable"); immutable && immutable->is_bool())
      template_out.set("immutable", *immutable);
    if (const Node* data = template_spec->find("data"); data && data->is_map() && !data->empty())
      template_out.set("data", sorted_string_map(*data));
  }
  spec_out.set("template", template_out);
  if (const Node* data = spec != nullptr ? spec->find("data") : nullptr; data && !data->is_null())
    spec_out.set("data", *data);
  const Node* encrypted = spec != nullptr ? spec->find("encryptedData") : nullptr;
  spec_out.set("encryptedData", encrypted != nullptr && encrypted->is_map()
                                    ? sorted_string_map(*encrypted)
                                    : Node());
  out.set("spec", spec_out);
  if (const Node* status = sealed_secret.find("status"); status && status->is_map())
    out.set("status", *status);
  return out;
}

Result<Node> seal_object(const Node& secret, std::string_view certificate_pem, Scope scope) {
  const Node* found_meta = secret.is_map() ? secret.find("metadata") : nullptr;
  Node metadata = found_meta != nullptr && found_meta->is_map() ? *found_meta : Node::map();
  bool set_scope = scope != Scope::strict;
  if (!set_scope) scope = TRY(detail::in_context(scope_of(metadata), "Secret metadata"));
  std::string_view name = metadata.string_at({"name"});
  std::string_view ns = metadata.string_at({"namespace"});
  if (name.empty()) return fail("missing metadata.name in input Secret");
  if (ns.empty() && scope != Scope::cluster_wide) return fail("secret must declare a namespace");

  std::string label = label_of(scope, ns, name);
  Node encrypted = Node::map();
  for (auto& [key, value] : TRY(secret_values(secret))) {
    std::string sealed_bytes = TRY(seal(certificate_pem, label, value));
    encrypted.set(key, Node::string(base64_encode(sealed_bytes)));
  }

  Node template_spec = Node::map();
  template_spec.set("metadata", template_metadata(metadata, scope, set_scope));
  if (std::string_view type = secret.string_at({"type"}); !type.empty())
    template_spec.set("type", Node::string(type));
  if (const Node* immutable = secret.find("immutable"); immutable && immutable->is_bool())
    template_spec.set("immutable", *immutable);
  Node spec = Node::map();
  spec.set("template", template_spec);
  spec.set("encryptedData", encrypted);

  Node sealed_secret = Node::map();
  sealed_secret.set("kind", Node::string(k_kind));
  sealed_secret.set("apiVersion", Node::string(k_api_version));
  sealed_secret.set("metadata", sealed_metadata(name, ns, scope));
  sealed_secret.set("spec", spec);
  return sealed_secret;
}

}  // namespace plumb::sealed
