// The journal's queue and writer thread; the SQL is in store.cpp.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <thread>

#include "journal/journal.hpp"
#include "journal/store.hpp"

namespace plumb::journal {
namespace {

// Entries written in one transaction at most: a long backlog is committed in steps, so
// wait_durable of its first entries does not wait for the last.
constexpr size_t k_max_batch = 512;
// Commits at most this often: under a burst, entries gather into one transaction (one fsync)
// instead of one each — at N = 1,000 Kustomizations, one commit per entry cost the controller
// ~20% more CPU (bench/mttp). An entry after a quiet spell is written at once.
constexpr auto k_commit_interval = std::chrono::milliseconds(25);
// Batches that failed to write, remembered for wait_durable.
constexpr size_t k_failed_kept = 64;
constexpr auto k_retention_every = std::chrono::minutes(1);
constexpr int k_write_retries = 3;
constexpr auto k_retry_backoff = std::chrono::milliseconds(200);

bool has_diffs(const Entry& entry) {
  return std::any_of(entry.objects.begin(), entry.objects.end(),
                     [](const ObjectChange& o) { return !o.diff.empty(); });
}

}  // namespace

Result<Reader> Reader::open(const std::string& path) {
  auto db = Database::open(path, Database::Mode::existing);
  if (!db) return std::unexpected(db.error().context("journal"));
  if (auto checked = check_schema(*db); !checked)
    return std::unexpected(checked.error().context("journal " + path));
  TRY_VOID(db->exec("PRAGMA query_only = 1"));
  return Reader(std::move(*db));
}

Result<std::vector<Entry>> Reader::list(const std::string& kind, const std::string& ns,
                                        const std::string& name, size_t limit) {
  return select_entries(m_db, kind, ns, name, limit);
}

Result<std::optional<Entry>> Reader::get(int64_t id) {
  return select_entry(m_db, id);
}

Result<uint64_t> Reader::used_bytes() {
  return live_bytes(m_db);
}

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, Options options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::path parent = fs::path(path).parent_path(); !parent.empty())
    fs::create_directories(parent, ec);
  auto writer = Database::open(path);
  if (!writer) return std::unexpected(writer.error().context("journal"));
  if (auto ready = prepare_schema(*writer); !ready)
    return std::unexpected(ready.error().context("journal " + path));
  auto reader = Reader::open(path);
  if (!reader) return std::unexpected(reader.error());
  std::unique_ptr<Journal> journal(new Journal(options, std::move(*writer), std::move(*reader)));
  if (auto kept = journal->apply_retention(std::chrono::system_clock::now()); !kept)
    return std::unexpected(kept.error().context("journal " + path + ": retention"));
  journal->m_thread = std::thread([j = journal.get()] { j->run_writer(); });
  return journal;
}

Journal::Journal(Options options, Database writer, Reader reader)
    : m_options(options),
      m_writer(std::move(writer)),
      m_reader(std::move(reader)),
      m_last_retention(std::chrono::steady_clock::now()) {}

Journal::~Journal() {
  close();
}

uint64_t Journal::append(Entry entry) {
  uint64_t seq;
  {
    LockGuard lock(m_queue_mutex);
    seq = m_next_seq++;
    bool diffs = has_diffs(entry);
    if (diffs) {
      while (m_queued_with_diffs >= std::max<size_t>(1, m_options.queue_capacity))
        strip_oldest_diffs();
      ++m_queued_with_diffs;
    }
    m_queue.push_back({seq, std::move(entry)});
  }
  m_queue_cv.notify_one();
  return seq;
}

void Journal::strip_oldest_diffs() {
  for (; m_strip_from < m_queue.size(); ++m_strip_from) {
    Entry& entry = m_queue[m_strip_from].entry;
    if (!has_diffs(entry)) continue;
    for (ObjectChange& o : entry.objects) {
      if (o.diff.empty()) continue;
      o.diff.clear();
      ++entry.dropped_diffs;
      ++m_dropped;
    }
    --m_queued_with_diffs;
    ++m_strip_from;
    return;
  }
  m_queued_with_diffs = 0;  // nothing left to strip: the count was off
}

uint64_t Journal::dropped_diffs() const {
  LockGuard lock(m_queue_mutex);
  return m_dropped;
}

uint64_t Journal::transactions() const {
  LockGuard lock(m_queue_mutex);
  return m_transactions;
}

