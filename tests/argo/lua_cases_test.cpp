// Argo CD's own tests of its resource customizations, run on ../shared/argo-health (Argo CD's
// resource_customizations: health.lua + health_test.yaml, actions/ + action_test.yaml), as
// argo-cd's util/lua health_test.go and custom_actions_test.go run them:
// - health: the object's script found by its group and kind, its result equal to healthStatus
//   (status and message, both compared, as assert.Equal compares them);
// - discovery: every action found is one of the expected ones (assert.Contains);
// - actions: an expected error message equal to the error; otherwise each impacted resource
//   found among the expected objects (by kind, name, namespace; a Job or Workflow created from a
//   CronJob / CronWorkflow / WorkflowTemplate by its name's prefix), patched ones being the
//   source object, and no field of the expected object differing in the result once both are
//   normalised as the test's testNormalizer does (timestamps the scripts write set to fixed
//   values).
// Each test reports how many cases passed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "argo/actions.hpp"
#include "argo/customizations.hpp"
#include "argo/lua_health.hpp"
#include "core/json.hpp"
#include "core/object_ref.hpp"
#include "helm/sigs_yaml.hpp"
#include "support/require.hpp"

using namespace plumb;
using namespace plumb::argo;
namespace fs = std::filesystem;

namespace {

const fs::path k_root = PLUMB_SHARED_DIR "/argo-health/resource_customizations";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// sigs.k8s.io/yaml, as the tests read their files.
Node read_yaml(const fs::path& path) {
  if (!fs::is_regular_file(path)) ADD_FAILURE() << path << ": no such file";
  auto node = helm::yaml_to_json(read_file(path));
  if (!node) ADD_FAILURE() << path << ": " << node.error().message();
  return node ? *node : Node();
}

// A field of the test's YAML, matched without regard to case (Go's JSON decoder).
const Node* field(const Node& map, std::string_view name) {
  for (const MapEntry& e : map.entries()) {
    std::string_view key = e.key.as_string();
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return &e.value;
  }
  return nullptr;
}

std::string text(const Node& map, std::string_view name) {
  const Node* n = field(map, name);
  return n ? std::string(n->as_string()) : std::string();
}

const Customizations& customizations() {
  static const Customizations c = [] {
    Customizations out;
    auto disk = make_disk_fs();
    auto read = out.read_directory(*disk, k_root.string());
    if (!read) ADD_FAILURE() << read.error().message();
    return out;
  }();
  return c;
}

std::vector<fs::path> files_named(const std::string& name) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(k_root))
    if (entry.is_regular_file() && entry.path().filename() == name) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

void report(std::string_view what, int passed, int total) {
  std::cout << what << ": " << passed << "/" << total << " passed\n";
  ::testing::Test::RecordProperty(std::string(what),
                                  std::to_string(passed) + "/" + std::to_string(total));
}

// --- the test normaliser of custom_actions_test.go --------------------------------------------

void set_path(Node& object, std::initializer_list<std::string_view> path, Node value) {
  Node* at = &object;
  size_t i = 0;
  for (std::string_view key : path) {
    if (++i == path.size()) {
      (*at)[key] = std::move(value);
      return;
    }
    if (!(*at)[key].is_map()) (*at)[key] = Node::map();
    at = at->find_mut(key);
  }
}

Node string_map(std::initializer_list<std::pair<std::string_view, std::string_view>> entries) {
  Node map = Node::map();
  for (auto [k, v] : entries)
    map.set(k, Node::string(v));
  return map;
}

constexpr std::string_view k_zero_time = "0001-01-01T00:00:00Z";

void normalize(Node& o) {
  ObjectRef ref = ObjectRef::of(o);
  const std::string& g = ref.group;
  const std::string& k = ref.kind;
  Node flux =
      string_map({{"reconcile.fluxcd.io/requestedAt", "By Argo CD at: 0001-01-01T00:00:00"}});
  if (g == "batch" && k == "Job") {
    if (Node* conditions =
            o.find_mut("status") ? o.find_mut("status")->find_mut("conditions") : nullptr;
        conditions && conditions->is_list()) {
      for (Node& c : conditions->items_mut())
        if (c.string_at({"type"}) == "FailureTarget")
          c.set("lastTransitionTime", Node::string(k_zero_time));
    }
  } else if (g == "apps" && (k == "DaemonSet" || k == "Deployment" || k == "StatefulSet")) {
    set_path(o, {"spec", "template", "metadata", "annotations"},
             string_map({{"kubectl.kubernetes.io/restartedAt", k_zero_time}}));
    if (k == "Deployment") {
      set_path(o, {"status"}, Node());
      set_path(o, {"metadata", "creationTimestamp"}, Node());
      set_path(o, {"metadata", "generation"}, Node());
    }
  } else if (g == "argoproj.io" && k == "Rollout") {
    set_path(o, {"spec", "restartAt"}, Node());
  } else if (g == "argoproj.io" && k == "Workflow") {
    set_path(o, {"metadata", "resourceVersion"}, Node());
    set_path(o, {"metadata", "uid"}, Node());
    set_path(o, {"metadata", "annotations", "workflows.argoproj.io/scheduled-time"}, Node());
  } else if (g == "external-secrets.io" && (k == "ExternalSecret" || k == "PushSecret")) {
    set_path(o, {"metadata", "annotations"}, string_map({{"force-sync", k_zero_time}}));
  } else if (g == "postgresql.cnpg.io" && k == "Cluster") {
    Node annotations = Node::map();
    if (const Node* a = o.at_path({"metadata", "annotations"}); a && a->is_map()) annotations = *a;
    annotations.set("cnpg.io/reloadedAt", Node::string(k_zero_time));
    annotations.set("kubectl.kubernetes.io/restartedAt", Node::string(k_zero_time));
    set_path(o, {"metadata", "annotations"}, std::move(annotations));
    set_path(o, {"status", "targetPrimaryTimestamp"}, Node());
  } else if ((g == "helm.toolkit.fluxcd.io" && k == "HelmRelease") ||
             (g == "source.toolkit.fluxcd.io" &&
              (k == "Bucket" || k == "GitRepository" || k == "HelmChart" || k == "HelmRepository" ||
               k == "OCIRepository")) ||
             (g == "image.toolkit.fluxcd.io" &&
              (k == "ImageRepository" || k == "ImageUpdateAutomation")) ||
             (g == "kustomize.toolkit.fluxcd.io" && k == "Kustomization") ||
             (g == "notification.toolkit.fluxcd.io" && k == "Receiver")) {
    set_path(o, {"metadata", "annotations"}, flux);
  }
}

