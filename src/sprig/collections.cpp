// sprig's list functions (list.go): list/tuple, push/append, prepend, first, rest, last,
// initial, reverse, compact, uniq, without, has, slice, concat, chunk and their must*
// forms. The plain forms panic where the must* forms return an error; text/template turns
// both into the same "error calling NAME: ..." message.
#include <cmath>

#include "sprig/convert.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::ValueList;

namespace {

using Args = std::span<const Value>;

// reflect.TypeOf(list).Kind() for a list argument: the items of a slice, else the error
// "<before><kind><after>" (a nil interface makes reflect panic).
Result<std::span<const Value>> slice_of(const Value& v, std::string_view before,
                                        std::string_view after = "") {
  if (v.is_nothing()) return fail(k_nil_deref);
  if (!v.is_list()) return fail(before, kind_of(v), after);
  return v.items();
}

ValueList boxed_items(std::span<const Value> items) {
  ValueList out;
  out.reserve(items.size());
  for (const Value& item : items)
    out.push_back(item.boxed_copy());
  return out;
}

Value any_list(ValueList items) {
  return Value::list(std::move(items));
}

void add_twice(gotemplate::FuncMap& funcs, std::string_view name, std::vector<Param> params,
               Variadic variadic, const gotemplate::Function& fn) {
  add(funcs, std::string(name), params, variadic, fn);
  std::string must = "must" + std::string(name);
  must[4] = static_cast<char>(must[4] - 'a' + 'A');
  add(funcs, must, std::move(params), variadic, fn);
}

}  // namespace

void add_list_functions(gotemplate::FuncMap& funcs) {
  auto list = [](CallContext&, Args args) -> Result<Value> { return any_list(boxed_items(args)); };
  add(funcs, "list", {Param::any}, Variadic::yes, list);
  add(funcs, "tuple", {Param::any}, Variadic::yes, list);

  auto push = [](CallContext&, Args args) -> Result<Value> {
    auto items = TRY(slice_of(args[0], "Cannot push on type "));
    ValueList out = boxed_items(items);
    out.push_back(args[1].boxed_copy());
    return any_list(std::move(out));
  };
  add_twice(funcs, "push", {Param::any, Param::any}, Variadic::no, push);
  add_twice(funcs, "append", {Param::any, Param::any}, Variadic::no, push);

  add_twice(funcs, "prepend", {Param::any, Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot prepend on type "));
              ValueList out{args[1].boxed_copy()};
              for (const Value& item : items)
                out.push_back(item.boxed_copy());
              return any_list(std::move(out));
            });

  add_twice(funcs, "first", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find first on type "));
              if (items.empty()) return Value::nil();
              return items.front().boxed_copy();
            });
  add_twice(funcs, "last", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find last on type "));
              if (items.empty()) return Value::nil();
              return items.back().boxed_copy();
            });
  add_twice(funcs, "rest", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find rest on type "));
              if (items.empty()) return any_list({});
              return any_list(boxed_items(items.subspan(1)));
            });
  add_twice(funcs, "initial", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find initial on type "));
              if (items.empty()) return any_list({});
              return any_list(boxed_items(items.first(items.size() - 1)));
            });
  add_twice(funcs, "reverse", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find reverse on type "));
              ValueList out;
              for (size_t i = items.size(); i > 0; --i)
                out.push_back(items[i - 1].boxed_copy());
              return any_list(std::move(out));
            });
  add_twice(funcs, "compact", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot compact on type "));
              ValueList out;
              for (const Value& item : items)
                if (!is_empty(item)) out.push_back(item.boxed_copy());
              return any_list(std::move(out));
            });
  add_twice(funcs, "uniq", {Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find uniq on type "));
              ValueList out;
              for (const Value& item : items) {
                bool seen = false;
                for (const Value& kept : out)
                  seen = seen || deep_equal(kept, item);
                if (!seen) out.push_back(item.boxed_copy());
              }
              return any_list(std::move(out));
            });
  add_twice(funcs, "without", {Param::any, Param::any}, Variadic::yes,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "Cannot find without on type "));
              ValueList out;
              for (const Value& item : items) {
                bool omit = false;
                for (const Value& o : args.subspan(1))
                  omit = omit || deep_equal(o, item);
                if (!omit) out.push_back(item.boxed_copy());
              }
              return any_list(std::move(out));
            });
  add_twice(funcs, "has", {Param::any, Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              if (args[1].is_nothing()) return Value::boolean(false);
              auto items = TRY(slice_of(args[1], "Cannot find has on type "));
              for (const Value& item : items)
                if (deep_equal(item, args[0])) return Value::boolean(true);
              return Value::boolean(false);
            });
  add_twice(funcs, "slice", {Param::any, Param::any}, Variadic::yes,
            [](CallContext&, Args args) -> Result<Value> {
              auto items = TRY(slice_of(args[0], "list should be type of slice or array but ", ""));
              if (items.empty()) return Value::nil();
              int64_t start = args.size() > 1 ? to_int64(args[1]) : 0;
              int64_t end =
                  args.size() > 2 ? to_int64(args[2]) : static_cast<int64_t>(items.size());
              if (start < 0 || end < start || end > static_cast<int64_t>(items.size()))
                return fail("reflect.Value.Slice: slice index out of bounds");
              ValueList out(items.begin() + start, items.begin() + end);
              return Value::list(std::move(out), args[0].type()).boxed_copy();
            });
  add(funcs, "concat", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    ValueList out;
    for (const Value& arg : args) {
      auto items = TRY(slice_of(arg, "Cannot concat type ", " as list"));
      for (const Value& item : items)
        out.push_back(item.boxed_copy());
    }
    return any_list(std::move(out)).boxed_copy();
  });
  add_twice(funcs, "chunk", {Param::int_, Param::any}, Variadic::no,
            [](CallContext&, Args args) -> Result<Value> {
              int64_t size = args[0].as_int();
              auto items = TRY(slice_of(args[1], "Cannot chunk type "));
              if (size <= 0) return fail("runtime error: makeslice: len out of range");
              ValueList out;
              for (size_t i = 0; i < items.size(); i += static_cast<size_t>(size)) {
                size_t n = std::min(items.size() - i, static_cast<size_t>(size));
                out.push_back(any_list(boxed_items(items.subspan(i, n))).boxed_copy());
              }
              return any_list(std::move(out));
            });
}

void add_collection_functions(gotemplate::FuncMap& funcs) {
  add_list_functions(funcs);
  add_dict_functions(funcs);
  add_math_functions(funcs);
  add_flow_functions(funcs);
  add_semver_functions(funcs);
  add_date_functions(funcs);
}

}  // namespace plumb::sprig
