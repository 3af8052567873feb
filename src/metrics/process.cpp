#include "metrics/process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace plumb::metrics {

namespace {

std::string read_small_file(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/self/stat after "pid (comm) ": fields[0] is the state (field 3).
std::vector<std::string> stat_fields() {
  std::string stat = read_small_file("/proc/self/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return {};
  std::istringstream rest(stat.substr(paren + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;)
    fields.push_back(field);
  return fields;
}

double boot_time_seconds() {
  std::istringstream stat(read_small_file("/proc/stat"));
  for (std::string line; std::getline(stat, line);)
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  return 0;
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++count;
  return count;
}

}  // namespace

std::optional<ProcessStats> read_process_stats() {
  std::vector<std::string> f = stat_fields();
  // proc(5) numbers fields from 1: utime 14, stime 15, starttime 22, vsize 23, rss 24; f[0] is 3.
  auto field = [&](size_t number) { return std::stod(f.at(number - 3)); };
  if (f.size() < 22) return std::nullopt;
  double ticks = double(sysconf(_SC_CLK_TCK));
  double page = double(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.cpu_seconds = (field(14) + field(15)) / ticks;
  stats.start_time_seconds = boot_time_seconds() + field(22) / ticks;
  stats.virtual_bytes = field(23);
  stats.resident_bytes = field(24) * page;
  stats.open_fds = open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = double(limit.rlim_cur);
  return stats;
}

void add_process_metrics(Registry& registry) {
  auto stat = [](double ProcessStats::*member) {
    return [member] {
      auto stats = read_process_stats();
      return stats ? (*stats).*member : 0.0;
    };
  };
  registry.function("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    Type::counter, stat(&ProcessStats::cpu_seconds));
  registry.function("process_resident_memory_bytes", "Resident memory size in bytes.", Type::gauge,
                    stat(&ProcessStats::resident_bytes));
  registry.function("process_virtual_memory_bytes", "Virtual memory size in bytes.", Type::gauge,
                    stat(&ProcessStats::virtual_bytes));
  registry.function("process_open_fds", "Number of open file descriptors.", Type::gauge,
                    stat(&ProcessStats::open_fds));
  registry.function("process_max_fds", "Maximum number of open file descriptors.", Type::gauge,
                    stat(&ProcessStats::max_fds));
  // The start time does not change: read once.
  auto started = read_process_stats();
  double start_time = started ? started->start_time_seconds : 0;
  registry.function("process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.", Type::gauge,
                    [start_time] { return start_time; });
}

}  // namespace plumb::metrics
