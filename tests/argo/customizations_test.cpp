// Where Lua scripts come from (argo/customizations.hpp) and what they decide (argo/lua_health.hpp,
// argo/actions.hpp): argocd-cm's keys as util/settings reads them, Argo's precedence (argocd-cm
// exact, argocd-cm glob, directory exact, directory wildcard), the libraries each runs with,
// actions merged or not, and assess_health with the Lua override in front of the built-ins.
#include <gtest/gtest.h>

#include <chrono>

#include "argo/actions.hpp"
#include "argo/customizations.hpp"
#include "argo/lua_health.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"

using namespace plumb;
using namespace plumb::argo;
using namespace std::chrono_literals;

namespace {

Node config_map(std::initializer_list<std::pair<std::string_view, std::string_view>> data) {
  Node cm = *parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\n", "cm");
  Node d = Node::map();
  for (auto [k, v] : data)
    d.set(k, Node::string(v));
  cm.set("data", std::move(d));
  return cm;
}

std::string health_script_returning(std::string_view status, std::string_view message) {
  return "return {status = '" + std::string(status) + "', message = '" + std::string(message) +
         "'}";
}

Node object(std::string_view api_version, std::string_view kind) {
  return *parse_yaml("apiVersion: " + std::string(api_version) + "\nkind: " + std::string(kind) +
                         "\nmetadata: {name: x, namespace: default}\n",
                     "object");
}

// The health assess_health gives with the Lua override of these customizations.
std::string assessed(const Customizations& c, const Node& live, LuaOptions options = {}) {
  auto override = lua_health_override(std::make_shared<Customizations>(c), std::move(options));
  std::optional<Health> health = assess_health(live, override);
  if (!health) return "none";
  return std::string(to_string(health->status)) + " " + health->message;
}

// A directory laid out as resource_customizations, in memory.
MemoryFileSystem directory(
    std::initializer_list<std::pair<std::string_view, std::string_view>> files) {
  MemoryFileSystem fs;
  fs.add_dir("/custom");
  for (auto [path, text] : files)
    fs.add_file("/custom/" + std::string(path), std::string(text));
  return fs;
}

}  // namespace

// --- argocd-cm ---------------------------------------------------------------------------------

TEST(Customizations, ArgocdCmSplitKeys) {
  auto c = Customizations::from_config_map(config_map({
      {"resource.customizations.health.cert-manager.io_Certificate", "return nil"},
      {"resource.customizations.useOpenLibs.cert-manager.io_Certificate", "true"},
      {"resource.customizations.actions.apps_Deployment", "discovery.lua: return {}"},
      {"resource.customizations.health.ConfigMap", "return 1"},
      {"resource.customizations.ignoreDifferences.all", "jsonPointers: [/spec]"},
      {"resource.customizations.knownTypeFields.apps_Deployment", "[]"},
      {"resource.exclusions", "ignored"},
  }));
  ASSERT_TRUE(c) << c.error().message();
  const auto& o = c->overrides();
  ASSERT_TRUE(o.count("cert-manager.io/Certificate"));
  EXPECT_EQ(o.at("cert-manager.io/Certificate").health_lua, "return nil");
  EXPECT_TRUE(o.at("cert-manager.io/Certificate").use_open_libs);
  EXPECT_EQ(o.at("apps/Deployment").actions, "discovery.lua: return {}");
  EXPECT_EQ(o.at("ConfigMap").health_lua, "return 1");
  EXPECT_TRUE(o.count("*/*"));  // "all"
}

TEST(Customizations, ArgocdCmErrorsNameTheKey) {
  auto bad_type = Customizations::from_config_map(
      config_map({{"resource.customizations.colour.apps_Deployment", "x"}}));
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().message(),
            "argocd-cm resource.customizations.colour.apps_Deployment: resource customization "
            "type colour not supported");
  auto bad_key =
      Customizations::from_config_map(config_map({{"resource.customizations.health.a_b_c", "x"}}));
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message().find("got group kind: 'a_b_c'"), std::string::npos);
  auto bad_bool = Customizations::from_config_map(
      config_map({{"resource.customizations.useOpenLibs.apps_Deployment", "yes"}}));
  ASSERT_FALSE(bad_bool);
  EXPECT_EQ(bad_bool.error().message(),
            "argocd-cm resource.customizations.useOpenLibs.apps_Deployment: strconv.ParseBool: "
            "parsing \"yes\": invalid syntax");
  auto bad_map = Customizations::from_config_map(
      config_map({{"resource.customizations", "apps/Deployment: [1"}}));
  ASSERT_FALSE(bad_map);
  EXPECT_TRUE(bad_map.error().message().starts_with("argocd-cm resource.customizations: "));
}

