// The sprig-* cases of ../shared/helm-cases rendered with sprig's functions: every chart whose
// templates need no Helm function beyond a toy `include` and `fail` (as
// tests/gotemplate/helm_cases_test.cpp writes them; the helm module has the real ones). Values come
// from values.yaml with numbers as float64, as Helm's are; the top-level object is Helm's
// (.Values, .Release, .Chart, .Template); missingkey=zero and "<no value>" removed, as Helm
// renders. Expected outputs are real helm v4.1.4 output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/yaml.hpp"
#include "gotemplate/template.hpp"
#include "gotemplate/test_values.hpp"
#include "sprig/sprig.hpp"

using namespace plumb;
using namespace plumb::gotemplate;
using namespace plumb::gotemplate::testing;
namespace fs = std::filesystem;

namespace {

const fs::path k_cases = PLUMB_SHARED_DIR "/helm-cases/cases";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string strip_no_value(std::string s) {
  for (size_t at = s.find("<no value>"); at != std::string::npos; at = s.find("<no value>", at)) {
    s.erase(at, 10);
  }
  return s;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Helm's include: executes a template of the set into a string, at most 1000 levels deep.
std::shared_ptr<FuncMap> toy_helm_funcs() {
  auto funcs = std::make_shared<FuncMap>(plumb::sprig::functions());
  auto depth = std::make_shared<int>(0);
  funcs->add("include",
             FuncInfo{[depth](CallContext& context, std::span<const Value> args) -> Result<Value> {
                        if (*depth >= 1000) {
                          return fail("rendering template has a nested reference name: ",
                                      args[0].as_string(), ": unable to execute template");
                        }
                        ++*depth;
                        std::string out;
                        auto result =
                            context.execute(out, context.set(), args[0].as_string(), args[1]);
                        --*depth;
                        if (!result) return std::unexpected(result.error());
                        return Value::string(out);
                      },
                      {Param::string, Param::any},
                      false});
  funcs->add("fail", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                return fail(args[0].as_string());
                              },
                              {Param::string},
                              false});
  return funcs;
}

struct Case {
  std::string name;
  std::string chart;                           // the chart's name
  std::map<std::string, std::string> sources;  // template name -> text
  Value values;
};

// Blocks of helm's output: "---\n# Source: NAME\n" then the document.
std::map<std::string, std::string> expected_blocks(const std::string& text) {
  std::map<std::string, std::string> out;
  const std::string marker = "---\n# Source: ";
  size_t at = text.find(marker);
  while (at != std::string::npos) {
    size_t name_end = text.find('\n', at + marker.size());
    std::string name = text.substr(at + marker.size(), name_end - at - marker.size());
    size_t next = text.find(marker, name_end);
    out[name] = text.substr(name_end + 1,
                            next == std::string::npos ? std::string::npos : next - name_end - 1);
    at = next;
  }
  return out;
}

Value top_level(const Case& c, const std::string& template_name) {
  return map_of({
      {"Values", c.values},
      {"Release", map_of({{"Name", s("rel")},
                          {"Namespace", s("demo")},
                          {"Service", s("Helm")},
                          {"IsInstall", b(true)},
                          {"IsUpgrade", b(false)},
                          {"Revision", i(1)}})},
      {"Chart", map_of({{"Name", s(c.chart)}, {"Version", s("0.1.0")}})},
      {"Template", map_of({{"Name", s(template_name)}, {"BasePath", s(c.chart + "/templates")}})},
  });
}

