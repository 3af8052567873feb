// `plumb health` through the real binary: every health_test.yaml case of ../shared/argo-health
// (Argo CD's resource_customizations as --customizations), then what a user trying a script sees —
// argocd-cm over the directory, built-in checks, a script that never ends (Unknown, in time, exit
// 0), print() on stderr, usage and read errors.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include "helm/sigs_yaml.hpp"
#include "support/require.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path k_root = PLUMB_SHARED_DIR "/argo-health/resource_customizations";

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// plumb ARGS with stdout and stderr apart.
Outcome run_plumb(const std::string& args) {
  Outcome run;
  char err_path[] = "/tmp/plumb-health-err-XXXXXX";
  int fd = ::mkstemp(err_path);
  if (fd < 0) return run;
  ::close(fd);
  std::string command = std::string(PLUMB_BINARY) + " " + args + " 2>" + err_path;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
      run.out.append(buf, n);
    int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  run.err = read_file(err_path);
  fs::remove(err_path);
  return run;
}

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

// "STATUS: X\nMESSAGE: Y\n" → {X, Y}.
std::pair<std::string, std::string> parse_health(const std::string& out) {
  if (!out.starts_with("STATUS: ")) return {"?", out};
  size_t line = out.find('\n');
  std::string status = out.substr(8, line - 8);
  std::string rest = out.substr(line + 1);
  if (!rest.starts_with("MESSAGE: ")) return {"?", out};
  std::string message = rest.substr(9);
  if (!message.empty() && message.back() == '\n') message.pop_back();
  return {status, message};
}

const plumb::Node* field(const plumb::Node& map, std::string_view name) {
  for (const plumb::MapEntry& e : map.entries())
    if (e.key.as_string().size() == name.size() &&
        std::equal(name.begin(), name.end(), e.key.as_string().begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return &e.value;
  return nullptr;
}

struct Case {
  std::string name;
  fs::path input;
  std::string status, message;
};

std::vector<Case> health_cases() {
  std::vector<Case> out;
  for (const auto& entry : fs::recursive_directory_iterator(k_root)) {
    if (entry.path().filename() != "health_test.yaml") continue;
    fs::path dir = entry.path().parent_path();
    auto tests = plumb::helm::yaml_to_json(read_file(entry.path()));
    if (!tests || !field(*tests, "tests")) continue;
    for (const plumb::Node& t : field(*tests, "tests")->items()) {
      const plumb::Node* input = field(t, "inputPath");
      const plumb::Node* health = field(t, "healthStatus");
      auto text = [&](std::string_view key) {
        const plumb::Node* n = health ? field(*health, key) : nullptr;
        return n ? std::string(n->as_string()) : std::string();
      };
      out.push_back({fs::relative(dir, k_root).string() + "/" + std::string(input->as_string()),
                     dir / std::string(input->as_string()), text("status"), text("message")});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

}  // namespace

using plumb::Node;

TEST(HealthCommand, EveryArgoHealthCasePassesThroughTheBinary) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  PLUMB_REQUIRE(fs::is_directory(k_root), k_root << " is missing");
  std::vector<Case> cases = health_cases();
  // Two at a time: the machine's cores.
  auto check = [&](size_t first, size_t step) {
    std::vector<std::string> failures;
    for (size_t i = first; i < cases.size(); i += step) {
      const Case& c = cases[i];
      Outcome run =
          run_plumb("health -f " + quoted(c.input) + " --customizations " + quoted(k_root));
      auto [status, message] = parse_health(run.out);
      if (run.status != 0 || status != c.status || message != c.message)
        failures.push_back(c.name + ": exit " + std::to_string(run.status) + ", got " + status +
                           " \"" + message + "\", expected " + c.status + " \"" + c.message +
                           "\" " + run.err);
    }
    return failures;
  };
  auto other = std::async(std::launch::async, check, 1, 2);
  std::vector<std::string> failures = check(0, 2);
  for (std::string& f : other.get())
    failures.push_back(std::move(f));
  for (const std::string& f : failures)
    ADD_FAILURE() << f;
  size_t passed = cases.size() - failures.size();
  std::cout << "plumb health: " << passed << "/" << cases.size() << " Argo health cases passed\n";
  RecordProperty("health cases", std::to_string(passed) + "/" + std::to_string(cases.size()));
  EXPECT_GT(cases.size(), 500u);
}

class HealthCommandFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("plumb-health-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir / "custom/example.com/Widget");
    write("custom/example.com/Widget/health.lua",
          "print('judging ' .. obj.metadata.name)\n"
          "if obj.status and obj.status.ready then\n"
          "  return {status = 'Healthy', message = 'ready'}\n"
          "end\n"
          "return {status = 'Progressing', message = 'not yet'}\n");
    write("widget.yaml",
          "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n"
          "status: {ready: true}\n");
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& path, const std::string& text) {
    std::ofstream(dir / path, std::ios::binary) << text;
  }
  fs::path dir;
};

TEST_F(HealthCommandFiles, ArgocdCmGoesBeforeTheDirectory) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  Outcome from_dir = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                               quoted(dir / "custom"));
  EXPECT_EQ(from_dir.status, 0);
  EXPECT_EQ(from_dir.out, "STATUS: Healthy\nMESSAGE: ready\n");
  EXPECT_EQ(from_dir.err, "judging w1\n");  // print() goes to stderr
  write("argocd-cm.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: argocd-cm, namespace: argocd}
data:
  resource.customizations.health.example.com_Widget: |
    return {status = "Degraded", message = "overridden by argocd-cm"}
)");
  Outcome overridden =
      run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                quoted(dir / "custom") + " --argocd-cm-path " + quoted(dir / "argocd-cm.yaml"));
  EXPECT_EQ(overridden.status, 0);
  EXPECT_EQ(overridden.out, "STATUS: Degraded\nMESSAGE: overridden by argocd-cm\n");
  Outcome none = run_plumb("health -f " + quoted(dir / "widget.yaml"));
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "Health script is not configured for 'example.com/Widget'\n");
}

