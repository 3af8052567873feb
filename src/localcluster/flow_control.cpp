#include "localcluster/flow_control.hpp"

#include "localcluster/objects.hpp"

namespace plumb::localcluster {

FlowControl::FlowControl(FlowControlOptions options)
    : m_options(options), m_flow_schema_uid(new_uid()), m_priority_level_uid(new_uid()) {}

FlowControl::Seat::~Seat() {
  if (m_owner) m_owner->release();
}

std::optional<FlowControl::Seat> FlowControl::admit() {
  UniqueLock lock(m_mutex);
  if (m_in_use < m_options.seats) {
    ++m_in_use;
    return Seat(this);
  }
  if (m_waiting >= m_options.queue_length) {
    ++m_rejected;
    return std::nullopt;
  }
  ++m_waiting;
  auto deadline = std::chrono::steady_clock::now() + m_options.queue_wait;
  while (m_in_use >= m_options.seats &&
         m_freed.wait_until(lock, deadline) == std::cv_status::no_timeout) {
  }
  --m_waiting;
  if (m_in_use >= m_options.seats) {
    ++m_rejected;
    return std::nullopt;
  }
  ++m_in_use;
  return Seat(this);
}

size_t FlowControl::waiting() const {
  LockGuard lock(m_mutex);
  return m_waiting;
}

size_t FlowControl::rejected() const {
  LockGuard lock(m_mutex);
  return m_rejected;
}

void FlowControl::release() {
  {
    LockGuard lock(m_mutex);
    --m_in_use;
  }
  m_freed.notify_one();
}

}  // namespace plumb::localcluster
