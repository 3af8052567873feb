// A JSON value printed the way the API server's Go code prints the unstructured value it
// decoded (map[string]interface{}, []interface{}, string, int64, float64, bool, nil): the
// renderings that end up in the messages of decoding and apply errors.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb::localcluster {

// strconv.Quote / %q: "a\"b", control characters escaped.
std::string go_quote(std::string_view text);
// %v: strings bare, maps `map[k:v k2:v2]` (sorted keys), lists `[a b]`, null `<nil>`.
std::string go_value(const Node& value);
// %#v: strings quoted, `map[string]interface {}{"k":1}`, `[]interface {}{"a"}`.
std::string go_sharp_value(const Node& value);
// %T: string, int64, float64, bool, map[string]interface {}, []interface {}, <nil>.
std::string_view go_type_name(const Node& value);
// A float64 as %v prints it: shortest digits, an exponent below 1e-4 and from 1e+06 (1e+06).
std::string go_float(double value);

}  // namespace plumb::localcluster
