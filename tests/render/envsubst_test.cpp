// envsubst against ../shared/sops-cases/postbuild/envsubst-cases.json: fluxcd/pkg's own
// expansion tables (TestExpand, TestExpandStrict) and 29 cases computed with the real
// fluxcd/pkg envsubst; plus the helper-function facts of its funcs_test.go, written as the
// expressions that call them.
#include "render/envsubst.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace plumb::render {
namespace {

Node load(const std::string& name) {
  std::ifstream in(std::string(PLUMB_SHARED_DIR) + "/sops-cases/postbuild/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  EXPECT_TRUE(parsed) << name;
  return parsed ? *parsed : Node();
}

TEST(Envsubst, FluxTablesAndComputedCases) {
  Node table = load("envsubst-cases.json");
  const Node* cases = table.find("cases");
  ASSERT_TRUE(cases && cases->size() >= 86);
  size_t checked = 0;
  for (const Node& c : cases->items()) {
    Variables vars;
    for (const MapEntry& e : c.find("vars")->entries())
      vars[std::string(e.key.as_string())] = std::string(e.value.as_string());
    std::string input(c.string_at({"input"}));
    Unset unset = c.find("strict")->as_bool() ? Unset::error : Unset::empty;
    auto got = envsubst(input, vars, unset);
    std::string where =
        input + " " + to_json(*c.find("vars")) + (unset == Unset::error ? " strict" : "");
    if (const Node* output = c.find("output")) {
      ASSERT_TRUE(got) << where << ": " << got.error().message();
      EXPECT_EQ(*got, output->as_string()) << where;
    } else {
      ASSERT_FALSE(got) << where << " gave " << *got;
      EXPECT_NE(got.error().message().find(c.string_at({"error"})), std::string::npos)
          << where << ": " << got.error().message();
    }
    ++checked;
  }
  EXPECT_EQ(checked, cases->size());
}

// funcs_test.go's facts: function(value, args) → output, through the operator that calls it.
TEST(Envsubst, HelperFunctionFacts) {
  Node table = load("envsubst-functions.json");
  size_t checked = 0;
  for (const Node& c : table.find("cases")->items()) {
    std::string function(c.string_at({"function"}));
    std::vector<std::string> args;
    for (const Node& a : c.find("args")->items())
      args.emplace_back(a.as_string());
    std::string expr;
    if (function == "len") expr = "${#v}";
    if (function == "lower") expr = "${v,,}";
    if (function == "lowerFirst") expr = "${v,}";
    if (function == "upper") expr = "${v^^}";
    if (function == "upperFirst") expr = "${v^}";
    if (function == "default") {
      std::string joined;
      for (const std::string& a : args)
        joined += a;
      expr = "${v:-" + joined + "}";
    }
    Variables vars{{"v", std::string(c.string_at({"value"}))}};
    if (function == "substr") {
      // `${v:-3}` is the default operator: a negative offset comes from a variable.
      vars["off"] = args[0];
      expr = "${v:${off}" + (args.size() > 1 ? ":" + args[1] : "") + "}";
    }
    ASSERT_FALSE(expr.empty()) << "no expression for " << function;
    auto got = envsubst(expr, vars, Unset::error);
    ASSERT_TRUE(got) << expr << ": " << got.error().message();
    EXPECT_EQ(*got, c.string_at({"output"})) << function << " " << expr;
    ++checked;
  }
  EXPECT_EQ(checked, 17u);
}

// The 44 inputs of fluxcd/pkg's parse_test.go all parse (their trees are checked through the
// expansion cases above).
TEST(Envsubst, ParserTableInputsParse) {
  Node table = load("envsubst-parse.json");
  size_t checked = 0;
  for (const Node& c : table.find("cases")->items()) {
    auto got = envsubst(c.string_at({"text"}), {}, Unset::empty);
    EXPECT_TRUE(got) << c.string_at({"text"}) << ": " << got.error().message();
    ++checked;
  }
  EXPECT_EQ(checked, 44u);
}

TEST(Envsubst, TextWithoutExpressionsIsReturnedAsIs) {
  auto got = envsubst("plain $HOME text", {}, Unset::error);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "plain $HOME text");
}

}  // namespace
}  // namespace plumb::render
