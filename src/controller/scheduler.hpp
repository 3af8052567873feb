// When each object is reconciled next: its interval (with jitter, so a thousand objects with
// the same interval do not fire together) after a success, an exponential backoff capped at
// its retry interval after a failure. The loop body is step(now), so tests drive it with a
// fake clock and no sleeps.
//
// Thread safety: none; the controller calls it from its scheduling thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace plumb::controller {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

class Scheduler {
 public:
  // jitter: the fraction of an interval a due time may move by (±); seed for tests.
  explicit Scheduler(double jitter = 0.05, uint64_t seed = 1) : m_jitter(jitter), m_random(seed) {}

  // After a successful reconcile: next run one interval from now (jittered).
  void succeeded(const std::string& key, Clock::time_point now, Duration interval);
  // After a failure: 1s, 2s, 4s ... from now, at most retry_interval; reset by a success.
  void failed(const std::string& key, Clock::time_point now, Duration retry_interval);
  // Runs key at `when` unless it is already due sooner.
  void run_at(const std::string& key, Clock::time_point when);
  void forget(const std::string& key);

  // The keys due at `now`, removed from the schedule (the caller queues them).
  std::vector<std::string> step(Clock::time_point now);
  // When the next key is due, if any.
  std::optional<Clock::time_point> next_due() const;
  int failures(const std::string& key) const;

 private:
  Duration jittered(Duration interval);

  double m_jitter;
  std::mt19937_64 m_random;
  std::map<std::string, Clock::time_point> m_due;
  std::map<std::string, int> m_failures;
};

}  // namespace plumb::controller
