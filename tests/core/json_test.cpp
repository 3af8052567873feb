#include "core/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace plumb {
namespace {

Node parse_ok(std::string_view text) {
  auto parsed = parse_json(text, "t.json");
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message();
  return parsed ? *parsed : Node();
}

// Round trips: the compact form of the parsed input is `expected`.
struct RoundTrip {
  std::string_view input;
  std::string_view expected;
};

void PrintTo(const RoundTrip& c, std::ostream* os) {
  *os << c.expected;
}

class JsonRoundTrip : public testing::TestWithParam<RoundTrip> {};

TEST_P(JsonRoundTrip, CompactOutput) {
  const RoundTrip& c = GetParam();
  EXPECT_EQ(to_json(parse_ok(c.input)), c.expected) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonRoundTrip,
    testing::Values(
        RoundTrip{"null", "null"}, RoundTrip{" true ", "true"}, RoundTrip{"false", "false"},
        RoundTrip{"0", "0"}, RoundTrip{"-0", "0"}, RoundTrip{"42", "42"},
        RoundTrip{"-9223372036854775808", "-9223372036854775808"},
        RoundTrip{"9223372036854775807", "9223372036854775807"},
        // Beyond int64: a float, printed as Go prints float64.
        RoundTrip{"9223372036854775808", "9223372036854776000"}, RoundTrip{"1e21", "1e+21"},
        RoundTrip{"1E21", "1e+21"}, RoundTrip{"1e20", "100000000000000000000"},
        RoundTrip{"0.0000001", "1e-7"}, RoundTrip{"0.000001", "0.000001"},
        RoundTrip{"1.5e-10", "1.5e-10"}, RoundTrip{"0.5", "0.5"}, RoundTrip{"100.0", "100"},
        RoundTrip{"-2.25", "-2.25"}, RoundTrip{"1e300", "1e+300"}, RoundTrip{"0.1", "0.1"},
        RoundTrip{"123456789.125", "123456789.125"}, RoundTrip{"-0.0", "-0"},
        RoundTrip{"1e-400", "0"}, RoundTrip{R"("")", R"("")"},
        RoundTrip{R"("plain")", R"("plain")"}, RoundTrip{R"("a\"b\\c\/d")", R"("a\"b\\c/d")"},
        RoundTrip{R"("\n\r\t\b\f")", R"("\n\r\t\b\f")"},
        RoundTrip{R"("\u0001\u001F")", R"("\u0001\u001f")"},
        RoundTrip{R"("<a href='x'>&amp;</a>")",
                  R"("\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e")"},
        RoundTrip{R"("\u00e9\u4e2d")", "\"\xc3\xa9\xe4\xb8\xad\""},
        RoundTrip{R"("\ud83d\ude00")", "\"\xf0\x9f\x98\x80\""},
        RoundTrip{R"("\ud83d")", "\"\xef\xbf\xbd\""},
        RoundTrip{R"("\ude00x")", "\"\xef\xbf\xbdx\""},
        RoundTrip{R"("\u2028\u2029")", R"("\u2028\u2029")"},
        RoundTrip{"\"\xe2\x80\xa8\"", R"("\u2028")"}, RoundTrip{"\"\x7f\"", "\"\x7f\""},
        RoundTrip{"[]", "[]"}, RoundTrip{"{}", "{}"}, RoundTrip{" [ 1 , [ ] , { } ] ", "[1,[],{}]"},
        RoundTrip{R"({"b":1,"a":{"z":[true,null],"y":"s"}})",
                  R"({"b":1,"a":{"z":[true,null],"y":"s"}})"},
        RoundTrip{"\r\n\t{\"k\"\n:\n1}\n", R"({"k":1})"}));

TEST(Json, InvalidUtf8IsWrittenAsReplacementCharacter) {
  EXPECT_EQ(to_json(Node::string("a\xff"
                                 "b")),
            R"("a\ufffdb")");
  EXPECT_EQ(to_json(Node::string("\xc3")), R"("\ufffd")");  // truncated sequence
  EXPECT_EQ(to_json(Node::string("\xed\xa0\x80")), R"("\ufffd\ufffd\ufffd")");  // surrogate
}

TEST(Json, InvalidUtf8IsReadAsReplacementCharacter) {
  EXPECT_EQ(parse_ok("\"a\xff\"").as_string(), "a\xef\xbf\xbd");
  EXPECT_EQ(parse_ok("\"\xc3\\n\xc3\xa9\"").as_string(), "\xef\xbf\xbd\n\xc3\xa9");
  EXPECT_EQ(parse_ok("\"\xed\xa0\x80\"").as_string(),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // an encoded surrogate
}

TEST(Json, NumbersKeepTheirKind) {
  EXPECT_TRUE(parse_ok("12").is_int());
  EXPECT_TRUE(parse_ok("12.0").is_float());
  EXPECT_TRUE(parse_ok("1e2").is_float());
  EXPECT_TRUE(parse_ok("18446744073709551615").is_float());
  EXPECT_EQ(parse_ok("-7").as_int(), -7);
  EXPECT_DOUBLE_EQ(parse_ok("2.5e3").as_float(), 2500.0);
}

TEST(Json, FloatsFormatLikeGo) {
  struct Case {
    double value;
    std::string_view text;
  };
  const Case cases[] = {{1e21, "1e+21"},
                        {1e-7, "1e-7"},
                        {0.5, "0.5"},
                        {100.0, "100"},
                        {1e-6, "0.000001"},
                        {123e-20, "1.23e-18"},
                        {-1e21, "-1e+21"},
                        {3.0e100, "3e+100"},
                        {0.3, "0.3"},
                        {1.0 / 3, "0.3333333333333333"},
                        {999999999999999900000.0, "999999999999999900000"}};
  for (const Case& c : cases)
    EXPECT_EQ(to_json(Node::floating(c.value)), c.text) << c.value;
  EXPECT_EQ(to_json(Node::floating(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(Json, MapKeepsInsertionOrder) {
  Node n = parse_ok(R"({"z":1,"a":2,"m":3})");
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n.entries()[0].key.as_string(), "z");
  EXPECT_EQ(n.entries()[2].key.as_string(), "m");
  EXPECT_EQ(n.find("a")->as_int(), 2);
}

TEST(Json, IndentedStyles) {
  Node n = parse_ok(R"({"a":[1,{"b":null}],"c":{},"d":[]})");
  EXPECT_EQ(to_json(n, JsonStyle::indented),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    {\n"
            "      \"b\": null\n"
            "    }\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": []\n"
            "}");
  EXPECT_EQ(to_json(parse_ok(R"({"k":[1]})"), JsonStyle::indented4),
            "{\n    \"k\": [\n        1\n    ]\n}");
}

TEST(Json, AppendKeepsExistingText) {
  std::string out = "x=";
  append_json(parse_ok("[1]"), out);
  EXPECT_EQ(out, "x=[1]");
}

struct BadCase {
  std::string_view input;
  std::string_view message;  // the whole error text
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.message;
}

class JsonErrors : public testing::TestWithParam<BadCase> {};

TEST_P(JsonErrors, NameSourceLineAndColumn) {
  const BadCase& c = GetParam();
  auto parsed = parse_json(c.input, "f.json");
  ASSERT_FALSE(parsed.has_value()) << c.input;
  EXPECT_EQ(parsed.error().message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonErrors,
    testing::Values(
        BadCase{"", "f.json: line 1, column 1: unexpected end of input"},
        BadCase{"  ", "f.json: line 1, column 3: unexpected end of input"},
        BadCase{"{\n  \"a\": tru\n}", "f.json: line 2, column 8: unexpected 't', expected a value"},
        BadCase{"[1,]", "f.json: line 1, column 4: unexpected ']', expected a value"},
        BadCase{"{\"a\":1,}", "f.json: line 1, column 8: unexpected '}', expected a string key"},
        BadCase{"{\"a\" 1}", "f.json: line 1, column 6: expected ':' after object key"},
        BadCase{"[1 2]", "f.json: line 1, column 4: unexpected '2', expected ',' or ']'"},
        BadCase{"{\"a\":1 \"b\":2}",
                "f.json: line 1, column 8: unexpected '\"', expected ',' or '}'"},
        BadCase{"1 2", "f.json: line 1, column 3: unexpected '2' after the value"},
        BadCase{"\"abc", "f.json: line 1, column 1: unterminated string"},
        BadCase{"\"a\\", "f.json: line 1, column 1: unterminated string"},
        BadCase{"\"a\\q\"", "f.json: line 1, column 3: invalid escape '\\q'"},
        BadCase{"\"\\u12g4\"", "f.json: line 1, column 2: invalid \\u escape"},
        BadCase{"\"a\nb\"", "f.json: line 1, column 3: control character in a string"},
        BadCase{"01", "f.json: line 1, column 2: unexpected '1' after the value"},
        BadCase{"-", "f.json: line 1, column 1: invalid number"},
        BadCase{"1.", "f.json: line 1, column 1: invalid number: expected a digit after '.'"},
        BadCase{"1e+",
                "f.json: line 1, column 1: invalid number: expected a digit in the exponent"},
        BadCase{"1e999", "f.json: line 1, column 1: number out of range: 1e999"},
        BadCase{"[\x01]", "f.json: line 1, column 2: unexpected '\\x01', expected a value"},
        BadCase{"{\"a\":1,\n\"a\":2}", "f.json: line 2, column 1: duplicate key \"a\""},
        BadCase{"[1", "f.json: line 1, column 3: unexpected end of input in an array"},
        BadCase{"{\"a\":1", "f.json: line 1, column 7: unexpected end of input in an object"},
        BadCase{"NaN", "f.json: line 1, column 1: unexpected 'N', expected a value"}));

TEST(Json, DuplicateKeyInLargeMapIsFound) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i)
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += "\"k3\":0}";
  auto parsed = parse_json(text, "big.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message().find("duplicate key \"k3\""), std::string::npos);
  text.replace(text.rfind("k3"), 2, "kk");
  auto ok = parse_json(text, "big.json");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->size(), 41u);
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto parsed = parse_json(deep, "deep.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message(),
            "deep.json: line 1, column 1001: nesting deeper than 1000 levels");
  std::string ok = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_TRUE(parse_json(ok).has_value());
  std::string objects;
  for (int i = 0; i < 1001; ++i)
    objects += "{\"a\":";
  EXPECT_FALSE(parse_json(objects).has_value());
}

TEST(Json, KubernetesObjectRoundTripsIndented) {
  const std::string_view text = R"({
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "web",
    "labels": {
      "app": "web"
    }
  },
  "spec": {
    "replicas": 3,
    "template": {
      "spec": {
        "containers": [
          {
            "name": "nginx",
            "image": "nginx:1.27",
            "resources": {
              "limits": {
                "cpu": 0.5
              }
            }
          }
        ]
      }
    }
  }
})";
  EXPECT_EQ(to_json(parse_ok(text), JsonStyle::indented), text);
}

