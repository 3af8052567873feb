#include "controller/scheduler.hpp"

#include <algorithm>

namespace plumb::controller {

Duration Scheduler::jittered(Duration interval) {
  if (m_jitter <= 0) return interval;
  std::uniform_real_distribution<double> spread(-m_jitter, m_jitter);
  double factor = 1 + spread(m_random);
  return Duration(int64_t(double(interval.count()) * factor));
}

void Scheduler::succeeded(const std::string& key, Clock::time_point now, Duration interval) {
  m_failures.erase(key);
  m_due[key] = now + jittered(interval);
}

void Scheduler::failed(const std::string& key, Clock::time_point now, Duration retry_interval) {
  int n = ++m_failures[key];
  Duration backoff = Duration(1000) * (int64_t(1) << std::min(n - 1, 20));
  m_due[key] = now + std::min(backoff, std::max(retry_interval, Duration(1000)));
}

void Scheduler::run_at(const std::string& key, Clock::time_point when) {
  auto [it, inserted] = m_due.emplace(key, when);
  if (!inserted && when < it->second) it->second = when;
}

void Scheduler::forget(const std::string& key) {
  m_due.erase(key);
  m_failures.erase(key);
}

std::vector<std::string> Scheduler::step(Clock::time_point now) {
  std::vector<std::string> due;
  for (auto it = m_due.begin(); it != m_due.end();) {
    if (it->second <= now) {
      due.push_back(it->first);
      it = m_due.erase(it);
    } else {
      ++it;
    }
  }
  return due;
}

std::optional<Clock::time_point> Scheduler::next_due() const {
  std::optional<Clock::time_point> next;
  for (const auto& [key, when] : m_due) {
    if (!next || when < *next) next = when;
  }
  return next;
}

int Scheduler::failures(const std::string& key) const {
  auto it = m_failures.find(key);
  return it == m_failures.end() ? 0 : it->second;
}

}  // namespace plumb::controller
