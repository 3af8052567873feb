// Flow control of the embedded API server, in the manner of Kubernetes' API Priority and
// Fairness reduced to one priority level: at most `seats` requests are served at once, up to
// `queue_length` more wait for a seat (at most `queue_wait`), and the rest are rejected (the
// API server answers 429 with Retry-After, which clients retry). Long-running requests
// (watches) take no seat. Answers carry the APF headers, so clients that lift their own rate
// limit for servers with flow control (client-go based controllers, Plumb's client) do so.
//
// Thread safety: admit() and the Seats it returns may be used from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/thread_annotations.hpp"

namespace plumb::localcluster {

struct FlowControlOptions {
  size_t seats = 32;
  size_t queue_length = 512;
  std::chrono::milliseconds queue_wait{10000};
};

// The response headers of a request classified by API Priority and Fairness.
inline constexpr std::string_view k_flow_schema_header = "X-Kubernetes-PF-FlowSchema-UID";
inline constexpr std::string_view k_priority_level_header = "X-Kubernetes-PF-PriorityLevel-UID";

class FlowControl {
 public:
  explicit FlowControl(FlowControlOptions options = {});
  FlowControl(const FlowControl&) = delete;
  FlowControl& operator=(const FlowControl&) = delete;

  // A request being served; gives its seat back when destroyed.
  class Seat {
   public:
    explicit Seat(FlowControl* owner) : m_owner(owner) {}
    Seat(Seat&& other) noexcept : m_owner(std::exchange(other.m_owner, nullptr)) {}
    Seat& operator=(Seat&&) = delete;
    ~Seat();

   private:
    FlowControl* m_owner;
  };

  // A seat, after waiting in the queue if all are taken; nothing when the queue is full or
  // the wait ran out (the request is to be rejected).
  std::optional<Seat> admit() EXCLUDES(m_mutex);

  // The UIDs the APF headers name: the one flow schema and priority level (fixed per server).
  const std::string& flow_schema_uid() const { return m_flow_schema_uid; }
  const std::string& priority_level_uid() const { return m_priority_level_uid; }

  size_t waiting() const EXCLUDES(m_mutex);   // requests in the queue now
  size_t rejected() const EXCLUDES(m_mutex);  // requests rejected so far

 private:
  void release() EXCLUDES(m_mutex);

  FlowControlOptions m_options;
  std::string m_flow_schema_uid;
  std::string m_priority_level_uid;
  mutable Mutex m_mutex;
  CondVar m_freed;  // a seat was given back
  size_t m_in_use GUARDED_BY(m_mutex) = 0;
  size_t m_waiting GUARDED_BY(m_mutex) = 0;
  size_t m_rejected GUARDED_BY(m_mutex) = 0;
};

}  // namespace plumb::localcluster
