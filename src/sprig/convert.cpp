#include "sprig/convert.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"

namespace plumb::sprig {

using gotemplate::GoType;
using gotemplate::Kind;

namespace {

// cast's trimZeroDecimal: "12.000" -> "12"; "1." and "1.5" stay.
std::string_view trim_zero_decimal(std::string_view s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.') {
      if (found_zero) return s.substr(0, i - 1);
    } else if (c == '0') {
      found_zero = true;
    } else {
      return s;
    }
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

int64_t float_to_int64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

std::optional<double> parse_float(std::string_view s) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (iequals(body, "inf") || iequals(body, "infinity"))
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (iequals(body, "nan") && s.size() == 3) return std::numeric_limits<double>::quiet_NaN();
  // Go's float syntax, underscores between digits included; parse_go_float takes no sign.
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  std::optional<double> v = gotemplate::parse_go_float(body);
  if (v && neg) v = -*v;
  if (v && std::isinf(*v)) return std::nullopt;  // ErrRange: cast gives up
  return v;
}

int64_t to_int64(const Value& v) {
  switch (v.kind()) {
    case Kind::boolean:
      return v.as_bool() ? 1 : 0;
    case Kind::integer:
      return v.as_int();
    case Kind::floating:
      return float_to_int64(v.as_float());
    case Kind::string:
      return gotemplate::parse_go_int(trim_zero_decimal(v.as_string())).value_or(0);
    default:
      return 0;
  }
}

double to_float64(const Value& v) {
  switch (v.kind()) {
    case Kind::boolean:
      return v.as_bool() ? 1 : 0;
    case Kind::integer:
      if (v.type() == GoType::uint64) return static_cast<double>(static_cast<uint64_t>(v.as_int()));
      return static_cast<double>(v.as_int());
    case Kind::floating:
      return v.as_float();
    case Kind::string:
      return parse_float(v.as_string()).value_or(0);
    default:
      return 0;
  }
}

bool is_empty(const Value& v) {
  switch (v.kind()) {
    case Kind::invalid:
    case Kind::nil:
      return true;
    case Kind::boolean:
      return !v.as_bool();
    case Kind::integer:
      return v.as_int() == 0;
    case Kind::floating:
      return v.as_float() == 0;
    case Kind::string:
    case Kind::list:
    case Kind::map:
      return v.length() == 0;
    case Kind::object:
      return false;
  }
  return false;
}

bool deep_equal(const Value& a, const Value& b) {
  if (a.is_nothing() || b.is_nothing()) return a.is_nothing() && b.is_nothing();
  if (a.kind() != b.kind() || a.type_name() != b.type_name()) return false;
  switch (a.kind()) {
    case Kind::boolean:
      return a.as_bool() == b.as_bool();
    case Kind::integer:
      return a.as_int() == b.as_int();
    case Kind::floating:
      return a.as_float() == b.as_float();
    case Kind::string:
      return a.as_string() == b.as_string();
    case Kind::list: {
      auto x = a.items(), y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!deep_equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::map: {
      const auto& x = a.map_ptr()->entries();
      const auto& y = b.map_ptr()->entries();
      if (a.map_ptr() == b.map_ptr()) return true;
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (x[i].first != y[i].first || !deep_equal(x[i].second, y[i].second)) return false;
      return true;
    }
    case Kind::object:
      return a.object_ptr() == b.object_ptr();
    default:
      return false;
  }
}

Value deep_copy(const Value& v) {
  Value out;
  if (v.is_list()) {
    gotemplate::ValueList items;
    items.reserve(v.items().size());
    for (const Value& item : v.items())
      items.push_back(deep_copy(item));
    out = Value::list(std::move(items), v.type());
  } else if (v.is_map()) {
    auto entries = std::make_shared<gotemplate::ValueMap>();
    for (const auto& [key, value] : v.map_ptr()->entries())
      entries->append_unsorted(key, deep_copy(value));
    out = Value::map(std::move(entries), v.type());
    if (v.type_name() != gotemplate::go_type_name(v.type())) out = out.named(v.type_name());
  } else {
    return v;
  }
  return v.boxed() ? out.boxed_copy() : out;
}

std::string kind_of(const Value& v) {
  return std::string(v.kind_name());
}

void add(gotemplate::FuncMap& funcs, std::string name, std::vector<Param> params, Variadic variadic,
         gotemplate::Function fn) {
  funcs.add(std::move(name),
            gotemplate::FuncInfo{std::move(fn), std::move(params), variadic == Variadic::yes});
}

}  // namespace plumb::sprig