TEST(Customizations, OlderMapWithSplitKeysWinningFieldByField) {
  auto c = Customizations::from_config_map(config_map({
      {"resource.customizations", R"(cert-manager.io/Certificate:
  health.lua: |
    return {status = "Degraded", message = "from the map"}
  health.lua.useOpenLibs: true
  actions: |
    discovery.lua: return {}
)"},
      {"resource.customizations.health.cert-manager.io_Certificate",
       "return {status = 'Healthy', message = 'from the key'}"},
  }));
  ASSERT_TRUE(c) << c.error().message();
  const ResourceOverride& o = c->overrides().at("cert-manager.io/Certificate");
  EXPECT_EQ(o.health_lua, "return {status = 'Healthy', message = 'from the key'}");
  EXPECT_TRUE(o.use_open_libs);
  EXPECT_EQ(o.actions, "discovery.lua: return {}\n");
}

// --- precedence ------------------------------------------------------------------------------

TEST(Customizations, HealthScriptPrecedenceIsArgos) {
  MemoryFileSystem fs = directory({
      {"cert-manager.io/Certificate/health.lua", health_script_returning("Degraded", "dir exact")},
      {"_.crossplane.io/_/health.lua", health_script_returning("Degraded", "dir wildcard")},
      {"_.crossplane.io/Bucket/health.lua", health_script_returning("Healthy", "dir bucket")},
      {"Service/health.lua", health_script_returning("Suspended", "core kind")},
  });
  Customizations c;
  ASSERT_TRUE(c.read_directory(fs, "/custom"));
  Node cert = object("cert-manager.io/v1", "Certificate");
  Node instance = object("ec2.aws.crossplane.io/v1", "Instance");
  Node bucket = object("s3.aws.crossplane.io/v1", "Bucket");
  EXPECT_EQ(assessed(c, cert), "Degraded dir exact");
  EXPECT_EQ(assessed(c, instance), "Degraded dir wildcard");
  // `_` stands for a run of characters other than '/': the first wildcard in name order wins.
  EXPECT_EQ(assessed(c, bucket), "Healthy dir bucket");
  EXPECT_EQ(assessed(c, object("crossplane.io/v1", "Instance")), "none");
  // The core group's kinds sit at the top; a Lua script goes before the built-in check.
  EXPECT_EQ(assessed(c, object("v1", "Service")), "Suspended core kind");

  // argocd-cm: a glob key beats the directory; an exact key beats the glob.
  c.set_override("*.aws.crossplane.io/*",
                 {.health_lua = health_script_returning("Progressing", "cm glob")});
  EXPECT_EQ(assessed(c, instance), "Progressing cm glob");
  EXPECT_EQ(assessed(c, bucket), "Progressing cm glob");
  c.set_override("ec2.aws.crossplane.io/Instance",
                 {.health_lua = health_script_returning("Healthy", "cm exact")});
  EXPECT_EQ(assessed(c, instance), "Healthy cm exact");
  // An override without a health script does not count.
  c.set_override("cert-manager.io/Certificate", {.actions = "discovery.lua: return {}"});
  EXPECT_EQ(assessed(c, cert), "Degraded dir exact");
  // An argocd-cm override changes the verdict.
  c.set_override("cert-manager.io/Certificate",
                 {.health_lua = health_script_returning("Healthy", "overridden")});
  EXPECT_EQ(assessed(c, cert), "Healthy overridden");
  // Globs of several keys: the first in key order.
  Customizations globs;
  globs.set_override("b*/*", {.health_lua = health_script_returning("Degraded", "b")});
  globs.set_override("a*/*", {.health_lua = health_script_returning("Healthy", "a")});
  EXPECT_EQ(assessed(globs, object("ab.io/v1", "X")), "Healthy a");
  EXPECT_EQ(assessed(globs, object("b.io/v1", "X")), "Degraded b");
}

TEST(Customizations, LibrariesFollowWhereTheScriptComesFrom) {
  constexpr std::string_view uses_string =
      "return {status = 'Healthy', message = string.upper('ok')}";
  MemoryFileSystem fs = directory({{"example.com/Widget/health.lua", uses_string}});
  Customizations c;
  ASSERT_TRUE(c.read_directory(fs, "/custom"));
  Node widget = object("example.com/v1", "Widget");
  // The directory's scripts play Argo's built-ins: open libraries.
  EXPECT_EQ(assessed(c, widget), "Healthy OK");
  // argocd-cm's: sandboxed unless useOpenLibs.
  c.set_override("example.com/Widget", {.health_lua = std::string(uses_string)});
  EXPECT_EQ(assessed(c, widget),
            "Unknown <string>:1: attempt to index global 'string' (a nil value)");
  c.set_override("example.com/Widget",
                 {.health_lua = std::string(uses_string), .use_open_libs = true});
  EXPECT_EQ(assessed(c, widget), "Healthy OK");
}

