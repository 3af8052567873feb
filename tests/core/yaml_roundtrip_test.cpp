// Reads every expected output of the kustomize conformance cases and writes it back: the
// writer must reproduce kubectl kustomize's bytes exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/yaml.hpp"
#include "support/require.hpp"

namespace plumb {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shared folder: PLUMB_SHARED_DIR from the environment (a worktree elsewhere), else the
// one beside the checkout.
fs::path shared_dir() {
  const char* env = std::getenv("PLUMB_SHARED_DIR");
  return env && *env ? fs::path(env) : fs::path(PLUMB_SHARED_DIR);
}

std::vector<fs::path> expected_outputs() {
  std::vector<fs::path> files;
  fs::path cases = shared_dir() / "kustomize-cases" / "cases";
  if (!fs::is_directory(cases)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(cases)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (name == "expected.yaml" || name == "expected.default.yaml"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "(same lines; differs in the final newline)";
    if (la != lb || ha != hb)
      return "line " + std::to_string(line) + ":\n  want: " + (ha ? la : "<end>") +
             "\n  got:  " + (hb ? lb : "<end>");
  }
}

TEST(YamlRoundTrip, KustomizeExpectedOutputsAreReproducedByteForByte) {
  std::vector<fs::path> files = expected_outputs();
  PLUMB_REQUIRE(!files.empty(), "no kustomize cases under " << shared_dir());
  int checked = 0;
  for (const fs::path& file : files) {
    std::string text = read_file(file);
    auto docs = parse_yaml_stream(text, file.string());
    ASSERT_TRUE(docs.has_value()) << docs.error().message();
    std::string written = to_yaml_stream(*docs);
    EXPECT_EQ(written, text) << file << "\n" << first_difference(text, written);
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace plumb
