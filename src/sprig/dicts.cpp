// sprig's dict functions (dict.go): dict, get, set, unset, hasKey, pluck, dig, keys, pick,
// omit, values, merge/mergeOverwrite (mergo's rules, mustX forms) and deepCopy.
// Maps are references: set, unset and merge change the map every holder of it sees.
#include "sprig/convert.hpp"
#include "sprig/go_text.hpp"  // strval

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::GoType;
using gotemplate::Kind;
using gotemplate::ValueList;
using gotemplate::ValueMap;

namespace {

// The map a map[string]interface {} parameter received, as the plain type (a named
// common.Values converts to it).
Value plain_map(const Value& v) {
  auto shared = v.map_shared();
  if (!shared) return Value::map();
  return Value::map(std::move(shared));
}

// mergo.Merge / MergeWithOverwrite of map[string]interface{} values, with mergo v1's quirks:
// nested maps merge in place, a nil source value is skipped (or written with overwrite), a
// destination value is replaced when it is empty (or always with overwrite), except that
// a non-empty destination keeps its place against a list, and two maps merge.
void merge_into(ValueMap& dst, const ValueMap& src, bool overwrite) {
  for (const auto& [key, s] : src.entries()) {
    Value* d = dst.find(key);
    if (s.is_nothing()) {
      if (overwrite) dst.set(key, s);
      continue;
    }
    if (s.is_map() && d != nullptr && d->is_map()) {
      merge_into(*d->map_ptr(), *s.map_ptr(), overwrite);
    }
    if (s.is_list() && overwrite) {
      dst.set(key, s);
      continue;
    }
    if (d != nullptr && !is_empty(*d)) {
      if (s.is_list()) continue;
      if (s.is_map() && d->is_map()) continue;
    }
    if (overwrite || d == nullptr || is_empty(*d)) dst.set(key, s);
  }
}

Result<Value> interface_conversion(const Value& v, std::string_view want) {
  return fail("interface conversion: interface {} is ", v.is_nothing() ? "nil" : v.type_name(),
              ", not ", want);
}

}  // namespace

void add_dict_functions(gotemplate::FuncMap& funcs) {
  add(funcs, "dict", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    auto map = std::make_shared<ValueMap>();
    for (size_t i = 0; i < args.size(); i += 2) {
      std::string key = strval(args[i]);
      map->set(key,
               i + 1 < args.size() ? args[i + 1].boxed_copy() : Value::string("").boxed_copy());
    }
    return Value::map(std::move(map));
  });
  add(funcs, "get", {Param::map, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        if (const Value* v = args[0].map_ptr()->find(args[1].as_string())) return v->boxed_copy();
        return Value::string("").boxed_copy();
      });
  add(funcs, "set", {Param::map, Param::string, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        args[0].map_ptr()->set(args[1].as_string(), args[2].boxed_copy());
        return plain_map(args[0]);
      });
  add(funcs, "unset", {Param::map, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        args[0].map_ptr()->erase(args[1].as_string());
        return plain_map(args[0]);
      });
  add(funcs, "hasKey", {Param::map, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::boolean(args[0].map_ptr()->find(args[1].as_string()) != nullptr);
      });
  add(funcs, "pluck", {Param::string, Param::map}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> {
        ValueList out;
        for (const Value& d : args.subspan(1))
          if (const Value* v = d.map_ptr()->find(args[0].as_string()))
            out.push_back(v->boxed_copy());
        return Value::list(std::move(out));
      });
  add(funcs, "dig", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    if (args.size() < 3) return fail("dig needs at least three arguments");
    const Value& root = args.back();
    const Value& def = args[args.size() - 2];
    if (!root.is_map() || root.type_name() != "map[string]interface {}")
      return interface_conversion(root, "map[string]interface {}");
    std::vector<std::string_view> keys;
    for (const Value& k : args.first(args.size() - 2)) {
      if (!k.is_string()) return interface_conversion(k, "string");
      keys.push_back(k.as_string());
    }
    const Value* dict = &root;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!dict->is_map() || dict->type_name() != "map[string]interface {}")
        return interface_conversion(*dict, "map[string]interface {}");
      const Value* step = dict->map_ptr()->find(keys[i]);
      if (step == nullptr) return def.boxed_copy();
      if (i + 1 == keys.size()) return step->boxed_copy();
      dict = step;
    }
    return def.boxed_copy();
  });
  add(funcs, "keys", {Param::map}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    ValueList out;
    for (const Value& d : args)
      for (const auto& entry : d.map_ptr()->entries())
        out.push_back(Value::string(entry.first));
    return Value::list(std::move(out), GoType::list_string);
  });
  add(funcs, "values", {Param::map}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    ValueList out;
    for (const auto& entry : args[0].map_ptr()->entries())
      out.push_back(entry.second.boxed_copy());
    return Value::list(std::move(out));
  });
  add(funcs, "pick", {Param::map, Param::string}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> {
        auto out = std::make_shared<ValueMap>();
        for (const Value& k : args.subspan(1))
          if (const Value* v = args[0].map_ptr()->find(k.as_string())) out->set(k.as_string(), *v);
        return Value::map(std::move(out));
      });
  add(funcs, "omit", {Param::map, Param::string}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> {
        auto out = std::make_shared<ValueMap>(*args[0].map_ptr());
        for (const Value& k : args.subspan(1))
          out->erase(k.as_string());
        return Value::map(std::move(out));
      });
  for (bool overwrite : {false, true}) {
    auto merge = [overwrite](CallContext&, Args args) -> Result<Value> {
      for (const Value& src : args.subspan(1))
        if (args[0].map_ptr() != src.map_ptr())
          merge_into(*args[0].map_ptr(), *src.map_ptr(), overwrite);
      return plain_map(args[0]).boxed_copy();
    };
    std::string name = overwrite ? "mergeOverwrite" : "merge";
    add(funcs, name, {Param::map, Param::map}, Variadic::yes, merge);
    add(funcs, overwrite ? "mustMergeOverwrite" : "mustMerge", {Param::map, Param::map},
        Variadic::yes, merge);
  }
  auto copy = [](CallContext&, Args args) -> Result<Value> {
    if (args[0].is_nothing()) return fail("reflect: call of reflect.Value.Type on zero Value");
    return deep_copy(args[0]).boxed_copy();
  };
  add(funcs, "deepCopy", {Param::any}, Variadic::no, copy);
  add(funcs, "mustDeepCopy", {Param::any}, Variadic::no, copy);
}

}  // namespace plumb::sprig
