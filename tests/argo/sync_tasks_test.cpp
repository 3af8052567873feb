// Facts from gitops-engine's own tests (pkg/sync: sync_tasks_test.go, sync_context_test.go,
// sync_phase_test.go, sync_task_test.go, hook/, syncwaves/), ported as tables.
#include "argo/sync_tasks.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "yaml_test_util.hpp"

namespace plumb::argo {
namespace {

// An object of `kind` named `name`, annotated with "key: value" lines.
Node make(std::string_view kind, std::string_view name, std::vector<std::string> annotations = {},
          std::string_view api_version = "v1") {
  std::string text = "apiVersion: " + std::string(api_version) + "\nkind: " + std::string(kind) +
                     "\nmetadata:\n  name: \"" + std::string(name) + "\"\n";
  if (!annotations.empty()) {
    text += "  annotations:\n";
    for (const std::string& a : annotations)
      text += "    " + a + "\n";
  }
  return yaml(text);
}

Node pod(std::string_view name, std::vector<std::string> annotations = {}) {
  return make("Pod", name, std::move(annotations));
}

std::vector<SyncTask> plan(std::vector<Node> desired, std::vector<Node> to_prune = {},
                           const SyncOptions& options = {}, const PlanContext& context = {}) {
  Result<std::vector<SyncTask>> tasks = plan_sync_tasks(desired, to_prune, options, context);
  EXPECT_TRUE(tasks) << tasks.error().message();
  return tasks ? *tasks : std::vector<SyncTask>{};
}

// "Phase/wave/Kind/name", "prune" appended for prunes.
std::vector<std::string> order(const std::vector<SyncTask>& tasks) {
  std::vector<std::string> out;
  for (const SyncTask& t : tasks)
    out.push_back(std::string(to_string(t.phase)) + "/" + std::to_string(t.wave) + "/" + t.kind() +
                  "/" + t.name() + (t.prune ? " prune" : ""));
  return out;
}

std::map<std::string, int64_t> wave_by_name(const std::vector<SyncTask>& tasks) {
  std::map<std::string, int64_t> out;
  for (const SyncTask& t : tasks)
    out[t.name()] = t.wave;
  return out;
}

SyncOptions options(std::vector<std::string> items) {
  return *parse_sync_options(items, "test");
}

std::string wave(int n) {
  return "argocd.argoproj.io/sync-wave: \"" + std::to_string(n) + "\"";
}

TEST(ArgoSyncTasks, KindOrderTable) {
  EXPECT_EQ(kind_order("Namespace"), -35);
  EXPECT_EQ(kind_order("NetworkPolicy"), -34);
  EXPECT_EQ(kind_order("CustomResourceDefinition"), -22);
  EXPECT_EQ(kind_order("Deployment"), -8);
  EXPECT_EQ(kind_order("APIService"), -1);
  EXPECT_EQ(kind_order("MyCRD"), 0);
  EXPECT_EQ(kind_order(""), 0);
}

TEST(ArgoSyncTasks, PhaseNames) {
  EXPECT_EQ(to_string(Phase::pre_sync), "PreSync");
  EXPECT_EQ(to_string(Phase::sync), "Sync");
  EXPECT_EQ(to_string(Phase::post_sync), "PostSync");
  EXPECT_EQ(to_string(Phase::sync_fail), "SyncFail");
  EXPECT_EQ(to_string(DeletePolicy::hook_failed), "HookFailed");
}

// sync_tasks_test.go TestSortSyncTask: phase, wave, kind order, name.
TEST(ArgoSyncTasks, SortsByPhaseWaveKindAndName) {
  std::vector<Node> desired = {
      make("Pod", ""),
      make("Service", ""),
      make("PersistentVolume", ""),
      make("", "", {"argocd.argoproj.io/hook: SyncFail"}),
      make("", "", {wave(1)}),
      make("", "b"),
      make("", "a"),
      make("", "", {wave(-1)}),
      make("", ""),
      make("", "", {"argocd.argoproj.io/hook: PreSync"}),
      make("", "", {"argocd.argoproj.io/hook: PostSync"}),
      make("ConfigMap", ""),
  };
  EXPECT_EQ(order(plan(desired)),
            (std::vector<std::string>{"PreSync/0//-presync-0", "Sync/-1//", "Sync/0/ConfigMap/",
                                      "Sync/0/PersistentVolume/", "Sync/0/Service/", "Sync/0/Pod/",
                                      "Sync/0//", "Sync/0//a", "Sync/0//b", "Sync/1//",
                                      "PostSync/0//-postsync-0", "SyncFail/0//-syncfail-0"}));
}

TEST(ArgoSyncTasks, NamespaceBeforeCustomResource) {
  EXPECT_EQ(order(plan({make("Workflow", "w"), make("Namespace", "n")})),
            (std::vector<std::string>{"Sync/0/Namespace/n", "Sync/0/Workflow/w"}));
}

// TestSyncTasksSort_NamespaceAndObjectInNamespace: a Namespace moves in front of the first
// task in it and takes its phase and wave.
TEST(ArgoSyncTasks, NamespaceMovesBeforeItsFirstObjectAndTakesItsPhaseAndWave) {
  Node hook1 = yaml(
      "kind: Job\nmetadata:\n  name: mySyncHookJob1\n  namespace: myNamespace1\n"
      "  annotations:\n    argocd.argoproj.io/hook: PreSync\n");
  Node hook2 = yaml(
      "kind: Job\nmetadata:\n  name: mySyncHookJob2\n  namespace: myNamespace2\n"
      "  annotations:\n    argocd.argoproj.io/hook: PreSync\n");
  Node ns1 = make("Namespace", "myNamespace1", {wave(1)});
  Node ns2 = make("Namespace", "myNamespace2", {wave(2)});
  std::vector<SyncTask> tasks = plan({hook1, hook2, ns1, ns2});
  EXPECT_EQ(order(tasks), (std::vector<std::string>{
                              "PreSync/0/Namespace/myNamespace1", "PreSync/0/Job/mySyncHookJob1",
                              "PreSync/0/Namespace/myNamespace2", "PreSync/0/Job/mySyncHookJob2"}));
  EXPECT_FALSE(tasks[0].hook);
  EXPECT_TRUE(tasks[1].hook);
}

// Objects without a namespace are in the destination namespace (gitops-engine sets it).
TEST(ArgoSyncTasks, ObjectsWithoutNamespaceCountAsInTheDestinationNamespace) {
  PlanContext context;
  context.namespace_ = "shop";
  std::vector<SyncTask> tasks =
      plan({pod("web"), make("Namespace", "shop", {wave(3)})}, {}, {}, context);
  EXPECT_EQ(order(tasks), (std::vector<std::string>{"Sync/0/Namespace/shop", "Sync/0/Pod/web"}));
  EXPECT_EQ(tasks[1].namespace_(), "");  // the object itself is not changed
  // Without a destination namespace the Namespace keeps its wave.
  EXPECT_EQ(order(plan({pod("web"), make("Namespace", "shop", {wave(3)})})),
            (std::vector<std::string>{"Sync/0/Pod/web", "Sync/3/Namespace/shop"}));
}

// TestSyncTasksSort_CRDAndCR.
TEST(ArgoSyncTasks, CrdMovesBeforeItsFirstCustomResource) {
  Node cr = make("Workflow", "wf", {"argocd.argoproj.io/hook: PreSync"}, "argoproj.io/v1");
  Node crd = yaml(
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "metadata:\n  name: workflows.argoproj.io\n"
      "spec:\n  group: argoproj.io\n  names:\n    kind: Workflow\n");
  EXPECT_EQ(order(plan({cr, crd})),
            (std::vector<std::string>{"PreSync/0/CustomResourceDefinition/workflows.argoproj.io",
                                      "PreSync/0/Workflow/wf"}));
  // Another group's CRD stays where it sorts.
  Node other = yaml(
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "metadata:\n  name: things.example.com\n  annotations:\n    " +
      wave(1) + "\nspec:\n  group: example.com\n  names:\n    kind: Thing\n");
  EXPECT_EQ(order(plan({cr, other})),
            (std::vector<std::string>{"PreSync/0/Workflow/wf",
                                      "Sync/1/CustomResourceDefinition/things.example.com"}));
}

// sync_context_test.go TestWaveReorderingOfPruneTasks.
TEST(ArgoSyncTasks, PruneWavesAreMirrored) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, int>> desired, pruned;  // name, wave
    std::map<std::string, int64_t> expected;
    bool prune_last = false;
    std::string prune_last_on;  // one pruned object annotated PruneLast=true
  };
  const Case cases[] = {
      {"sameWave_allPruneTasks",
       {},
       {{"ns", 0}, {"pod-1", 0}, {"pod-2", 0}, {"pod-3", 0}, {"pod-4", 0}},
       {{"ns", 0}, {"pod-1", 0}, {"pod-2", 0}, {"pod-3", 0}, {"pod-4", 0}}},
      {"differentWave_noPruneTasks",
       {{"ns", 0}, {"pod-1", 1}, {"pod-2", 2}, {"pod-3", 3}, {"pod-4", 4}},
       {},
       {{"ns", 0}, {"pod-1", 1}, {"pod-2", 2}, {"pod-3", 3}, {"pod-4", 4}}},
      {"differentWave_allPruneTasks",
       {},
       {{"ns", 0}, {"pod-1", 1}, {"pod-2", 2}, {"pod-3", 3}, {"pod-4", 4}},
       {{"ns", 4}, {"pod-1", 3}, {"pod-2", 2}, {"pod-3", 1}, {"pod-4", 0}}},
      {"differentWave_mixedTasks",
       {{"ns", 0}, {"pod-2", 2}},
       {{"pod-1", 1}, {"pod-3", 3}, {"pod-4", 4}},
       {{"pod-1", 4}, {"pod-3", 3}, {"pod-4", 1}, {"ns", 0}, {"pod-2", 2}}},
      {"pruneLast",
       {{"ns", 0}},
       {{"pod-1", 1}, {"pod-2", 2}, {"pod-3", 3}, {"pod-4", 4}},
       {{"pod-1", 5}, {"pod-2", 5}, {"pod-3", 5}, {"pod-4", 5}, {"ns", 0}},
       true},
      {"pruneLastIndividualResources",
       {{"ns", 0}},
       {{"pod-1", 1}, {"pod-2", 2}, {"pod-3", 3}, {"pod-4", 4}},
       {{"pod-1", 4}, {"pod-2", 5}, {"pod-3", 2}, {"pod-4", 1}, {"ns", 0}},
       false,
       "pod-2"},
      {"mixedTasks",
       {{"ns", -1}, {"pod-2", 3}, {"pod-6", 5}},
       {{"pod-1", 1}, {"pod-3", 3}, {"pod-4", 3}, {"pod-5", 4}, {"pod-7", 5}},
       {{"pod-1", 5},
        {"pod-3", 4},
        {"pod-4", 4},
        {"pod-5", 3},
        {"pod-7", 1},
        {"ns", -1},
        {"pod-2", 3},
        {"pod-6", 5}}},
  };
  for (const Case& c : cases) {
    auto build = [&](const std::pair<std::string, int>& item) {
      std::vector<std::string> annotations = {wave(item.second)};
      if (item.first == c.prune_last_on)
        annotations.push_back("argocd.argoproj.io/sync-options: PruneLast=true");
      return make(item.first == "ns" ? "Namespace" : "Pod", item.first, annotations);
    };
    std::vector<Node> desired, pruned;
    for (const auto& item : c.desired)
      desired.push_back(build(item));
    for (const auto& item : c.pruned)
      pruned.push_back(build(item));
    PlanContext context;
    context.namespace_ = "fake-argocd-ns";
    std::vector<SyncTask> tasks =
        plan(desired, pruned, c.prune_last ? options({"PruneLast=true"}) : SyncOptions{}, context);
    EXPECT_EQ(tasks.size(), c.desired.size() + c.pruned.size()) << c.name;
    EXPECT_EQ(wave_by_name(tasks), c.expected) << c.name;
  }
}