TEST(Customizations, DirectoryErrors) {
  Customizations c;
  MemoryFileSystem fs = directory({});
  auto missing = c.read_directory(fs, "/nowhere");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "customizations directory /nowhere: not a directory");
  MemoryFileSystem big = directory({});
  big.add_file("/custom/a.io/B/health.lua", std::string((size_t{1} << 20) + 1, ' '));
  auto too_big = c.read_directory(big, "/custom");
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().message(), "/custom/a.io/B/health.lua: a script may not exceed 1 MiB");
}

// --- health through assess_health ------------------------------------------------------------

TEST(LuaHealth, ResultsReadAsArgoReadsThem) {
  Node widget = object("example.com/v1", "Widget");
  auto with = [&](std::string_view script) {
    Customizations c;
    c.set_override("example.com/Widget", {.health_lua = std::string(script)});
    return assessed(c, widget);
  };
  EXPECT_EQ(with("return {status = 'Progressing', message = 'wait'}"), "Progressing wait");
  EXPECT_EQ(with("return {Status = 'Healthy'}"), "Healthy ");  // any case, as Go's decoder
  EXPECT_EQ(with("return {status = 'Fine'}"), "Unknown Lua returned an invalid health status");
  EXPECT_EQ(with("return {message = 'no status'}"),
            "Unknown Lua returned an invalid health status");
  // No health: nil, an empty table, a list, a status that is not a string.
  EXPECT_EQ(with("return nil"), "none");
  EXPECT_EQ(with("return {}"), "none");
  EXPECT_EQ(with("return {'Healthy'}"), "none");
  EXPECT_EQ(with("return {status = 1}"), "none");
  EXPECT_EQ(with("return 'Healthy'"), "Unknown expect table output from Lua script, not string");
  EXPECT_EQ(with("return {status = obj.status.phase}"),
            "Unknown <string>:1: attempt to index field 'status' (a nil value)");
  EXPECT_EQ(with("return {status = print}"),
            "Unknown json: error calling MarshalJSON for type json.jsonValue: json: error calling "
            "MarshalJSON for type json.jsonValue: cannot encode function to JSON");
}

TEST(LuaHealth, AScriptThatNeverEndsIsUnknownWithinItsLimit) {
  Customizations c;
  c.set_override("example.com/Widget", {.health_lua = "while true do end"});
  auto start = std::chrono::steady_clock::now();
  std::string health = assessed(c, object("example.com/v1", "Widget"), {.limits = {.time = 200ms}});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(health,
            "Unknown <string>:1: Lua script stopped: it ran longer than its time limit of 200ms");
  c.set_override("example.com/Widget",
                 {.health_lua = "local t = {} while true do t[#t + 1] = {} end"});
  EXPECT_EQ(assessed(c, object("example.com/v1", "Widget"),
                     {.limits = {.memory_bytes = size_t{4} << 20}}),
            "Unknown Lua script stopped: it needed more memory than its limit of 4 MiB");
}

TEST(LuaHealth, BuiltInsDecideWithoutAScriptAndDeletionComesFirst) {
  Customizations c;
  Node deployment = *parse_yaml(R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, generation: 1}
spec: {replicas: 1}
status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1}
)",
                                "deployment");
  EXPECT_EQ(assessed(c, deployment), "Healthy ");
  c.set_override("apps/Deployment",
                 {.health_lua = health_script_returning("Degraded", "lua says")});
  EXPECT_EQ(assessed(c, deployment), "Degraded lua says");
  deployment["metadata"].set("deletionTimestamp", Node::string("2024-01-01T00:00:00Z"));
  EXPECT_EQ(assessed(c, deployment), "Progressing Pending deletion");
}

// --- actions ---------------------------------------------------------------------------------

