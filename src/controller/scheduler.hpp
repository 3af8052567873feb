// When each object is reconciled next: its interval (with jitter, so a thousand objects with
// the same interval do not fire together) after a success, an exponential backoff capped at
// its retry interval after a failure. The loop body is step(now), so tests drive it with a
// fake clock and no sleeps. step and next_due cost O(log n) per key due, not a scan: a
// thousand objects each rescheduled wake the loop a thousand times.
//
// Thread safety: none; the controller calls it under its own lock.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace plumb::controller {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

template <typename Key>
class Scheduler {
 public:
  // jitter: the fraction of an interval a due time may move by (±); seed for tests.
  explicit Scheduler(double jitter = 0.05, uint64_t seed = 1) : m_jitter(jitter), m_random(seed) {}

  // After a successful reconcile: next run one interval from now (jittered).
  void succeeded(const Key& key, Clock::time_point now, Duration interval);
  // After a failure: 1s, 2s, 4s ... from now, at most retry_interval; reset by a success.
  void failed(const Key& key, Clock::time_point now, Duration retry_interval);
  // Runs key at `when` unless it is already due sooner.
  void run_at(const Key& key, Clock::time_point when);
  void forget(const Key& key);

  // The keys due at `now`, removed from the schedule (the caller queues them).
  std::vector<Key> step(Clock::time_point now);
  // When the next key is due, if any.
  std::optional<Clock::time_point> next_due() const;
  int failures(const Key& key) const;

 private:
  Duration jittered(Duration interval);

  double m_jitter;
  std::mt19937_64 m_random;
  void set_due(const Key& key, Clock::time_point when);

  std::map<Key, Clock::time_point> m_due;
  std::set<std::pair<Clock::time_point, Key>> m_by_time;  // m_due ordered by time
  std::map<Key, int> m_failures;
};

template <typename Key>
Duration Scheduler<Key>::jittered(Duration interval) {
  if (m_jitter <= 0) return interval;
  std::uniform_real_distribution<double> spread(-m_jitter, m_jitter);
  double factor = 1 + spread(m_random);
  return Duration(int64_t(double(interval.count()) * factor));
}

template <typename Key>
void Scheduler<Key>::set_due(const Key& key, Clock::time_point when) {
  auto [it, inserted] = m_due.emplace(key, when);
  if (!inserted) {
    m_by_time.erase({it->second, key});
    it->second = when;
  }
  m_by_time.emplace(when, key);
}

template <typename Key>
void Scheduler<Key>::succeeded(const Key& key, Clock::time_point now, Duration interval) {
  m_failures.erase(key);
  set_due(key, now + jittered(interval));
}

template <typename Key>
void Scheduler<Key>::failed(const Key& key, Clock::time_point now, Duration retry_interval) {
  int n = ++m_failures[key];
  Duration backoff = Duration(1000) * (int64_t(1) << std::min(n - 1, 20));
  set_due(key, now + std::min(backoff, std::max(retry_interval, Duration(1000))));
}

template <typename Key>
void Scheduler<Key>::run_at(const Key& key, Clock::time_point when) {
  auto it = m_due.find(key);
  if (it == m_due.end() || when < it->second) set_due(key, when);
}

template <typename Key>
void Scheduler<Key>::forget(const Key& key) {
  if (auto it = m_due.find(key); it != m_due.end()) {
    m_by_time.erase({it->second, key});
    m_due.erase(it);
  }
  m_failures.erase(key);
}

template <typename Key>
std::vector<Key> Scheduler<Key>::step(Clock::time_point now) {
  std::vector<Key> due;
  while (!m_by_time.empty() && m_by_time.begin()->first <= now) {
    due.push_back(m_by_time.begin()->second);
    m_due.erase(m_by_time.begin()->second);
    m_by_time.erase(m_by_time.begin());
  }
  return due;
}

template <typename Key>
std::optional<Clock::time_point> Scheduler<Key>::next_due() const {
  if (m_by_time.empty()) return std::nullopt;
  return m_by_time.begin()->first;
}

template <typename Key>
int Scheduler<Key>::failures(const Key& key) const {
  auto it = m_failures.find(key);
  return it == m_failures.end() ? 0 : it->second;
}

}  // namespace plumb::controller
