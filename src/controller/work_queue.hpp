// A work queue of keys ("Kustomization/flux-system/apps") with deduplication: a key added
// while it waits is queued once; a key added while a worker holds it is queued again when
// that worker calls done(), so one key is never processed by two workers at once.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace plumb::controller {

class WorkQueue {
 public:
  // Queues key unless it is already waiting.
  void add(const std::string& key);
  // The next key, blocking until there is one; nullopt once shut down and drained.
  std::optional<std::string> get();
  // Non-blocking get, for step-driven tests.
  std::optional<std::string> try_get();
  // The worker finished key; requeues it when it was added meanwhile.
  void done(const std::string& key);
  void shut_down();

  size_t waiting() const;

 private:
  std::optional<std::string> take_locked();

  mutable std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::string> m_queue;
  std::unordered_set<std::string> m_dirty;       // waiting in m_queue or to be requeued
  std::unordered_set<std::string> m_processing;  // held by a worker
  bool m_shut_down = false;
};

}  // namespace plumb::controller
