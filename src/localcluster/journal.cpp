#include "localcluster/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace plumb::localcluster {
namespace {

Result<void> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(path, ": write: ", std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Replays complete lines; returns the byte length of the good prefix.
Result<size_t> replay_file(const std::string& path, const std::function<void(const Node&)>& replay,
                           bool tolerate_torn_tail) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return size_t{0};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  size_t pos = 0;
  size_t line_number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    ++line_number;
    if (end == std::string::npos) {
      if (tolerate_torn_tail) return pos;
      return fail(path, ": line ", std::to_string(line_number), ": truncated");
    }
    auto record = parse_json(std::string_view(text).substr(pos, end - pos), path);
    if (!record) {
      // Only the last line may be torn.
      if (tolerate_torn_tail && end + 1 >= text.size()) return pos;
      return fail(path, ": line ", std::to_string(line_number), ": ", record.error().message());
    }
    replay(*record);
    pos = end + 1;
  }
  return pos;
}

Result<void> sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(dir, ": ", std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
  return {};
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& dir,
                                               const std::function<void(const Node&)>& replay) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, ": ", ec.message());
  std::unique_ptr<Journal> journal(new Journal());
  journal->m_dir = dir;
  TRY(replay_file(dir + "/snapshot.jsonl", replay, false));
  const std::string log_path = dir + "/journal.jsonl";
  size_t good = TRY(replay_file(log_path, replay, true));
  journal->m_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (journal->m_fd < 0) return fail(log_path, ": ", std::strerror(errno));
  if (::ftruncate(journal->m_fd, static_cast<off_t>(good)) != 0 ||
      ::lseek(journal->m_fd, 0, SEEK_END) < 0)
    return fail(log_path, ": ", std::strerror(errno));
  return journal;
}

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);
}

size_t Journal::journal_bytes() const {
  LockGuard lock(m_mutex);
  return m_bytes;
}

Result<void> Journal::compact(const std::vector<Node>& records) {
  UniqueLock lock(m_mutex);
  // No flusher may write to the journal while it is replaced.
  while (m_flushing)
    m_synced_cv.wait(lock);
  const std::string tmp = m_dir + "/snapshot.jsonl.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(tmp, ": ", std::strerror(errno));
  std::string text;
  for (const Node& record : records) {
    append_json(record, text);
    text += '\n';
    if (text.size() > (1u << 20)) {
      if (auto r = write_all(fd, text, tmp); !r) {
        ::close(fd);
        return r;
      }
      text.clear();
    }
  }
  auto written = write_all(fd, text, tmp);
  if (written && ::fsync(fd) != 0) written = fail(tmp, ": fsync: ", std::strerror(errno));
  ::close(fd);
  TRY_VOID(written);
  if (::rename(tmp.c_str(), (m_dir + "/snapshot.jsonl").c_str()) != 0)
    return fail(m_dir, "/snapshot.jsonl: ", std::strerror(errno));
  TRY_VOID(sync_directory(m_dir));
  // The snapshot holds everything the journal did; only now may the journal go.
  if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) < 0 || ::fsync(m_fd) != 0)
    return fail(m_dir, "/journal.jsonl: ", std::strerror(errno));
  m_pending.clear();
  m_synced = m_appended;
  m_bytes = 0;
  m_synced_cv.notify_all();
  return {};
}

uint64_t Journal::append(const Node& record) {
  LockGuard lock(m_mutex);
  size_t before = m_pending.size();
  append_json(record, m_pending);
  m_pending += '\n';
  m_bytes += m_pending.size() - before;
  return ++m_appended;
}

Result<void> Journal::wait_durable(uint64_t sequence) {
  UniqueLock lock(m_mutex);
  while (m_synced < sequence) {
    if (!m_failure.empty()) return fail(m_failure);
    if (m_flushing) {
      m_synced_cv.wait(lock);
      continue;
    }
    // This thread becomes the flusher for everything queued so far.
    m_flushing = true;
    std::string batch;
    batch.swap(m_pending);
    uint64_t upto = m_appended;
    lock.unlock();
    const std::string path = m_dir + "/journal.jsonl";
    auto written = write_all(m_fd, batch, path);
    if (written && ::fdatasync(m_fd) != 0)
      written = fail(path, ": fdatasync: ", std::strerror(errno));
    lock.lock();
    m_flushing = false;
    if (written) {
      m_synced = upto;
    } else {
      m_failure = written.error().message();
    }
    m_synced_cv.notify_all();
  }
  return {};
}

}  // namespace plumb::localcluster
