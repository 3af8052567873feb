#include "cli/stats.hpp"

#include <cstdio>

#include "cli/flux_common.hpp"
#include "cli/flux_table.hpp"

namespace plumb::cli::stats {
namespace {

bool is_failing(std::string_view kind, const Node& object) {
  if (kind == "Application") {
    std::string_view phase = object.string_at({"status", "operationState", "phase"});
    return object.string_at({"status", "health", "status"}) == "Degraded" || phase == "Failed" ||
           phase == "Error";
  }
  flux::Readiness ready = flux::readiness_of(object);
  return ready.found && ready.status == "False";
}

}  // namespace

KindStats count(std::string_view kind, std::span<const Node> items,
                const std::function<int64_t(const Node&)>& managed_of) {
  KindStats s{.kind = std::string(kind)};
  for (const Node& object : items) {
    ++s.total;
    if (flux::is_suspended(object)) ++s.suspended;
    if (is_failing(kind, object)) ++s.failing;
    if (const Node* size = object.at_path({"status", "artifact", "size"}))
      s.storage += size->as_int();
    if (managed_of) s.managed += managed_of(object);
  }
  return s;
}

int64_t inventory_size(const Node& kustomization) {
  const Node* entries = kustomization.at_path({"status", "inventory", "entries"});
  return entries && entries->is_list() ? int64_t(entries->size()) : 0;
}

int64_t application_resources(const Node& application) {
  const Node* resources = application.at_path({"status", "resources"});
  if (!resources || !resources->is_list()) return 0;
  int64_t n = 0;
  for (const Node& r : resources->items()) {
    const Node* hook = r.find("hook");
    if (!hook || !hook->as_bool()) ++n;
  }
  return n;
}

std::string format_size(int64_t bytes) {
  if (bytes <= 0) return "-";
  constexpr int64_t unit = 1024;
  if (bytes < unit) return std::to_string(bytes) + " B";
  int64_t div = unit;
  int exp = 0;
  for (int64_t n = bytes / unit; n >= unit; n /= unit) {
    div *= unit;
    ++exp;
  }
  char out[32];
  std::snprintf(out, sizeof out, "%.1f %ciB", double(bytes) / double(div), "KMGTPE"[exp]);
  return out;
}

std::string format(std::span<const KindStats> rows) {
  std::vector<flux::Row> table;
  int64_t managed = 0;
  std::string by_kind;
  for (const KindStats& s : rows) {
    table.push_back({s.kind, std::to_string(s.running()), std::to_string(s.failing),
                     std::to_string(s.suspended), format_size(s.storage)});
    managed += s.managed;
    if (s.managed > 0) {
      if (!by_kind.empty()) by_kind += ", ";
      by_kind += s.kind + " " + std::to_string(s.managed);
    }
  }
  std::string out =
      flux::format_table({"RECONCILERS", "RUNNING", "FAILING", "SUSPENDED", "STORAGE"}, table);
  out += "\nManaged objects: " + std::to_string(managed);
  if (!by_kind.empty()) out += " (" + by_kind + ")";
  return out + "\n";
}

}  // namespace plumb::cli::stats
