#include "helm/ignore.hpp"

#include <gtest/gtest.h>

namespace plumb::helm {
namespace {

struct IgnoreCase {
  const char* pattern;
  const char* path;
  bool is_dir;
  bool ignored;
};

// The table of Helm's pkg/ignore rules_test.go (cargo/ and mast/ are directories there).
TEST(IgnoreRules, HelmsTable) {
  const IgnoreCase cases[] = {
      {"helm.txt", "helm.txt", false, true},
      {"helm.*", "helm.txt", false, true},
      {"helm.*", "rudder.txt", false, false},
      {"*.txt", "tiller.txt", false, true},
      {"*.txt", "cargo/a.txt", false, true},
      {"cargo/*.txt", "cargo/a.txt", false, true},
      {"cargo/*.*", "cargo/a.txt", false, true},
      {"cargo/*.txt", "mast/a.txt", false, false},
      {"ru[c-e]?er.txt", "rudder.txt", false, true},
      {"templates/.?*", "templates/.dotfile", false, true},
      {".*", ".", true, false},
      {".*", "./", true, false},
      {".*", ".joonix", false, true},
      {".*", "helm.txt", false, false},
      {".*", "", false, false},
      {"cargo/", "cargo", true, true},
      {"cargo/", "cargo/", true, true},
      {"cargo/", "mast/", true, false},
      {"helm.txt/", "helm.txt", false, false},
      {"!helm.txt", "helm.txt", false, false},
      {"!helm.txt", "tiller.txt", false, true},
      {"!*.txt", "cargo", true, true},
      {"!cargo/", "mast/", true, true},
      {"/a.txt", "a.txt", false, true},
      {"/a.txt", "cargo/a.txt", false, false},
      {"/cargo/a.txt", "cargo/a.txt", false, true},
  };
  for (const auto& c : cases) {
    auto rules = IgnoreRules::parse(c.pattern);
    ASSERT_TRUE(rules) << c.pattern;
    EXPECT_EQ(rules->ignore(c.path, c.is_dir), c.ignored) << c.pattern << " on " << c.path;
  }
}

// Plain names and `*` + plain suffix take a shortcut: it must decide as filepath.Match does.
TEST(IgnoreRules, ShortcutsAgreeWithGoPathMatch) {
  const char* patterns[] = {"OWNERS", "*.swp", "*~", "*/foo.txt", "cargo/a.txt", "*.t]xt"};
  const char* paths[] = {"OWNERS",   "a/OWNERS", "OWNERSx",     "x.swp",         "a/x.swp",
                         ".swp",     "x.swpx",   "x~",          "a/foo.txt",     "a/b/foo.txt",
                         "/foo.txt", "foo.txt",  "cargo/a.txt", "cargo/b/a.txt", "a.t]xt"};
  for (const char* pattern : patterns) {
    auto rules = IgnoreRules::parse(pattern);
    ASSERT_TRUE(rules) << pattern;
    bool by_path = std::string_view(pattern).find('/') != std::string_view::npos;
    for (const char* path : paths) {
      std::string_view subject = path;
      if (!by_path && subject.rfind('/') != std::string_view::npos)
        subject.remove_prefix(subject.rfind('/') + 1);
      auto expected = go_path_match(pattern, subject);
      ASSERT_TRUE(expected) << pattern;
      EXPECT_EQ(rules->ignore(path, false), *expected) << pattern << " on " << path;
    }
  }
}

TEST(IgnoreRules, BadPatternsAreRefused) {
  auto star = IgnoreRules::parse("# ok\n**/foo\n");
  ASSERT_FALSE(star);
  EXPECT_EQ(star.error().message(), "double-star (**) syntax is not supported");
  EXPECT_FALSE(IgnoreRules::parse("a[\n"));
  EXPECT_FALSE(IgnoreRules::parse("a\\\n"));
}

TEST(IgnoreRules, BomCommentsAndDefaults) {
  auto rules = IgnoreRules::parse("\xEF\xBB\xBF*.bak\n  # comment\n\n  notes.txt  \r\n");
  ASSERT_TRUE(rules);
  rules->add_defaults();
  EXPECT_TRUE(rules->ignore("x.bak", false));
  EXPECT_TRUE(rules->ignore("notes.txt", false));
  EXPECT_TRUE(rules->ignore("templates/.hidden", false));
  EXPECT_FALSE(rules->ignore("templates/x.yaml", false));
  EXPECT_FALSE(rules->ignore(".hidden", false));
}

TEST(GoPathMatch, GosTable) {
  struct M {
    const char* pattern;
    const char* name;
    bool match;
  };
  // From Go's path/filepath match_test.go.
  const M cases[] = {
      {"abc", "abc", true},
      {"*", "abc", true},
      {"*c", "abc", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ab/c", false},
      {"a*/b", "abc/b", true},
      {"a*/b", "a/c/b", false},
      {"a*b*c*d*e*/f", "axbxcxdxe/f", true},
      {"a*b?c*x", "abxbbxdbxebxczzx", true},
      {"a*b?c*x", "abxbbxdbxebxczzy", false},
      {"ab[c]", "abc", true},
      {"ab[b-d]", "abc", true},
      {"ab[e-g]", "abc", false},
      {"ab[^c]", "abc", false},
      {"ab[^b-d]", "abc", false},
      {"ab[^e-g]", "abc", true},
      {"a\\*b", "a*b", true},
      {"a\\*b", "ab", false},
      {"a?b", "a☺b", true},
      {"a[^a]b", "a☺b", true},
      {"a???b", "a☺b", false},
      {"a[!a]b", "a☺b", false},
      {"*x", "xxx", true},
  };
  for (const auto& c : cases) {
    auto m = go_path_match(c.pattern, c.name);
    ASSERT_TRUE(m) << c.pattern;
    EXPECT_EQ(*m, c.match) << c.pattern << " on " << c.name;
  }
  for (const char* bad : {"[]a]", "[-]", "[x-]", "[\\", "[a-b-c]", "[", "[^", "[^bc", "a["})
    EXPECT_FALSE(go_path_match(bad, "x")) << bad;
}

}  // namespace
}  // namespace plumb::helm
