// Go's own lexer tables (text/template/parse/lex_test.go), ported by port_go_tests.py.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "gotemplate/lex.hpp"

using namespace std::literals;
using namespace plumb::gotemplate;

namespace {

struct WantItem {
  ItemType type;
  std::string_view val;
  long pos = -1;  // checked when >= 0
  int line = 0;
};

struct LexCase {
  std::string_view name;
  std::string_view input;
  std::string_view left, right;
  bool check_pos;
  std::vector<WantItem> items;
};

const std::vector<LexCase>& cases() {
  static const std::vector<LexCase> table = {
#include "go_lex_cases.inc"
  };
  return table;
}

std::string describe(const std::vector<Item>& items) {
  std::string out;
  for (const auto& i : items) {
    out += "{" + std::to_string(static_cast<int>(i.type)) + " " + std::string(i.val) + " @" +
           std::to_string(i.pos) + " L" + std::to_string(i.line) + "} ";
  }
  return out;
}

TEST(GoLexTable, EveryCase) {
  int passed = 0;
  for (const LexCase& c : cases()) {
    LexOptions options;
    options.left_delim = c.left;
    options.right_delim = c.right;
    options.emit_comment = true;
    std::string error;
    std::vector<Item> got = lex(c.input, options, error);
    bool ok = got.size() == c.items.size();
    for (size_t i = 0; ok && i < got.size(); ++i) {
      ok = got[i].type == c.items[i].type && got[i].val == c.items[i].val;
      if (ok && c.check_pos)
        ok = static_cast<long>(got[i].pos) == c.items[i].pos && got[i].line == c.items[i].line;
    }
    EXPECT_TRUE(ok) << c.name << ": got " << describe(got);
    passed += ok;
  }
  std::printf("Go lex cases: %d of %zu pass\n", passed, cases().size());
}

}  // namespace
