// A work queue of keys ("Kustomization/flux-system/apps") with deduplication: a key added
// while it waits is queued once; a key added while a worker holds it is queued again when
// that worker calls done(), so one key is never processed by two workers at once.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/thread_annotations.hpp"

namespace plumb::controller {

class WorkQueue {
 public:
  // Queues key unless it is already waiting.
  void add(const std::string& key) EXCLUDES(m_mutex);
  // The next key, blocking until there is one; nullopt once shut down and drained.
  std::optional<std::string> get() EXCLUDES(m_mutex);
  // Non-blocking get, for step-driven tests.
  std::optional<std::string> try_get() EXCLUDES(m_mutex);
  // The worker finished key; requeues it when it was added meanwhile.
  void done(const std::string& key) EXCLUDES(m_mutex);
  void shut_down() EXCLUDES(m_mutex);

  size_t waiting() const EXCLUDES(m_mutex);

 private:
  std::optional<std::string> take_locked() REQUIRES(m_mutex);

  mutable Mutex m_mutex;
  CondVar m_ready;
  std::deque<std::string> m_queue GUARDED_BY(m_mutex);
  // waiting in m_queue or to be requeued
  std::unordered_set<std::string> m_dirty GUARDED_BY(m_mutex);
  std::unordered_set<std::string> m_processing GUARDED_BY(m_mutex);  // held by a worker
  bool m_shut_down GUARDED_BY(m_mutex) = false;
};

}  // namespace plumb::controller