// TestPruneLast: PruneLast prunes go one wave after the last Sync-phase wave.
TEST(ArgoSyncTasks, PruneLastGoesAfterTheLastSyncWave) {
  SyncOptions prune_last = options({"PruneLast=true"});
  std::vector<SyncTask> same = plan({pod("pod-1")}, {pod("pod-2"), pod("pod-3")}, prune_last);
  ASSERT_EQ(same.size(), 3u);
  EXPECT_EQ(same.back().wave, 1);
  std::vector<SyncTask> different = plan(
      {pod("pod-1", {wave(2)})}, {pod("pod-2", {wave(1)}), pod("pod-3", {wave(7)})}, prune_last);
  EXPECT_EQ(order(different),
            (std::vector<std::string>{"Sync/2/Pod/pod-1", "Sync/8/Pod/pod-2 prune",
                                      "Sync/8/Pod/pod-3 prune"}));
  // Negative waves only: the prune-last wave is still 1.
  EXPECT_EQ(plan({pod("a", {wave(-5)})}, {pod("b", {wave(-3)})}, prune_last).back().wave, 1);
}

// TestWaitForCleanUpBeforeNextWave: prune order pod-3, pod-2, pod-1.
TEST(ArgoSyncTasks, PrunesRunInReverseWaveOrder) {
  std::vector<SyncTask> tasks =
      plan({}, {pod("pod-1", {wave(1)}), pod("pod-2", {wave(2)}), pod("pod-3", {wave(3)})});
  EXPECT_EQ(order(tasks),
            (std::vector<std::string>{"Sync/1/Pod/pod-3 prune", "Sync/2/Pod/pod-2 prune",
                                      "Sync/3/Pod/pod-1 prune"}));
  EXPECT_TRUE(tasks[0].target.is_null());
  EXPECT_EQ(tasks[0].live.string_at({"metadata", "name"}), "pod-3");
}

