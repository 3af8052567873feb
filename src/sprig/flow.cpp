// sprig's defaults.go and reflect.go: default, empty, coalesce, all, any, ternary, fail,
// toJson/toPrettyJson/toRawJson/fromJson (and must* forms), kindOf/kindIs/typeOf/typeIs/
// typeIsLike/deepEqual; getHostByName as `helm template` has it without --enable-dns.
#include <cctype>
#include <cmath>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "gotemplate/strconv.hpp"
#include "sprig/convert.hpp"

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::Kind;

namespace {

using Args = std::span<const Value>;

// encoding/json refuses NaN and ±Inf.
Result<void> check_json(const Value& v) {
  if (v.kind() == Kind::floating && (std::isnan(v.as_float()) || std::isinf(v.as_float()))) {
    std::string s = std::isnan(v.as_float()) ? "NaN" : (v.as_float() > 0 ? "+Inf" : "-Inf");
    return fail("json: unsupported value: ", s);
  }
  for (const Value& item : v.items())
    TRY_VOID(check_json(item));
  if (v.is_map())
    for (const auto& entry : v.map_ptr()->entries())
      TRY_VOID(check_json(entry.second));
  return {};
}

Result<std::string> marshal(const Value& v, JsonStyle style) {
  TRY_VOID(check_json(v));
  return to_json(v.to_node(), style);
}

// SetEscapeHTML(false): undo the \u003c \u003e \u0026 escapes (\u2028 and \u2029 stay).
std::string unescape_html(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\\' || i + 1 >= json.size()) {
      out += json[i];
      continue;
    }
    std::string_view esc = json.substr(i, 6);
    if (esc == "\\u003c" || esc == "\\u003e" || esc == "\\u0026") {
      out += esc == "\\u003c" ? '<' : esc == "\\u003e" ? '>' : '&';
      i += 5;
    } else {
      out += json.substr(i, 2);
      ++i;
    }
  }
  return out;
}

// encoding/json's checkValid: the syntax error Go reports for the first bad byte.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view text) : m_s(text) {}

  Result<void> check() {
    TRY_VOID(value());
    skip_space();
    if (m_i < m_s.size()) return bad("after top-level value");
    return {};
  }

 private:
  std::unexpected<Error> bad(std::string_view context) const {
    // At the end Go's scanner is fed a space: what was mid-token fails on that.
    bool mid_token = context.starts_with("in ") || context.starts_with("after decimal");
    if (m_i >= m_s.size() && !mid_token) return fail("unexpected end of JSON input");
    auto c = m_i < m_s.size() ? static_cast<unsigned char>(m_s[m_i]) : ' ';
    std::string quoted;
    if (c == '\'') {
      quoted = "'\\''";
    } else if (c == '"') {
      quoted = "'\"'";
    } else {
      std::string rune, q;
      gotemplate::append_utf8(rune, c);
      gotemplate::append_quoted(q, rune);
      quoted = "'" + q.substr(1, q.size() - 2) + "'";
    }
    return fail("invalid character ", quoted, " ", context);
  }
  void skip_space() {
    while (m_i < m_s.size() &&
           (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\r' || m_s[m_i] == '\n'))
      ++m_i;
  }
  bool at(char c) const { return m_i < m_s.size() && m_s[m_i] == c; }
  bool at_digit() const { return m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9'; }

  Result<void> value() {
    skip_space();
    if (m_i >= m_s.size()) return bad("");
    char c = m_s[m_i];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return bad("looking for beginning of value");
  }
  Result<void> literal(std::string_view word) {
    for (size_t k = 0; k < word.size(); ++k, ++m_i) {
      if (!at(word[k]))
        return bad("in literal " + std::string(word) + " (expecting '" + word[k] + "')");
    }
    return {};
  }
  Result<void> object() {
    ++m_i;
    skip_space();
    if (at('}')) return ++m_i, Result<void>();
    while (true) {
      skip_space();
      if (!at('"')) return bad("looking for beginning of object key string");
      TRY_VOID(string());
      skip_space();
      if (!at(':')) return bad("after object key");
      ++m_i;
      TRY_VOID(value());
      skip_space();
      if (at(',')) {
        ++m_i;
        continue;
      }
      if (at('}')) return ++m_i, Result<void>();
      return bad("after object key:value pair");
    }
  }
  Result<void> array() {
    ++m_i;
    skip_space();
    if (at(']')) return ++m_i, Result<void>();
    while (true) {
      TRY_VOID(value());
      skip_space();
      if (at(',')) {
        ++m_i;
        continue;
      }
      if (at(']')) return ++m_i, Result<void>();
      return bad("after array element");
    }
  }
  Result<void> string() {
    ++m_i;
    while (true) {
      if (m_i >= m_s.size()) return bad("");
      auto c = static_cast<unsigned char>(m_s[m_i]);
      if (c == '"') return ++m_i, Result<void>();
      if (c < 0x20) return bad("in string literal");
      ++m_i;
      if (c != '\\') continue;
      if (m_i >= m_s.size()) return bad("in string escape code");
      char e = m_s[m_i];
      if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos) {
        ++m_i;
      } else if (e == 'u') {
        ++m_i;
        for (int k = 0; k < 4; ++k, ++m_i) {
          if (m_i >= m_s.size() || !std::isxdigit(static_cast<unsigned char>(m_s[m_i])))
            return bad("in \\u hexadecimal character escape");
        }
      } else {
        return bad("in string escape code");
      }
    }
  }
  Result<void> number() {
    if (at('-')) {
      ++m_i;
      if (!at_digit()) return bad("in numeric literal");
    }
    if (at('0')) {
      ++m_i;
    } else {
      while (at_digit())
        ++m_i;
    }
    if (at('.')) {
      ++m_i;
      if (!at_digit()) return bad("after decimal point in numeric literal");
      while (at_digit())
        ++m_i;
    }
    if (at('e') || at('E')) {
      ++m_i;
      if (at('+') || at('-')) ++m_i;
      if (!at_digit()) return bad("in exponent of numeric literal");
      while (at_digit())
        ++m_i;
    }
    return {};
  }

  std::string_view m_s;
  size_t m_i = 0;
};

Result<Value> unmarshal(std::string_view text) {
  TRY_VOID(JsonChecker(text).check());
  auto node = parse_json(text);
  if (!node) {
    // The syntax is valid, so what parse_json refuses is a number beyond float64.
    std::string_view message = node.error().message();
    size_t at = message.find("number out of range: ");
    if (at != std::string_view::npos) {
      return fail("json: cannot unmarshal number ", message.substr(at + 21),
                  " into Go value of type float64");
    }
    // Go's decoder lets a later duplicate key win; JSON is YAML, whose reader can.
    if (message.find("duplicate key") != std::string_view::npos) {
      auto yaml = parse_yaml(text, "json", DuplicateKeys::last_wins);
      if (yaml) return Value::from_node(*yaml, Value::Numbers::as_float64).boxed_copy();
    }
    return std::unexpected(node.error());
  }
  return Value::from_node(*node, Value::Numbers::as_float64).boxed_copy();
}

}  // namespace

