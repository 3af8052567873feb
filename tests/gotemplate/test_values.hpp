// Shorthands for building template Values in the ported Go tables (Go's literal types).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "gotemplate/value.hpp"

namespace plumb::gotemplate::testing {

[[maybe_unused]] inline Value i(long long n) {
  return Value::integer(n, GoType::int_);
}
[[maybe_unused]] inline Value i64(long long n) {
  return Value::integer(n, GoType::int64);
}
[[maybe_unused]] inline Value i32(long long n) {
  return Value::integer(n, GoType::int32);
}
[[maybe_unused]] inline Value u8(long long n) {
  return Value::integer(n, GoType::uint8);
}
[[maybe_unused]] inline Value u64(unsigned long long n) {
  return Value::integer(static_cast<int64_t>(n), GoType::uint64);
}
[[maybe_unused]] inline Value f(double d) {
  return Value::floating(d);
}
[[maybe_unused]] inline Value s(std::string_view v) {
  return Value::string(v);
}
[[maybe_unused]] inline Value b(bool v) {
  return Value::boolean(v);
}
[[maybe_unused]] inline Value nil() {
  return Value();
}
[[maybe_unused]] inline Value list_int(std::vector<Value> items) {
  return Value::list(std::move(items), GoType::list_int);
}
[[maybe_unused]] inline Value list_str(std::vector<Value> items) {
  return Value::list(std::move(items), GoType::list_string);
}
// []interface{}: elements are boxed.
[[maybe_unused]] inline Value list_any(std::vector<Value> items) {
  for (auto& item : items)
    item = item.is_invalid() ? Value::nil() : item.boxed_copy();
  return Value::list(std::move(items), GoType::list_any);
}
[[maybe_unused]] inline Value map_of(std::vector<std::pair<std::string_view, Value>> entries,
                                     GoType type = GoType::map_any) {
  auto m = std::make_shared<ValueMap>();
  for (auto& [k, v] : entries)
    m->set(k, v);
  return Value::map(m, type);
}
[[maybe_unused]] inline Value map_str(std::vector<std::pair<std::string_view, Value>> entries) {
  return map_of(std::move(entries), GoType::map_string);
}

}  // namespace plumb::gotemplate::testing
