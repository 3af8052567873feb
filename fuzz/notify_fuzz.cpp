// libFuzzer target: Flux notification objects and events as a cluster and the controller hand
// them to Plumb's notification-controller. The input is YAML: each document read as a
// Provider and as an Alert (notify/spec.hpp) and as a Provider's Secret; each document also
// becomes an event (its message, reason and revision taken from its fields) that every Alert
// read is matched against, and the request of every Provider read — and of every provider
// type — is built for it (notify/payload.hpp). Errors are fine; a crash, a leak, undefined
// behaviour, or any of these is a bug: a request whose JSON body does not parse back; a
// generic-hmac request whose X-Signature is not the HMAC of its body; a request carrying the
// Secret's token in its URL for a type that should send it in a header.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "notify/event.hpp"
#include "notify/payload.hpp"
#include "notify/spec.hpp"

namespace {

using namespace plumb;

notify::Event event_of(const Node& doc) {
  notify::Event e;
  e.involved.kind = std::string(doc.string_at({"kind"}));
  e.involved.name = std::string(doc.string_at({"metadata", "name"}));
  e.involved.namespace_ = std::string(doc.string_at({"metadata", "namespace"}));
  e.involved.uid = std::string(doc.string_at({"metadata", "uid"}));
  e.message = std::string(doc.string_at({"message"}));
  e.reason = std::string(doc.string_at({"reason"}));
  e.severity =
      doc.string_at({"severity"}) == "error" ? notify::Severity::error : notify::Severity::info;
  e.progress = doc.string_at({"progress"}) == "true";
  if (auto revision = doc.string_at({"revision"}); !revision.empty())
    e.metadata["revision"] = std::string(revision);
  if (const Node* labels = doc.at_path({"metadata", "labels"}); labels && labels->is_map())
    for (const MapEntry& l : labels->entries())
      e.labels.emplace(l.key.as_string(), l.value.as_string());
  return e;
}

// Whether the token could have reached the URL from another input (the address, the
// channel, the event's fields) rather than from the Secret.
bool token_elsewhere(const notify::Target& target, const notify::Event& event) {
  std::string inputs = target.address + "\n" + target.channel + "\n" + target.provider_uid + "\n" +
                       event.involved.kind + "\n" + event.involved.name + "\n" +
                       event.involved.namespace_ + "\n" + event_key(event) + "\n" +
                       net::url_encode(target.address) + "\n" + net::url_encode(target.channel);
  for (const auto& [k, v] : event.metadata)
    inputs += "\n" + v;
  return inputs.find(target.token) != std::string::npos;
}

void check(const notify::Target& target, const notify::Event& event,
           const net::ClientRequest& request) {
  if (!request.body.empty() && !parse_json(request.body)) std::abort();
  bool signed_type = target.type == notify::ProviderType::generic_hmac;
  std::string signature;
  for (const auto& [k, v] : request.headers)
    if (k == "X-Signature") signature = v;
  if (signed_type && signature != notify::hmac_signature(target.token, request.body)) std::abort();
  // Telegram's bot API takes the token in the path, as the service documents.
  if (target.type != notify::ProviderType::telegram && target.token.size() > 8 &&
      request.url.find(target.token) != std::string::npos && !token_elsewhere(target, event))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = parse_yaml_stream(text, "fuzz.yaml");
  if (!docs) return 0;
  std::vector<notify::AlertSpec> alerts;
  std::vector<notify::ProviderSpec> providers;
  notify::ProviderSecret secret;
  for (const Node& doc : *docs) {
    if (auto a = notify::parse_alert(doc)) alerts.push_back(*a);
    if (auto p = notify::parse_provider(doc)) providers.push_back(*p);
    if (auto s = notify::parse_provider_secret(doc)) secret = *s;
  }
  for (const Node& doc : *docs) {
    notify::Event event = event_of(doc);
    (void)notify::event_key(event);
    (void)to_json(notify::event_json(event));
    for (const notify::AlertSpec& alert : alerts)
      if (notify::alert_matches(alert, event)) event = notify::for_alert(alert, event);
    for (const notify::ProviderSpec& provider : providers) {
      notify::Target target = notify::target_of(provider, secret);
      if (auto r = notify::build_request(target, event); r && *r) check(target, event, **r);
    }
    for (int type = 0; type <= int(notify::ProviderType::azuredevops); ++type) {
      notify::Target target;
      target.type = notify::ProviderType(type);
      target.address = std::string(doc.string_at({"address"}));
      target.channel = std::string(doc.string_at({"channel"}));
      target.token = secret.token.value_or("");
      target.provider_uid = std::string(doc.string_at({"metadata", "uid"}));
      if (auto r = notify::build_request(target, event); r && *r) check(target, event, **r);
    }
  }
  return 0;
}