void add_flow_functions(gotemplate::FuncMap& funcs) {
  add(funcs, "default", {Param::any, Param::any}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> {
        if (args.size() < 2 || is_empty(args[1])) return args[0].boxed_copy();
        return args[1].boxed_copy();
      });
  add(funcs, "empty", {Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return Value::boolean(is_empty(args[0])); });
  add(funcs, "coalesce", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    for (const Value& v : args)
      if (!is_empty(v)) return v.boxed_copy();
    return Value::nil();
  });
  add(funcs, "all", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    for (const Value& v : args)
      if (is_empty(v)) return Value::boolean(false);
    return Value::boolean(true);
  });
  add(funcs, "any", {Param::any}, Variadic::yes, [](CallContext&, Args args) -> Result<Value> {
    for (const Value& v : args)
      if (!is_empty(v)) return Value::boolean(true);
    return Value::boolean(false);
  });
  add(funcs, "ternary", {Param::any, Param::any, Param::bool_}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return (args[2].as_bool() ? args[0] : args[1]).boxed_copy();
      });
  add(funcs, "fail", {Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return fail(args[0].as_string()); });

  struct JsonForm {
    const char* name;
    JsonStyle style;
    bool raw;
  };
  for (JsonForm form : {JsonForm{"toJson", JsonStyle::compact, false},
                        JsonForm{"toPrettyJson", JsonStyle::indented, false},
                        JsonForm{"toRawJson", JsonStyle::compact, true}}) {
    for (bool must : {false, true}) {
      std::string name = form.name;
      if (must) name = "mustT" + name.substr(1);
      add(funcs, name, {Param::any}, Variadic::no,
          [form, must](CallContext&, Args args) -> Result<Value> {
            auto json = marshal(args[0], form.style);
            if (!json) {
              // toJson and toPrettyJson swallow the error; toRawJson panics with it.
              if (must || form.raw) return std::unexpected(json.error());
              return Value::string("");
            }
            return Value::string(form.raw ? unescape_html(*json) : *json);
          });
    }
  }
  add(funcs, "fromJson", {Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        auto v = unmarshal(args[0].as_string());
        return v ? *v : Value::nil();
      });
  add(funcs, "mustFromJson", {Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return unmarshal(args[0].as_string()); });

  add(funcs, "typeOf", {Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return Value::string(args[0].type_name()); });
  add(funcs, "typeIs", {Param::string, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::boolean(args[0].as_string() == args[1].type_name());
      });
  add(funcs, "typeIsLike", {Param::string, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        std::string t = args[1].type_name();
        std::string_view target = args[0].as_string();
        return Value::boolean(target == t || "*" + std::string(target) == t);
      });
  add(funcs, "kindOf", {Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return Value::string(args[0].kind_name()); });
  add(funcs, "kindIs", {Param::string, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::boolean(args[0].as_string() == args[1].kind_name());
      });
  add(funcs, "deepEqual", {Param::any, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::boolean(deep_equal(args[0], args[1]));
      });
  add(funcs, "getHostByName", {Param::string}, Variadic::no,
      [](CallContext&, Args) -> Result<Value> { return Value::string(""); });
}

}  // namespace plumb::sprig
