// The journal: round trips, batching, the full queue, retention, reopening after a crash.
#include "journal/journal.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "journal/sqlite.hpp"

namespace plumb::journal {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::seconds;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "plumb-journal-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir + "/journal.db";
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::unique_ptr<Journal> open(Options options = {}) {
    auto journal = Journal::open(m_path, options);
    EXPECT_TRUE(journal) << (journal ? "" : journal.error().message());
    return journal ? std::move(*journal) : nullptr;
  }

  // Every byte of the journal's files (database, WAL, shared memory).
  std::string files() const {
    std::string all;
    for (const auto& f : fs::directory_iterator(m_dir)) {
      std::ifstream in(f.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      all += text.str();
    }
    return all;
  }

  std::string m_dir;
  std::string m_path;
};

Entry entry(std::string name, std::string revision, SystemTime time = {}) {
  Entry e;
  e.time = time == SystemTime{} ? std::chrono::system_clock::now() : time;
  e.duration = std::chrono::milliseconds(42);
  e.api_version = "kustomize.toolkit.fluxcd.io/v1";
  e.kind = "Kustomization";
  e.namespace_ = "flux-system";
  e.name = std::move(name);
  e.uid = "u-1";
  e.trigger = "source";
  e.trigger_detail = "GitRepository/flux-system/podinfo";
  e.revision = std::move(revision);
  e.commit_message = "green";
  e.commit_author = "t <t@example.com>";
  e.result = "ReconciliationSucceeded";
  e.summary = "1 configured, 2 unchanged";
  e.objects.push_back({"configured", "ConfigMap/demo/settings", "",
                       "--- live/ConfigMap/demo/settings\n+++ merged/ConfigMap/demo/settings\n"
                       "-  color: blue\n+  color: green\n"});
  return e;
}

TEST_F(JournalTest, AnEntryRoundTrips) {
  auto journal = open();
  Entry written = entry("apps", "main@sha1:abc");
  written.failed = true;
  written.error = "ConfigMap/demo/x: 422 invalid";
  written.health = "Healthy";
  written.actor = "alice";
  uint64_t seq = journal->append(written);
  ASSERT_TRUE(journal->wait_durable(seq, seconds(10)));

  auto listed = journal->list("Kustomization", "flux-system", "apps", 10);
  ASSERT_TRUE(listed) << listed.error().message();
  ASSERT_EQ(listed->size(), 1u);
  const Entry& row = listed->front();
  EXPECT_GT(row.id, 0);
  EXPECT_EQ(row.revision, "main@sha1:abc");
  EXPECT_EQ(row.trigger, "source");
  EXPECT_EQ(row.summary, "1 configured, 2 unchanged");
  ASSERT_EQ(row.objects.size(), 1u);
  EXPECT_EQ(row.objects[0].ref, "ConfigMap/demo/settings");
  EXPECT_EQ(row.objects[0].diff, "") << "list leaves diffs out";

  auto got = journal->get(row.id);
  ASSERT_TRUE(got && *got);
  const Entry& e = **got;
  EXPECT_EQ(e.time.time_since_epoch() / std::chrono::milliseconds(1),
            written.time.time_since_epoch() / std::chrono::milliseconds(1));
  EXPECT_EQ(e.duration, std::chrono::milliseconds(42));
  EXPECT_EQ(e.api_version, written.api_version);
  EXPECT_EQ(e.uid, "u-1");
  EXPECT_EQ(e.trigger_detail, written.trigger_detail);
  EXPECT_EQ(e.commit_message, "green");
  EXPECT_EQ(e.commit_author, "t <t@example.com>");
  EXPECT_EQ(e.result, "ReconciliationSucceeded");
  EXPECT_TRUE(e.failed);
  EXPECT_EQ(e.error, written.error);
  EXPECT_EQ(e.health, "Healthy");
  EXPECT_EQ(e.actor, "alice");
  ASSERT_EQ(e.objects.size(), 1u);
  EXPECT_EQ(e.objects[0].action, "configured");
  EXPECT_EQ(e.objects[0].diff, written.objects[0].diff);
  EXPECT_FALSE(*journal->get(row.id + 100));
}

TEST_F(JournalTest, ListsNewestFirstForOneObjectOnly) {
  auto journal = open();
  journal->append(entry("apps", "r1"));
  journal->append(entry("infra", "x"));
  journal->append(entry("apps", "r2"));
  journal->append(entry("apps", "r3"));
  ASSERT_TRUE(journal->flush());
  auto listed = journal->list("Kustomization", "flux-system", "apps", 2);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].revision, "r3");
  EXPECT_EQ((*listed)[1].revision, "r2");
  EXPECT_TRUE(journal->list("HelmRelease", "flux-system", "apps", 10)->empty());
}