TEST(ArgoSyncTasks, WavesAreConsecutiveRunsOfPhaseAndWave) {
  std::vector<SyncTask> tasks =
      plan({pod("pre", {"argocd.argoproj.io/hook: PreSync"}), pod("a", {wave(-1)}), pod("b"),
            pod("c"), pod("post", {"argocd.argoproj.io/hook: PostSync", wave(1)}),
            pod("fail", {"argocd.argoproj.io/hook: SyncFail"})});
  std::vector<WaveRange> ranges = waves(tasks);
  ASSERT_EQ(ranges.size(), 5u);
  EXPECT_EQ(ranges[0].phase, Phase::pre_sync);
  EXPECT_EQ(ranges[1].wave, -1);
  EXPECT_EQ(ranges[2].phase, Phase::sync);
  EXPECT_EQ(ranges[2].wave, 0);
  EXPECT_EQ(ranges[2].begin, 2u);
  EXPECT_EQ(ranges[2].end, 4u);
  EXPECT_EQ(ranges[3].phase, Phase::post_sync);
  EXPECT_EQ(ranges[3].wave, 1);
  EXPECT_EQ(ranges[4].phase, Phase::sync_fail);
  EXPECT_EQ(ranges[4].end, tasks.size());
  EXPECT_TRUE(waves({}).empty());
}

