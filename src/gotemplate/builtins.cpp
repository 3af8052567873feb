// The 19 functions every Go template has (text/template funcs.go), over Values.
#include <algorithm>
#include <array>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"
#include "gotemplate/template.hpp"

namespace plumb::gotemplate {

namespace {

using Args = std::span<const Value>;

// Go's indirectInterface: a nil interface is no value.
Value indirect_interface(const Value& v) {
  return v.is_nil() ? Value() : v.unboxed();
}

enum class BasicKind { invalid, boolean, integer, floating, string, uint };

BasicKind basic_kind(const Value& v) {
  switch (v.kind()) {
    case Kind::boolean:
      return BasicKind::boolean;
    case Kind::integer:
      return v.type() == GoType::uint8 || v.type() == GoType::uint64 ? BasicKind::uint
                                                                     : BasicKind::integer;
    case Kind::floating:
      return BasicKind::floating;
    case Kind::string:
      return BasicKind::string;
    default:
      return BasicKind::invalid;
  }
}

std::string format1(std::string_view format, const Value& v) {
  return sprintf(format, std::span(&v, 1));
}

std::string incompatible(const Value& a, const Value& b) {
  return "incompatible types for comparison: " + a.type_name() + " and " + b.type_name();
}

Result<Value> fn_not(CallContext&, Args args) {
  return Value::boolean(!args[0].truth());
}

Result<Value> fn_len(CallContext&, Args args) {
  Value item = args[0];
  if (const Object* object = item.object_ptr()) {
    if (Value elements = object->elements(); !elements.is_invalid()) item = std::move(elements);
  }
  if (item.is_nil()) return fail("len of nil pointer");
  switch (item.kind()) {
    case Kind::list:
    case Kind::map:
    case Kind::string:
      return Value::integer(static_cast<int64_t>(item.length()));
    case Kind::invalid:
      return fail("reflect: call of reflect.Value.Type on zero Value");
    default:
      return fail("len of type ", item.type_name());
  }
}

Result<int64_t> index_arg(const Value& index, size_t cap) {
  Value i = indirect_interface(index);
  int64_t x = 0;
  if (i.kind() == Kind::integer) {
    x = i.as_int();
  } else if (i.is_invalid()) {
    return fail("cannot index slice/array with nil");
  } else {
    return fail("cannot index slice/array with type ", i.type_name());
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap)
    return fail("index out of range: ", std::to_string(x));
  return x;
}

Result<Value> fn_index(CallContext&, Args args) {
  Value item = indirect_interface(args[0]);
  if (item.is_invalid()) return fail("index of untyped nil");
  for (const Value& raw_index : args.subspan(1)) {
    Value index = indirect_interface(raw_index);
    if (item.is_nil()) return fail("index of nil pointer");
    switch (item.kind()) {
      case Kind::list:
      case Kind::string: {
        int64_t x = TRY(index_arg(index, item.length()));
        if (static_cast<size_t>(x) == item.length()) {
          return fail(item.is_string() ? "reflect: string index out of range"
                                       : "reflect: slice index out of range");
        }
        if (item.is_string()) {
          item = Value::integer(
              static_cast<unsigned char>(item.as_string()[static_cast<size_t>(x)]), GoType::uint8);
        } else {
          item = item.items()[static_cast<size_t>(x)];
        }
        break;
      }
      case Kind::map: {
        if (index.is_invalid()) return fail("value is nil; should be of type string");
        if (!index.is_string())
          return fail("value has type ", index.type_name(), "; should be string");
        const Value* found = item.map_ptr()->find(index.as_string());
        if (found != nullptr) {
          item = *found;
        } else {
          item = item.type() == GoType::map_string ? Value::string("") : Value::nil();
        }
        break;
      }
      default:
        return fail("can't index item of type ", item.static_type_name());
    }
  }
  return item;
}

Result<Value> fn_slice(CallContext&, Args args) {
  Value item = indirect_interface(args[0]);
  if (item.is_invalid()) return fail("slice of untyped nil");
  Args indexes = args.subspan(1);
  if (indexes.size() > 3) return fail("too many slice indexes: ", std::to_string(indexes.size()));
  size_t cap = 0;
  if (item.is_string()) {
    if (indexes.size() == 3) return fail("cannot 3-index slice a string");
    cap = item.length();
  } else if (item.is_list()) {
    cap = item.length();
  } else {
    return fail("can't slice item of type ", item.static_type_name());
  }
  std::array<int64_t, 3> idx{0, static_cast<int64_t>(item.length()), 0};
  for (size_t i = 0; i < indexes.size(); ++i)
    idx[i] = TRY(index_arg(indexes[i], cap));
  if (idx[0] > idx[1])
    return fail("invalid slice index: ", std::to_string(idx[0]), " > ", std::to_string(idx[1]));
  if (indexes.size() == 3 && idx[1] > idx[2]) {
    return fail("invalid slice index: ", std::to_string(idx[1]), " > ", std::to_string(idx[2]));
  }
  auto from = static_cast<size_t>(idx[0]);
  auto to = static_cast<size_t>(idx[1]);
  if (item.is_string()) return Value::string(item.as_string().substr(from, to - from));
  auto items = item.items();
  return Value::list(
      ValueList(items.begin() + static_cast<long>(from), items.begin() + static_cast<long>(to)),
      item.type());
}

// Go's eq over one pair; nullopt-like error through Result.
Result<bool> eq_pair(const Value& a, const Value& b_raw) {
  Value b = indirect_interface(b_raw);
  BasicKind k1 = basic_kind(a);
  BasicKind k2 = basic_kind(b);
  if (k1 != k2) {
    if (k1 == BasicKind::integer && k2 == BasicKind::uint)
      return a.as_int() >= 0 && a.as_int() == b.as_int();
    if (k1 == BasicKind::uint && k2 == BasicKind::integer)
      return b.as_int() >= 0 && a.as_int() == b.as_int();
    if (!a.is_invalid() && !b.is_invalid()) return std::unexpected(Error(incompatible(a, b)));
    return false;
  }
  switch (k1) {
    case BasicKind::boolean:
      return a.as_bool() == b.as_bool();
    case BasicKind::floating:
      return a.as_float() == b.as_float();
    case BasicKind::integer:
    case BasicKind::uint:
      return a.as_int() == b.as_int();
    case BasicKind::string:
      return a.as_string() == b.as_string();
    case BasicKind::invalid:
      break;
  }
  if (a.kind() != b.kind() && !a.is_invalid() && !b.is_invalid()) {
    return fail("non-comparable types ", format1("%s", a), ": ", a.type_name(), ", ", b.type_name(),
                ": ", format1("%v", b));
  }
  if (a.is_invalid() || b.is_invalid()) return a.is_invalid() == b.is_invalid();
  if (a.is_list() || a.is_map())
    return fail("non-comparable type ", format1("%s", b), ": ", b.type_name());
  return a.object_ptr() == b.object_ptr();
}

Result<Value> fn_eq(CallContext&, Args args) {
  Value a = indirect_interface(args[0]);
  if (args.size() < 2) return fail("missing argument for comparison");
  for (const Value& b : args.subspan(1)) {
    if (TRY(eq_pair(a, b))) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Result<bool> lt_pair(const Value& a_raw, const Value& b_raw) {
  Value a = indirect_interface(a_raw);
  BasicKind k1 = basic_kind(a);
  if (k1 == BasicKind::invalid) return fail("invalid type for comparison");
  Value b = indirect_interface(b_raw);
  BasicKind k2 = basic_kind(b);
  if (k2 == BasicKind::invalid) return fail("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == BasicKind::integer && k2 == BasicKind::uint) {
      return a.as_int() < 0 ||
             static_cast<uint64_t>(a.as_int()) < static_cast<uint64_t>(b.as_int());
    }
    if (k1 == BasicKind::uint && k2 == BasicKind::integer) {
      return b.as_int() >= 0 &&
             static_cast<uint64_t>(a.as_int()) < static_cast<uint64_t>(b.as_int());
    }
    return std::unexpected(Error(incompatible(a, b)));
  }
  switch (k1) {
    case BasicKind::boolean:
      return fail("invalid type for comparison");
    case BasicKind::floating:
      return a.as_float() < b.as_float();
    case BasicKind::integer:
      return a.as_int() < b.as_int();
    case BasicKind::uint:
      return static_cast<uint64_t>(a.as_int()) < static_cast<uint64_t>(b.as_int());
    case BasicKind::string:
      return a.as_string() < b.as_string();
    case BasicKind::invalid:
      break;
  }
  return false;
}

Result<Value> fn_ne(CallContext&, Args args) {
  bool equal = TRY(eq_pair(indirect_interface(args[0]), args[1]));
  return Value::boolean(!equal);
}

Result<bool> le_pair(const Value& a, const Value& b) {
  bool less = TRY(lt_pair(a, b));
  if (less) return true;
  return eq_pair(indirect_interface(a), b);
}

Result<Value> fn_lt(CallContext&, Args args) {
  return Value::boolean(TRY(lt_pair(args[0], args[1])));
}
Result<Value> fn_le(CallContext&, Args args) {
  return Value::boolean(TRY(le_pair(args[0], args[1])));
}
Result<Value> fn_gt(CallContext&, Args args) {
  return Value::boolean(!TRY(le_pair(args[0], args[1])));
}
Result<Value> fn_ge(CallContext&, Args args) {
  return Value::boolean(!TRY(lt_pair(args[0], args[1])));
}

Result<Value> fn_print(CallContext&, Args args) {
  return Value::string(sprint(args));
}

Result<Value> fn_println(CallContext&, Args args) {
  std::string out;
  append_sprintln(out, args);
  return Value::string(out);
}

Result<Value> fn_printf(CallContext&, Args args) {
  return Value::string(sprintf(args[0].as_string(), args.subspan(1)));
}

// Go's evalArgs: a lone string as is, otherwise fmt.Sprint with no value printed as
// "<no value>".
std::string eval_args(Args args) {
  if (args.size() == 1 && args[0].is_string()) return std::string(args[0].as_string());
  std::vector<Value> printable;
  printable.reserve(args.size());
  for (const Value& a : args)
    printable.push_back(a.is_nothing() ? Value::string("<no value>") : a);
  return sprint(printable);
}

Result<Value> fn_html(CallContext&, Args args) {
  return Value::string(html_escape(eval_args(args)));
}
Result<Value> fn_js(CallContext&, Args args) {
  return Value::string(js_escape(eval_args(args)));
}
Result<Value> fn_urlquery(CallContext&, Args args) {
  return Value::string(url_query_escape(eval_args(args)));
}

Result<Value> fn_call(CallContext&, Args args) {
  Value fn = indirect_interface(args[0]);
  if (fn.is_invalid()) return fail("call of nil");
  return fail("non-function ", format1("%v", fn), " of type ", fn.type_name());
}

Result<Value> fn_and_or(CallContext&, Args) {
  return fail("unreachable");
}

struct Builtin {
  std::string_view name;
  FuncInfo info;
};

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> table = [] {
    using P = Param;
    std::vector<Builtin> t;
    auto add = [&](std::string_view name, Function fn, std::vector<Param> params, bool variadic) {
      t.push_back(Builtin{name, FuncInfo{std::move(fn), std::move(params), variadic}});
    };
    add("and", fn_and_or, {P::value, P::value}, true);
    add("call", fn_call, {P::value, P::value}, true);
    add("eq", fn_eq, {P::value, P::value}, true);
    add("ge", fn_ge, {P::value, P::value}, false);
    add("gt", fn_gt, {P::value, P::value}, false);
    add("html", fn_html, {P::any}, true);
    add("index", fn_index, {P::value, P::value}, true);
    add("js", fn_js, {P::any}, true);
    add("le", fn_le, {P::value, P::value}, false);
    add("len", fn_len, {P::value}, false);
    add("lt", fn_lt, {P::value, P::value}, false);
    add("ne", fn_ne, {P::value, P::value}, false);
    add("not", fn_not, {P::value}, false);
    add("or", fn_and_or, {P::value, P::value}, true);
    add("print", fn_print, {P::any}, true);
    add("printf", fn_printf, {P::string, P::any}, true);
    add("println", fn_println, {P::any}, true);
    add("slice", fn_slice, {P::value, P::value}, true);
    add("urlquery", fn_urlquery, {P::any}, true);
    return t;
  }();
  return table;
}

}  // namespace

const FuncInfo* find_builtin(std::string_view name) {
  const auto& table = builtins();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Builtin& b, std::string_view n) { return b.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &it->info;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string js_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          continue;
        case '\'':
          out += "\\'";
          continue;
        case '"':
          out += "\\\"";
          continue;
        case '<':
          out += "\\u003C";
          continue;
        case '>':
          out += "\\u003E";
          continue;
        case '&':
          out += "\\u0026";
          continue;
        case '=':
          out += "\\u003D";
          continue;
        default:
          break;
      }
      if (c < ' ') {
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      continue;
    }
    size_t width = 1;
    int32_t r = decode_utf8(s, i, width);
    if (is_print(r)) {
      out.append(s.substr(i, width));
    } else {
      std::string esc;
      Value v = Value::integer(r, GoType::int32);
      append_sprintf(esc, "\\u%04X", std::span(&v, 1));
      out += esc;
    }
    i += width - 1;
  }
  return out;
}

std::string url_query_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace plumb::gotemplate
