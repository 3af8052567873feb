// Random originals and patches built from Kubernetes-like keys and every directive: the
// merges must never crash (the sanitizer build checks memory), must fail with a path or
// succeed, and in the Kubernetes dialect no directive may leak into a result.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/json.hpp"
#include "merge/merge.hpp"

namespace plumb {
namespace {

class Generator {
 public:
  explicit Generator(uint64_t seed) : m_rng(seed) {}

  Node document(bool directives, int depth = 0) {
    Node map = Node::map();
    for (uint64_t i = pick(5); i > 0; --i) {
      std::string_view key = keys()[pick(std::size(k_keys))];
      map.set(key, value(key, directives, depth + 1));
    }
    if (directives && pick(4) == 0) map.set("$patch", Node::string(directive()));
    if (directives && pick(6) == 0) {
      Node keep = Node::list();
      keep.push_back(Node::string(keys()[pick(std::size(k_keys))]));
      map.set("$retainKeys", std::move(keep));
    }
    if (directives && pick(6) == 0)
      map.set(std::string("$setElementOrder/") + std::string(list_key()),
              list_of(directives, depth));
    if (directives && pick(6) == 0)
      map.set(std::string("$deleteFromPrimitiveList/") + std::string(list_key()), scalars());
    return map;
  }

 private:
  static constexpr std::string_view k_keys[] = {
      "spec",  "template", "containers",  "name",     "image",      "env",           "ports",
      "value", "metadata", "labels",      "a",        "finalizers", "containerPort", "volumes",
      "args",  "replicas", "tolerations", "strategy", "selector",   "matchLabels",   "data"};
  static std::span<const std::string_view> keys() { return k_keys; }

  std::mt19937_64 m_rng;
  uint64_t pick(uint64_t n) { return m_rng() % n; }

  std::string_view list_key() {
    static constexpr std::string_view lists[] = {"containers", "env",  "ports",      "finalizers",
                                                 "volumes",    "args", "tolerations"};
    return lists[pick(std::size(lists))];
  }
  std::string_view directive() {
    static constexpr std::string_view d[] = {"replace", "merge", "delete", "bogus"};
    return d[pick(std::size(d))];
  }
  Node scalar() {
    switch (pick(4)) {
      case 0:
        return Node::integer(static_cast<int64_t>(pick(5)));
      case 1:
        return Node::boolean(pick(2));
      case 2:
        return Node();
      default:
        return Node::string(std::string(1, static_cast<char>('a' + pick(4))));
    }
  }
  Node scalars() {
    Node list = Node::list();
    for (uint64_t i = pick(4); i > 0; --i)
      list.push_back(scalar());
    return list;
  }
  Node list_of(bool directives, int depth) {
    Node list = Node::list();
    for (uint64_t i = pick(4); i > 0; --i) {
      if (pick(3) == 0) {
        list.push_back(scalar());
      } else {
        Node item = depth < 4 ? document(directives, depth + 1) : Node::map();
        if (pick(3) != 0) item.set("name", Node::string(std::string(1, 'a' + pick(3))));
        if (pick(4) == 0) item.set("containerPort", Node::integer(static_cast<int64_t>(pick(3))));
        list.push_back(std::move(item));
      }
    }
    return list;
  }
  Node value(std::string_view key, bool directives, int depth) {
    if (depth > 5) return scalar();
    switch (pick(4)) {
      case 0:
        return scalar();
      case 1:
        return list_of(directives, depth);
      case 2:
        return (key == "finalizers" || key == "args") ? scalars() : list_of(directives, depth);
      default:
        return document(directives, depth);
    }
  }
};

bool has_directive(const Node& n) {
  if (n.is_map()) {
    for (const MapEntry& e : n.entries()) {
      if (e.key.as_string().starts_with("$")) return true;
      if (has_directive(e.value)) return true;
    }
  } else if (n.is_list()) {
    for (const Node& item : n.items())
      if (has_directive(item)) return true;
  }
  return false;
}

TEST(MergeRandom, StrategicMergeNeverCrashesOrLeaksDirectives) {
  SchemaType deployment = Schema::builtin().kind("apps/v1", "Deployment")->type;
  SchemaType pod = Schema::builtin().kind("v1", "Pod")->type;
  Generator gen(42);
  int merged = 0;
  for (int i = 0; i < 4000; ++i) {
    Node original = gen.document(false);
    Node patch = gen.document(true);
    for (SchemaType type : {deployment, pod, SchemaType()}) {
      auto kubernetes = strategic_merge(original, patch, type);
      if (kubernetes) {
        ++merged;
        ASSERT_FALSE(has_directive(*kubernetes))
            << "patch " << to_json(patch) << "\ngave " << to_json(*kubernetes);
      } else {
        EXPECT_EQ(kubernetes.error().message().rfind("strategic merge patch: ", 0), 0u);
      }
      auto kustomize = strategic_merge(original, patch, type, MergeOptions::kustomize());
      if (!kustomize) {
        EXPECT_FALSE(kustomize.error().message().empty());
      }
    }
  }
  EXPECT_GT(merged, 1000);  // the generator reaches the success paths too
}

TEST(MergeRandom, JsonPatchNeverCrashes) {
  Generator gen(7);
  std::mt19937_64 rng(9);
  const char* ops[] = {"add", "remove", "replace", "move", "copy", "test", "nope"};
  const char* paths[] = {"",
                         "/spec",
                         "/spec/containers/0",
                         "/spec/containers/-",
                         "/a~1b",
                         "/metadata/labels",
                         "/spec/template/spec/containers/1/env/0",
                         "/x/y/z",
                         "/spec/replicas",
                         "/containers/00",
                         "/~2"};
  for (int i = 0; i < 4000; ++i) {
    Node doc = gen.document(false);
    Node patch = Node::list();
    for (uint64_t n = 1 + rng() % 4; n > 0; --n) {
      Node op = Node::map();
      op.set("op", Node::string(ops[rng() % std::size(ops)]));
      op.set("path", Node::string(paths[rng() % std::size(paths)]));
      op.set("from", Node::string(paths[rng() % std::size(paths)]));
      if (rng() % 4) op.set("value", gen.document(false));
      patch.push_back(std::move(op));
    }
    auto result = json_patch(doc, patch);
    if (!result) {
      EXPECT_EQ(result.error().message().rfind("json patch: operation ", 0), 0u);
    }
    Node merged = merge_patch(doc, gen.document(false));
    EXPECT_TRUE(merged.is_map());
  }
}

}  // namespace
}  // namespace plumb