// TestUnnamedHooksGetUniqueNames: generateName + lower(revision[0:7]-phase-startedAt).
TEST(ArgoSyncTasks, GenerateNameHooksGetANamePerPhase) {
  Node hook = yaml(
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations:\n"
      "    argocd.argoproj.io/hook: PreSync,PostSync\n");
  PlanContext context;
  context.revision = "FooBarBaz";
  context.started_at = 1700000000;
  std::vector<SyncTask> tasks = plan({hook}, {}, {}, context);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].name(), "migrate-foobarb-presync-1700000000");
  EXPECT_EQ(tasks[1].name(), "migrate-foobarb-postsync-1700000000");
  EXPECT_EQ(tasks[0].target.string_at({"metadata", "generateName"}), "migrate-");
  context.revision = "foobar";
  EXPECT_EQ(plan({hook}, {}, {}, context)[0].name(), "migrate-foobar-presync-1700000000");
}

// TestManagedResourceAreNotNamed: only hooks are named.
TEST(ArgoSyncTasks, ResourcesWithGenerateNameAreNotNamed) {
  Node object = yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: cfg-\n");
  std::vector<SyncTask> tasks = plan({object});
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].target.string_at({"metadata", "name"}), "");
  EXPECT_EQ(tasks[0].name(), "cfg-");
}

