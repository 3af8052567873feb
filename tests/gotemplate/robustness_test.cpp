// Malformed templates never crash the engine: inputs from the ported Go tables, mutated
// byte by byte (deterministically), are parsed and executed; each either renders or fails
// with an error. Run under ASan in CI.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "gotemplate/template.hpp"
#include "test_values.hpp"

using namespace std::literals;
using namespace plumb;
using namespace plumb::gotemplate;
using namespace plumb::gotemplate::testing;

namespace {

struct ParseCase {
  std::string_view name;
  std::string_view input;
  bool ok;
  std::string_view result;
};

const std::vector<ParseCase> k_parses = {
#define GO_PARSE_CASES
#include "go_parse_cases.inc"
#undef GO_PARSE_CASES
};

// A small deterministic generator (xorshift), so failures reproduce.
struct Rng {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

TEST(Robustness, MutatedTemplatesRenderOrFail) {
  const std::string_view alphabet = "{}()|$.-=:,\"`' \n\tabxyz019_/*\\\xc3\xa9\xff";
  std::vector<std::string> seeds;
  for (const auto& c : k_parses)
    seeds.emplace_back(c.input);
  seeds.emplace_back(
      R"({{ range $i, $v := .l }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ printf "%05.1f|%q" 3.5 $v }}{{ end }})");
  seeds.emplace_back(
      R"({{ define "x" }}{{ template "x" . }}{{ end }}{{ with .m }}{{ .a.b }}{{ else with .l }}{{ index . 0 }}{{ end }})");
  auto funcs = std::make_shared<FuncMap>();
  funcs->add("contains",
             [](CallContext&, std::span<const Value>) -> Result<Value> { return b(true); });
  Value data = map_of({{"l", list_any({s("a"), i(2), nil()})},
                       {"m", map_of({{"a", map_of({{"b", f(1.5)}}).boxed_copy()}})},
                       {"X", s("x")},
                       {"SI", list_int({i(3), i(4)})}});
  ExecOptions options;
  options.max_depth = 50;
  Rng rng;
  // PLUMB_MUTATION_ROUNDS raises the rounds per seed for a longer local hunt.
  const char* env = std::getenv("PLUMB_MUTATION_ROUNDS");
  int rounds = env != nullptr ? std::atoi(env) : 40;
  int rendered = 0, failed = 0;
  for (const std::string& seed : seeds) {
    for (int round = 0; round < rounds; ++round) {
      std::string text = seed;
      int edits = 1 + static_cast<int>(rng.below(3));
      for (int e = 0; e < edits; ++e) {
        size_t at = rng.below(text.size() + 1);
        switch (rng.below(3)) {
          case 0:
            text.insert(at, 1, alphabet[rng.below(alphabet.size())]);
            break;
          case 1:
            if (at < text.size()) text.erase(at, 1);
            break;
          default:
            if (at < text.size()) text[at] = alphabet[rng.below(alphabet.size())];
        }
      }
      TemplateSet set("root", funcs);
      auto parsed = set.parse("t", text);
      if (!parsed) {
        EXPECT_TRUE(parsed.error().message().starts_with("template: t:"))
            << text << " -> " << parsed.error().message();
        ++failed;
        continue;
      }
      for (const std::string& name : set.names()) {
        auto out = set.execute(name, data, options);
        if (out) {
          ++rendered;
        } else {
          EXPECT_TRUE(out.error().message().starts_with("template: "))
              << text << " -> " << out.error().message();
          ++failed;
        }
      }
    }
  }
  std::printf("mutated templates: %d renders, %d errors\n", rendered, failed);
  EXPECT_GT(rendered, 100);
  EXPECT_GT(failed, 100);
}

}  // namespace
