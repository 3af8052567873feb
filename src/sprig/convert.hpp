// Private to the sprig module: what sprig's functions share — spf13/cast's conversions
// (cast.ToInt64, ToInt, ToFloat64 as sprig v3.3.0 calls them), sprig's empty,
// reflect.DeepEqual, copystructure's deep copy, the messages Go's runtime panics carry, and
// a short way to register a function with its Go parameter types.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gotemplate/template.hpp"

namespace plumb::sprig {

using gotemplate::Param;
using gotemplate::Value;

inline constexpr std::string_view k_nil_deref =
    "runtime error: invalid memory address or nil pointer dereference";

// cast.ToInt64 (0 for what it cannot convert; strings through strconv.ParseInt(s, 0, 0)
// after trimming a zero decimal part, floats truncated).
int64_t to_int64(const Value& v);
// cast.ToFloat64 (strings through strconv.ParseFloat).
double to_float64(const Value& v);
// Go's int64(f) on amd64 (out of range and NaN give math.MinInt64).
int64_t float_to_int64(double f);
// strconv.ParseFloat(s, 64); nullopt on a syntax error (ranges saturate to ±Inf as Go's
// value does).
std::optional<double> parse_float(std::string_view s);

// sprig's empty: nil, zero numbers, false, "" and empty containers.
bool is_empty(const Value& v);
// reflect.DeepEqual over template values (types must match: int 1 is not float64 1).
bool deep_equal(const Value& a, const Value& b);
// copystructure.Copy: maps and lists copied all the way down.
Value deep_copy(const Value& v);
// reflect.TypeOf(v).Kind().String() for a non-nil value ("slice", "map", "string" ...).
std::string kind_of(const Value& v);

// Registers `fn` under `name` with Go parameter types; the last repeats when variadic.
enum class Variadic : uint8_t { no, yes };
void add(gotemplate::FuncMap& funcs, std::string name, std::vector<Param> params, Variadic variadic,
         gotemplate::Function fn);

// Groups of collections.cpp's functions, each in its own file.
void add_list_functions(gotemplate::FuncMap& funcs);    // collections.cpp
void add_dict_functions(gotemplate::FuncMap& funcs);    // dicts.cpp
void add_math_functions(gotemplate::FuncMap& funcs);    // math.cpp
void add_flow_functions(gotemplate::FuncMap& funcs);    // flow.cpp: defaults, json, reflect
void add_semver_functions(gotemplate::FuncMap& funcs);  // semver_functions.cpp
void add_date_functions(gotemplate::FuncMap& funcs);    // dates.cpp

}  // namespace plumb::sprig
