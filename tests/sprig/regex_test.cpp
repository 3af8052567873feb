// The regex functions on inputs as large as a chart's files: std::regex's backtracking
// recurses per character on some patterns, so long inputs must not exhaust the stack.
#include <gtest/gtest.h>

#include "sprig/regex_traits.hpp"
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

// RegexTraits computes what std::regex_traits<char> answers without its per-character facet
// lookups: every answer must be the same, for every byte.
TEST(SprigRegexTraits, AnswersAsStdRegexTraitsForEveryByte) {
  std::regex_traits<char> standard;
  RegexTraits fast;
  const char* classes[] = {"alnum", "alpha", "blank", "cntrl",  "digit", "graph", "lower", "print",
                           "punct", "space", "upper", "xdigit", "w",     "d",     "s"};
  for (int i = 0; i < 256; ++i) {
    char c = static_cast<char>(i);
    for (const char* name : classes) {
      std::string n = name;
      for (bool icase : {false, true}) {
        auto a = standard.lookup_classname(n.begin(), n.end(), icase);
        auto b = fast.lookup_classname(n.begin(), n.end(), icase);
        EXPECT_EQ(standard.isctype(c, a), fast.isctype(c, b)) << i << " " << name;
      }
    }
    std::string s(1, c);
    EXPECT_EQ(standard.transform_primary(s.begin(), s.end()),
              fast.transform_primary(s.begin(), s.end()))
        << i;
    EXPECT_EQ(standard.translate_nocase(c), fast.translate_nocase(c)) << i;
    for (int radix : {8, 10, 16})
      EXPECT_EQ(standard.value(c, radix), fast.value(c, radix)) << i << " radix " << radix;
  }
  std::string word = "MiXeD_Case09";
  EXPECT_EQ(standard.transform_primary(word.begin(), word.end()),
            fast.transform_primary(word.begin(), word.end()));
  Regex re("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", std::regex::ECMAScript);
  EXPECT_TRUE(std::regex_search(std::string("ab-9"), re));
  EXPECT_FALSE(std::regex_search(std::string("ab-"), re));
  Regex icase("^[[:alpha:]_]\\w*$", std::regex::ECMAScript | std::regex::icase);
  EXPECT_TRUE(std::regex_search(std::string("_Zed9"), icase));
  EXPECT_FALSE(std::regex_search(std::string("9Zed"), icase));
}

}  // namespace
}  // namespace plumb::sprig
