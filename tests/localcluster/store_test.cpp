// The object store: resourceVersions, optimistic concurrency, list pages, watch windows
// (410 Gone), and durability through the journal.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/json.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/store.hpp"

namespace plumb::localcluster {
namespace {

using std::chrono::milliseconds;

Node config_map(std::string_view name) {
  Node object = Node::map();
  object.set("kind", Node::string("ConfigMap"));
  object["metadata"].set("name", Node::string(name));
  return object;
}

std::unique_ptr<Store> memory_store(size_t window = 1000) {
  StoreOptions options;
  options.event_window = window;
  return std::move(Store::open(options).value());
}

TEST(Store, EveryWriteTakesTheNextResourceVersion) {
  auto store = memory_store();
  auto a = store->create("/configmaps", "ns", "a", config_map("a"));
  auto b = store->create("/configmaps", "ns", "b", config_map("b"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(object_rv(*a), 1u);
  EXPECT_EQ(object_rv(*b), 2u);
  EXPECT_EQ(store->current_rv(), 2u);
  auto again = store->create("/configmaps", "ns", "a", config_map("a"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, 409);
  EXPECT_EQ(again.error().reason, "AlreadyExists");
}

TEST(Store, UpdateWithAStaleResourceVersionConflicts) {
  auto store = memory_store();
  ASSERT_TRUE(store->create("/configmaps", "ns", "a", config_map("a")));
  ASSERT_TRUE(store->update("/configmaps", "ns", "a", config_map("a"), 1));
  auto stale = store->update("/configmaps", "ns", "a", config_map("a"), 1);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_EQ(stale.error().reason, "Conflict");
  auto missing = store->update("/configmaps", "ns", "zz", config_map("zz"), 0);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, 404);
  EXPECT_EQ(missing.error().message, "configmaps \"zz\" not found");
}

TEST(Store, ListPagesContinueAfterTheLastKeyAndFilterByNamespace) {
  auto store = memory_store();
  for (const char* name : {"a", "b", "c", "d", "e"})
    ASSERT_TRUE(store->create("/configmaps", "one", name, config_map(name)));
  ASSERT_TRUE(store->create("/configmaps", "two", "x", config_map("x")));
  ListPage first = store->list("/configmaps", "one", "", 2, nullptr);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.next_key, "one/b");
  ListPage second = store->list("/configmaps", "one", first.next_key, 2, nullptr);
  EXPECT_EQ(second.items[0].string_at({"metadata", "name"}), "c");
  ListPage last = store->list("/configmaps", "one", second.next_key, 2, nullptr);
  ASSERT_EQ(last.items.size(), 1u);
  EXPECT_EQ(last.next_key, "");
  EXPECT_EQ(store->list("/configmaps", "", "", 0, nullptr).items.size(), 6u);
  auto only_x = store->list("/configmaps", "", "", 0, [](const Node& o) {
    return o.string_at({"metadata", "name"}) == "x";
  });
  EXPECT_EQ(only_x.items.size(), 1u);
}

TEST(Store, IndexesDependentsByOwnerUid) {
  auto store = memory_store();
  Node owner = config_map("owner");
  owner["metadata"].set("uid", Node::string("u-1"));
  ASSERT_TRUE(store->create("/configmaps", "ns", "owner", owner));
  Node child = config_map("child");
  child["metadata"].set("uid", Node::string("u-2"));
  Node ref = Node::map();
  ref.set("uid", Node::string("u-1"));
  child["metadata"]["ownerReferences"].push_back(ref);
  ASSERT_TRUE(store->create("/configmaps", "ns", "child", child));
  EXPECT_TRUE(store->uid_exists("u-1"));
  ASSERT_EQ(store->dependents_of("u-1").size(), 1u);
  EXPECT_EQ(store->dependents_of("u-1")[0].second.string_at({"metadata", "name"}), "child");
  // An update that drops the reference drops the index entry; a delete drops the uid.
  ASSERT_TRUE(store->update("/configmaps", "ns", "child", config_map("child"), 0));
  EXPECT_TRUE(store->dependents_of("u-1").empty());
  ASSERT_TRUE(store->remove("/configmaps", "ns", "owner", 0));
  EXPECT_FALSE(store->uid_exists("u-1"));
}

TEST(Watch, DeliversEventsAfterTheCursorInOrder) {
  auto store = memory_store();
  ASSERT_TRUE(store->create("/configmaps", "ns", "a", config_map("a")));
  uint64_t cursor = store->current_rv();
  ASSERT_TRUE(store->update("/configmaps", "ns", "a", config_map("a"), 0));
  ASSERT_TRUE(store->create("/secrets", "ns", "s", config_map("s")));
  ASSERT_TRUE(store->remove("/configmaps", "ns", "a", 0));
  std::vector<WatchEvent> events;
  ASSERT_EQ(store->wait_events("/configmaps", "", cursor, milliseconds(10), events),
            WaitStatus::events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::modified);
  EXPECT_EQ(events[1].type, EventType::deleted);
  // The deleted object carries the deletion's resourceVersion.
  EXPECT_EQ(object_rv(events[1].object), 4u);
  EXPECT_EQ(cursor, 4u);
  events.clear();
  EXPECT_EQ(store->wait_events("/configmaps", "", cursor, milliseconds(10), events),
            WaitStatus::timeout);
}

TEST(Watch, WakesWhenAnotherThreadWrites) {
  auto store = memory_store();
  uint64_t cursor = 0;
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    (void)store->create("/configmaps", "ns", "late", config_map("late"));
  });
  std::vector<WatchEvent> events;
  EXPECT_EQ(store->wait_events("/configmaps", "ns", cursor, milliseconds(5000), events),
            WaitStatus::events);
  writer.join();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].object.string_at({"metadata", "name"}), "late");
}