TEST(Actions, OverridesReplaceOrMergeTheDirectorysActions) {
  MemoryFileSystem fs = directory({
      {"apps/Deployment/actions/discovery.lua",
       "return {restart = {iconClass = 'fa-redo'}, scale = {params = {{name = 'replicas'}}}}"},
      {"apps/Deployment/actions/restart/action.lua",
       "obj.metadata.annotations = {restarted = 'yes'} return obj"},
  });
  Customizations c;
  ASSERT_TRUE(c.read_directory(fs, "/custom"));
  Node deployment = object("apps/v1", "Deployment");
  auto names = [&]() {
    std::string out;
    auto actions = discover_actions(c, deployment);
    if (!actions) return "error: " + actions.error().message();
    for (const ResourceAction& a : *actions)
      out += a.name + (a.disabled ? "(disabled)" : "") + "[" + a.icon_class + "]" +
             std::to_string(a.params.size()) + " ";
    return out;
  };
  EXPECT_EQ(names(), "restart[fa-redo]0 scale[]1 ");
  c.set_override("apps/Deployment", {.actions = R"(discovery.lua: |
  return {restart = {disabled = true}, own = {}}
definitions:
- name: own
  action.lua: |
    obj.spec.replicas = 0
    return obj
)"});
  EXPECT_EQ(names(), "own[]0 restart(disabled)[]0 ");
  c.set_override("apps/Deployment", {.actions = R"(mergeBuiltinActions: true
discovery.lua: |
  return {restart = {disabled = true}, own = {}}
)"});
  // The override's first: its restart wins; the directory's scale is added.
  EXPECT_EQ(names(), "own[]0 restart(disabled)[]0 scale[]1 ");
  auto own = run_action(c, deployment, "own", {});
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().message(), "action 'own' is not defined for apps/Deployment");
  auto restart = run_action(c, deployment, "restart", {});
  ASSERT_TRUE(restart) << restart.error().message();
  ASSERT_EQ(restart->size(), 1u);
  EXPECT_EQ((*restart)[0].object.string_at({"metadata", "annotations", "restarted"}), "yes");
  EXPECT_EQ((*restart)[0].operation, ActionOperation::patch);
}

TEST(Actions, ResultsAndErrorsAsArgos) {
  Node live = *parse_json(R"({"apiVersion": "example.com/v1", "kind": "Widget",
      "metadata": {"name": "w", "labels": {}}, "spec": {"template": {}, "items": [{"a": {}}]}})");
  auto run = [&](std::string_view script, std::vector<LuaParam> params = {}) {
    auto out = run_action_script(LuaScript{std::string(script)}, live, params);
    if (!out) return "error: " + out.error().message();
    std::string text;
    for (const ImpactedResource& r : *out)
      text += std::string(to_string(r.operation)) + " " + to_json(r.object) + "\n";
    return text;
  };
  // Empty maps of the live object stay maps (cleanReturnedObj); lists and new fields as they are.
  EXPECT_EQ(
      run("obj.spec.replicas = tonumber(actionParams.n) return obj", {{"n", "3"}}),
      R"(patch {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"labels":{},"name":"w"},"spec":{"items":[{"a":{}}],"replicas":3,"template":{}}})"
      "\n");
  EXPECT_EQ(run("return {{operation = 'create', resource = {apiVersion = 'v1', kind = 'ConfigMap', "
                "metadata = {name = 'c'}, data = {}}}}"),
            R"(create {"apiVersion":"v1","data":[],"kind":"ConfigMap","metadata":{"name":"c"}})"
            "\n");
  EXPECT_EQ(run("return {}"), "");
  EXPECT_EQ(run("return {{operation = 'delete', resource = obj}}"),
            "error: unsupported operation: \"delete\"");
  EXPECT_EQ(run("return {{resource = obj}}"),
            "error: an impacted resource has no operation (create or patch)");
  EXPECT_EQ(run("return {metadata = {name = 'x'}}"),
            R"(error: Object 'Kind' is missing in '{"metadata":{"name":"x"}}')");
  EXPECT_EQ(run("return 'done'"), "error: expect table output from Lua script, not string");
  EXPECT_EQ(run("error('replicas parameter is required', 0)"),
            "error: replicas parameter is required");
  // Actions run sandboxed: no string library.
  EXPECT_EQ(run("obj.metadata.name = string.upper(obj.metadata.name) return obj"),
            "error: <string>:1: attempt to index global 'string' (a nil value)");
}

TEST(Actions, DiscoveryValuesReadAsGoReadsThem) {
  Node live = object("example.com/v1", "Widget");
  auto discover = [&](std::string_view script) -> std::string {
    std::vector<LuaScript> scripts{LuaScript{std::string(script)}};
    auto out = run_discovery_scripts(scripts, live);
    if (!out) return "error: " + out.error().message();
    std::string text;
    for (const ResourceAction& a : *out)
      text += a.name + "/" + (a.disabled ? "disabled" : "enabled") + "/" + a.display_name + " ";
    return text;
  };
  EXPECT_EQ(discover("return {}"), "");
  EXPECT_EQ(discover("return {a = {}, b = {disabled = true, displayName = 'B!'}}"),
            "a/enabled/ b/disabled/B! ");
  EXPECT_EQ(discover("return {a = {DISABLED = true}}"), "a/disabled/ ");
  EXPECT_EQ(discover("return {a = 'x'}"),
            "error: error unmarshaling resource action: json: cannot unmarshal string into Go "
            "value of type v1alpha1.ResourceAction");
  EXPECT_EQ(discover("return {a = {disabled = 'yes'}}"),
            "error: error unmarshaling resource action: json: cannot unmarshal string into Go "
            "struct field ResourceAction.disabled of type bool");
  EXPECT_EQ(discover("return {'a'}"),
            "error: error unmarshaling action table: json: cannot unmarshal array into Go value "
            "of type map[string]interface {}");
  EXPECT_EQ(discover("return 1"), "error: expect table output from Lua script, not number");
}