// A random tree of every value kind: strings of random valid UTF-8 (control characters,
// quotes, <>&, U+2028 included), floats of random bit patterns.
Node random_tree(std::mt19937_64& rng, int depth) {
  auto pick = [&](uint64_t n) { return rng() % n; };
  auto random_string = [&] {
    static const char* pieces[] = {"a",
                                   "Z",
                                   "0",
                                   " ",
                                   "\"",
                                   "\\",
                                   "/",
                                   "<",
                                   ">",
                                   "&",
                                   "\n",
                                   "\t",
                                   "\x01",
                                   "\x1f",
                                   "\x7f",
                                   "\xc3\xa9",
                                   "\xe2\x80\xa8",
                                   "\xe4\xb8\xad",
                                   "\xf0\x9f\x98\x80"};
    std::string out;
    for (uint64_t i = pick(20); i > 0; --i)
      out += pieces[pick(std::size(pieces))];
    return out;
  };
  switch (depth > 4 ? pick(5) : pick(7)) {
    case 0:
      return Node();
    case 1:
      return Node::boolean(pick(2));
    case 2:
      return Node::integer(static_cast<int64_t>(rng()) >> pick(64));
    case 3: {
      double d;
      do {
        uint64_t bits = rng();
        std::memcpy(&d, &bits, sizeof d);
      } while (!std::isfinite(d));
      // An integral float prints like an integer and reads back as one: keep those as ints.
      if (d == std::trunc(d) && std::fabs(d) < 9e18) return Node::integer(static_cast<int64_t>(d));
      return Node::floating(d);
    }
    case 4:
      return Node::string(random_string());
    case 5: {
      Node list = Node::list();
      for (uint64_t i = pick(5); i > 0; --i)
        list.push_back(random_tree(rng, depth + 1));
      return list;
    }
    default: {
      Node map = Node::map();
      for (uint64_t i = pick(5); i > 0; --i)
        map.set(random_string(), random_tree(rng, depth + 1));
      return map;
    }
  }
}

