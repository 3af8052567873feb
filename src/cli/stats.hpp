// `plumb stats`'s counting, as `flux stats` counts: per kind of unit, how many run (not
// suspended), fail (Ready False; an Application: health Degraded or its last operation Failed
// or Error), are suspended (spec.suspend), the storage their artifacts take
// (status.artifact.size summed) and — Plumb's addition — how many objects they manage.
//
// Thread safety: pure functions; a KindStats is a value.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"

namespace plumb::cli::stats {

struct KindStats {
  std::string kind;
  int64_t total = 0;
  int64_t failing = 0;
  int64_t suspended = 0;
  int64_t storage = 0;  // bytes
  int64_t managed = 0;  // objects in inventories / release manifests / status.resources
  int64_t running() const { return total - suspended; }
};

// Counts the objects of one kind; managed_of says how many objects one of them manages.
KindStats count(std::string_view kind, std::span<const Node> items,
                const std::function<int64_t(const Node&)>& managed_of = {});

// Managed objects: a Kustomization's status.inventory entries, an Application's
// status.resources (hooks aside).
int64_t inventory_size(const Node& kustomization);
int64_t application_resources(const Node& application);

// flux stats' STORAGE cell: "-" for none, "512 B", "1.5 KiB", "2.0 MiB".
std::string format_size(int64_t bytes);

// The table as flux stats prints it (RECONCILERS, RUNNING, FAILING, SUSPENDED, STORAGE), then
// a line "Managed objects: N (Kind n, ...)" for the kinds that manage objects.
std::string format(std::span<const KindStats> rows);

}  // namespace plumb::cli::stats
