// Flux's notification-controller inside Plumb: a controller::Observer that takes every event
// the controller records, drops repeats within the rate-limit window (keyed as Flux keys
// them, notify/event.hpp), finds the Alerts that take it and their Providers (a watch cache
// of both; the Providers' Secrets read when needed), builds each Provider's request
// (notify/payload.hpp) and hands it to the delivery lanes (notify/delivery.hpp). Commit
// statuses are posted once per state change per commit and context: pending when a new
// revision's reconcile begins, then success or failure.
//
// A delivery that fails for good becomes a Warning event (NotificationDispatchFailed) on
// the Provider, through the observer's own EventRecorder (notification-controller).
//
// Thread safety: on_event / on_reconcile are called from the controller's workers; they
// copy the record into a bounded queue (full: dropped and counted) and return. One thread
// of the observer's own reads the cluster and matches; the lanes send. start/stop from one
// thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "controller/events.hpp"
#include "controller/observer.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"
#include "notify/delivery.hpp"
#include "notify/event.hpp"
#include "notify/payload.hpp"

namespace plumb::notify {

struct NotifyOptions {
  // Flux's --rate-limit-interval: an identical event within it is sent once.
  std::chrono::milliseconds rate_limit{std::chrono::minutes(5)};
  size_t queue_capacity = 1024;
  DeliveryOptions delivery;  // on_delivery(provider type, ok) counts deliveries (metrics)
  std::function<void(const std::string&)> log;  // progress lines; never secrets
  // The rate limiter's clock; tests pass a fake one.
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
  bool record_events = true;  // failures as Kubernetes events on the Provider
  // Alerts and Providers from a watch cache (false: read from the API server per event,
  // so a test sees an object the moment it is applied).
  bool watch = true;
};

class NotificationObserver : public controller::Observer {
 public:
  NotificationObserver(kube::Client& client, NotifyOptions options = {});
  ~NotificationObserver() override;  // stop()
  NotificationObserver(const NotificationObserver&) = delete;
  NotificationObserver& operator=(const NotificationObserver&) = delete;

  // Installs the Provider and Alert CRDs when missing and starts the thread.
  Result<void> start();
  void stop() EXCLUDES(m_mutex);

  // A reconcile's end, for commit statuses (status_event_from).
  void on_reconcile(const controller::ReconcileRecord& record) override EXCLUDES(m_mutex);
  void on_event(const controller::EventRecord& record) override EXCLUDES(m_mutex);

  // One event, on the caller's thread: rate limit, match, build, submit (tests; the thread
  // calls it for each queued event).
  void process(const Event& event);
  // Waits until the queue is empty and the lanes are idle (tests).
  void drain() EXCLUDES(m_mutex);

  uint64_t dropped() const EXCLUDES(m_mutex);
  uint64_t rate_limited() const { return m_rate_limited; }

 private:
  void enqueue(Event event) EXCLUDES(m_mutex);
  void run() EXCLUDES(m_mutex);
  bool first_in_window(const Event& event);
  void send(const AlertSpec& alert, const Event& event);
  bool commit_state_changed(const Target& target, const Event& event);
  void report_failure(const Node& provider, const std::string& error);
  Result<std::vector<Node>> read_alerts();
  Result<std::optional<Node>> read_provider(const std::string& ns, const std::string& name);
  void say(const std::string& line) const;

  kube::Client& m_client;
  NotifyOptions m_options;
  controller::EventRecorder m_events;
  kube::WatchCache m_cache;
  Dispatcher m_dispatcher;

  mutable Mutex m_mutex;
  CondVar m_changed;
  std::deque<Event> m_queue GUARDED_BY(m_mutex);
  bool m_busy GUARDED_BY(m_mutex) = false;
  bool m_stopping GUARDED_BY(m_mutex) = false;
  uint64_t m_dropped GUARDED_BY(m_mutex) = 0;
  std::thread m_thread;

  // Only the processing thread (or a test calling process) touches these.
  std::map<std::string, std::chrono::steady_clock::time_point> m_last_sent;  // event key
  std::map<std::string, CommitState> m_commit_states;  // provider uid, context, sha
  uint64_t m_rate_limited = 0;
};

}  // namespace plumb::notify