TEST(ArgoSyncTasks, HooksGetTheHookFinalizerOnceWhenAskedFor) {
  EXPECT_EQ(plan({pod("j", {"argocd.argoproj.io/hook: Sync"})})[0].target.at_path(
                {"metadata", "finalizers"}),
            nullptr);
  PlanContext context;
  context.hook_finalizer = true;
  std::vector<SyncTask> tasks = plan(
      {yaml("kind: Job\nmetadata:\n  name: j\n  finalizers: [keep]\n  annotations:\n"
            "    argocd.argoproj.io/hook: Sync\n"),
       yaml("kind: Job\nmetadata:\n  name: k\n  finalizers: [argocd.argoproj.io/hook-finalizer]\n"
            "  annotations:\n    argocd.argoproj.io/hook: Sync\n"),
       pod("plain")},
      {}, {}, context);
  ASSERT_EQ(tasks.size(), 3u);
  auto finalizers = [&](std::string_view name) {
    std::vector<std::string> out;
    for (const SyncTask& t : tasks)
      if (t.name() == name)
        if (const Node* list = t.object().at_path({"metadata", "finalizers"}))
          for (const Node& f : list->items())
            out.emplace_back(f.as_string());
    return out;
  };
  EXPECT_EQ(finalizers("j"),
            (std::vector<std::string>{"keep", "argocd.argoproj.io/hook-finalizer"}));
  EXPECT_EQ(finalizers("k"), (std::vector<std::string>{"argocd.argoproj.io/hook-finalizer"}));
  EXPECT_TRUE(finalizers("plain").empty());
}

// TestDoNotSyncOrPruneHooks, Skip, garbage and deletion hooks.
TEST(ArgoSyncTasks, HooksAreNeverPrunedAndSkippedObjectsNeverTouched) {
  std::vector<SyncTask> tasks =
      plan({pod("skip", {"argocd.argoproj.io/hook: Skip"}),
            pod("garbage", {"argocd.argoproj.io/hook: Garbage"}),
            pod("post-delete", {"argocd.argoproj.io/hook: PostDelete"}),
            pod("helm-test", {"helm.sh/hook: test"}), pod("kept")},
           {pod("old-hook", {"argocd.argoproj.io/hook: PreSync"}),
            pod("old-skip", {"argocd.argoproj.io/hook: Skip"}), pod("old")});
  EXPECT_EQ(order(tasks), (std::vector<std::string>{"Sync/0/Pod/kept", "Sync/0/Pod/old prune"}));
}

TEST(ArgoSyncTasks, SkipHooksLeavesHooksOut) {
  PlanContext context;
  context.skip_hooks = true;
  EXPECT_EQ(
      order(plan({pod("hook", {"argocd.argoproj.io/hook: PreSync"}), pod("web")}, {}, {}, context)),
      (std::vector<std::string>{"Sync/0/Pod/web"}));
}

