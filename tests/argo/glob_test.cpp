#include "argo/glob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace plumb::argo {
namespace {

struct Case {
  const char* pattern;
  const char* text;
  const char* separators;
  bool match;
};

// gobwas/glob's readme examples and glob_test.go rows, argo-cd util/glob's Test_Match.
TEST(ArgoGlob, MatchesAsGobwasGlob) {
  const Case cases[] = {
      {"*.github.com", "api.github.com", "", true},
      {"api.*.com", "api.github.com", ".", true},
      {"api.*.com", "api.gi.hub.com", ".", false},
      {"api.**.com", "api.gi.hub.com", ".", true},
      {"?at", "cat", "", true},
      {"?at", "at", "", false},
      {"?at", "fat", "f", false},
      {"[abc]at", "cat", "", true},
      {"[abc]at", "fat", "", false},
      {"[!abc]at", "fat", "", true},
      {"[!abc]at", "bat", "", false},
      {"[!abc]at", "at", "", false},
      {"[a-c]at", "bat", "", true},
      {"[a-c]at", "fat", "", false},
      {"[!a-c]at", "fat", "", true},
      {"[!a-c]at", "cat", "", false},
      {"{cat,bat,[fr]at}", "rat", "", true},
      {"{cat,bat,[fr]at}", "zat", "", false},
      {"{cat,bat}", "cat", "", true},
      {"a{b,{c,d}e}f", "adef", "", true},
      {"a{b,{c,d}e}f", "abef", "", false},
      {"hell*", "hello", "", true},
      {"h*", "hello", "", true},
      {"e*", "hello", "", false},
      {"hello", "hell", "", false},
      {"", "", "", true},
      {"", "x", "", false},
      {"*", "", "", true},
      {"a*b*c", "aXXbYYc", "", true},
      {"a*b*c", "aXXbYY", "", false},
      {"*/*", "a/b", "/", true},
      {"*", "a/b", "/", false},
      {"**", "a/b", "/", true},
      {"?", "/", "/", false},
      {"[/]", "/", "/", true},  // a class ignores separators
      {"\\*", "*", "", true},
      {"\\*", "x", "", false},
      {"a\\", "a", "", true},    // a trailing backslash is dropped
      {"a,b", "a,b", "", true},  // ',' and '}' are text outside {}
      {"a}", "a}", "", true},
      {"{a,b", "b", "", true},  // an unclosed '{' ends with the pattern
      {"[\\]]", "]", "", true},
      {"héllo*", "héllo wörld", "", true},
      {"h?llo", "héllo", "", true},  // '?' is one code point, not one byte
  };
  for (const Case& c : cases)
    EXPECT_EQ(glob_match(c.pattern, c.text, c.separators), c.match)
        << c.pattern << " ~ " << c.text << " (separators '" << c.separators << "')";
}

TEST(ArgoGlob, MalformedPatternsMatchNothing) {
  EXPECT_FALSE(glob_match("e[[a*", "e[[a*"));  // "unexpected end of input"
  EXPECT_FALSE(glob_match("[a", "a"));
  EXPECT_FALSE(glob_match("[z-a]", "m"));  // hi below lo
  EXPECT_FALSE(glob_match("[]", ""));
  EXPECT_FALSE(glob_match("[!]", "!"));
  EXPECT_FALSE(glob_match("[a-bc]", "a"));     // "expected close range character"
  EXPECT_TRUE(glob_match("[ab-c]", "-"));      // a list: a, b, '-', c
  EXPECT_FALSE(glob_match("a\xff", "a\xff"));  // invalid UTF-8
}

TEST(ArgoGlob, ManyStarsStayLinear) {
  std::string pattern;
  for (int i = 0; i < 200; ++i)
    pattern += "*a";
  pattern += "b";
  std::string text(2000, 'a');
  EXPECT_FALSE(glob_match(pattern, text));
  EXPECT_TRUE(glob_match(pattern, text + "b"));
}

}  // namespace
}  // namespace plumb::argo
