#include "controller/work_queue.hpp"

namespace plumb::controller {

void WorkQueue::add(const std::string& key) {
  LockGuard lock(m_mutex);
  if (m_shut_down || !m_dirty.insert(key).second) return;
  if (m_processing.count(key)) return;  // done() requeues it
  m_queue.push_back(key);
  m_ready.notify_one();
}

std::optional<std::string> WorkQueue::take_locked() {
  if (m_queue.empty()) return std::nullopt;
  std::string key = std::move(m_queue.front());
  m_queue.pop_front();
  m_dirty.erase(key);
  m_processing.insert(key);
  return key;
}

std::optional<std::string> WorkQueue::get() {
  UniqueLock lock(m_mutex);
  while (m_queue.empty() && !m_shut_down)
    m_ready.wait(lock);
  return take_locked();
}

std::optional<std::string> WorkQueue::try_get() {
  LockGuard lock(m_mutex);
  return take_locked();
}

void WorkQueue::done(const std::string& key) {
  LockGuard lock(m_mutex);
  m_processing.erase(key);
  if (m_dirty.count(key)) {
    m_queue.push_back(key);
    m_ready.notify_one();
  }
}

void WorkQueue::shut_down() {
  LockGuard lock(m_mutex);
  m_shut_down = true;
  m_ready.notify_all();
}

size_t WorkQueue::waiting() const {
  LockGuard lock(m_mutex);
  return m_queue.size();
}

}  // namespace plumb::controller
