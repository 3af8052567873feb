// sprig's list, dict, default/json/reflection and math functions, checked against what the
// real helm v4.1.4 prints: testdata/collections_cases.txt holds one template per line,
// testdata/collections_expected.txt helm's output or error for each (gen_collections.sh
// regenerates it), over testdata/collections_values.yaml read as Helm reads values (numbers
// float64).
#include <gtest/gtest.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/yaml.hpp"
#include "sprig/sprig.hpp"

namespace plumb::sprig {
namespace {

using gotemplate::Value;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path testdata() {
  return std::filesystem::path(PLUMB_SOURCE_DIR) / "tests" / "sprig" / "testdata";
}

struct Case {
  std::string text;
  std::string want;
  bool fails = false;
};

std::vector<Case> load_cases() {
  std::vector<Case> cases;
  std::istringstream in(read_file(testdata() / "collections_expected.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("case: ")) {
      cases.push_back({line.substr(6), "", false});
    } else if (!cases.empty() && line.starts_with("want: ")) {
      cases.back().want = line.substr(6);
    } else if (!cases.empty() && line.starts_with("fail: ")) {
      cases.back().want = line.substr(6);
      cases.back().fails = true;
    }
  }
  return cases;
}

// What helm does to a rendered template: "<no value>" removed, surrounding space trimmed.
std::string as_helm_prints(std::string out) {
  for (size_t at; (at = out.find("<no value>")) != std::string::npos;)
    out.erase(at, 10);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

TEST(SprigCollections, MatchHelm) {
  // gen_collections.sh runs helm with TZ=UTC; Local is read once, at first use.
  setenv("TZ", "UTC", 1);
  auto node =
      parse_yaml(read_file(testdata() / "collections_values.yaml"), "collections_values.yaml");
  ASSERT_TRUE(node) << node.error().message();
  Value values = Value::from_node(*node, Value::Numbers::as_float64).named("common.Values");
  std::vector<Case> cases = load_cases();
  ASSERT_GT(cases.size(), 300u);
  auto funcs = std::make_shared<const gotemplate::FuncMap>(functions());
  gotemplate::ExecOptions options;
  options.missing_key = gotemplate::MissingKey::zero;
  int failures = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    char name[64];
    std::snprintf(name, sizeof name, "x/templates/t%04zu.yaml", i);
    std::string text = c.text.starts_with("{{")
                           ? "# " + c.text + "\n"
                           : "# {{ printf \"%q\" (print (" + c.text + ")) }}\n";
    // Each case gets its own copy of the values, as each helm run did.
    Value dot = Value::map();
    dot.map_ptr()->set(
        "Values",
        Value::from_node(*node, Value::Numbers::as_float64).named("common.Values").boxed_copy());
    dot = dot.named("common.Values");
    gotemplate::TemplateSet set(name, funcs);
    auto parsed = set.parse(name, text);
    ASSERT_TRUE(parsed) << c.text << ": " << parsed.error().message();
    auto out = set.execute(name, dot, options);
    std::string got = out ? as_helm_prints(*out) : out.error().message();
    bool ok = out.has_value() != c.fails && got == c.want;
    if (!ok) ++failures;
    EXPECT_TRUE(ok) << "case: " << c.text << "\n want: " << (c.fails ? "error " : "") << c.want
                    << "\n  got: " << (out ? "" : "error ") << got;
  }
  EXPECT_EQ(failures, 0) << "of " << cases.size();
  (void)values;
}

}  // namespace
}  // namespace plumb::sprig
