// An event as notification-controller sees it (Flux's event v1beta1 Event: involvedObject,
// severity, timestamp, message, reason, metadata, reportingController), made from the
// controller's EventRecord; the key Flux rate-limits events by; and the rules that pick the
// Alerts an event goes to (eventSources, eventSeverity, inclusionList/exclusionList) and the
// metadata it carries to them (eventMetadata < summary < the event's own).
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "controller/observer.hpp"
#include "core/node.hpp"
#include "core/time.hpp"
#include "notify/spec.hpp"

namespace plumb::notify {

struct ObjectRef {
  std::string kind, namespace_, name, uid, api_version, resource_version;
};

struct Event {
  ObjectRef involved;
  std::map<std::string, std::string> labels;  // of the involved object (matchLabels)
  Severity severity = Severity::info;
  SystemTime timestamp;
  std::string message;
  std::string reason;
  std::map<std::string, std::string> metadata;  // "revision", "summary", ... (no group prefix)
  std::string reporting_controller;
  bool progress = false;  // a new revision's reconcile began (commit status pending)
  // Only for commit statuses: how a new revision's reconcile ended, also when it changed
  // nothing (the controller records no event then; Flux's "Reconciliation finished" event).
  bool status_only = false;
};

Event event_from(const controller::EventRecord& record);
// The end of a reconcile that applied a new revision, or failed, as a status_only event;
// nullopt for the rest (a no-op, a drift repair, a health wait still running).
std::optional<Event> status_event_from(const controller::ReconcileRecord& record);

// The event as Flux's generic provider posts it: its JSON object, fields in Flux's order.
Node event_json(const Event& event);

// The identity Flux's rate limiter keys an event by (notifier.EventKey): involved object
// name, namespace and kind, the message, and the originRevision, revision and token
// metadata when present; hex SHA-256.
std::string event_key(const Event& event);

// Whether the Alert takes the event: not suspended, one of its sources matches (kind,
// namespace — the Alert's when empty —, name or "*", matchLabels against the object's
// labels), the severity passes (an info Alert takes every event), the message matches the
// inclusionList (when there is one) and none of the exclusionList.
bool alert_matches(const AlertSpec& alert, const Event& event);

// The event as the Alert sends it: its metadata combined as Flux combines it — the Alert's
// eventMetadata, then its summary, then the event's own keys, each overriding the earlier.
Event for_alert(const AlertSpec& alert, Event event);

// The commit of a revision ("main@sha1:abc…", "sha1:abc…", "abc…" of 40 hex digits); "" when
// there is none.
std::string commit_sha(std::string_view revision);

// Flux's formatNameAndDescription: "kustomization/app" and the reason split at its
// camel-case humps, lower-cased ("reconciliation succeeded").
std::string object_title(const Event& event);
std::string reason_words(std::string_view reason);

}  // namespace plumb::notify
