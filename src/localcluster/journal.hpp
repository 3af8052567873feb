// The durable log under a data directory: `snapshot.jsonl` (the state at the last start) and
// `journal.jsonl` (every write since, one JSON record a line). A record is acknowledged only
// once fdatasync has returned for it; concurrent writers share one sync (group commit). A
// torn last line (a crash mid-write) is dropped on load: it was never acknowledged.
//
// Thread safety: append() is called with the store's lock held, so records are in
// resourceVersion order; wait_durable() is called without it, from many threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::localcluster {

class Journal {
 public:
  // Reads the snapshot then the journal, calling `replay` for each record in order.
  static Result<std::unique_ptr<Journal>> open(const std::string& dir,
                                               const std::function<void(const Node&)>& replay);
  ~Journal();

  // Replaces the snapshot with `records` (the whole state, including every record appended
  // so far) and starts an empty journal; records waiting for a sync become durable with it.
  Result<void> compact(const std::vector<Node>& records);
  // Bytes appended since the last compaction.
  size_t journal_bytes() const;

  // Queues one record; returns its sequence number for wait_durable.
  uint64_t append(const Node& record);
  Result<void> wait_durable(uint64_t sequence);

 private:
  Journal() = default;

  std::string m_dir;
  int m_fd = -1;
  mutable std::mutex m_mutex;
  std::condition_variable m_synced_cv;
  std::string m_pending;
  uint64_t m_appended = 0;
  uint64_t m_synced = 0;
  size_t m_bytes = 0;
  bool m_flushing = false;
  std::string m_failure;  // a failed write poisons the journal
};

}  // namespace plumb::localcluster
