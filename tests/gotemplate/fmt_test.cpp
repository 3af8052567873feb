// Go's own fmt table (fmt/fmt_test.go fmtTests), ported by port_go_tests.py, and float
// formatting facts from strconv.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string_view>
#include <vector>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"
#include "gotemplate/template.hpp"
#include "test_values.hpp"

using namespace std::literals;
using namespace plumb::gotemplate;
using namespace plumb::gotemplate::testing;

namespace {

struct FmtCase {
  std::string_view format;
  Value value;
  std::string_view out;
};

TEST(GoFmtTable, EveryCase) {
  const std::vector<FmtCase> cases = {
#include "go_fmt_cases.inc"
  };
  int passed = 0;
  for (const FmtCase& c : cases) {
    std::string got = sprintf(c.format, std::span(&c.value, 1));
    EXPECT_EQ(got, c.out) << "Sprintf(" << c.format << ")";
    passed += got == c.out;
  }
  std::printf("Go fmt cases: %d of %zu pass\n", passed, cases.size());
}

TEST(GoFmt, SprintSpacesBetweenNonStrings) {
  std::vector<Value> args = {s("a"), i(1), i(2), s("b"), s("c"), f(3.5)};
  EXPECT_EQ(sprint(args), "a1 2bc3.5");  // helm: {{ print "a" 1 2 "b" "c" 3.5 }}
  std::vector<Value> nils = {nil(), i(1), i(2), s("x"), nil()};
  EXPECT_EQ(sprint(nils), "<nil> 1 2x<nil>");
}

// %v of float64 is strconv.FormatFloat(f, 'g', -1, 64) with exponent at exp < -4 || exp >= 21,
// facts as helm prints values read from YAML (gotpl-number-rendering).
TEST(GoFmt, FloatShortest) {
  struct {
    double v;
    const char* out;
  } rows[] = {
      {0, "0"},
      {1, "1"},
      {42, "42"},
      {100000, "100000"},
      {1000000, "1e+06"},
      {1234567, "1.234567e+06"},
      {123456789, "1.23456789e+08"},
      {9007199254740993.0, "9.007199254740992e+15"},
      {12345678901234567890.0, "1.2345678901234567e+19"},
      {-17, "-17"},
      {0.5, "0.5"},
      {1e21, "1e+21"},
      {1e20, "1e+20"},
      {0.0000001, "1e-07"},
      {6.02e23, "6.02e+23"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {123456.7, "123456.7"},
      {-0.0, "-0"},
  };
  for (const auto& row : rows) {
    Value v = f(row.v);
    EXPECT_EQ(sprint(std::span(&v, 1)), row.out) << row.v;
  }
}

TEST(GoFmt, HelmPrintfFacts) {
  // Outputs of helm v4.1.4 for these printf calls.
  std::vector<Value> a = {
      s("ab"),           i(3),          f(2.5),   s("hi"),          s("hi"),      s("hi"),
      s("\xc3\xa9\x01"), s("\xc3\xa9"), s("abc"), list_any({i(1)}), Value::map(), nil()};
  EXPECT_EQ(sprintf("%05s|%-05d|%05.1f|%x|% x|%#x|%q|%+q|%5.1q|%T|%T|%T", a),
            "000ab|3    |002.5|6869|68 69|0x6869|\"\xc3\xa9\\x01\"|\"\\u00e9\"|  \"a\"|[]interface "
            "{}|map[string]interface "
            "{}|<nil>");
  std::vector<Value> b2 = {s("x"), i(3), i(4), nil()};
  EXPECT_EQ(sprintf("%d %s", b2), "%!d(string=x) %!s(int=3)%!(EXTRA int=4, <nil>)");
  std::vector<Value> c = {list_any({i(1), s("a"), nil(), list_any({})})};
  EXPECT_EQ(sprintf("%v", c), "[1 a <nil> []]");
  std::vector<Value> d = {list_any({s("a"), i(2)})};
  EXPECT_EQ(sprintf("%d", d), "[%!d(string=a) 2]");
  EXPECT_EQ(sprintf("%!", std::span<const Value>()), "%!!(MISSING)");
  std::vector<Value> e = {i(1), i(2)};
  EXPECT_EQ(sprintf("%[2]d %[1]d", e), "2 1");
  std::vector<Value> g = {f(3.14159), f(1234.5678), f(1e21), f(1234567.0), f(1e-7)};
  EXPECT_EQ(sprintf("%6.2f|%-8.3e|%g|%.3g|%G", g), "  3.14|1.235e+03|1e+21|1.23e+06|1E-07");
}

}  // namespace

namespace {

// Go's TestJSEscaping (exec_test.go), with Go 1.25's Unicode 15 (U+FDFF became printable).
TEST(GoEscapers, JSEscaping) {
  struct {
    const char* in;
    const char* want;
  } rows[] = {
      {"a", "a"},
      {"'foo", R"(\'foo)"},
      {R"(Go "jump" \)", R"(Go \"jump\" \\)"},
      {"Yukihiro says \"\u4eca\u65e5\u306f\u4e16\u754c\"",
       "Yukihiro says \\\"\u4eca\u65e5\u306f\u4e16\u754c\\\""},
      {"<html>", R"(\u003Chtml\u003E)"},
      {"no = in attributes", R"(no \u003D in attributes)"},
      {"&#x27; does not become HTML entity", R"(\u0026#x27; does not become HTML entity)"},
      // helm v4.1.4: {{ js "unprintable \uFDFF|\u0E00|\U000E0100|\u2028" }}
      {"unprintable \uFDFF|\u0E00|\U000E0100|\u2028",
       "unprintable \uFDFF|\\u0E00|\U000E0100|\\u2028"},
  };
  for (const auto& row : rows)
    EXPECT_EQ(js_escape(row.in), row.want) << row.in;
}

// helm v4.1.4: {{ printf "%q|%+q" "\uFDFF\u0E00" "\uFDFF" }} and spaces that are not ASCII.
TEST(GoFmt, QuoteFollowsUnicode15) {
  std::vector<Value> a = {s("\uFDFF\u0E00"), s("\uFDFF")};
  EXPECT_EQ(sprintf("%q|%+q", a), "\"\uFDFF\\u0e00\"|\"\\ufdff\"");
  std::vector<Value> b = {s("a\u00a0b\u3000c\u200dd\U0001F680")};
  EXPECT_EQ(sprintf("%q", b), "\"a\\u00a0b\\u3000c\\u200dd\U0001F680\"");
}

}  // namespace
