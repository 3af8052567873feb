// What the loop tells those who keep or pass on its story — the journal, alerts, metrics —
// about every reconcile that did something or failed, every drift repair, suspend/resume and
// rollback (a ReconcileRecord), and every event it records (an EventRecord, with the
// metadata Flux's events carry).
//
// Observers are called from the controller's worker threads, never under its lock, and must
// not block: each copies what it needs into a queue of its own and returns. A reconcile's
// record is told before its events are recorded (the journal gates events on it). The records are
// plain values; no pointer into the controller survives the call.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "controller/outcome.hpp"
#include "core/node.hpp"
#include "core/time.hpp"
#include "sync/result.hpp"

namespace plumb::controller {

// Why a reconcile ran.
enum class Trigger : uint8_t {
  created,     // the object is new to the loop (also: the controller started)
  spec,        // its spec (generation), labels or annotations changed
  interval,    // spec.interval came round
  retry,       // a failure's retry (backoff)
  webhook,     // a webhook delivery (detail: the delivery id, or the receiver's path)
  manual,      // `plumb reconcile` / `flux reconcile` (detail: the requestedAt token)
  source,      // its source has a new revision
  dependency,  // a dependsOn object turned Ready
  drift,       // a live object no longer held what was applied (a drift repair)
  health,      // a deferred health wait settled
  suspend,     // spec.suspend turned true
  resume,      // spec.suspend turned false (`plumb resume`), or a pin was cleared
  rollback,    // `plumb rollback`
};
std::string_view to_string(Trigger trigger);

// What the journal keeps of one reconcile, drift repair, suspend/resume or rollback.
struct ReconcileRecord {
  SystemTime started;
  SystemTime finished;
  std::string api_version;  // "kustomize.toolkit.fluxcd.io/v1"
  std::string kind;         // "Kustomization", "HelmRelease", "Application", "GitRepository"
  std::string namespace_;
  std::string name;
  std::string uid;
  Trigger trigger = Trigger::interval;
  std::string trigger_detail;  // webhook delivery id, requestedAt token, drifted object
  std::string revision;        // "main@sha1:…", "6.14.1", the app's revision
  std::string commit_message;  // of the revision's commit when a git source gave it
  std::string commit_author;   // "Name <email>"
  Reason reason = Reason::succeeded;
  std::string error;      // the failure as Ready says it; empty on success
  sync::SyncResult sync;  // per object: action (created/configured/deleted/...) and changes
  std::string health;     // the health outcome: "", "Healthy", "Progressing", the failure
  std::string actor;      // who asked, when known (rollback: the user)
  // Succeeded, changed nothing and applied no new revision: the journal skips these;
  // metrics count them.
  bool noop = false;

  std::chrono::milliseconds duration() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(finished - started);
  }
  bool failed() const { return is_failure(reason); }
};

// An event as the controller records it, with Flux's metadata keys (without the
// "<group>/" prefix: "revision", "token", "summary", ...).
struct EventRecord {
  SystemTime time;
  Node involved;  // the whole object: apiVersion, kind, metadata (name, namespace, uid)
  bool warning = false;
  std::string reason;  // "ReconciliationSucceeded", "HealthCheckFailed", "DriftRepaired", ...
  std::string message;
  std::map<std::string, std::string> metadata;
  std::string reporting_controller;  // "kustomize-controller", "source-controller", ...
  // A reconcile of a new revision has begun (reason "Progressing"): for commit statuses
  // (pending) and alerts; not written as a Kubernetes Event.
  bool progress = false;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_reconcile(const ReconcileRecord& record) = 0;
  virtual void on_event(const EventRecord& event) = 0;
  // The object is gone from the cluster (metrics drop its series).
  virtual void on_deleted(std::string_view kind, std::string_view ns, std::string_view name) {
    (void)kind, (void)ns, (void)name;
  }
  // The records' per-object diffs and commit message and author cost a diff of every changed
  // object and a git lookup per reconcile: the controller fills them only when an observer
  // (the journal) reads them.
  virtual bool wants_details() const { return false; }
};

}  // namespace plumb::controller
