// The requests of the chat, webhook and incident providers (notify/payload.hpp); the git
// hosts' are in payload_git.cpp.
#include <chrono>

#include "controller/webhook.hpp"
#include "core/json.hpp"
#include "notify/payload.hpp"
#include "notify/payload_parts.hpp"

namespace plumb::notify {

namespace {

using detail::json_request;
using detail::need_token;
using detail::str;

// "kustomization/app.flux-system", the heading chat messages carry.
std::string heading(const Event& event) {
  return object_title(event) + "." + event.involved.namespace_;
}

bool is_error(const Event& event) {
  return event.severity == Severity::error;
}

Result<void> need_address(const Target& target) {
  if (target.address.empty())
    return fail("provider ", to_string(target.type),
                ": no address (spec.address or the Secret's "
                "address key)");
  return {};
}

Node metadata_map(const Event& event) {
  Node out = Node::map();
  for (const auto& [k, v] : event.metadata)
    out.set(k, str(v));
  return out;
}

net::ClientRequest generic(const Target& target, const Event& event) {
  net::ClientRequest r = json_request("POST", target.address, event_json(event));
  r.headers.emplace_back("gotk-component", event.reporting_controller);
  for (const auto& [k, v] : target.headers)
    r.headers.emplace_back(k, v);
  if (target.type == ProviderType::generic_hmac)
    r.headers.emplace_back("X-Signature", hmac_signature(target.token, r.body));
  return r;
}

// Slack's message with one attachment; also Rocket.Chat's and Discord's /slack endpoint.
Node slack_message(const Target& target, const Event& event) {
  Node fields = Node::list();
  for (const auto& [k, v] : event.metadata) {
    Node f = Node::map();
    f.set("title", str(k));
    f.set("value", str(v));
    f.set("short", Node::boolean(false));
    fields.push_back(std::move(f));
  }
  Node attachment = Node::map();
  attachment.set("color", str(is_error(event) ? "danger" : "good"));
  attachment.set("author_name", str(heading(event)));
  attachment.set("text", str(event.message));
  Node mrkdwn = Node::list();
  mrkdwn.push_back(str("text"));
  attachment.set("mrkdwn_in", std::move(mrkdwn));
  attachment.set("fields", std::move(fields));
  Node attachments = Node::list();
  attachments.push_back(std::move(attachment));
  Node body = Node::map();
  body.set("channel", str(target.channel));
  body.set("username", str(target.username.empty() ? event.reporting_controller : target.username));
  body.set("icon_url", str(""));
  body.set("icon_emoji", str(""));
  body.set("attachments", std::move(attachments));
  return body;
}

net::ClientRequest slack(const Target& target, const Event& event, std::string url) {
  net::ClientRequest r = json_request("POST", std::move(url), slack_message(target, event));
  if (!target.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

std::string discord_url(std::string address) {
  std::string_view a = address;
  if (!a.ends_with("/slack")) address += a.ends_with("/") ? "slack" : "/slack";
  return address;
}

Node text_block(std::string_view text) {
  Node b = Node::map();
  b.set("type", str("TextBlock"));
  b.set("text", str(text));
  b.set("wrap", Node::boolean(true));
  return b;
}

// An Office 365 connector (*.webhook.office.com): the legacy MessageCard.
net::ClientRequest msteams_message_card(const Target& target, const Event& event) {
  Node facts = Node::list();
  for (const auto& [k, v] : event.metadata) {
    Node f = Node::map();
    f.set("name", str(k));
    f.set("value", str(v));
    facts.push_back(std::move(f));
  }
  Node section = Node::map();
  section.set("activityTitle", str(event.message));
  section.set("activitySubtitle", str(heading(event)));
  section.set("facts", std::move(facts));
  Node sections = Node::list();
  sections.push_back(std::move(section));
  Node card = Node::map();
  card.set("@type", str("MessageCard"));
  card.set("@context", str("http://schema.org/extensions"));
  card.set("themeColor", str(is_error(event) ? "FF0000" : "0076D7"));
  card.set("summary", str(heading(event)));
  card.set("sections", std::move(sections));
  return json_request("POST", target.address, card);
}

// A Teams workflow (Power Automate) webhook: an Adaptive Card message.
net::ClientRequest msteams(const Target& target, const Event& event) {
  if (target.address.find(".webhook.office.com/") != std::string::npos)
    return msteams_message_card(target, event);
  Node title = text_block(heading(event));
  title.set("weight", str("bolder"));
  title.set("size", str("medium"));
  title.set("color", str(is_error(event) ? "attention" : "good"));
  Node facts = Node::list();
  for (const auto& [k, v] : event.metadata) {
    Node f = Node::map();
    f.set("title", str(k));
    f.set("value", str(v));
    facts.push_back(std::move(f));
  }
  Node fact_set = Node::map();
  fact_set.set("type", str("FactSet"));
  fact_set.set("facts", std::move(facts));
  Node body = Node::list();
  body.push_back(std::move(title));
  body.push_back(text_block(event.message));
  body.push_back(std::move(fact_set));
  Node card = Node::map();
  card.set("$schema", str("http://adaptivecards.io/schemas/adaptive-card.json"));
  card.set("type", str("AdaptiveCard"));
  card.set("version", str("1.4"));
  card.set("body", std::move(body));
  Node attachment = Node::map();
  attachment.set("contentType", str("application/vnd.microsoft.card.adaptive"));
  attachment.set("content", std::move(card));
  Node attachments = Node::list();
  attachments.push_back(std::move(attachment));
  Node message = Node::map();
  message.set("type", str("message"));
  message.set("attachments", std::move(attachments));
  return json_request("POST", target.address, message);
}

net::ClientRequest googlechat(const Target& target, const Event& event) {
  Node header = Node::map();
  header.set("title", str(heading(event)));
  header.set("subtitle", str(reason_words(event.reason)));
  Node paragraph = Node::map();
  paragraph.set("text", str(event.message));
  Node text_widget = Node::map();
  text_widget.set("textParagraph", std::move(paragraph));
  Node widgets = Node::list();
  widgets.push_back(std::move(text_widget));
  for (const auto& [k, v] : event.metadata) {
    Node kv = Node::map();
    kv.set("topLabel", str(k));
    kv.set("content", str(v));
    Node w = Node::map();
    w.set("keyValue", std::move(kv));
    widgets.push_back(std::move(w));
  }
  Node section = Node::map();
  section.set("widgets", std::move(widgets));
  Node sections = Node::list();
  sections.push_back(std::move(section));
  Node card = Node::map();
  card.set("header", std::move(header));
  card.set("sections", std::move(sections));
  Node cards = Node::list();
  cards.push_back(std::move(card));
  Node body = Node::map();
  body.set("cards", std::move(cards));
  return json_request("POST", target.address, body);
}

// A Markdown text: the heading, the message, a line per metadata key.
std::string markdown(const Event& event) {
  std::string text =
      std::string(is_error(event) ? "💥" : "✅") + " **" + heading(event) + "**\n\n" + event.message;
  for (const auto& [k, v] : event.metadata)
    text += "\n* **" + k + "**: " + v;
  return text;
}

std::string plain_text(const Event& event) {
  std::string text = heading(event) + "\n" + event.message;
  for (const auto& [k, v] : event.metadata)
    text += "\n" + k + ": " + v;
  return text;
}

Result<net::ClientRequest> webex(const Target& target, const Event& event) {
  TRY_VOID(need_token(target));
  Node body = Node::map();
  body.set("roomId", str(target.channel));
  body.set("markdown", str(markdown(event)));
  std::string url = target.address.empty() ? "https://webexapis.com/v1/messages" : target.address;
  net::ClientRequest r = json_request("POST", url, body);
  r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

Result<net::ClientRequest> telegram(const Target& target, const Event& event) {
  TRY_VOID(need_token(target));
  Node body = Node::map();
  body.set("chat_id", str(target.channel));
  body.set("text", str(plain_text(event)));
  std::string base = target.address.empty() ? "https://api.telegram.org" : target.address;
  while (base.ends_with("/"))
    base.pop_back();
  return json_request("POST", base + "/bot" + target.token + "/sendMessage", body);
}

Result<net::ClientRequest> matrix(const Target& target, const Event& event) {
  TRY_VOID(need_token(target));
  TRY_VOID(need_address(target));
  Node body = Node::map();
  body.set("msgtype", str("m.text"));
  body.set("body", str(plain_text(event)));
  std::string base = target.address;
  while (base.ends_with("/"))
    base.pop_back();
  // The event's key as the transaction id: a retried send is the same message to Matrix.
  std::string url = base + "/_matrix/client/v3/rooms/" + net::url_encode(target.channel) +
                    "/send/m.room.message/" + event_key(event);
  net::ClientRequest r = json_request("PUT", url, body);
  r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

net::ClientRequest lark(const Target& target, const Event& event) {
  Node title = Node::map();
  title.set("tag", str("plain_text"));
  title.set("content", str("💫 " + heading(event)));
  Node header = Node::map();
  header.set("title", std::move(title));
  header.set("template", str(is_error(event) ? "red" : "turquoise"));
  std::string content = event.message;
  for (const auto& [k, v] : event.metadata)
    content += "\n**" + k + "**: " + v;
  Node text = Node::map();
  text.set("tag", str("lark_md"));
  text.set("content", str(content));
  Node div = Node::map();
  div.set("tag", str("div"));
  div.set("text", std::move(text));
  Node elements = Node::list();
  elements.push_back(std::move(div));
  Node config = Node::map();
  config.set("wide_screen_mode", Node::boolean(true));
  Node card = Node::map();
  card.set("config", std::move(config));
  card.set("header", std::move(header));
  card.set("elements", std::move(elements));
  Node body = Node::map();
  body.set("msg_type", str("interactive"));
  body.set("card", std::move(card));
  return json_request("POST", target.address, body);
}

// Alertmanager's POST /api/v2/alerts body: a list of one alert. An info event resolves it
// (endsAt now), an error fires it.
net::ClientRequest alertmanager(const Target& target, const Event& event) {
  Node labels = Node::map();
  for (const auto& [k, v] : event.metadata)
    if (k != "summary") labels.set(k, str(v));
  labels.set("alertname", str("Flux" + event.involved.kind + event.reason));
  labels.set("severity", str(is_error(event) ? "error" : "info"));
  labels.set("reason", str(event.reason));
  labels.set("kind", str(event.involved.kind));
  labels.set("name", str(event.involved.name));
  labels.set("namespace", str(event.involved.namespace_));
  labels.set("reportingController", str(event.reporting_controller));
  Node annotations = Node::map();
  annotations.set("message", str(event.message));
  if (auto s = event.metadata.find("summary"); s != event.metadata.end())
    annotations.set("summary", str(s->second));
  Node alert = Node::map();
  alert.set("status", str(is_error(event) ? "firing" : "resolved"));
  alert.set("labels", std::move(labels));
  alert.set("annotations", std::move(annotations));
  alert.set("startsAt", str(format_rfc3339(event.timestamp)));
  if (!is_error(event)) alert.set("endsAt", str(format_rfc3339(event.timestamp)));
  Node body = Node::list();
  body.push_back(std::move(alert));
  net::ClientRequest r = json_request("POST", target.address, body);
  if (!target.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

// Grafana's POST /api/annotations: the event as an annotation tagged with the object.
net::ClientRequest grafana(const Target& target, const Event& event) {
  Node tags = Node::list();
  tags.push_back(str("flux"));
  tags.push_back(str(event.reporting_controller));
  tags.push_back(str("kind: " + event.involved.kind));
  tags.push_back(str("name: " + event.involved.name));
  tags.push_back(str("namespace: " + event.involved.namespace_));
  for (const auto& [k, v] : event.metadata)
    tags.push_back(str(k + ": " + v));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(event.timestamp.time_since_epoch());
  Node body = Node::map();
  body.set("time", Node::integer(ms.count()));
  body.set("text", str(heading(event) + ": " + event.message));
  body.set("tags", std::move(tags));
  net::ClientRequest r = json_request("POST", target.address, body);
  if (!target.token.empty()) {
    r.headers.emplace_back("Authorization", "Bearer " + target.token);
  } else if (!target.username.empty()) {
    r.username = target.username;
    r.password = target.password;
  }
  return r;
}

Result<net::ClientRequest> opsgenie(const Target& target, const Event& event) {
  TRY_VOID(need_token(target));
  Node details = metadata_map(event);
  details.set("severity", str(is_error(event) ? "error" : "info"));
  Node body = Node::map();
  body.set("message", str(heading(event)));
  body.set("description", str(event.message));
  body.set("details", std::move(details));
  std::string url = target.address.empty() ? "https://api.opsgenie.com/v2/alerts" : target.address;
  net::ClientRequest r = json_request("POST", url, body);
  r.headers.emplace_back("Authorization", "GenieKey " + target.token);
  return r;
}

// PagerDuty Events API v2: routing key from spec.channel, dedup key the object's uid, so an
// info event resolves the incident an error opened.
Result<net::ClientRequest> pagerduty(const Target& target, const Event& event) {
  if (target.channel.empty())
    return fail("provider pagerduty: spec.channel must hold the integration's routing key");
  Node payload = Node::map();
  payload.set("summary", str(reason_words(event.reason) + ": " + object_title(event)));
  payload.set("source", str("Flux " + event.reporting_controller));
  payload.set("severity", str(is_error(event) ? "error" : "info"));
  payload.set("timestamp", str(format_rfc3339(event.timestamp)));
  payload.set("component", str(event.involved.name));
  payload.set("group", str(event.involved.kind));
  payload.set("custom_details", metadata_map(event));
  Node body = Node::map();
  body.set("routing_key", str(target.channel));
  body.set("event_action", str(is_error(event) ? "trigger" : "resolve"));
  body.set("dedup_key", str(event.involved.uid));
  body.set("payload", std::move(payload));
  std::string base = target.address.empty() ? "https://events.pagerduty.com" : target.address;
  while (base.ends_with("/"))
    base.pop_back();
  return json_request("POST", base + "/v2/enqueue", body);
}

}  // namespace

Target target_of(const ProviderSpec& provider, const ProviderSecret& secret) {
  Target t;
  t.type = provider.type;
  t.address = secret.address.value_or(provider.address);
  t.channel = provider.channel;
  t.username = secret.username.value_or(provider.username);
  t.token = secret.token.value_or("");
  t.password = secret.password.value_or("");
  t.headers = secret.headers;
  t.provider_uid = provider.uid;
  return t;
}

std::string hmac_signature(std::string_view key, std::string_view body) {
  return controller::github_signature(key, body);
}

Result<std::optional<net::ClientRequest>> build_request(const Target& target, const Event& event) {
  if (is_commit_status(target.type) || target.type == ProviderType::githubdispatch)
    return detail::git_request(target, event);
  // Flux has no progress events: the chat providers keep to what Flux sends.
  if (event.progress || event.status_only) return std::optional<net::ClientRequest>();
  if (target.type != ProviderType::webex && target.type != ProviderType::telegram &&
      target.type != ProviderType::opsgenie && target.type != ProviderType::pagerduty)
    TRY_VOID(need_address(target));
  switch (target.type) {
    case ProviderType::generic:
    case ProviderType::generic_hmac:
      if (target.type == ProviderType::generic_hmac) TRY_VOID(need_token(target));
      return generic(target, event);
    case ProviderType::slack:
    case ProviderType::rocket:
      return slack(target, event, target.address);
    case ProviderType::discord:
      return slack(target, event, discord_url(target.address));
    case ProviderType::msteams:
      return msteams(target, event);
    case ProviderType::googlechat:
      return googlechat(target, event);
    case ProviderType::webex:
      return TRY(webex(target, event));
    case ProviderType::telegram:
      return TRY(telegram(target, event));
    case ProviderType::matrix:
      return TRY(matrix(target, event));
    case ProviderType::lark:
      return lark(target, event);
    case ProviderType::alertmanager:
      return alertmanager(target, event);
    case ProviderType::grafana:
      return grafana(target, event);
    case ProviderType::opsgenie:
      return TRY(opsgenie(target, event));
    case ProviderType::pagerduty:
      return TRY(pagerduty(target, event));
    default:
      return fail("provider ", to_string(target.type), ": not a chat or webhook type");
  }
}

}  // namespace plumb::notify