TEST(Watch, TooOldResourceVersionIsGone) {
  auto store = memory_store(3);
  for (int i = 0; i < 6; ++i) {
    std::string name = "cm" + std::to_string(i);
    ASSERT_TRUE(store->create("/configmaps", "ns", name, config_map(name)));
  }
  std::vector<WatchEvent> events;
  uint64_t old_cursor = 1;
  EXPECT_EQ(store->wait_events("/configmaps", "", old_cursor, milliseconds(10), events),
            WaitStatus::gone);
  uint64_t recent = 3;  // events 4, 5, 6 are still in the window
  EXPECT_EQ(store->wait_events("/configmaps", "", recent, milliseconds(10), events),
            WaitStatus::events);
  EXPECT_EQ(events.size(), 3u);
}

TEST(Watch, CloseWakesWatchers) {
  auto store = memory_store();
  uint64_t cursor = 0;
  std::thread closer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    store->close();
  });
  std::vector<WatchEvent> events;
  EXPECT_EQ(store->wait_events("", "", cursor, milliseconds(5000), events), WaitStatus::closed);
  closer.join();
}

class DurableStore : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("plumb-store-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::unique_ptr<Store> open(size_t compact_bytes = 64u << 20) {
    StoreOptions options;
    options.data_dir = m_dir.string();
    options.compact_bytes = compact_bytes;
    auto store = Store::open(options);
    EXPECT_TRUE(store) << store.error().message();
    return std::move(*store);
  }
  std::filesystem::path m_dir;
};

TEST_F(DurableStore, StateAndResourceVersionSurviveReopen) {
  {
    auto store = open();
    ASSERT_TRUE(store->create("/configmaps", "ns", "a", config_map("a")));
    ASSERT_TRUE(store->create("/configmaps", "ns", "b", config_map("b")));
    ASSERT_TRUE(store->remove("/configmaps", "ns", "a", 0));
  }
  auto store = open();
  EXPECT_FALSE(store->get("/configmaps", "ns", "a"));
  ASSERT_TRUE(store->get("/configmaps", "ns", "b"));
  EXPECT_EQ(store->current_rv(), 3u);
  auto next = store->create("/configmaps", "ns", "c", config_map("c"));
  EXPECT_EQ(object_rv(*next), 4u);
  // A second reopen reads the snapshot written by the first.
  store.reset();
  EXPECT_EQ(open()->current_rv(), 4u);
}

TEST_F(DurableStore, ALongJournalIsFoldedIntoTheSnapshot) {
  {
    auto store = open(1000);
    for (int i = 0; i < 50; ++i) {
      std::string name = "cm" + std::to_string(i);
      ASSERT_TRUE(store->create("/configmaps", "ns", name, config_map(name)));
    }
    ASSERT_TRUE(store->remove("/configmaps", "ns", "cm7", 0));
    EXPECT_LT(std::filesystem::file_size(m_dir / "store" / "journal.jsonl"), 1200u);
  }
  auto store = open();
  EXPECT_EQ(store->list("/configmaps", "ns", "", 0, nullptr).items.size(), 49u);
  EXPECT_FALSE(store->get("/configmaps", "ns", "cm7"));
  EXPECT_EQ(store->current_rv(), 51u);
}

TEST_F(DurableStore, ATornLastRecordIsDropped) {
  {
    auto store = open();
    ASSERT_TRUE(store->create("/configmaps", "ns", "a", config_map("a")));
  }
  {
    // A crash in the middle of writing the next record.
    std::ofstream journal(m_dir / "store" / "journal.jsonl", std::ios::app);
    journal << R"({"op":"put","rv":2,"r":"/configmaps","ns":"ns","n":"b","o":{"kin)";
  }
  auto store = open();
  EXPECT_TRUE(store->get("/configmaps", "ns", "a"));
  EXPECT_FALSE(store->get("/configmaps", "ns", "b"));
  EXPECT_EQ(store->current_rv(), 1u);
}

TEST_F(DurableStore, ConcurrentWritersAllBecomeDurable) {
  {
    auto store = open();
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          std::string name = "w" + std::to_string(t) + "-" + std::to_string(i);
          ASSERT_TRUE(store->create("/configmaps", "ns", name, config_map(name)));
        }
      });
    }
    for (auto& w : writers)
      w.join();
  }
  auto store = open();
  EXPECT_EQ(store->list("/configmaps", "ns", "", 0, nullptr).items.size(), 100u);
  EXPECT_EQ(store->current_rv(), 100u);
}

}  // namespace
}  // namespace plumb::localcluster
