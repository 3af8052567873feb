// Table tests of the sprig functions against real helm v4.1.4: testdata/NAME_cases.txt holds
// template texts, testdata/NAME_expected.tsv what `helm template` printed for each (made by
// gen_cases.sh with the real helm; outputs and errors base64-encoded). Each template is
// executed as Helm does (name x/templates/t.yaml, .Values from testdata/values.yaml with
// numbers as float64, missingkey=zero, "<no value>" removed) and must give the same output or
// the same error message.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/base64.hpp"
#include "core/yaml.hpp"
#include "sprig/sprig.hpp"

namespace plumb::sprig {
namespace {

using gotemplate::Value;

const std::string k_testdata = PLUMB_SPRIG_TESTDATA;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string strip_no_value(std::string s) {
  for (size_t at = s.find("<no value>"); at != std::string::npos; at = s.find("<no value>", at))
    s.erase(at, 10);
  return s;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// helm v4 rewords some engine errors; back to the engine's words.
std::string engine_words(const std::string& helm) {
  if (helm.starts_with("template: ")) return helm;
  if (helm.starts_with("parse error at (")) {
    size_t close = helm.find("): ");
    return "template: " + helm.substr(16, close - 16) + ": " + helm.substr(close + 3);
  }
  // "NAME:LINE:COL\n  executing \"NAME\" at <X>:\n    message"
  std::vector<std::string> lines;
  std::stringstream in(helm);
  for (std::string line; std::getline(in, line);)
    lines.push_back(trim(line));
  std::string out = "template: " + lines.at(0) + ": " + lines.at(1);
  for (size_t i = 2; i < lines.size(); ++i)
    out += " " + lines[i];
  return out;
}

gotemplate::FuncMap test_functions() {
  gotemplate::FuncMap funcs = functions();
  // The cases build lists with sprig's `list` (the collections group's); a stand-in while
  // that group is not there.
  if (!funcs.contains("list")) {
    funcs.add("list", [](gotemplate::CallContext&, std::span<const Value> args) -> Result<Value> {
      gotemplate::ValueList items;
      for (const Value& arg : args)
        items.push_back(arg.is_invalid() ? Value::nil() : arg.boxed_copy());
      return Value::list(std::move(items));
    });
  }
  return funcs;
}

void run_table(const std::string& name) {
  auto values_node = parse_yaml(read_file(k_testdata + "/values.yaml"), "values.yaml");
  ASSERT_TRUE(values_node);
  auto top = std::make_shared<gotemplate::ValueMap>();
  top->set("Values", Value::from_node(*values_node, Value::Numbers::as_float64));
  Value dot = Value::map(top);
  auto funcs = std::make_shared<const gotemplate::FuncMap>(test_functions());
  gotemplate::ExecOptions options;
  options.missing_key = gotemplate::MissingKey::zero;

  std::stringstream table(read_file(k_testdata + "/" + name + "_expected.tsv"));
  int cases = 0;
  for (std::string line; std::getline(table, line);) {
    size_t tab1 = line.find('\t');
    size_t tab2 = line.find('\t', tab1 + 1);
    ASSERT_NE(tab2, std::string::npos) << line;
    std::string text = line.substr(0, tab1);
    std::string kind = line.substr(tab1 + 1, tab2 - tab1 - 1);
    auto want = base64_decode(line.substr(tab2 + 1));
    ASSERT_TRUE(want) << line;
    ++cases;
    gotemplate::TemplateSet set("x", funcs);
    std::string got;
    auto parsed = set.parse("x/templates/t.yaml", text);
    if (parsed) {
      auto out = set.execute("x/templates/t.yaml", dot, options);
      got = out ? strip_no_value(*out) : out.error().message();
      if (kind == "ok") {
        EXPECT_TRUE(out.has_value()) << text << "\n  failed: " << got;
      } else {
        EXPECT_FALSE(out.has_value()) << text << "\n  gave: " << got;
      }
    } else {
      got = parsed.error().message();
      EXPECT_EQ(kind, "err") << text << "\n  parse failed: " << got;
    }
    if (kind == "ok") {
      EXPECT_EQ(got, *want) << text;
    } else {
      EXPECT_EQ(got, engine_words(*want)) << text;
    }
  }
  EXPECT_GT(cases, 0);
  std::cout << name << ": " << cases << " cases compared with helm\n";
}

TEST(SprigHelmTables, Strings) {
  run_table("strings");
}

TEST(SprigHelmTables, Encoding) {
  run_table("encoding");
}

TEST(SprigHelmTables, Regex) {
  run_table("regex");
}

TEST(SprigHelmTables, PathsAndUrls) {
  run_table("paths");
}

TEST(SprigHelmTables, KeysAndCertificates) {
  run_table("crypto");
}

}  // namespace
}  // namespace plumb::sprig
