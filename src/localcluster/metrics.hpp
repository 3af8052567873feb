// Request counters of the embedded API server, served as Prometheus text at /metrics, so
// tests and benchmarks can see exactly what clients asked for (e.g. that a no-op sync sent
// no write request).
//
// Thread safety: count() and text() may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <string_view>

namespace plumb::localcluster {

class RequestMetrics {
 public:
  enum class Verb { get, list, watch, create, update, patch, delete_, deletecollection, count_ };

  // The verb of a resource request, from its method, whether it names an object and whether
  // it asks to watch.
  static Verb verb_of(std::string_view method, bool named, bool watch);

  void count(Verb verb, bool dry_run) {
    m_counts[size_t(verb)][dry_run].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t value(Verb verb, bool dry_run) const { return m_counts[size_t(verb)][dry_run].load(); }
  std::string text() const;

 private:
  std::array<std::array<std::atomic<uint64_t>, 2>, size_t(Verb::count_)> m_counts{};
};

}  // namespace plumb::localcluster
