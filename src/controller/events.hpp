// Kubernetes Events about the objects the controllers reconcile, written as client-go's
// recorder writes core/v1 Events (name `<object>.<hex nanoseconds>`, involvedObject, reason,
// message, type, first/lastTimestamp, count, source.component, reportingComponent and
// reportingInstance), so `kubectl get events` and `kubectl describe` show them.
//
// An event that repeats (same involved object, type, reason and message) within ten minutes
// of its last occurrence updates the existing Event (count + 1, lastTimestamp) instead of
// creating another. Messages are capped at 1 KiB, as Kubernetes caps event notes.
//
// Recording never blocks the caller on the API server and never fails it: record() queues
// and returns; one background thread writes. When the queue is full the event is dropped and
// counted. A write failure is reported on stderr once per kind of failure (operation and
// HTTP status), not once per event.
//
// Thread safety: record(), flush() and the counters may be called from any thread. The
// clock (options.now) and failure reports (options.report_failure) are called without a lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

enum class EventType { normal, warning };

// Kubernetes' limit on an event's message (events.k8s.io note), in bytes.
inline constexpr size_t k_event_message_limit = 1024;
// Repeats within this time of the last occurrence update the existing Event.
inline constexpr std::chrono::minutes k_event_aggregation_window{10};

// `message` cut to at most `limit` bytes, ending in "..." when cut; never splits a UTF-8
// sequence.
std::string cap_event_message(std::string_view message, size_t limit = k_event_message_limit);

struct EventRecorderOptions {
  size_t queue_capacity = 1024;
  // The clock events are stamped with; tests pass a fake one.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
  std::string instance;  // reportingInstance and source.host; empty: this host's name
  // Where failure reports go; default stderr.
  std::function<void(std::string_view)> report_failure;
  // A gate before each write (both or neither): `mark` is called when an event is recorded,
  // on the recording thread; `before_write` with that mark on the writer thread, before the
  // event is written. The journal waits there until what was told before the event is
  // durable, so no event reports what a crash could still lose.
  std::function<uint64_t()> mark;
  std::function<void(uint64_t mark)> before_write;
};

class EventRecorder {
 public:
  // component: "kustomize-controller" or "source-controller" (source.component and
  // reportingComponent of the events).
  EventRecorder(kube::Client& client, std::string component, EventRecorderOptions options = {});
  // Writes the event being written, drops the rest (call flush() first to keep them).
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Records an event about `involved` (a whole object: apiVersion, kind, metadata.name,
  // namespace, uid, resourceVersion). annotations: extra metadata.annotations (Flux puts
  // the revision in "kustomize.toolkit.fluxcd.io/revision" /
  // "source.toolkit.fluxcd.io/revision").
  void record(const Node& involved, EventType type, std::string_view reason,
              std::string_view message, const std::map<std::string, std::string>& annotations = {})
      EXCLUDES(m_mutex);

  // Returns once every event recorded before the call has been written (or has failed).
  void flush() EXCLUDES(m_mutex);

  uint64_t dropped() const EXCLUDES(m_mutex);  // queue full
  uint64_t failed() const EXCLUDES(m_mutex);   // the API server refused or could not be reached

 private:
  struct Pending {
    Node involved;
    EventType type;
    std::string reason;
    std::string message;
    std::map<std::string, std::string> annotations;
    std::chrono::system_clock::time_point time;
    uint64_t mark = 0;  // options.mark's, when there is a gate
  };
  // The Event written last for one (object, type, reason, message).
  struct Written {
    std::string ns;
    std::string name;
    int64_t count = 0;
    std::chrono::system_clock::time_point last;
  };

  void run() EXCLUDES(m_mutex);
  // False when the event could not be written.
  bool write(const Pending& event);
  static std::string aggregation_key(const Pending& event);
  Result<void> update(Written& written, const Pending& event);
  Result<void> create(const std::string& key, const Pending& event);
  std::string unique_name(std::string_view object_name, std::chrono::system_clock::time_point t);
  void forget_old(std::chrono::system_clock::time_point now);
  void report(std::string_view operation, const Error& error);

  kube::Client& m_client;
  std::string m_component;
  EventRecorderOptions m_options;

  mutable Mutex m_mutex;
  CondVar m_wake;  // the writer: work or stop
  CondVar m_idle;  // flush(): another event finished
  std::deque<Pending> m_queue GUARDED_BY(m_mutex);
  uint64_t m_recorded GUARDED_BY(m_mutex) = 0;  // accepted into the queue
  uint64_t m_finished GUARDED_BY(m_mutex) = 0;  // of those, written, failed or discarded
  bool m_stopping GUARDED_BY(m_mutex) = false;
  uint64_t m_dropped GUARDED_BY(m_mutex) = 0;
  uint64_t m_failed GUARDED_BY(m_mutex) = 0;

  // Writer thread only (no lock).
  std::map<std::string, Written> m_written;
  std::set<std::string> m_reported;  // kinds of failure already on stderr
  int64_t m_last_nanos = 0;

  std::thread m_thread;  // last: starts after everything it uses
};

}  // namespace plumb::controller