// Another connection's exclusive lock on the file: the writer waits (SQLite's busy timeout)
// while appends pile up in the queue, deterministically.
class HeldFile {
 public:
  explicit HeldFile(const std::string& path) : m_db(*Database::open(path)) {
    EXPECT_TRUE(m_db.exec("BEGIN EXCLUSIVE"));
  }
  ~HeldFile() { (void)m_db.exec("ROLLBACK"); }

 private:
  Database m_db;
};

// A burst is committed in few transactions: the queue is drained as a batch.
TEST_F(JournalTest, ABurstIsWrittenInOneTransactionPerBatch) {
  auto journal = open();
  uint64_t last = 0;
  {
    HeldFile held(m_path);
    for (int i = 0; i < 300; ++i)
      last = journal->append(entry("apps", "r" + std::to_string(i)));
  }
  ASSERT_TRUE(journal->wait_durable(last, seconds(30)));
  // The first append may have been taken alone before the rest arrived.
  EXPECT_LE(journal->transactions(), 2u);
  auto listed = journal->list("Kustomization", "flux-system", "apps", 5000);
  ASSERT_EQ(listed->size(), 300u);
  EXPECT_EQ(listed->front().revision, "r299");
  EXPECT_EQ(journal->dropped_diffs(), 0u);
}

// A full queue drops the oldest queued entries' diffs, never the entries, and counts them.
TEST_F(JournalTest, AFullQueueDropsDiffsNotEntries) {
  auto journal = open({.queue_capacity = 4});
  uint64_t last = 0;
  {
    HeldFile held(m_path);
    for (int i = 0; i < 100; ++i)
      last = journal->append(entry("apps", "r" + std::to_string(i)));
  }
  ASSERT_TRUE(journal->wait_durable(last, seconds(30)));
  uint64_t dropped = journal->dropped_diffs();
  // The writer's first batch (blocked on the held file) took the k entries queued when it woke,
  // 0 ≤ k ≤ 4 (the queue's capacity: the fifth append strips the oldest); of the rest, all but
  // the newest 4 lost their diff: 96 - k.
  EXPECT_GE(dropped, 92u);
  EXPECT_LE(dropped, 96u);
  auto listed = journal->list("Kustomization", "flux-system", "apps", 5000);
  ASSERT_EQ(listed->size(), 100u) << "every entry is kept";
  uint64_t marked = 0;
  for (const Entry& e : *listed)
    marked += uint64_t(e.dropped_diffs);
  EXPECT_EQ(marked, dropped) << "each entry says how many of its diffs were dropped";
  for (size_t i = 0; i < 4; ++i) {
    auto newest = journal->get((*listed)[i].id);
    EXPECT_FALSE((*newest)->objects[0].diff.empty()) << "the newest diffs are kept";
  }
  auto oldest_kept_out = journal->get((*listed)[10].id);
  EXPECT_TRUE((*oldest_kept_out)->objects[0].diff.empty());
  EXPECT_EQ((*oldest_kept_out)->objects[0].ref, "ConfigMap/demo/settings");
}

