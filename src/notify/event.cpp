// Events, their rate-limit key and Alert matching (notify/event.hpp).
#include "notify/event.hpp"

#include <cctype>

#include "sops/rule_regex.hpp"
#include "source/digest.hpp"

namespace plumb::notify {

namespace {

void set_if(Node& map, std::string_view key, const std::string& value) {
  if (!value.empty()) map.set(key, Node::string(value));
}

bool any_matches(const std::vector<std::string>& patterns, const std::string& message) {
  for (const std::string& p : patterns) {
    auto regex = sops::RuleRegex::compile(p);  // checked when the Alert was read
    if (regex && regex->search(message)) return true;
  }
  return false;
}

bool source_matches(const AlertSpec& alert, const EventSource& source, const Event& event) {
  const std::string& ns = source.namespace_.empty() ? alert.namespace_ : source.namespace_;
  if (event.involved.namespace_ != ns || event.involved.kind != source.kind) return false;
  if (event.severity != alert.event_severity && alert.event_severity != Severity::info)
    return false;
  if (source.name != "*" && source.name != event.involved.name) return false;
  for (const auto& [key, value] : source.match_labels) {
    auto it = event.labels.find(key);
    if (it == event.labels.end() || it->second != value) return false;
  }
  return true;
}

enum class CharClass { lower, upper, digit, other };

CharClass class_of(char c) {
  auto u = static_cast<unsigned char>(c);
  if (std::islower(u)) return CharClass::lower;
  if (std::isupper(u)) return CharClass::upper;
  if (std::isdigit(u)) return CharClass::digit;
  return CharClass::other;
}

std::string lower(std::string text) {
  for (char& c : text)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Event event_from(const controller::EventRecord& record) {
  Event e;
  const Node& o = record.involved;
  e.involved =
      ObjectRef{.kind = std::string(o.string_at({"kind"})),
                .namespace_ = std::string(o.string_at({"metadata", "namespace"})),
                .name = std::string(o.string_at({"metadata", "name"})),
                .uid = std::string(o.string_at({"metadata", "uid"})),
                .api_version = std::string(o.string_at({"apiVersion"})),
                .resource_version = std::string(o.string_at({"metadata", "resourceVersion"}))};
  if (const Node* labels = o.at_path({"metadata", "labels"}); labels && labels->is_map()) {
    for (const MapEntry& l : labels->entries())
      e.labels.emplace(l.key.as_string(), l.value.as_string());
  }
  e.severity = record.warning ? Severity::error : Severity::info;
  e.timestamp = record.time;
  e.message = record.message;
  e.reason = record.reason;
  e.metadata = record.metadata;
  e.reporting_controller = record.reporting_controller;
  e.progress = record.progress;
  return e;
}

std::optional<Event> status_event_from(const controller::ReconcileRecord& record) {
  using controller::Reason;
  if (record.noop || record.trigger == controller::Trigger::drift || record.revision.empty() ||
      record.reason == Reason::progressing || record.reason == Reason::suspended ||
      controller::is_waiting(record.reason))
    return std::nullopt;
  Event e;
  e.involved = ObjectRef{.kind = record.kind,
                         .namespace_ = record.namespace_,
                         .name = record.name,
                         .uid = record.uid,
                         .api_version = record.api_version,
                         .resource_version = ""};
  e.severity = record.failed() ? Severity::error : Severity::info;
  e.timestamp = record.finished;
  e.reason = controller::to_string(record.reason);
  e.message = record.failed() ? record.error : "Applied revision: " + record.revision;
  e.metadata = {{"revision", record.revision}};
  e.reporting_controller =
      record.kind == "HelmRelease" ? "helm-controller" : "kustomize-controller";
  e.status_only = true;
  return e;
}

Node event_json(const Event& event) {
  Node involved = Node::map();
  set_if(involved, "kind", event.involved.kind);
  set_if(involved, "namespace", event.involved.namespace_);
  set_if(involved, "name", event.involved.name);
  set_if(involved, "uid", event.involved.uid);
  set_if(involved, "apiVersion", event.involved.api_version);
  set_if(involved, "resourceVersion", event.involved.resource_version);
  Node out = Node::map();
  out.set("involvedObject", std::move(involved));
  out.set("severity", Node::string(event.severity == Severity::error ? "error" : "info"));
  out.set("timestamp", Node::string(format_rfc3339(event.timestamp)));
  out.set("message", Node::string(event.message));
  out.set("reason", Node::string(event.reason));
  if (!event.metadata.empty()) {
    Node metadata = Node::map();
    for (const auto& [k, v] : event.metadata)
      metadata.set(k, Node::string(v));
    out.set("metadata", std::move(metadata));
  }
  out.set("reportingController", Node::string(event.reporting_controller));
  return out;
}

std::string event_key(const Event& event) {
  std::string key = "event/name=" + event.involved.name +
                    "/namespace=" + event.involved.namespace_ + "/kind=" + event.involved.kind +
                    "/message=" + event.message;
  for (const char* meta : {"originRevision", "revision", "token"}) {
    if (auto it = event.metadata.find(meta); it != event.metadata.end())
      key += "/" + std::string(meta) + "=" + it->second;
  }
  return source::sha256_hex(key);
}

bool alert_matches(const AlertSpec& alert, const Event& event) {
  if (alert.suspend) return false;
  bool source = false;
  for (const EventSource& s : alert.event_sources)
    source = source || source_matches(alert, s, event);
  if (!source) return false;
  if (!alert.inclusion_list.empty() && !any_matches(alert.inclusion_list, event.message))
    return false;
  return !any_matches(alert.exclusion_list, event.message);
}

Event for_alert(const AlertSpec& alert, Event event) {
  std::map<std::string, std::string> metadata = alert.event_metadata;
  if (!alert.summary.empty()) metadata["summary"] = alert.summary;
  for (auto& [k, v] : event.metadata)
    metadata[k] = std::move(v);
  event.metadata = std::move(metadata);
  return event;
}

std::string commit_sha(std::string_view revision) {
  size_t at = revision.rfind("sha1:");
  std::string_view hex_part = at == std::string_view::npos ? revision : revision.substr(at + 5);
  if (at == std::string_view::npos) {
    // Flux's older form "main/abc…" and a bare hash.
    if (size_t slash = revision.rfind('/'); slash != std::string_view::npos)
      hex_part = revision.substr(slash + 1);
  }
  if (hex_part.size() != 40) return {};
  for (char c : hex_part)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
  return lower(std::string(hex_part));
}

std::string object_title(const Event& event) {
  return lower(event.involved.kind + "/" + event.involved.name);
}

std::string reason_words(std::string_view reason) {
  // Runs of one character class; an upper-case letter followed by lower-case ones starts a
  // word ("HTTPServer" → "HTTP Server"), as Flux's splitCamelcase.
  std::vector<std::string> runs;
  CharClass last = CharClass::other;
  for (size_t i = 0; i < reason.size(); ++i) {
    CharClass c = class_of(reason[i]);
    if (i > 0 && c == last) {
      runs.back().push_back(reason[i]);
    } else {
      runs.emplace_back(1, reason[i]);
    }
    last = c;
  }
  for (size_t i = 0; i + 1 < runs.size(); ++i) {
    if (class_of(runs[i][0]) == CharClass::upper && class_of(runs[i + 1][0]) == CharClass::lower) {
      runs[i + 1].insert(runs[i + 1].begin(), runs[i].back());
      runs[i].pop_back();
    }
  }
  std::string out;
  for (const std::string& r : runs) {
    if (r.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += r;
  }
  return lower(out);
}

}  // namespace plumb::notify