TEST(ArgoSyncTasks, HelmHooksMapToPhases) {
  std::vector<SyncTask> tasks =
      plan({pod("pre", {"helm.sh/hook: pre-install,pre-upgrade"}),
            pod("post", {"helm.sh/hook: post-upgrade"}),
            make("CustomResourceDefinition", "crd", {"helm.sh/hook: crd-install"},
                 "apiextensions.k8s.io/v1")});
  EXPECT_EQ(order(tasks),
            (std::vector<std::string>{"PreSync/0/Pod/pre", "Sync/0/CustomResourceDefinition/crd",
                                      "PostSync/0/Pod/post"}));
  EXPECT_TRUE(tasks[0].hook);
  EXPECT_FALSE(tasks[1].hook);
}

// TestNamespaceAutoCreation: CreateNamespace adds a PreSync task unless the Namespace is managed.
// It then moves in front of the first task in it, like any Namespace.
TEST(ArgoSyncTasks, ManagedNamespaceIsAPreSyncTaskUnlessDeclared) {
  PlanContext context;
  context.namespace_ = "shop";
  context.managed_namespace = make("Namespace", "shop");
  EXPECT_EQ(order(plan({pod("db")}, {}, {}, context)),
            (std::vector<std::string>{"PreSync/0/Namespace/shop", "Sync/0/Pod/db"}));
  EXPECT_EQ(order(plan({pod("web", {"argocd.argoproj.io/hook: PreSync", wave(-1)}), pod("db")}, {},
                       {}, context)),
            (std::vector<std::string>{"PreSync/-1/Namespace/shop", "PreSync/-1/Pod/web",
                                      "Sync/0/Pod/db"}));
  EXPECT_EQ(order(plan({make("Namespace", "shop"), pod("db")}, {}, {}, context)),
            (std::vector<std::string>{"Sync/0/Namespace/shop", "Sync/0/Pod/db"}));
}

TEST(ArgoSyncTasks, TasksCarryTheirOptionsAndHookSettings) {
  SyncOptions app = options({"Prune=false", "ServerSideApply=true"});
  std::vector<SyncTask> tasks =
      plan({pod("web", {"argocd.argoproj.io/sync-options: ServerSideApply=false"}),
            pod("job", {"argocd.argoproj.io/hook: PostSync",
                        "argocd.argoproj.io/hook-delete-policy: HookSucceeded,HookFailed"})},
           {pod("old", {"argocd.argoproj.io/sync-options: Prune=true"})}, app);
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].name(), "old");
  EXPECT_FALSE(tasks[0].options.prune_disabled());  // the live object's Prune=true wins
  EXPECT_EQ(tasks[1].name(), "web");
  EXPECT_EQ(tasks[1].options.server_side_apply, false);
  EXPECT_TRUE(tasks[1].options.prune_disabled());
  ASSERT_TRUE(tasks[2].hook_info);
  EXPECT_EQ(tasks[2].hook_info->delete_policies,
            (std::vector<DeletePolicy>{DeletePolicy::hook_succeeded, DeletePolicy::hook_failed}));
  EXPECT_EQ(tasks[2].options.server_side_apply, true);
}

TEST(ArgoSyncTasks, BadObjectsAreRefused) {
  Result<std::vector<SyncTask>> bad =
      plan_sync_tasks({pod("web", {"argocd.argoproj.io/sync-options: [Prune=false]"})}, {}, {}, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "Pod/web: metadata.annotations[argocd.argoproj.io/sync-options]: must be a string");
  Result<std::vector<SyncTask>> no_metadata =
      plan_sync_tasks({yaml("kind: Pod\nmetadata: web\n")}, {}, {}, {});
  ASSERT_FALSE(no_metadata);
  EXPECT_EQ(no_metadata.error().message(), "Pod/: not a Kubernetes object (metadata)");
}

TEST(ArgoSyncTasks, TaskAccessors) {
  std::vector<SyncTask> tasks = plan(
      {yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n")});
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].group(), "apps");
  EXPECT_EQ(tasks[0].kind(), "Deployment");
  EXPECT_EQ(tasks[0].namespace_(), "shop");
  EXPECT_EQ(tasks[0].name(), "web");
  EXPECT_EQ(plan({pod("p")})[0].group(), "");
}

// --- hooks, waves (hook/hook_test.go, hook/helm/*_test.go, syncwaves/waves_test.go) ---