TEST_F(JournalTest, RetentionByAgeDeletesOldEntries) {
  auto journal = open({.max_age = hours(24)});
  auto now = std::chrono::system_clock::now();
  journal->append(entry("apps", "old", now - hours(48)));
  journal->append(entry("apps", "new", now - hours(1)));
  ASSERT_TRUE(journal->flush());
  ASSERT_TRUE(journal->apply_retention(now));
  auto listed = journal->list("Kustomization", "flux-system", "apps", 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().revision, "new");
}

TEST_F(JournalTest, RetentionBySizeKeepsTheNewest) {
  auto journal = open({.max_bytes = 256 << 10});
  std::string big(2000, 'x');
  for (int i = 0; i < 1000; ++i) {
    Entry e = entry("apps", "r" + std::to_string(i));
    e.objects[0].diff = big;
    journal->append(std::move(e));
  }
  ASSERT_TRUE(journal->flush());
  ASSERT_GT(*journal->used_bytes(), uint64_t(256 << 10));
  ASSERT_TRUE(journal->apply_retention(std::chrono::system_clock::now()));
  EXPECT_LE(*journal->used_bytes(), uint64_t(256 << 10));
  auto listed = journal->list("Kustomization", "flux-system", "apps", 5000);
  ASSERT_FALSE(listed->empty());
  EXPECT_LT(listed->size(), 1000u);
  EXPECT_EQ(listed->front().revision, "r999") << "the newest entries are kept";
  ASSERT_TRUE(journal->vacuum());
  journal->close();
  EXPECT_LT(fs::file_size(m_path), uintmax_t(512 << 10)) << "the freed pages left the file";
}

TEST_F(JournalTest, ReopensWithItsEntries) {
  {
    auto journal = open();
    journal->append(entry("apps", "r1"));
    journal->close();
  }
  auto journal = open();
  auto listed = journal->list("Kustomization", "flux-system", "apps", 10);
  ASSERT_EQ(listed->size(), 1u);
  journal->append(entry("apps", "r2"));
  ASSERT_TRUE(journal->flush());
  EXPECT_EQ(journal->list("Kustomization", "flux-system", "apps", 10)->size(), 2u);
}

// kill -9 after wait_durable: what was reported durable is there after reopening (WAL
// recovery), and the journal opens.
TEST_F(JournalTest, WhatWasDurableSurvivesKill9) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto journal = Journal::open(m_path, {});
    if (!journal) _exit(2);
    uint64_t last = 0;
    for (int i = 0; i < 300; ++i)
      last = (*journal)->append(entry("apps", "r" + std::to_string(i)));
    if (!(*journal)->wait_durable(last, seconds(30))) _exit(3);
    // More that nobody waited for, then the end without any cleanup.
    for (int i = 300; i < 400; ++i)
      (*journal)->append(entry("apps", "r" + std::to_string(i)));
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  auto journal = open();
  ASSERT_TRUE(journal);
  auto listed = journal->list("Kustomization", "flux-system", "apps", 1000);
  ASSERT_TRUE(listed);
  EXPECT_GE(listed->size(), 300u);
  std::set<std::string> revisions;
  for (const Entry& e : *listed)
    revisions.insert(e.revision);
  for (int i = 0; i < 300; ++i)
    EXPECT_TRUE(revisions.count("r" + std::to_string(i))) << "r" << i << " was durable";
}

TEST_F(JournalTest, RefusesAJournalOfANewerSchema) {
  open()->close();
  {
    auto db = Database::open(m_path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("UPDATE schema_version SET version = 99"));
  }
  auto journal = Journal::open(m_path, {});
  ASSERT_FALSE(journal);
  EXPECT_NE(journal.error().message().find(m_path), std::string::npos);
  EXPECT_NE(journal.error().message().find("newer Plumb (schema version 99"), std::string::npos)
      << journal.error().message();
}

TEST_F(JournalTest, RefusesAFileThatIsNoJournal) {
  std::ofstream(m_path) << "not a database at all, just text that is long enough to be read";
  auto journal = Journal::open(m_path, {});
  ASSERT_FALSE(journal);
  EXPECT_NE(journal.error().message().find("journal"), std::string::npos);
}

}  // namespace
}  // namespace plumb::journal
