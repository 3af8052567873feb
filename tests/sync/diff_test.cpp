// diffable: what a diff of an object shows.
#include "sync/diff.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::sync {
namespace {

// `plumb diff DIR` on objects the controller applied showed its labels as removed.
TEST(Diffable, LeavesOutTheLabelsPlumbWritesForItself) {
  Node live = parse_json(R"({"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "c", "uid": "u", "labels": {
      "app": "web",
      "kustomize.toolkit.fluxcd.io/name": "apps",
      "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}},
    "data": {"k": "v"}})")
                  .value();
  EXPECT_EQ(
      to_json(diffable(live, nullptr, "before")),
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"app":"web"}},)"
      R"("data":{"k":"v"}})");
  Node merged = parse_json(R"({"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "c", "labels": {"applyset.kubernetes.io/part-of": "applyset-x-v1"}}})")
                    .value();
  EXPECT_EQ(to_json(diffable(merged, nullptr, "after")),
            R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
}

TEST(Diffable, MasksSecretValues) {
  Node secret = parse_json(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
    "data": {"same": "YQ==", "changed": "Yg=="}})")
                    .value();
  Node other = parse_json(R"({"data": {"same": "YQ==", "changed": "Yw=="}})").value();
  EXPECT_EQ(to_json(*diffable(secret, &other, "after").find("data")),
            R"j({"same":"***","changed":"*** (after)"})j");
}

// kubectl apply (client-side) left the whole Secret, values included, in an annotation.
TEST(Diffable, MasksTheLastAppliedConfigurationOfASecret) {
  Node secret = parse_json(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s",
    "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
      "{\"data\":{\"password\":\"aHVudGVyMg==\"}}", "team": "a"}},
    "data": {"password": "aHVudGVyMg=="}})")
                    .value();
  EXPECT_EQ(to_json(*diffable(secret, nullptr, "before").at_path({"metadata", "annotations"})),
            R"({"kubectl.kubernetes.io/last-applied-configuration":"***","team":"a"})");
}

}  // namespace
}  // namespace plumb::sync