// Where `expected` (the desired state of gitops-engine's two-way diff) and `actual` (the live
// state) differ: a field of expected that actual lacks or holds another value in. Fields only
// in actual are no difference; metadata.namespace and empty annotations of expected are dropped
// first (removeNamespaceAnnotation). "" when none.
std::string difference(const Node& expected, const Node& actual, const std::string& path) {
  if (expected.is_map() && actual.is_map()) {
    for (const MapEntry& e : expected.entries()) {
      const Node* a = actual.find(e.key.as_string());
      std::string at = path + "." + std::string(e.key.as_string());
      if (!a) {
        if (e.value.is_null()) continue;
        return at + ": missing, expected " + to_json(e.value);
      }
      std::string d = difference(e.value, *a, at);
      if (!d.empty()) return d;
    }
    return "";
  }
  if (expected.is_list() && actual.is_list()) {
    if (expected.size() != actual.size())
      return path + ": " + std::to_string(actual.size()) + " items, expected " +
             std::to_string(expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string d =
          difference(expected.items()[i], actual.items()[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (expected == actual) return "";
  return path + ": " + to_json(actual) + ", expected " + to_json(expected);
}

std::string diff_objects(Node expected, Node actual) {
  normalize(expected);
  normalize(actual);
  if (Node* metadata = expected.find_mut("metadata")) {
    metadata->erase("namespace");
    if (const Node* a = metadata->find("annotations"); a && (a->is_null() || a->empty()))
      metadata->erase("annotations");
  }
  return difference(expected, actual, "");
}

// The expected output: a list of {unstructuredObj: ...} (new-style actions) or one object.
std::vector<Node> expected_objects(const fs::path& path) {
  std::string content = read_file(path);
  Node node = read_yaml(path);
  std::vector<Node> out;
  if (!content.empty() && content[0] == '-') {
    for (const Node& item : node.items())
      out.push_back(item.find("unstructuredObj") ? *item.find("unstructuredObj") : Node());
  } else {
    out.push_back(node);
  }
  return out;
}

// One entry of a test file: the test, the directory its paths are relative to, and a name.
struct TestCase {
  Node test;
  fs::path dir;
  std::string name;
};

// The entries of the list `key` of every file named `file` under the root.
std::vector<TestCase> test_cases(const std::string& file, std::string_view key) {
  std::vector<TestCase> out;
  for (const fs::path& test_file : files_named(file)) {
    fs::path dir = test_file.parent_path();  // GROUP/KIND, or GROUP/KIND/actions
    Node tests = read_yaml(test_file);
    const Node* list = field(tests, key);
    if (!list) continue;
    fs::path kind_dir = file == "action_test.yaml" ? dir.parent_path() : dir;
    for (const Node& test : list->items())
      out.push_back({test, dir,
                     fs::relative(kind_dir, k_root).string() + " " + text(test, "action") + " " +
                         text(test, "inputPath")});
  }
  return out;
}

// Runs check on every case ("" a pass, else what went wrong), reports the count and fails the
// test for each case that did not pass.
void run_cases(std::string_view what, const std::vector<TestCase>& cases, size_t at_least,
               const std::function<std::string(const TestCase&)>& check) {
  int passed = 0;
  for (const TestCase& c : cases) {
    std::string problem = check(c);
    if (problem.empty()) {
      ++passed;
    } else {
      ADD_FAILURE() << c.name << ": " << problem;
    }
  }
  report(what, passed, static_cast<int>(cases.size()));
  EXPECT_GE(cases.size(), at_least);
}

std::string check_health(const TestCase& c) {
  Node object = read_yaml(c.dir / text(c.test, "inputPath"));
  ObjectRef ref = ObjectRef::of(object);
  std::optional<LuaScript> script = customizations().health_script(ref.group, ref.kind);
  if (!script) return "no health script for " + ref.group + "/" + ref.kind;
  auto health = run_health_script(*script, object);
  if (!health) return health.error().message();
  const Node* expected = field(c.test, "healthStatus");
  std::string want_status = expected ? text(*expected, "status") : "";
  std::string want_message = expected ? text(*expected, "message") : "";
  std::string got_status = *health ? std::string(to_string((*health)->status)) : "";
  std::string got_message = *health ? (*health)->message : "";
  if (got_status == want_status && got_message == want_message) return "";
  return "got " + got_status + " \"" + got_message + "\", expected " + want_status + " \"" +
         want_message + "\"";
}

std::string check_discovery(const TestCase& c) {
  auto actions = discover_actions(customizations(), read_yaml(c.dir / text(c.test, "inputPath")));
  if (!actions) return actions.error().message();
  std::vector<ResourceAction> expected;
  if (const Node* result = field(c.test, "result")) {
    for (const Node& r : result->items()) {
      ResourceAction a{.name = text(r, "name"),
                       .disabled = field(r, "disabled") && field(r, "disabled")->as_bool(),
                       .icon_class = text(r, "iconClass"),
                       .display_name = text(r, "displayName")};
      if (const Node* params = field(r, "params"))
        for (const Node& p : params->items())
          a.params.push_back({text(p, "name")});
      expected.push_back(std::move(a));
    }
  }
  std::string missing;
  for (const ResourceAction& a : *actions)
    if (std::find(expected.begin(), expected.end(), a) == expected.end())
      missing += " " + a.name + (a.disabled ? " (disabled)" : "") + " [" + a.icon_class + "|" +
                 a.display_name + "]";
  if (missing.empty() && actions->empty() == expected.empty()) return "";
  return "not expected:" + missing + " (found " + std::to_string(actions->size()) + ", expected " +
         std::to_string(expected.size()) + ")";
}

// One impacted resource against the expected objects; "" when it is one of them.
std::string check_impacted(ImpactedResource& r, const ObjectRef& from,
                           const std::vector<Node>& expected) {
  ObjectRef got = ObjectRef::of(r.object);
  bool derived_name =
      (got.kind == "Job" && from.kind == "CronJob") ||
      (got.kind == "Workflow" && (from.kind == "CronWorkflow" || from.kind == "WorkflowTemplate"));
  const Node* match = nullptr;
  for (const Node& e : expected) {
    ObjectRef want = ObjectRef::of(e);
    bool same_name = derived_name ? want.name.starts_with(from.name) : want.name == got.name;
    if (want.group == got.group && want.version == got.version && want.kind == got.kind &&
        same_name && want.namespace_ == got.namespace_) {
      match = &e;
      break;
    }
  }
  if (!match) return "no expected object for " + got.display();
  if (r.operation == ActionOperation::patch && !(got == from))
    return "patches " + got.display() + ", not the source object";
  if (r.operation == ActionOperation::create && derived_name)
    r.object["metadata"].set("name", Node::string(match->string_at({"metadata", "name"})));
  std::string d = diff_objects(*match, r.object);
  return d.empty() ? "" : got.display() + d;
}

std::string check_action(const TestCase& c) {
  Node source = read_yaml(c.dir / text(c.test, "inputPath"));
  std::vector<LuaParam> params;
  if (const Node* p = field(c.test, "parameters"))
    for (const MapEntry& e : p->entries())
      params.push_back({std::string(e.key.as_string()), scalar_to_string(e.value)});
  auto impacted = run_action(customizations(), source, text(c.test, "action"), params);
  if (std::string want_error = text(c.test, "expectedErrorMessage"); !want_error.empty()) {
    if (!impacted && impacted.error().message() == want_error) return "";
    return "expected the error \"" + want_error + "\", got " +
           (impacted ? "none" : impacted.error().message());
  }
  if (!impacted) return impacted.error().message();
  std::vector<Node> expected = expected_objects(c.dir / text(c.test, "expectedOutputPath"));
  for (ImpactedResource& r : *impacted) {
    std::string problem = check_impacted(r, ObjectRef::of(source), expected);
    if (!problem.empty()) return problem;
  }
  return "";
}

}  // namespace

TEST(LuaCases, EveryHealthTestCasePasses) {
  PLUMB_REQUIRE(fs::is_directory(k_root), k_root << " is missing");
  run_cases("health cases", test_cases("health_test.yaml", "tests"), 500, check_health);
}

TEST(LuaCases, EveryDiscoveryTestCasePasses) {
  PLUMB_REQUIRE(fs::is_directory(k_root), k_root << " is missing");
  run_cases("discovery cases", test_cases("action_test.yaml", "discoveryTests"), 30,
            check_discovery);
}

TEST(LuaCases, EveryActionTestCasePasses) {
  PLUMB_REQUIRE(fs::is_directory(k_root), k_root << " is missing");
  run_cases("action cases", test_cases("action_test.yaml", "actionTests"), 50, check_action);
}
