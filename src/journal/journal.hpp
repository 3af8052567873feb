// The sync journal: every reconcile that did something, every failure, drift repair,
// suspend/resume and rollback, kept durably in one SQLite file (WAL) — what `plumb history`
// reads.
//
//   auto journal = TRY(Journal::open(dir + "/journal.db", {}));
//   uint64_t seq = journal->append(std::move(entry));   // never blocks
//   journal->wait_durable(seq, 5s);                      // before saying it happened
//
// Writes go through a bounded queue that one writer thread drains, one transaction per
// batch. append never blocks a reconcile: when the queue already holds queue_capacity
// entries with diffs, the oldest queued entry's diffs are dropped (the entry is kept, and
// says so) and counted. Retention (by age and by size) is applied by the writer after a
// batch, at most once a minute, and on open.
//
// Thread safety: append, wait_durable, flush, list, get, dropped_diffs, apply_retention and
// vacuum from any thread; open and close from one.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/thread_annotations.hpp"
#include "core/time.hpp"
#include "journal/sqlite.hpp"

namespace plumb::journal {

// What one reconcile did to one object.
struct ObjectChange {
  std::string action;  // sync::Action's name: "created", "configured", "deleted", "failed", ...
  std::string ref;     // "ConfigMap/demo/settings"
  std::string message;
  std::string diff;  // the unified diff `plumb diff` prints for it; Secret values masked
};

struct Entry {
  int64_t id = 0;  // given by the journal; 0 before it is written
  SystemTime time;
  std::chrono::milliseconds duration{0};
  std::string api_version;
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string trigger;  // controller::Trigger's name: "source", "drift", ...
  std::string trigger_detail;
  std::string revision;
  std::string commit_message;
  std::string commit_author;
  std::string result;  // the Ready reason as Flux writes it: "ReconciliationSucceeded", ...
  bool failed = false;
  std::string error;
  std::string health;
  std::string actor;
  std::string summary;  // "2 created, 1 configured, 1 deleted"
  std::vector<ObjectChange> objects;
  // Diffs left out because the write queue was full (the objects are still listed).
  int64_t dropped_diffs = 0;
};

struct Options {
  std::chrono::milliseconds max_age = std::chrono::hours(24 * 30);
  uint64_t max_bytes = 512ull << 20;
  size_t queue_capacity = 1024;  // queued entries that carry diffs
};

// Reads a journal, also one another process is writing (`plumb history`): opens an
// existing file only, writes nothing, applies no retention.
//
// Thread safety: one thread at a time.
class Reader {
 public:
  // Fails when there is no file at `path`, or it is no journal, or a newer Plumb's.
  static Result<Reader> open(const std::string& path);

  // The entries of one object (kind "Kustomization", ...), newest first, without diffs.
  Result<std::vector<Entry>> list(const std::string& kind, const std::string& ns,
                                  const std::string& name, size_t limit);
  // One entry with its objects and their diffs; nullopt when there is none with this id.
  Result<std::optional<Entry>> get(int64_t id);
  // Bytes the journal uses (pages in use × page size).
  Result<uint64_t> used_bytes();

 private:
  friend class Journal;
  explicit Reader(Database db) : m_db(std::move(db)) {}
  Database m_db;
};

class Journal {
 public:
  // Opens (creating it and its directory's file) the journal at `path`: recovers the WAL of
  // a crashed writer, creates or checks the schema (a journal written by a newer Plumb is
  // refused) and starts the writer.
  static Result<std::unique_ptr<Journal>> open(const std::string& path, Options options);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Queues the entry; returns its sequence number (1, 2, ... in this process). Never blocks
  // on the disk.
  uint64_t append(Entry entry);
  // Waits until entry `seq` is committed to disk. Fails on timeout, or when the writer could
  // not write (the disk's error).
  Result<void> wait_durable(uint64_t seq, std::chrono::milliseconds timeout);
  // The sequence number of the last entry appended (0: none yet).
  uint64_t last_seq() const;
  // Waits until everything appended so far is durable.
  Result<void> flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Flushes, stops the writer and closes the file. Idempotent.
  void close();

  // The entries of one object (kind "Kustomization", ...), newest first, without diffs.
  Result<std::vector<Entry>> list(const std::string& kind, const std::string& ns,
                                  const std::string& name, size_t limit) const;
  // One entry with its objects and their diffs; nullopt when there is none with this id.
  Result<std::optional<Entry>> get(int64_t id) const;

  // Diffs dropped because the queue was full, since open.
  uint64_t dropped_diffs() const;
  // Transactions the writer committed (or tried), since open.
  uint64_t transactions() const;
  // Deletes entries older than now - max_age, then the oldest until the live data fits in
  // max_bytes, and gives the freed pages back to the file system. What the writer does.
  Result<void> apply_retention(SystemTime now);
  // Rewrites the file compactly (SQLite VACUUM).
  Result<void> vacuum();
  // Bytes the journal uses (pages in use × page size).
  Result<uint64_t> used_bytes() const;

  // The schema this Plumb writes.
  static constexpr int k_schema_version = 1;

 private:
  struct Queued {
    uint64_t seq;
    Entry entry;
  };

  Journal(Options options, Database writer, Reader reader);
  void run_writer();
  // Takes up to k_max_batch queued entries (waits for one); empty when stopping.
  std::vector<Queued> next_batch() EXCLUDES(m_queue_mutex);
  Result<void> write_batch(const std::vector<Queued>& batch) EXCLUDES(m_write_mutex);
  void strip_oldest_diffs() REQUIRES(m_queue_mutex);
  bool failed_write(uint64_t seq) const REQUIRES(m_queue_mutex);

  Options m_options;
  mutable Mutex m_write_mutex;
  mutable Mutex m_read_mutex;
  // The writer thread's connection, also retention's and vacuum's.
  Database m_writer GUARDED_BY(m_write_mutex);
  // list's and get's (WAL: readers see the last commit and never block the writer).
  mutable Reader m_reader GUARDED_BY(m_read_mutex);

  mutable Mutex m_queue_mutex;
  CondVar m_queue_cv;  // the writer: work or stop
  CondVar m_durable_cv;
  std::deque<Queued> m_queue GUARDED_BY(m_queue_mutex);
  size_t m_queued_with_diffs GUARDED_BY(m_queue_mutex) = 0;
  size_t m_strip_from GUARDED_BY(m_queue_mutex) = 0;  // queue entries before it have no diffs
  uint64_t m_next_seq GUARDED_BY(m_queue_mutex) = 1;
  uint64_t m_written GUARDED_BY(m_queue_mutex) = 0;  // every seq up to it was written or failed
  // Batches that could not be written (first, last seq) and why; the newest few.
  std::deque<std::pair<uint64_t, uint64_t>> m_failed GUARDED_BY(m_queue_mutex);
  Error m_last_error GUARDED_BY(m_queue_mutex);
  uint64_t m_dropped GUARDED_BY(m_queue_mutex) = 0;
  uint64_t m_transactions GUARDED_BY(m_queue_mutex) = 0;
  bool m_stopping GUARDED_BY(m_queue_mutex) = false;
  std::chrono::steady_clock::time_point m_last_retention;  // the writer's
  std::chrono::steady_clock::time_point m_last_commit;     // the writer's: when it last committed
  std::thread m_thread;
  bool m_closed = false;  // open and close's thread
};

}  // namespace plumb::journal