TEST_F(HealthCommandFiles, BuiltInChecksWithoutAScript) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  write("deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, generation: 2}
spec: {replicas: 2}
status: {observedGeneration: 1}
)");
  Outcome run = run_plumb("health -f " + quoted(dir / "deployment.yaml"));
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out,
            "STATUS: Progressing\nMESSAGE: Waiting for rollout to finish: observed deployment "
            "generation less than desired generation\n");
}

// What a script says of an object being deleted is printed; a note says the controller shows
// Pending deletion (gitops-engine judges deletion before any check).
TEST_F(HealthCommandFiles, AnObjectBeingDeletedIsJudgedByItsCheckWithANote) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  write("deleting.yaml",
        "apiVersion: example.com/v1\nkind: Widget\n"
        "metadata: {name: w1, namespace: ns, deletionTimestamp: '2024-01-01T00:00:00Z'}\n");
  Outcome run = run_plumb("health -f " + quoted(dir / "deleting.yaml") + " --customizations " +
                          quoted(dir / "custom"));
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, "STATUS: Progressing\nMESSAGE: not yet\n");
  EXPECT_EQ(run.err,
            "judging w1\nnote: Widget/ns/w1 is being deleted: Argo CD shows it as Progressing "
            "\"Pending deletion\" whatever its check says\n");
}

TEST_F(HealthCommandFiles, AScriptThatNeverEndsIsUnknownAndTheCommandStillSucceeds) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  write("custom/example.com/Widget/health.lua", "local n = 0\nwhile true do n = n + 1 end\n");
  auto start = std::chrono::steady_clock::now();
  Outcome loop = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                           quoted(dir / "custom"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(loop.status, 0);
  EXPECT_EQ(loop.out,
            "STATUS: Unknown\nMESSAGE: <string>:2: Lua script stopped: it ran longer than its "
            "time limit of 1s\n");
  // A string doubled until it passes the limit: 27 allocations, so the memory limit is met
  // long before the time limit even in a sanitizer build on a loaded machine (a table of small
  // tables took more than 1 s there).
  write("custom/example.com/Widget/health.lua", "local s = 'x' while true do s = s .. s end\n");
  Outcome bomb = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                           quoted(dir / "custom"));
  EXPECT_EQ(bomb.status, 0);
  EXPECT_EQ(bomb.out,
            "STATUS: Unknown\nMESSAGE: Lua script stopped: it needed more memory than its limit "
            "of 64 MiB\n");
  write("custom/example.com/Widget/health.lua",
        "local f = io.open('/etc/passwd') return {status = 'Healthy'}\n");
  Outcome io = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                         quoted(dir / "custom"));
  EXPECT_EQ(io.out,
            "STATUS: Unknown\nMESSAGE: <string>:1: attempt to index global 'io' (a nil value)\n");
}

TEST_F(HealthCommandFiles, UsageAndReadErrors) {
  PLUMB_REQUIRE(fs::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  Outcome missing_flag = run_plumb("health");
  EXPECT_EQ(missing_flag.status, 2);
  EXPECT_TRUE(missing_flag.err.starts_with("plumb health: -f OBJECT.yaml is required\n"));
  Outcome no_file = run_plumb("health -f " + quoted(dir / "nope.yaml"));
  EXPECT_EQ(no_file.status, 1);
  EXPECT_NE(no_file.err.find("nope.yaml"), std::string::npos) << no_file.err;
  Outcome no_dir = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --customizations " +
                             quoted(dir / "none"));
  EXPECT_EQ(no_dir.status, 1);
  EXPECT_NE(no_dir.err.find("customizations directory"), std::string::npos) << no_dir.err;
  write("bad-cm.yaml", "data:\n  resource.customizations.health.a_b_c: x\n");
  Outcome bad_cm = run_plumb("health -f " + quoted(dir / "widget.yaml") + " --argocd-cm-path " +
                             quoted(dir / "bad-cm.yaml"));
  EXPECT_EQ(bad_cm.status, 1);
  EXPECT_NE(bad_cm.err.find("got group kind: 'a_b_c'"), std::string::npos) << bad_cm.err;
  Outcome help = run_plumb("health --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(help.out.starts_with("Usage: plumb health -f OBJECT.yaml"));
}
