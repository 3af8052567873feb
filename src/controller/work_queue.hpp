// A work queue of keys (a JobKey: kind of job + object) with deduplication: a key added while
// it waits is queued once; a key added while a worker holds it is queued again when that
// worker calls done(), so one key is never processed by two workers at once.
//
// With set_metrics, it keeps controller-runtime's workqueue_* metrics: depth, adds, how long
// a key waited and how long its worker held it.
//
// Thread safety: all methods may be called from any thread; set_metrics before the first add.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/thread_annotations.hpp"
#include "metrics/families.hpp"

namespace plumb::controller {

template <typename Key, typename Hash = std::hash<Key>>
class WorkQueue {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // Not owned; outlives the queue.
  void set_metrics(metrics::QueueMetrics* metrics) { m_metrics = metrics; }

  // Queues key unless it is already waiting.
  void add(const Key& key) EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    if (m_shut_down || !m_dirty.insert(key).second) return;
    bool held = m_processing.count(key) > 0;  // then done() requeues it
    if (!held) push_locked(key);
    if (m_metrics) m_metrics->added(m_queue.size());
  }
  // The next key, blocking until there is one; nullopt once shut down and drained.
  std::optional<Key> get() EXCLUDES(m_mutex) {
    UniqueLock lock(m_mutex);
    while (m_queue.empty() && !m_shut_down)
      m_ready.wait(lock);
    return take_locked();
  }
  // Non-blocking get, for step-driven tests.
  std::optional<Key> try_get() EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    return take_locked();
  }
  // The worker finished key; requeues it when it was added meanwhile.
  void done(const Key& key) EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    m_processing.erase(key);
    if (m_metrics) {
      if (auto it = m_started.find(key); it != m_started.end()) {
        m_metrics->finished(SteadyClock::now() - it->second);
        m_started.erase(it);
      }
    }
    if (m_dirty.count(key)) push_locked(key);
  }
  void shut_down() EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    m_shut_down = true;
    m_ready.notify_all();
  }

  size_t waiting() const EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    return m_queue.size();
  }

 private:
  void push_locked(const Key& key) REQUIRES(m_mutex) {
    m_queue.push_back(key);
    if (m_metrics) m_queued.try_emplace(key, SteadyClock::now());
    m_ready.notify_one();
  }
  std::optional<Key> take_locked() REQUIRES(m_mutex) {
    if (m_queue.empty()) return std::nullopt;
    Key key = std::move(m_queue.front());
    m_queue.pop_front();
    m_dirty.erase(key);
    m_processing.insert(key);
    if (m_metrics) {
      auto now = SteadyClock::now();
      if (auto it = m_queued.find(key); it != m_queued.end()) {
        m_metrics->taken(m_queue.size(), now - it->second);
        m_queued.erase(it);
      }
      m_started[key] = now;
    }
    return key;
  }

  mutable Mutex m_mutex;
  CondVar m_ready;
  std::deque<Key> m_queue GUARDED_BY(m_mutex);
  // waiting in m_queue or to be requeued
  std::unordered_set<Key, Hash> m_dirty GUARDED_BY(m_mutex);
  std::unordered_set<Key, Hash> m_processing GUARDED_BY(m_mutex);  // held by a worker
  bool m_shut_down GUARDED_BY(m_mutex) = false;
  metrics::QueueMetrics* m_metrics = nullptr;
  // With metrics: when each waiting key was queued, when each held key was taken.
  std::unordered_map<Key, SteadyClock::time_point, Hash> m_queued GUARDED_BY(m_mutex);
  std::unordered_map<Key, SteadyClock::time_point, Hash> m_started GUARDED_BY(m_mutex);
};

}  // namespace plumb::controller
