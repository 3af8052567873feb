// Checks every strategic merge case against kubectl itself: `kubectl patch --local --type
// strategic` for the Kubernetes dialect, `kubectl kustomize` with a patches: entry for the
// kustomize one. Skips when kubectl is not installed (fails under CI: support/require.hpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "merge/merge.hpp"
#include "merge/smp_cases.hpp"
#include "support/require.hpp"

namespace plumb {
namespace {

using testing_cases::k_smp_cases;
using testing_cases::Oracle;
using testing_cases::SmpCase;

bool have_kubectl() {
  static const bool found = test_support::have_tool("kubectl");
  return found;
}

// Runs a shell command; returns stdout, or nullopt when it fails.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen(("(" + command + ") 2>/dev/null").c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

Node parse(std::string_view text) {
  auto parsed = parse_json(text, "oracle");
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? *parsed : Node();
}

Node with_header(const SmpCase& c, std::string_view body) {
  Node doc = Node::map();
  doc.set("apiVersion", Node::string(c.api_version));
  doc.set("kind", Node::string(c.kind));
  doc["metadata"].set("name", Node::string("x"));
  Node parsed = parse(body);
  for (const MapEntry& e : parsed.entries()) {
    if (e.key.as_string() == "metadata") {
      for (const MapEntry& m : e.value.entries())
        doc["metadata"].set(m.key.as_string(), m.value);
    } else {
      doc.set(e.key.as_string(), e.value);
    }
  }
  return doc;
}

class Scratch {
 public:
  Scratch() {
    char pattern[] = "/tmp/plumb-smp-XXXXXX";
    m_dir = mkdtemp(pattern);
  }
  ~Scratch() { std::filesystem::remove_all(m_dir); }
  std::string write(const std::string& name, std::string_view text) {
    std::string path = m_dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  const std::string& dir() const { return m_dir; }

 private:
  std::string m_dir;
};

void compare(const SmpCase& c, const MergeOptions& options, const std::optional<std::string>& out) {
  auto kind = Schema::builtin().kind(c.api_version, c.kind);
  auto ours = strategic_merge(with_header(c, c.original), with_header(c, c.patch),
                              kind ? kind->type : SchemaType(), options);
  if (!out) {
    EXPECT_FALSE(ours.has_value()) << c.name << ": kubectl failed, we gave " << to_json(*ours);
    return;
  }
  ASSERT_TRUE(ours.has_value()) << c.name << ": " << ours.error().message()
                                << "\nkubectl: " << *out;
  EXPECT_EQ(*ours, parse(*out)) << c.name << "\n  ours:    " << to_json(*ours)
                                << "\n  kubectl: " << to_json(parse(*out));
}

// The cases one oracle answers: every case but those only the other one can judge (not
// instantiated rather than skipped, so a run shows no skip).
std::vector<SmpCase> cases_except(Oracle other_only) {
  std::vector<SmpCase> cases;
  for (const SmpCase& c : k_smp_cases)
    if (c.oracle != other_only) cases.push_back(c);
  return cases;
}

std::string case_name(const testing::TestParamInfo<SmpCase>& info) {
  return std::string(info.param.name);
}

class KubectlPatchOracle : public testing::TestWithParam<SmpCase> {};
class KubectlKustomizeOracle : public testing::TestWithParam<SmpCase> {};

TEST_P(KubectlPatchOracle, SameResult) {
  const SmpCase& c = GetParam();
  PLUMB_REQUIRE(have_kubectl(), "kubectl not installed");
  Scratch scratch;
  std::string original = scratch.write("o.json", to_json(with_header(c, c.original)));
  std::string patch = scratch.write("p.json", to_json(with_header(c, c.patch)));
  compare(c, MergeOptions::kubernetes(),
          run("kubectl patch --local -f " + original + " --type strategic --patch-file " + patch +
              " -o json"));
}

TEST_P(KubectlKustomizeOracle, SameResult) {
  const SmpCase& c = GetParam();
  PLUMB_REQUIRE(have_kubectl(), "kubectl not installed");
  Scratch scratch;
  scratch.write("o.json", to_json(with_header(c, c.original)));
  scratch.write("p.json", to_json(with_header(c, c.patch)));
  scratch.write("kustomization.yaml", "resources: [o.json]\npatches:\n- path: p.json\n");
  // kustomize prints YAML; a no-op local merge patch turns it into JSON.
  compare(c, MergeOptions::kustomize(),
          run("kubectl kustomize " + scratch.dir() +
              " | kubectl patch --local -f - --type merge -p '{}' -o json"));
}

// kubectl refuses a local strategic merge patch of an unknown kind; the kustomize quirks
// we do not copy are left out of the kustomize comparison.
INSTANTIATE_TEST_SUITE_P(Cases, KubectlPatchOracle,
                         testing::ValuesIn(cases_except(Oracle::kustomize_only)), case_name);
INSTANTIATE_TEST_SUITE_P(Cases, KubectlKustomizeOracle,
                         testing::ValuesIn(cases_except(Oracle::kubernetes_only)), case_name);

}  // namespace
}  // namespace plumb
