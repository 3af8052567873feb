// Flux's notification objects as data: the Provider and Alert CRDs
// (notification.toolkit.fluxcd.io/v1beta3, v1beta2 served as well) and their specs read into
// typed values, with errors that name the object and the field ("Alert/flux-system/slack:
// spec.eventSeverity: must be info or error").
//
// Thread safety: pure functions; the Resource constants are immutable.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::notify {

extern const kube::Resource k_providers;
extern const kube::Resource k_alerts;

// The CustomResourceDefinitions of Provider and Alert, as Plumb installs them when missing
// (controller::install_crds): v1beta3 stored, v1beta2 served, unknown fields preserved.
std::vector<Node> notification_crds();

// Every Provider type Flux has that Plumb delivers to.
enum class ProviderType {
  generic,
  generic_hmac,
  slack,
  msteams,
  discord,
  googlechat,
  rocket,
  webex,
  telegram,
  matrix,
  lark,
  alertmanager,
  grafana,
  opsgenie,
  pagerduty,
  githubdispatch,
  github,
  gitlab,
  gitea,
  bitbucket,
  bitbucketserver,
  azuredevops,
};
std::string_view to_string(ProviderType type);
std::optional<ProviderType> provider_type_of(std::string_view name);
// The git hosts that take commit statuses (github ... azuredevops).
bool is_commit_status(ProviderType type);

struct ProviderSpec {
  std::string namespace_, name, uid;
  ProviderType type = ProviderType::generic;
  std::string address, channel, username, proxy;
  std::string secret_ref;            // a Secret in the Provider's namespace: address, token, ...
  std::string cert_secret_ref;       // a Secret with ca.crt (or caFile)
  std::chrono::seconds timeout{15};  // Flux's default
  bool suspend = false;
};

struct EventSource {
  std::string kind;
  std::string name;        // "*" for every object of the kind
  std::string namespace_;  // empty: the Alert's namespace
  std::map<std::string, std::string> match_labels;
};

enum class Severity { info, error };

struct AlertSpec {
  std::string namespace_, name;
  std::string provider_ref;
  std::vector<EventSource> event_sources;
  Severity event_severity = Severity::info;                 // info: every event; error: errors only
  std::vector<std::string> inclusion_list, exclusion_list;  // Go (RE2) regular expressions
  std::map<std::string, std::string> event_metadata;
  std::string summary;
  bool suspend = false;
};

// Reads a Provider object. Errors: no or unknown spec.type, a timeout that is not a Go
// duration, a field of the wrong type.
Result<ProviderSpec> parse_provider(const Node& object);
// Reads an Alert object. Errors: no spec.providerRef.name, no eventSources, a source without
// kind or name, an eventSeverity other than info or error, a regular expression that does
// not compile.
Result<AlertSpec> parse_alert(const Node& object);

// What a Provider's secretRef Secret gives, decoded (never logged).
struct ProviderSecret {
  std::optional<std::string> address, token, username, password, proxy;
  std::map<std::string, std::string> headers;  // the `headers` key: a YAML map
};
Result<ProviderSecret> parse_provider_secret(const Node& secret);

}  // namespace plumb::notify
