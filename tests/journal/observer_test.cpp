// JournalObserver: what a ReconcileRecord becomes in the journal.
#include "journal/observer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace plumb::journal {
namespace {

namespace fs = std::filesystem;

controller::ReconcileRecord record() {
  controller::ReconcileRecord r;
  r.started = std::chrono::system_clock::now();
  r.finished = r.started + std::chrono::milliseconds(250);
  r.api_version = "kustomize.toolkit.fluxcd.io/v1";
  r.kind = "Kustomization";
  r.namespace_ = "flux-system";
  r.name = "apps";
  r.trigger = controller::Trigger::webhook;
  r.trigger_detail = "delivery-7";
  r.revision = "main@sha1:abc";
  r.reason = controller::Reason::reconciliation_failed;
  r.error = "1 object failed to apply";
  ObjectRef cm{"", "v1", "ConfigMap", "demo", "settings"};
  ObjectRef web{"apps", "v1", "Deployment", "demo", "web"};
  r.sync.objects.push_back({.ref = cm, .action = sync::Action::configured, .diff = "-a\n+b\n"});
  r.sync.objects.push_back({.ref = web, .action = sync::Action::unchanged});
  return r;
}

TEST(EntryOf, KeepsWhatChangedAndTheSummary) {
  Entry e = entry_of(record());
  EXPECT_EQ(e.trigger, "webhook");
  EXPECT_EQ(e.trigger_detail, "delivery-7");
  EXPECT_EQ(e.result, "ReconciliationFailed");
  EXPECT_TRUE(e.failed);
  EXPECT_EQ(e.duration, std::chrono::milliseconds(250));
  EXPECT_EQ(e.summary, "1 configured, 1 unchanged");
  ASSERT_EQ(e.objects.size(), 1u) << "unchanged objects are counted, not listed";
  EXPECT_EQ(e.objects[0].action, "configured");
  EXPECT_EQ(e.objects[0].ref, "ConfigMap/demo/settings");
  EXPECT_EQ(e.objects[0].diff, "-a\n+b\n");
}

TEST(JournalObserver, SkipsNoOpsAndKeepsTheRest) {
  std::string dir = (fs::temp_directory_path() / "plumb-journal-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  {
    auto journal = Journal::open(dir + "/journal.db", {});
    ASSERT_TRUE(journal);
    JournalObserver observer(**journal);
    controller::ReconcileRecord noop = record();
    noop.reason = controller::Reason::succeeded;
    noop.noop = true;
    observer.on_reconcile(noop);
    observer.on_reconcile(record());
    ASSERT_TRUE((*journal)->flush());
    auto listed = (*journal)->list("Kustomization", "flux-system", "apps", 10);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().result, "ReconciliationFailed");
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace plumb::journal
