#include "controller/helm_hooks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "helm/manifests.hpp"
#include "helm/release.hpp"

namespace plumb::controller {
namespace {

using helm::ReleaseDocument;

ReleaseDocument hook(std::string_view kind, std::string_view name, std::string_view events,
                     std::string_view extra = "") {
  std::string content =
      "apiVersion: v1\nkind: " + std::string(kind) + "\nmetadata:\n  name: " + std::string(name) +
      "\n  annotations:\n    helm.sh/hook: " + std::string(events) + "\n" + std::string(extra);
  return ReleaseDocument{"chart/templates/" + std::string(name) + ".yaml", content,
                         ReleaseDocument::Part::hook};
}

// The hook records of documents given in Helm's InstallOrder by kind (as
// helm::release_documents leaves them).
Node records(const std::vector<ReleaseDocument>& docs) {
  return helm::release_hooks(docs).value();
}

std::vector<std::string> names(const Node& hooks, HookEvent event) {
  std::vector<std::string> out;
  for (size_t i : hooks_for_event(hooks, event))
    out.emplace_back(hooks.items()[i].string_at({"name"}));
  return out;
}

// What helm v4.1.4 recorded installing podinfo 6.14.1 with its pre-install Job and three more
// pre-install hooks into `plumb cluster` (last_run.started_at order of its release record):
// weight first, then name — the ConfigMap of equal weight runs after the Jobs whose names sort
// before it, though its kind comes first in InstallOrder.
TEST(HelmHooks, OrderIsWeightThenNameAsHelmRunsThem) {
  Node hooks = records({
      hook("Secret", "web-first", "pre-install,pre-upgrade", "    helm.sh/hook-weight: \"-5\"\n"),
      hook("ConfigMap", "web-z-config", "pre-install,pre-upgrade"),
      hook("Pod", "web-podinfo-service-test", "test-success"),
      hook("Job", "web-b-job", "pre-install,pre-upgrade"),
      hook("Job", "web-podinfo-post-install", "post-install"),
      hook("Job", "web-podinfo-pre-install", "pre-install"),
  });
  EXPECT_EQ(names(hooks, HookEvent::pre_install),
            (std::vector<std::string>{"web-first", "web-b-job", "web-podinfo-pre-install",
                                      "web-z-config"}));
  EXPECT_EQ(names(hooks, HookEvent::pre_upgrade),
            (std::vector<std::string>{"web-first", "web-b-job", "web-z-config"}));
  EXPECT_EQ(names(hooks, HookEvent::post_install),
            (std::vector<std::string>{"web-podinfo-post-install"}));
  // test-success is Helm 2's word for test.
  EXPECT_EQ(names(hooks, HookEvent::test), (std::vector<std::string>{"web-podinfo-service-test"}));
  EXPECT_TRUE(names(hooks, HookEvent::pre_delete).empty());
}

TEST(HelmHooks, WeightsAreIntegersAndEqualHooksKeepTheirKindOrder) {
  Node hooks = records({
      // Same name and weight: the records' order (InstallOrder by kind) stays.
      hook("ServiceAccount", "same", "post-upgrade"), hook("ConfigMap", "same", "post-upgrade"),
      hook("Job", "same", "post-upgrade"),
      hook("Job", "ten", "post-upgrade", "    helm.sh/hook-weight: \"10\"\n"),
      hook("Job", "nine", "post-upgrade", "    helm.sh/hook-weight: \"9\"\n"),
      hook("Job", "minus", "post-upgrade", "    helm.sh/hook-weight: \"-1\"\n"),
      hook("Job", "junk", "post-upgrade", "    helm.sh/hook-weight: \"x1\"\n"),  // Atoi fails: 0
  });
  std::vector<size_t> order = hooks_for_event(hooks, HookEvent::post_upgrade);
  std::vector<std::string> got;
  for (size_t i : order)
    got.push_back(std::string(hooks.items()[i].string_at({"kind"})) + "/" +
                  std::string(hooks.items()[i].string_at({"name"})));
  // 9 before 10: numbers, not text.
  EXPECT_EQ(got, (std::vector<std::string>{"Job/minus", "Job/junk", "ServiceAccount/same",
                                           "ConfigMap/same", "Job/same", "Job/nine", "Job/ten"}));
}

TEST(HelmHooks, DeletePoliciesDefaultToBeforeHookCreation) {
  Node hooks = records({
      hook("Job", "none", "pre-install"),
      hook("Job", "both", "pre-install",
           "    helm.sh/hook-delete-policy: hook-succeeded, hook-failed\n"),
      hook("Pod", "before", "pre-install",
           "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n"),
      hook("CustomResourceDefinition", "crd", "pre-install",
           "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded,hook-failed\n"),
  });
  std::span<const Node> h = hooks.items();
  EXPECT_TRUE(deletes_at(h[0], HookDelete::before_hook_creation));
  EXPECT_FALSE(deletes_at(h[0], HookDelete::hook_succeeded));
  EXPECT_FALSE(deletes_at(h[0], HookDelete::hook_failed));
  // Explicit policies replace the default.
  EXPECT_FALSE(deletes_at(h[1], HookDelete::before_hook_creation));
  EXPECT_TRUE(deletes_at(h[1], HookDelete::hook_succeeded));
  EXPECT_TRUE(deletes_at(h[1], HookDelete::hook_failed));
  EXPECT_TRUE(deletes_at(h[2], HookDelete::before_hook_creation));
  EXPECT_TRUE(deletes_at(h[2], HookDelete::hook_succeeded));
  EXPECT_FALSE(deletes_at(h[2], HookDelete::hook_failed));
  // CRDs are never deleted, whatever they ask.
  for (HookDelete when :
       {HookDelete::before_hook_creation, HookDelete::hook_succeeded, HookDelete::hook_failed})
    EXPECT_FALSE(deletes_at(h[3], when)) << hook_delete_name(when);
}

TEST(HelmHooks, EventNamesAreHelms) {
  EXPECT_EQ(hook_event_name(HookEvent::pre_install), "pre-install");
  EXPECT_EQ(hook_event_name(HookEvent::post_rollback), "post-rollback");
  EXPECT_EQ(hook_event_name(HookEvent::pre_delete), "pre-delete");
  EXPECT_EQ(hook_event_name(HookEvent::test), "test");
}

}  // namespace
}  // namespace plumb::controller