TEST(Json, RandomTreesRoundTripExactly) {
  std::mt19937_64 rng(20261123);
  for (int i = 0; i < 3000; ++i) {
    Node tree = random_tree(rng, 0);
    for (JsonStyle style : {JsonStyle::compact, JsonStyle::indented}) {
      std::string text = to_json(tree, style);
      auto back = parse_json(text, "random");
      ASSERT_TRUE(back.has_value()) << text << ": " << back.error().message();
      ASSERT_EQ(*back, tree) << text;
      // Same kinds too: 1.5 stays a float, 2 an integer.
      ASSERT_EQ(to_json(*back, style), text);
    }
  }
}

TEST(Json, CorruptedInputIsAnErrorOrAValueNeverACrash) {
  const std::string base =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x\u00e9","labels":{"a":"b"}},)"
      R"("data":{"k":"line\nnext \ud83d\ude00","n":[1,-2.5e-3,true,false,null,{}]}})";
  std::mt19937_64 rng(7);
  const char alphabet[] = "{}[]\",:\\u0123456789eE+-.tfnlrsa \n\x01\xff\xc3";
  int errors = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = base;
    for (uint64_t edits = 1 + rng() % 4; edits > 0; --edits) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % (sizeof alphabet - 1)];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % (sizeof alphabet - 1)]);
          break;
      }
      if (text.empty()) text = "x";
    }
    auto parsed = parse_json(text, "fuzz");
    if (!parsed) {
      ++errors;
      EXPECT_EQ(parsed.error().message().rfind("fuzz: line ", 0), 0u) << parsed.error().message();
    } else {
      // Whatever was accepted writes out and reads back to the same tree.
      auto again = parse_json(to_json(*parsed), "again");
      ASSERT_TRUE(again.has_value());
      EXPECT_EQ(*again, *parsed) << text;
    }
  }
  EXPECT_GT(errors, 10000);  // most corruptions are caught
}

TEST(Json, GoJsonTypeWordsAreEncodingJsons) {
  std::string words;
  for (std::string_view text : {"null", "true", "1", "1.5", "\"s\"", "[]", "{}"})
    words += std::string(go_json_type(*parse_json(text))) + " ";
  EXPECT_EQ(words, "null bool number number string array object ");
}

}  // namespace
}  // namespace plumb