std::vector<Phase> phases_of(std::vector<std::string> annotations) {
  std::optional<Hook> hook = hook_of(pod("p", std::move(annotations)));
  return hook ? hook->phases : std::vector<Phase>{};
}

TEST(ArgoHooks, ArgoHookTypes) {
  EXPECT_FALSE(hook_of(pod("p")));
  EXPECT_FALSE(is_skipped(pod("p")));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: PreSync"}), (std::vector{Phase::pre_sync}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Sync"}), (std::vector{Phase::sync}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: PostSync"}), (std::vector{Phase::post_sync}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: SyncFail"}), (std::vector{Phase::sync_fail}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: PreSync,PostSync"}),
            (std::vector{Phase::pre_sync, Phase::post_sync}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Sync,Sync"}), (std::vector{Phase::sync}));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Sync,Garbage"}), (std::vector{Phase::sync}));
  // Garbage: still a hook (the user meant one), but in no phase.
  std::optional<Hook> garbage = hook_of(pod("p", {"argocd.argoproj.io/hook: Garbage"}));
  ASSERT_TRUE(garbage);
  EXPECT_TRUE(garbage->phases.empty());
  EXPECT_FALSE(is_skipped(pod("p", {"argocd.argoproj.io/hook: Garbage"})));
  // An empty annotation still makes a hook.
  EXPECT_TRUE(hook_of(pod("p", {"argocd.argoproj.io/hook: \"\""})));
}

TEST(ArgoHooks, SkipAloneIsNoHookButSkipped) {
  EXPECT_FALSE(hook_of(pod("p", {"argocd.argoproj.io/hook: Skip"})));
  EXPECT_TRUE(is_skipped(pod("p", {"argocd.argoproj.io/hook: Skip"})));
  EXPECT_TRUE(is_skipped(pod("p", {"argocd.argoproj.io/hook: Skip,Garbage"})));
  // "horrible edge case": Skip with another type is a hook of that type.
  EXPECT_FALSE(is_skipped(pod("p", {"argocd.argoproj.io/hook: Skip,PreSync,PostSync"})));
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Skip,PreSync,PostSync"}),
            (std::vector{Phase::pre_sync, Phase::post_sync}));
}

TEST(ArgoHooks, HelmHookTypes) {
  EXPECT_EQ(phases_of({"helm.sh/hook: pre-install"}), (std::vector{Phase::pre_sync}));
  EXPECT_EQ(phases_of({"helm.sh/hook: pre-upgrade"}), (std::vector{Phase::pre_sync}));
  EXPECT_EQ(phases_of({"helm.sh/hook: post-upgrade"}), (std::vector{Phase::post_sync}));
  EXPECT_EQ(phases_of({"helm.sh/hook: post-install"}), (std::vector{Phase::post_sync}));
  EXPECT_EQ(phases_of({"helm.sh/hook: pre-install,pre-upgrade"}), (std::vector{Phase::pre_sync}));
  for (std::string type :
       {"pre-rollback", "post-rollback", "test-success", "test-failure", "test", "garbage"}) {
    std::optional<Hook> hook = hook_of(pod("p", {"helm.sh/hook: " + type}));
    ASSERT_TRUE(hook) << type;
    EXPECT_TRUE(hook->phases.empty()) << type;
  }
  // crd-install is no hook at all.
  EXPECT_FALSE(hook_of(pod("p", {"helm.sh/hook: crd-install"})));
  // Argo's annotation wins over Helm's.
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Sync", "helm.sh/hook: pre-install"}),
            (std::vector{Phase::sync}));
  // ... unless it names no type Argo knows: then Helm's types count.
  EXPECT_EQ(phases_of({"argocd.argoproj.io/hook: Garbage", "helm.sh/hook: pre-install"}),
            (std::vector{Phase::pre_sync}));
}

