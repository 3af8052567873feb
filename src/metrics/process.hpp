// The process collector: the standard process_* metrics Prometheus clients export, read from
// /proc/self at each scrape (CPU time, resident and virtual memory, open and maximum file
// descriptors, start time).
//
// Thread safety: read_process_stats() may run on any thread; add_process_metrics() registers
// scrape-time functions that do.
#pragma once

#include <optional>

#include "metrics/registry.hpp"

namespace plumb::metrics {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double open_fds = 0;
  double max_fds = 0;
  double start_time_seconds = 0;  // since the Unix epoch
};

// Nothing when /proc/self cannot be read (not Linux).
std::optional<ProcessStats> read_process_stats();

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds.
void add_process_metrics(Registry& registry);

}  // namespace plumb::metrics
