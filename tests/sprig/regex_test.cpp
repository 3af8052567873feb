// The regex functions on inputs as large as a chart's files: std::regex's backtracking
// recurses per character on some patterns, so long inputs must not exhaust the stack.
#include <gtest/gtest.h>

#include "sprig/sprig.hpp"

namespace plumb::sprig {
namespace {

using gotemplate::Value;

Result<std::string> render(const std::string& text, const std::string& input) {
  auto funcs = std::make_shared<const gotemplate::FuncMap>(functions());
  gotemplate::TemplateSet set("t", funcs);
  EXPECT_TRUE(set.parse("t", text));
  auto dot = std::make_shared<gotemplate::ValueMap>();
  dot->set("s", Value::string(input));
  return set.execute("t", Value::map(dot));
}

TEST(SprigRegex, LongInputs) {
  std::string big;
  for (int i = 0; i < 20000; ++i)
    big += "line " + std::to_string(i) + " key=value\n";
  auto out = render(R"({{ regexReplaceAll "[0-9]+" .s "N" | len }})", big);
  ASSERT_TRUE(out) << out.error().message();
  out = render(R"({{ regexFind "(?s).*" .s | len }})", big);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, std::to_string(big.size()));
  out = render(R"({{ regexMatch "^(a|b)*$" .s }})", std::string(100000, 'a'));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "true");
  out = render(R"({{ regexSplit "\n" .s -1 | len }})", big);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "20001");
}

}  // namespace
}  // namespace plumb::sprig
