// plumb tree's pure parts: nesting of units over a fake cluster, health and drift markers, the
// printed layout.
#include <gtest/gtest.h>

#include <map>

#include "cli/tree.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::tree {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

const ObjectRef k_root{"kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "flux-system", "root"};

// A fake cluster: objects by tree name.
struct Fake {
  std::map<std::string, Node> objects;
  TreeSource source() {
    return TreeSource{
        .live = [this](const ObjectRef& ref) -> Result<std::optional<Node>> {
          auto it = objects.find(tree_name(ref));
          if (it == objects.end()) return std::optional<Node>();
          return std::optional<Node>(it->second);
        },
        .managed = [](UnitKind kind, const Node& live) -> Result<std::vector<Managed>> {
          if (kind == UnitKind::application) return resources_of(live);
          return inventory_of(live);
        }};
  }
};

constexpr std::string_view k_ready =
    "  conditions:\n  - type: Ready\n    status: \"True\"\n    reason: ReconciliationSucceeded\n";

TEST(Tree, KustomizationsNestAndMissingObjectsAreMarked) {
  Fake fake;
  fake.objects["Kustomization/flux-system/root"] = yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
      "metadata: {name: root, namespace: flux-system}\nstatus:\n" +
      std::string(k_ready) +
      "  inventory:\n    entries:\n"
      "    - {id: flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization, v: v1}\n"
      "    - {id: _demo__Namespace, v: v1}\n");
  fake.objects["Kustomization/flux-system/apps"] = yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
      "metadata: {name: apps, namespace: flux-system}\nstatus:\n" +
      std::string(k_ready) +
      "  inventory:\n    entries:\n"
      "    - {id: demo_settings__ConfigMap, v: v1}\n"
      "    - {id: demo_web_apps_Deployment, v: v1}\n");
  fake.objects["Namespace/demo"] =
      yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n");
  fake.objects["ConfigMap/demo/settings"] =
      yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: demo}\n");
  TreeNode root = build_tree(k_root, fake.source()).value();
  EXPECT_EQ(render(root),
            "Kustomization/flux-system/root  Current\n"
            "├── Kustomization/flux-system/apps  Current\n"
            "│   ├── ConfigMap/demo/settings  Current\n"
            "│   └── Deployment/demo/web  Missing  missing\n"
            "└── Namespace/demo  Current\n");
}

TEST(Tree, AUnitThatListsItselfIsExpandedOnce) {
  Fake fake;
  fake.objects["Kustomization/flux-system/root"] = yaml(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
      "metadata: {name: root, namespace: flux-system}\nstatus:\n" +
      std::string(k_ready) +
      "  inventory:\n    entries:\n"
      "    - {id: flux-system_root_kustomize.toolkit.fluxcd.io_Kustomization, v: v1}\n");
  TreeNode root = build_tree(k_root, fake.source()).value();
  ASSERT_EQ(root.children.size(), 1u);
  EXPECT_TRUE(root.children[0].children.empty());
}

TEST(Tree, MissingRootIsAnError) {
  Fake fake;
  auto built = build_tree(k_root, fake.source());
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message(), "Kustomization/flux-system/root not found");
}

TEST(Tree, AppOfAppsShowsChildObjectsWithTheApplicationsHealthAndSync) {
  Fake fake;
  fake.objects["Application/argocd/root"] = yaml(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
      "metadata: {name: root, namespace: argocd}\n"
      "status:\n  health: {status: Healthy}\n  resources:\n"
      "  - {group: argoproj.io, version: v1alpha1, kind: Application, namespace: argocd,"
      " name: child, status: Synced, health: {status: Healthy}}\n");
  fake.objects["Application/argocd/child"] = yaml(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
      "metadata: {name: child, namespace: argocd}\n"
      "status:\n  health: {status: Progressing}\n  resources:\n"
      "  - {version: v1, kind: ConfigMap, namespace: guestbook, name: ui, status: OutOfSync,"
      " health: {status: Healthy}}\n"
      "  - {group: batch, version: v1, kind: Job, namespace: guestbook, name: migrate,"
      " hook: true}\n");
  fake.objects["ConfigMap/guestbook/ui"] =
      yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ui, namespace: guestbook}\n");
  ObjectRef root{"argoproj.io", "v1alpha1", "Application", "argocd", "root"};
  EXPECT_EQ(render(build_tree(root, fake.source()).value()),
            "Application/argocd/root  Healthy\n"
            "└── Application/argocd/child  Healthy\n"
            "    └── ConfigMap/guestbook/ui  Healthy  OutOfSync\n");
}

TEST(Tree, DriftIsAnotherManagersChangeAfterPlumbsApply) {
  Node live = yaml(
      "metadata:\n  managedFields:\n"
      "  - {manager: plumb, operation: Apply, time: \"2026-12-04T10:00:00Z\"}\n"
      "  - {manager: kube-controller-manager, operation: Update, subresource: status,"
      " time: \"2026-12-04T10:05:00Z\", fieldsV1: {f:status: {}}}\n"
      "  - {manager: kube-controller-manager, operation: Update,"
      " time: \"2026-12-04T10:05:00Z\", fieldsV1: {f:metadata: {f:annotations: {}}}}\n"
      "  - {manager: kubectl-edit, operation: Update, time: \"2026-12-04T10:06:00Z\","
      " fieldsV1: {f:spec: {f:replicas: {}}}}\n"
      "  - {manager: kubectl-create, operation: Update, time: \"2026-12-04T09:00:00Z\","
      " fieldsV1: {f:spec: {}}}\n");
  EXPECT_EQ(drift_of(live, "plumb"), "drifted: kubectl-edit");
  Node repaired = yaml(
      "metadata:\n  managedFields:\n"
      "  - {manager: kubectl-edit, operation: Update, time: \"2026-12-04T10:06:00Z\","
      " fieldsV1: {f:spec: {}}}\n"
      "  - {manager: plumb, operation: Apply, time: \"2026-12-04T10:07:00Z\"}\n");
  EXPECT_EQ(drift_of(repaired, "plumb"), "");
  // Not applied by Plumb at all: no claim of drift.
  EXPECT_EQ(drift_of(yaml("metadata: {name: x}\n"), "plumb"), "");
}

}  // namespace
}  // namespace plumb::cli::tree

namespace plumb::cli::tree {
namespace {

TEST(Tree, ColoursOnlyWhenAsked) {
  TreeNode root{
      .ref = {"", "v1", "Namespace", "", "demo"}, .health = "Current", .drift = "", .children = {}};
  root.children.push_back({.ref = {"apps", "v1", "Deployment", "demo", "web"},
                           .health = "Failed",
                           .drift = "missing",
                           .children = {}});
  EXPECT_EQ(render(root), "Namespace/demo  Current\n└── Deployment/demo/web  Failed  missing\n");
  EXPECT_EQ(render(root, true),
            "Namespace/demo  \x1b[32mCurrent\x1b[0m\n"
            "└── Deployment/demo/web  \x1b[31mFailed\x1b[0m  \x1b[31mmissing\x1b[0m\n");
}

}  // namespace
}  // namespace plumb::cli::tree
