// Go's own execution tables (text/template/exec_test.go execTests and cmpTests), ported by
// port_go_tests.py, over a Value built like exec_test.go's tVal (its data-shaped fields).
#include <gtest/gtest.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "gotemplate/fmt.hpp"
#include "gotemplate/template.hpp"
#include "test_values.hpp"

using namespace std::literals;
using namespace plumb;
using namespace plumb::gotemplate;
using namespace plumb::gotemplate::testing;

namespace {

Value ints(std::vector<long long> v) {
  ValueList items;
  for (long long n : v)
    items.push_back(i(n));
  return Value::list(std::move(items), GoType::list_int);
}

// exec_test.go's tVal, its plain-data fields. Struct fields have their static types (not
// boxed); the Empty* fields are interface{} (boxed).
Value tval() {
  return map_of({
      {"True", b(true)},
      {"I", i(17)},
      {"X", s("x")},
      {"S", s("xyz")},
      {"U", map_of({{"V", s("v")}})},
      {"FloatZero", f(0)},
      {"SI", ints({3, 4, 5})},
      {"SIEmpty", ints({})},
      {"SB", Value::list(ValueList{b(true), b(false)})},
      {"MSI", map_of({{"one", i(1)}, {"two", i(2)}, {"three", i(3)}})},
      {"MSIone", map_of({{"one", i(1)}})},
      {"MSIEmpty", map_of({})},
      {"SMSI", Value::list(ValueList{map_of({{"one", i(1)}, {"two", i(2)}}),
                                     map_of({{"eleven", i(11)}, {"twelve", i(12)}})})},
      {"Empty0", Value::nil()},
      {"Empty1", i(3).boxed_copy()},
      {"Empty2", s("empty2").boxed_copy()},
      {"Empty3", ints({7, 8}).boxed_copy()},
      {"MXI", map_of({{"one", i(1)}})},
  });
}

// exec_test.go's FuncMap (the functions over plain data).
std::shared_ptr<FuncMap> test_funcs() {
  auto funcs = std::make_shared<FuncMap>();
  using P = Param;
  funcs->add("add", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                               int64_t sum = 0;
                               for (const Value& a : args)
                                 sum += a.as_int();
                               return i(sum);
                             },
                             {P::int_},
                             true});
  funcs->add("echo", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                return args[0].is_nil() ? args[0] : args[0].boxed_copy();
                              },
                              {P::any},
                              false});
  funcs->add("oneArg", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                  return s("oneArg=" + std::string(args[0].as_string()));
                                },
                                {P::string},
                                false});
  funcs->add("twoArgs", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                   return s("twoArgs=" + std::string(args[0].as_string()) +
                                            std::string(args[1].as_string()));
                                 },
                                 {P::string, P::string},
                                 false});
  funcs->add("zeroArgs", FuncInfo{[](CallContext&, std::span<const Value>) -> Result<Value> {
                                    return s("zeroArgs");
                                  },
                                  {},
                                  false});
  funcs->add("dddArg", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                  std::string out;
                                  for (size_t k = 1; k < args.size(); ++k) {
                                    if (k > 1) out += "+";
                                    out += args[k].as_string();
                                  }
                                  return s(out);
                                },
                                {P::int_, P::string},
                                true});
  funcs->add("makemap", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                   if (args.size() % 2 != 0) return fail("bad makemap");
                                   std::vector<std::pair<std::string_view, Value>> entries;
                                   for (size_t k = 0; k < args.size(); k += 2) {
                                     entries.emplace_back(args[k].as_string(), args[k + 1]);
                                   }
                                   return map_str(std::move(entries));
                                 },
                                 {P::string},
                                 true});
  funcs->add("mapOfThree", FuncInfo{[](CallContext&, std::span<const Value>) -> Result<Value> {
                                      return map_of({{"three", i(3)}}).boxed_copy();
                                    },
                                    {},
                                    false});
  funcs->add(
      "returnInt",
      FuncInfo{
          [](CallContext&, std::span<const Value>) -> Result<Value> { return i(7); }, {}, false});
  funcs->add("typeOf", FuncInfo{[](CallContext&, std::span<const Value> args) -> Result<Value> {
                                  return s(sprintf("%T", args.subspan(0, 1)));
                                },
                                {P::any},
                                false});
  funcs->add("die", FuncInfo{[](CallContext&, std::span<const Value>) -> Result<Value> {
                               return fail("die");
                             },
                             {},
                             false});
  funcs->add("valueString", FuncInfo{[](CallContext&, std::span<const Value>) -> Result<Value> {
                                       return s("value is ignored");
                                     },
                                     {P::string},
                                     false});
  return funcs;
}

struct ExecCase {
  std::string_view name;
  std::string_view input;
  std::string_view output;
  Value data;
  bool ok;
};

struct CmpCase {
  std::string_view expr;
  std::string_view truth;
  bool ok;
};

TEST(GoExecTable, EveryCase) {
  const std::vector<ExecCase> cases = {
#define GO_EXEC_CASES
#include "go_exec_cases.inc"
#undef GO_EXEC_CASES
  };
  auto funcs = test_funcs();
  int passed = 0;
  for (const ExecCase& c : cases) {
    TemplateSet set(std::string(c.name), funcs);
    auto parsed = set.parse(c.name, std::string(c.input));
    if (!parsed) {
      ADD_FAILURE() << c.name << ": parse error: " << parsed.error().message();
      continue;
    }
    auto out = set.execute(c.name, c.data);
    bool ok;
    if (!c.ok) {
      ok = !out;
      EXPECT_FALSE(out) << c.name << " " << c.input << ": expected an error, got " << *out;
    } else {
      ok = out && *out == c.output;
      EXPECT_TRUE(ok) << c.name << " " << c.input << ": got "
                      << (out ? *out : out.error().message()) << " want " << c.output;
    }
    passed += ok;
  }
  std::printf("Go exec cases: %d of %zu pass\n", passed, cases.size());
}

TEST(GoExecTable, Comparisons) {
  const std::vector<CmpCase> cases = {
#define GO_CMP_CASES
#include "go_exec_cases.inc"
#undef GO_CMP_CASES
  };
  Value data = map_of({{"Uthree", u64(3)}, {"Ufour", u64(4)}, {"NegOne", i(-1)}, {"Three", i(3)}});
  int passed = 0;
  for (const CmpCase& c : cases) {
    TemplateSet set("empty");
    ASSERT_TRUE(set.parse("empty", "{{if " + std::string(c.expr) + "}}true{{else}}false{{end}}"))
        << c.expr;
    auto out = set.execute("empty", data);
    bool ok = c.ok ? (out && *out == c.truth) : !out;
    EXPECT_TRUE(ok) << c.expr << ": got " << (out ? *out : out.error().message());
    passed += ok;
  }
  std::printf("Go comparison cases: %d of %zu pass\n", passed, cases.size());
}

}  // namespace