TEST(ArgoHooks, DeletionHooks) {
  std::optional<Hook> post = hook_of(pod("p", {"argocd.argoproj.io/hook: PostDelete"}));
  ASSERT_TRUE(post);
  EXPECT_TRUE(post->post_delete);
  EXPECT_FALSE(post->pre_delete);
  EXPECT_TRUE(post->phases.empty());
  std::optional<Hook> pre = hook_of(pod("p", {"helm.sh/hook: pre-delete"}));
  ASSERT_TRUE(pre);
  EXPECT_TRUE(pre->pre_delete);
  // A deletion hook that also names a sync phase runs in that phase too.
  std::optional<Hook> both = hook_of(pod("p", {"argocd.argoproj.io/hook: PreSync,PreDelete"}));
  ASSERT_TRUE(both);
  EXPECT_TRUE(both->pre_delete);
  EXPECT_EQ(both->phases, (std::vector{Phase::pre_sync}));
}

std::vector<DeletePolicy> policies(std::vector<std::string> annotations) {
  annotations.push_back("argocd.argoproj.io/hook: Sync");
  std::optional<Hook> hook = hook_of(pod("p", std::move(annotations)));
  return hook ? hook->delete_policies : std::vector<DeletePolicy>{};
}

TEST(ArgoHooks, DeletePolicies) {
  using enum DeletePolicy;
  EXPECT_EQ(policies({}), (std::vector{before_hook_creation}));
  EXPECT_EQ(policies({"argocd.argoproj.io/hook-delete-policy: garbage"}),
            (std::vector{before_hook_creation}));
  EXPECT_EQ(policies({"argocd.argoproj.io/hook-delete-policy: BeforeHookCreation"}),
            (std::vector{before_hook_creation}));
  EXPECT_EQ(policies({"argocd.argoproj.io/hook-delete-policy: HookSucceeded"}),
            (std::vector{hook_succeeded}));
  EXPECT_EQ(policies({"argocd.argoproj.io/hook-delete-policy: HookFailed"}),
            (std::vector{hook_failed}));
  EXPECT_EQ(policies({"helm.sh/hook-delete-policy: hook-succeeded"}),
            (std::vector{hook_succeeded}));
  EXPECT_EQ(policies({"helm.sh/hook-delete-policy: before-hook-creation,hook-failed"}),
            (std::vector{before_hook_creation, hook_failed}));
  EXPECT_EQ(policies({"argocd.argoproj.io/hook-delete-policy: HookFailed",
                      "helm.sh/hook-delete-policy: hook-succeeded"}),
            (std::vector{hook_failed, hook_succeeded}));
  EXPECT_TRUE(Hook{.delete_policies = {hook_failed}}.has(hook_failed));
  EXPECT_FALSE(Hook{.delete_policies = {hook_failed}}.has(hook_succeeded));
}

TEST(ArgoHooks, Waves) {
  EXPECT_EQ(wave_of(pod("p")), 0);
  EXPECT_EQ(wave_of(pod("p", {wave(1)})), 1);
  EXPECT_EQ(wave_of(pod("p", {"helm.sh/hook-weight: \"1\""})), 1);
  EXPECT_EQ(wave_of(pod("p", {wave(-7), "helm.sh/hook-weight: \"3\""})), -7);
  // strconv.Atoi: a sign is fine; anything else falls back to the hook weight, then 0.
  EXPECT_EQ(wave_of(pod("p", {"argocd.argoproj.io/sync-wave: \"+4\""})), 4);
  EXPECT_EQ(
      wave_of(pod("p", {"argocd.argoproj.io/sync-wave: \"one\"", "helm.sh/hook-weight: \"-2\""})),
      -2);
  EXPECT_EQ(wave_of(pod("p", {"argocd.argoproj.io/sync-wave: \" 3\""})), 0);
  EXPECT_EQ(wave_of(pod("p", {"argocd.argoproj.io/sync-wave: \"1.5\""})), 0);
  EXPECT_EQ(wave_of(pod("p", {"argocd.argoproj.io/sync-wave: \"99999999999999999999\""})), 0);
}

}  // namespace
}  // namespace plumb::argo
