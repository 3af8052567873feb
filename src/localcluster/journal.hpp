// The durable log under a data directory: `snapshot.jsonl` (the state at the last start) and
// `journal.jsonl` (every write since, one JSON record a line). A record is acknowledged only
// once fdatasync has returned for it; concurrent writers share one sync (group commit). A
// torn last line (a crash mid-write) is dropped on load: it was never acknowledged.
//
// Thread safety: append() is called with the store's lock held, so records are in
// resourceVersion order; wait_durable() is called without it, from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"

namespace plumb::localcluster {

class Journal {
 public:
  // Reads the snapshot then the journal, calling `replay` for each record in order.
  static Result<std::unique_ptr<Journal>> open(const std::string& dir,
                                               const std::function<void(const Node&)>& replay);
  ~Journal();

  // Replaces the snapshot with `records` (the whole state, including every record appended
  // so far) and starts an empty journal; records waiting for a sync become durable with it.
  Result<void> compact(const std::vector<Node>& records) EXCLUDES(m_mutex);
  // Bytes appended since the last compaction.
  size_t journal_bytes() const EXCLUDES(m_mutex);

  // Queues one record; returns its sequence number for wait_durable.
  uint64_t append(const Node& record) EXCLUDES(m_mutex);
  Result<void> wait_durable(uint64_t sequence) EXCLUDES(m_mutex);

 private:
  Journal() = default;

  std::string m_dir;
  // Set by open(). The file is written by the one flusher (m_flushing) without the lock, or
  // by compact() with the lock and no flusher.
  int m_fd = -1;
  mutable Mutex m_mutex;
  CondVar m_synced_cv;  // a flush or a compaction ended
  std::string m_pending GUARDED_BY(m_mutex);
  uint64_t m_appended GUARDED_BY(m_mutex) = 0;
  uint64_t m_synced GUARDED_BY(m_mutex) = 0;
  size_t m_bytes GUARDED_BY(m_mutex) = 0;
  bool m_flushing GUARDED_BY(m_mutex) = false;
  std::string m_failure GUARDED_BY(m_mutex);  // a failed write poisons the journal
};

}  // namespace plumb::localcluster
