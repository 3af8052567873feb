// Go's own parser tables (text/template/parse/parse_test.go), ported by port_go_tests.py.
#include <gtest/gtest.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "gotemplate/parse.hpp"

using namespace std::literals;
using namespace plumb;
using namespace plumb::gotemplate;

namespace {

struct NumberCase {
  std::string_view text;
  bool is_int, is_uint, is_float;
  long long int64;
  unsigned long long uint64;
  double float64;
  bool must_fail;
};

struct ParseCase {
  std::string_view name;
  std::string_view input;
  bool ok;
  std::string_view result;
};

struct EmptyCase {
  std::string_view name;
  std::string_view input;
  bool empty;
};

const std::vector<NumberCase> k_numbers = {
#define GO_NUMBER_CASES
#include "go_parse_cases.inc"
#undef GO_NUMBER_CASES
};
const std::vector<ParseCase> k_parses = {
#define GO_PARSE_CASES
#include "go_parse_cases.inc"
#undef GO_PARSE_CASES
};
const std::vector<ParseCase> k_errors = {
#define GO_ERROR_CASES
#include "go_parse_cases.inc"
#undef GO_ERROR_CASES
};
const std::vector<EmptyCase> k_empties = {
#define GO_EMPTY_CASES
#include "go_parse_cases.inc"
#undef GO_EMPTY_CASES
};

// The parse tests' function table: printf and contains only.
ParseOptions go_test_options() {
  ParseOptions options;
  options.has_function = [](std::string_view name) {
    return name == "printf" || name == "contains";
  };
  return options;
}

// The top-level tree of a parse.
const Tree* top(const std::vector<std::shared_ptr<Tree>>& trees, std::string_view name) {
  for (auto it = trees.rbegin(); it != trees.rend(); ++it) {
    if ((*it)->name == name) return it->get();
  }
  return nullptr;
}

TEST(GoParseTable, Numbers) {
  int passed = 0;
  for (const NumberCase& c : k_numbers) {
    auto trees = parse_trees("n", "{{" + std::string(c.text) + "}}", go_test_options());
    bool ok;
    if (c.must_fail) {
      ok = !trees;
    } else if (!trees) {
      ok = false;
    } else {
      const auto& action = static_cast<const ActionNode&>(*top(*trees, "n")->root->nodes.at(0));
      const auto& n = static_cast<const NumberNode&>(*action.pipe->cmds.at(0)->args.at(0));
      ok = n.is_int == c.is_int && n.is_uint == c.is_uint && n.is_float == c.is_float &&
           (!c.is_int || n.int64 == c.int64) && (!c.is_uint || n.uint64 == c.uint64) &&
           (!c.is_float || n.float64 == c.float64);
    }
    EXPECT_TRUE(ok) << c.text << (trees ? "" : ": " + trees.error().message());
    passed += ok;
  }
  std::printf("Go number cases: %d of %zu pass\n", passed, k_numbers.size());
}

TEST(GoParseTable, Trees) {
  int passed = 0;
  for (const ParseCase& c : k_parses) {
    auto trees = parse_trees(c.name, std::string(c.input), go_test_options());
    bool ok = static_cast<bool>(trees) == c.ok;
    std::string got;
    if (ok && trees) {
      got = node_string(*top(*trees, c.name)->root, true);
      ok = got == c.result;
    }
    EXPECT_TRUE(ok) << c.name << " " << c.input << ": got "
                    << (trees ? got : trees.error().message()) << " want " << c.result;
    passed += ok;
  }
  std::printf("Go parse cases: %d of %zu pass\n", passed, k_parses.size());
}

TEST(GoParseTable, Errors) {
  int passed = 0;
  for (const ParseCase& c : k_errors) {
    auto trees = parse_trees(c.name, std::string(c.input), go_test_options());
    bool ok = !trees && trees.error().message().find(c.result) != std::string::npos;
    EXPECT_TRUE(ok) << c.name << ": got " << (trees ? "no error" : trees.error().message())
                    << " want " << c.result;
    passed += ok;
  }
  std::printf("Go parse error cases: %d of %zu pass\n", passed, k_errors.size());
}

TEST(GoParseTable, IsEmpty) {
  for (const EmptyCase& c : k_empties) {
    auto trees = parse_trees("root", std::string(c.input), ParseOptions{});
    ASSERT_TRUE(trees) << c.name;
    EXPECT_EQ(is_empty_tree(top(*trees, "root")->root.get()), c.empty) << c.name;
  }
}

TEST(GoParse, Comments) {
  // TestParseWithComments
  ParseOptions options;
  options.keep_comments = true;
  auto trees = parse_trees("c", "x \r\n\t{{- /* */ -}}\n\n\ty", options);
  ASSERT_TRUE(trees);
  EXPECT_EQ(node_string(*top(*trees, "c")->root, true), R"("x"{{/* */}}"y")");
}

TEST(GoParse, SkipFuncCheck) {
  auto trees = parse_trees("s", "{{fn 1 2}}", ParseOptions{});
  ASSERT_TRUE(trees);
  EXPECT_EQ(node_string(*top(*trees, "s")->root, true), "{{fn 1 2}}");
}

}  // namespace