std::vector<Journal::Queued> Journal::next_batch() {
  UniqueLock lock(m_queue_mutex);
  while (m_queue.empty() && !m_stopping)
    m_queue_cv.wait(lock);
  const auto due = m_last_commit + k_commit_interval;
  while (!m_stopping && m_queue.size() < k_max_batch && std::chrono::steady_clock::now() < due)
    m_queue_cv.wait_until(lock, due);
  size_t n = std::min(m_queue.size(), k_max_batch);
  std::vector<Queued> batch(std::make_move_iterator(m_queue.begin()),
                            std::make_move_iterator(m_queue.begin() + long(n)));
  m_queue.erase(m_queue.begin(), m_queue.begin() + long(n));
  m_strip_from = m_strip_from > n ? m_strip_from - n : 0;
  for (const Queued& q : batch)
    if (has_diffs(q.entry) && m_queued_with_diffs > 0) --m_queued_with_diffs;
  return batch;
}

void Journal::run_writer() {
  for (;;) {
    std::vector<Queued> batch = next_batch();
    if (batch.empty()) return;  // stopping, and everything is written
    Result<void> written = write_batch(batch);
    // A busy file (another process's lock beyond SQLite's busy timeout) or a passing I/O
    // error: the batch is tried again a few times before its entries are given up.
    for (int attempt = 1; !written && attempt <= k_write_retries; ++attempt) {
      std::this_thread::sleep_for(k_retry_backoff * attempt);
      written = write_batch(batch);
    }
    {
      LockGuard lock(m_queue_mutex);
      m_written = batch.back().seq;
      ++m_transactions;
      if (!written) {
        m_failed.emplace_back(batch.front().seq, batch.back().seq);
        if (m_failed.size() > k_failed_kept) m_failed.pop_front();
        m_last_error = written.error();
      }
    }
    m_durable_cv.notify_all();
    m_last_commit = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - m_last_retention >= k_retention_every) {
      m_last_retention = std::chrono::steady_clock::now();
      // A failed retention is tried again at the next batch after a minute; the entries
      // themselves are written.
      (void)apply_retention(std::chrono::system_clock::now());
    }
  }
}

Result<void> Journal::write_batch(const std::vector<Queued>& batch) {
  LockGuard lock(m_write_mutex);
  return insert_entries(m_writer, batch.size(),
                        [&](size_t i) -> const Entry& { return batch[i].entry; });
}

bool Journal::failed_write(uint64_t seq) const {
  return std::any_of(m_failed.begin(), m_failed.end(),
                     [&](const auto& range) { return seq >= range.first && seq <= range.second; });
}

Result<void> Journal::wait_durable(uint64_t seq, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  UniqueLock lock(m_queue_mutex);
  while (m_written < seq) {
    if (m_durable_cv.wait_until(lock, deadline) == std::cv_status::timeout && m_written < seq)
      return fail("journal: entry ", std::to_string(seq), " not written within ",
                  std::to_string(timeout.count()), "ms");
  }
  if (failed_write(seq))
    return std::unexpected(m_last_error.context("journal: entry " + std::to_string(seq)));
  return {};
}

uint64_t Journal::last_seq() const {
  LockGuard lock(m_queue_mutex);
  return m_next_seq - 1;
}

Result<void> Journal::flush(std::chrono::milliseconds timeout) {
  uint64_t last = last_seq();
  if (last == 0) return {};
  return wait_durable(last, timeout);
}

void Journal::close() {
  if (m_closed) return;
  m_closed = true;
  {
    LockGuard lock(m_queue_mutex);
    m_stopping = true;
  }
  m_queue_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();  // the writer drains the queue first
  LockGuard write(m_write_mutex);
  LockGuard read(m_read_mutex);
  m_reader.m_db.close();
  m_writer.close();
}

Result<std::vector<Entry>> Journal::list(const std::string& kind, const std::string& ns,
                                         const std::string& name, size_t limit) const {
  LockGuard lock(m_read_mutex);
  return m_reader.list(kind, ns, name, limit);
}

Result<std::optional<Entry>> Journal::get(int64_t id) const {
  LockGuard lock(m_read_mutex);
  return m_reader.get(id);
}

Result<void> Journal::apply_retention(SystemTime now) {
  LockGuard lock(m_write_mutex);
  return delete_old(m_writer, now - m_options.max_age, m_options.max_bytes);
}

Result<void> Journal::vacuum() {
  LockGuard lock(m_write_mutex);
  return m_writer.exec("VACUUM");
}

Result<uint64_t> Journal::used_bytes() const {
  LockGuard lock(m_read_mutex);
  return m_reader.used_bytes();
}

}  // namespace plumb::journal
