// Provider and Alert: CRDs and spec readers (notify/spec.hpp).
#include "notify/spec.hpp"

#include <array>
#include <utility>

#include "core/base64.hpp"
#include "core/duration.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "sops/rule_regex.hpp"

namespace plumb::notify {

const kube::Resource k_providers{"notification.toolkit.fluxcd.io", "v1beta3", "Provider",
                                 "providers", true};
const kube::Resource k_alerts{"notification.toolkit.fluxcd.io", "v1beta3", "Alert", "alerts", true};

namespace {

constexpr std::array<std::pair<ProviderType, std::string_view>, 22> k_type_names{{
    {ProviderType::generic, "generic"},
    {ProviderType::generic_hmac, "generic-hmac"},
    {ProviderType::slack, "slack"},
    {ProviderType::msteams, "msteams"},
    {ProviderType::discord, "discord"},
    {ProviderType::googlechat, "googlechat"},
    {ProviderType::rocket, "rocket"},
    {ProviderType::webex, "webex"},
    {ProviderType::telegram, "telegram"},
    {ProviderType::matrix, "matrix"},
    {ProviderType::lark, "lark"},
    {ProviderType::alertmanager, "alertmanager"},
    {ProviderType::grafana, "grafana"},
    {ProviderType::opsgenie, "opsgenie"},
    {ProviderType::pagerduty, "pagerduty"},
    {ProviderType::githubdispatch, "githubdispatch"},
    {ProviderType::github, "github"},
    {ProviderType::gitlab, "gitlab"},
    {ProviderType::gitea, "gitea"},
    {ProviderType::bitbucket, "bitbucket"},
    {ProviderType::bitbucketserver, "bitbucketserver"},
    {ProviderType::azuredevops, "azuredevops"},
}};

// Two served versions, one stored; the schema preserves unknown fields so both read alike.
Node crd(const kube::Resource& r, std::string_view singular) {
  std::string version_tail =
      "    served: true\n    subresources:\n      status: {}\n"
      "    additionalPrinterColumns:\n"
      "    - name: Age\n      type: date\n      jsonPath: .metadata.creationTimestamp\n"
      "    - name: Ready\n      type: string\n"
      "      jsonPath: .status.conditions[?(@.type==\"Ready\")].status\n"
      "    schema:\n      openAPIV3Schema:\n        type: object\n"
      "        x-kubernetes-preserve-unknown-fields: true\n";
  std::string text =
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "metadata:\n  name: " +
      r.name + "." + r.group + "\nspec:\n  group: " + r.group +
      "\n  scope: Namespaced\n  names:\n    kind: " + r.kind + "\n    listKind: " + r.kind +
      "List\n    plural: " + r.name + "\n    singular: " + std::string(singular) +
      "\n  versions:\n" + "  - name: v1beta3\n    storage: true\n" + version_tail +
      "  - name: v1beta2\n    storage: false\n" + version_tail;
  return parse_yaml(text, "notification CRD").value();
}

std::string object_name(const Node& object) {
  return std::string(object.string_at({"kind"})) + "/" +
         std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

// The error with `what: ` in front.
template <typename T>
Result<T> within(Result<T> result, std::string_view what) {
  if (!result) return std::unexpected(std::move(result).error().context(what));
  return result;
}

// A string field (absent: ""), or an error naming it (`where` is its parent's path).
Result<std::string> string_field(const Node& spec, std::string_view field,
                                 std::string_view where = "spec") {
  const Node* value = spec.find(field);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) return fail(where, ".", field, ": must be a string");
  return std::string(value->as_string());
}

Result<bool> bool_field(const Node& spec, std::string_view field) {
  const Node* value = spec.find(field);
  if (value == nullptr || value->is_null()) return false;
  if (!value->is_bool()) return fail("spec.", field, ": must be true or false");
  return value->as_bool();
}

// spec.<field>.name of a LocalObjectReference.
Result<std::string> ref_name(const Node& spec, std::string_view field) {
  const Node* ref = spec.find(field);
  if (ref == nullptr || ref->is_null()) return std::string();
  if (!ref->is_map()) return fail("spec.", field, ": must be an object with a name");
  const Node* name = ref->find("name");
  if (name == nullptr || !name->is_string() || name->as_string().empty())
    return fail("spec.", field, ".name: must be a non-empty string");
  return std::string(name->as_string());
}

Result<std::map<std::string, std::string>> string_map(const Node* value, std::string_view what) {
  std::map<std::string, std::string> out;
  if (value == nullptr || value->is_null()) return out;
  if (!value->is_map()) return fail(what, ": must be a map of strings");
  for (const MapEntry& e : value->entries()) {
    if (!e.value.is_string()) return fail(what, ".", e.key.as_string(), ": must be a string");
    out.emplace(e.key.as_string(), e.value.as_string());
  }
  return out;
}

Result<std::vector<std::string>> regex_list(const Node& spec, std::string_view field) {
  std::vector<std::string> out;
  const Node* list = spec.find(field);
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_list()) return fail("spec.", field, ": must be a list of strings");
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Node& item = list->items()[i];
    std::string where = "spec." + std::string(field) + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return fail(where, ": must be a string");
    if (auto compiled = sops::RuleRegex::compile(item.as_string()); !compiled)
      return fail(where, ": ", compiled.error().message());
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<EventSource> event_source(const Node& item, const std::string& where) {
  if (!item.is_map()) return fail(where, ": must be an object");
  EventSource source;
  source.kind = TRY(string_field(item, "kind", where));
  source.name = TRY(string_field(item, "name", where));
  source.namespace_ = TRY(string_field(item, "namespace", where));
  if (source.kind.empty()) return fail(where, ".kind: required");
  if (source.name.empty()) return fail(where, ".name: required (\"*\" for every object)");
  source.match_labels = TRY(string_map(item.find("matchLabels"), where + ".matchLabels"));
  return source;
}

Result<ProviderSpec> read_provider(const Node& object) {
  const Node* spec = object.find("spec");
  if (spec == nullptr || !spec->is_map()) return fail("spec: required");
  ProviderSpec p;
  p.namespace_ = object.string_at({"metadata", "namespace"});
  p.name = object.string_at({"metadata", "name"});
  p.uid = object.string_at({"metadata", "uid"});
  std::string type = TRY(string_field(*spec, "type"));
  if (type.empty()) return fail("spec.type: required");
  auto known = provider_type_of(type);
  if (!known) return fail("spec.type: '", type, "' is not a provider type Plumb delivers to");
  p.type = *known;
  p.address = TRY(string_field(*spec, "address"));
  p.channel = TRY(string_field(*spec, "channel"));
  p.username = TRY(string_field(*spec, "username"));
  p.proxy = TRY(string_field(*spec, "proxy"));
  p.secret_ref = TRY(ref_name(*spec, "secretRef"));
  p.cert_secret_ref = TRY(ref_name(*spec, "certSecretRef"));
  p.suspend = TRY(bool_field(*spec, "suspend"));
  std::string timeout = TRY(string_field(*spec, "timeout"));
  if (!timeout.empty()) {
    auto parsed = parse_duration(timeout);
    if (!parsed) return fail("spec.timeout: ", parsed.error().message());
    auto seconds = std::chrono::ceil<std::chrono::seconds>(*parsed);
    if (seconds.count() <= 0) return fail("spec.timeout: must be positive");
    p.timeout = seconds;
  }
  return p;
}

Result<AlertSpec> read_alert(const Node& object) {
  const Node* spec = object.find("spec");
  if (spec == nullptr || !spec->is_map()) return fail("spec: required");
  AlertSpec a;
  a.namespace_ = object.string_at({"metadata", "namespace"});
  a.name = object.string_at({"metadata", "name"});
  a.provider_ref = TRY(ref_name(*spec, "providerRef"));
  if (a.provider_ref.empty()) return fail("spec.providerRef.name: required");
  const Node* sources = spec->find("eventSources");
  if (sources == nullptr || !sources->is_list() || sources->items().empty())
    return fail("spec.eventSources: required (a list of kind and name)");
  for (size_t i = 0; i < sources->items().size(); ++i) {
    a.event_sources.push_back(
        TRY(event_source(sources->items()[i], "spec.eventSources[" + std::to_string(i) + "]")));
  }
  std::string severity = TRY(string_field(*spec, "eventSeverity"));
  if (severity == "error") {
    a.event_severity = Severity::error;
  } else if (!severity.empty() && severity != "info") {
    return fail("spec.eventSeverity: must be info or error, not '", severity, "'");
  }
  a.inclusion_list = TRY(regex_list(*spec, "inclusionList"));
  a.exclusion_list = TRY(regex_list(*spec, "exclusionList"));
  a.event_metadata = TRY(string_map(spec->find("eventMetadata"), "spec.eventMetadata"));
  a.summary = TRY(string_field(*spec, "summary"));
  a.suspend = TRY(bool_field(*spec, "suspend"));
  return a;
}

}  // namespace

std::vector<Node> notification_crds() {
  return {crd(k_providers, "provider"), crd(k_alerts, "alert")};
}

std::string_view to_string(ProviderType type) {
  for (const auto& [t, name] : k_type_names)
    if (t == type) return name;
  return "generic";
}

std::optional<ProviderType> provider_type_of(std::string_view name) {
  for (const auto& [t, n] : k_type_names)
    if (n == name) return t;
  return std::nullopt;
}

bool is_commit_status(ProviderType type) {
  switch (type) {
    case ProviderType::github:
    case ProviderType::gitlab:
    case ProviderType::gitea:
    case ProviderType::bitbucket:
    case ProviderType::bitbucketserver:
    case ProviderType::azuredevops:
      return true;
    default:
      return false;
  }
}

Result<ProviderSpec> parse_provider(const Node& object) {
  return within(read_provider(object), object_name(object));
}

Result<AlertSpec> parse_alert(const Node& object) {
  return within(read_alert(object), object_name(object));
}

Result<ProviderSecret> parse_provider_secret(const Node& secret) {
  std::string name = "Secret/" + std::string(secret.string_at({"metadata", "namespace"})) + "/" +
                     std::string(secret.string_at({"metadata", "name"}));
  ProviderSecret out;
  const Node* data = secret.find("data");
  if (data == nullptr || !data->is_map()) return out;
  for (const MapEntry& e : data->entries()) {
    std::string_view key = e.key.as_string();
    auto value = base64_decode(e.value.as_string());
    if (!value) return fail(name, ": data.", key, ": not base64");  // never the value
    std::string text(trim(*value));
    if (key == "address")
      out.address = text;
    else if (key == "token")
      out.token = text;
    else if (key == "username")
      out.username = text;
    else if (key == "password")
      out.password = text;
    else if (key == "proxy")
      out.proxy = text;
    else if (key == "headers") {
      auto headers = parse_yaml(*value, name + ": data.headers");
      if (!headers) return fail(name, ": data.headers: not a YAML map of strings");
      auto map = string_map(&*headers, name + ": data.headers");
      if (!map) return std::unexpected(map.error());
      out.headers = std::move(*map);
    }
  }
  return out;
}

}  // namespace plumb::notify