TEST(SprigHelmCases, SprigCasesWithoutHelmFunctions) {
  auto funcs = toy_helm_funcs();
  int compared = 0, skipped = 0;
  std::string names;
  for (const auto& entry : fs::directory_iterator(k_cases)) {
    std::string name = entry.path().filename();
    if (!name.starts_with("sprig-")) continue;
    if (name == "sprig-fail") {
      ++skipped;  // fail is Helm's (its "execution error at" message), the toy one is not
      continue;
    }
    fs::path chart_dir = entry.path() / "chart";
    if (fs::exists(chart_dir / "charts")) {
      ++skipped;  // subcharts: the helm module's business
      continue;
    }
    Case c;
    c.name = name;
    auto chart_yaml = parse_yaml(read_file(chart_dir / "Chart.yaml"), "Chart.yaml");
    ASSERT_TRUE(chart_yaml) << name;
    c.chart = std::string(chart_yaml->string_at({"name"}));
    Node values;
    if (fs::exists(chart_dir / "values.yaml")) {
      auto parsed = parse_yaml(read_file(chart_dir / "values.yaml"), "values.yaml");
      ASSERT_TRUE(parsed) << name;
      values = *parsed;
    }
    c.values =
        values.is_null() ? Value::map() : Value::from_node(values, Value::Numbers::as_float64);
    for (const auto& file : fs::directory_iterator(chart_dir / "templates")) {
      if (file.is_regular_file()) {
        c.sources[c.chart + "/templates/" + file.path().filename().string()] =
            read_file(file.path());
      }
    }
    // Parse every file into one set, as Helm does.
    TemplateSet set("sprig", funcs);
    std::string parse_error;
    for (const auto& [tname, text] : c.sources) {
      auto parsed = set.parse(tname, text);
      if (!parsed) {
        parse_error = parsed.error().message();
        break;
      }
    }
    bool uses_helm = parse_error.find("not defined") != std::string::npos;
    for (const auto& [tname, text] : c.sources) {
      // .Capabilities and .Files are Helm's objects, not in this toy top level
      if (text.find(".Capabilities") != std::string::npos ||
          text.find(".Files") != std::string::npos)
        uses_helm = true;
    }
    if (uses_helm) {
      ++skipped;
      continue;
    }
    ExecOptions options;
    options.missing_key = MissingKey::zero;
    std::map<std::string, std::string> rendered;
    std::string exec_error;
    if (parse_error.empty()) {
      for (const auto& [tname, text] : c.sources) {
        if (fs::path(tname).filename().string().starts_with("_")) continue;
        auto out = set.execute(tname, top_level(c, tname), options);
        if (!out) {
          exec_error = out.error().message();
          break;
        }
        rendered[tname] = strip_no_value(*out);
      }
    }
    if (fs::exists(entry.path() / "expected_error.txt")) {
      std::string want = trim(read_file(entry.path() / "expected_error.txt"));
      std::string got = parse_error.empty() ? exec_error : parse_error;
      ASSERT_FALSE(got.empty()) << name << ": helm fails, the engine did not";
      if (want.ends_with(" [...]")) want.resize(want.size() - 6);
      if (want.starts_with("Error: template: ")) {
        // helm printed the engine's message itself (cut at 400 characters)
        EXPECT_EQ(("Error: " + got).substr(0, want.size()), want) << name;
      } else if (want.starts_with("Error: parse error at (")) {
        // helm rewords parse errors: "parse error at (NAME:LINE): what"
        size_t close = want.find("): ");
        std::string location = want.substr(23, close - 23);
        EXPECT_EQ(got, "template: " + location + ": " + want.substr(close + 3)) << name;
      } else {
        // helm v4 prints "Error: NAME:LINE:COL" and the rest on further lines
        EXPECT_TRUE(got.starts_with("template: " + want.substr(7) + ":")) << name << ": " << got;
      }
      ++compared;
      names += " " + name;
      continue;
    }
    ASSERT_TRUE(parse_error.empty() && exec_error.empty())
        << name << ": " << parse_error << exec_error;
    auto blocks = expected_blocks(read_file(entry.path() / "expected.yaml"));
    for (const auto& [tname, out] : rendered) {
      if (out.find("---") != std::string::npos) continue;  // split into documents by helm
      auto it = blocks.find(tname);
      if (trim(out).empty()) {
        EXPECT_TRUE(it == blocks.end())
            << name << ": " << tname << " renders empty, helm printed it";
        continue;
      }
      ASSERT_TRUE(it != blocks.end()) << name << ": helm did not print " << tname;
      EXPECT_EQ(trim(out), trim(it->second)) << name << ": " << tname;
    }
    ++compared;
    names += " " + name;
  }
  std::printf("helm sprig cases: %d compared, %d skipped (Helm functions or subcharts):%s\n",
              compared, skipped, names.c_str());
  EXPECT_GE(compared, 10);
}

}  // namespace
