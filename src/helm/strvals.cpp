#include "helm/strvals.hpp"

#include <charconv>
#include <optional>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

constexpr int k_max_index = 65536;
constexpr int k_max_nested_name_level = 30;

// Go's panics inside the parser (a failed type assertion) end in key()'s recover.
struct Panic {
  std::string message;
};

enum class Mode { typed, string, json, file };

struct Scanner {
  std::string_view text;
  size_t pos = 0;

  std::optional<char> read() {
    if (pos >= text.size()) return std::nullopt;
    return text[pos++];
  }
  void unread() { --pos; }
  std::string_view rest() const { return text.substr(pos); }
};

struct Until {
  std::string runes;
  char last = 0;
  bool eof = false;
};

// runesUntil: reads up to a stop character (consumed); `\` takes the next character as is.
Until runes_until(Scanner& in, std::string_view stop, bool escapes = true) {
  Until u;
  while (true) {
    auto c = in.read();
    if (!c) {
      u.eof = true;
      return u;
    }
    if (stop.find(*c) != std::string_view::npos) {
      u.last = *c;
      return u;
    }
    if (escapes && *c == '\\') {
      auto next = in.read();
      if (!next) {
        u.eof = true;
        return u;
      }
      u.runes.push_back(*next);
      continue;
    }
    u.runes.push_back(*c);
  }
}

std::string go_type(const Node& n) {
  switch (n.type()) {
    case Node::Type::null:
      return "nil";
    case Node::Type::boolean:
      return "bool";
    case Node::Type::integer:
      return "int64";
    case Node::Type::floating:
      return "float64";
    case Node::Type::string:
      return "string";
    case Node::Type::list:
      return "[]interface {}";
    case Node::Type::map:
      return "map[string]interface {}";
  }
  return "";
}

[[noreturn]] void conversion_panic(const Node& n, std::string_view want) {
  std::string is = n.is_null() ? "nil" : go_type(n);
  throw Panic{"interface conversion: interface {} is " + is + ", not " + std::string(want)};
}

Node as_map(const Node& n) {
  if (!n.is_map()) conversion_panic(n, "map[string]interface {}");
  return n;
}

Node as_list(const Node& n) {
  if (!n.is_list()) conversion_panic(n, "[]interface {}");
  return n;
}

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

Node typed_value(const std::string& val, bool as_string) {
  if (val.empty()) return Node::string("");
  if (as_string) return Node::string(val);
  auto fold = [&](std::string_view word) {
    if (val.size() != word.size()) return false;
    for (size_t i = 0; i < val.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(val[i])) != word[i]) return false;
    return true;
  };
  if (fold("true")) return Node::boolean(true);
  if (fold("false")) return Node::boolean(false);
  if (fold("null")) return Node();
  if (val == "0") return Node::integer(0);
  if (val[0] != '0') {
    std::string_view digits = val;
    if (digits[0] == '+') digits.remove_prefix(1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    bool signed_ok = !(val[0] == '+' && !digits.empty() && digits[0] == '-');
    if (ec == std::errc() && end == digits.data() + digits.size() && signed_ok && !digits.empty())
      return Node::integer(v);
  }
  return Node::string(val);
}

// JSON numbers decode to float64 (encoding/json into interface{}).
Node floats(Node n) {
  if (n.is_int()) return Node::floating(double(n.as_int()));
  if (n.is_list())
    for (Node& item : n.items_mut())
      item = floats(item);
  if (n.is_map())
    for (auto& e : n.entries_mut())
      e.value = floats(e.value);
  return n;
}

// The extent of one JSON value at the front of `text` (after spaces), as json.Decoder reads it.
std::optional<size_t> json_extent(std::string_view text) {
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
    ++i;
  if (i == text.size()) return std::nullopt;
  char c = text[i];
  if (c == '{' || c == '[') {
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      char d = text[i];
      if (in_string) {
        if (d == '\\')
          ++i;
        else if (d == '"')
          in_string = false;
        continue;
      }
      if (d == '"')
        in_string = true;
      else if (d == '{' || d == '[')
        ++depth;
      else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::nullopt;
  }
  if (c == '"') {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\\')
        ++i;
      else if (text[i] == '"')
        return i + 1;
    }
    return std::nullopt;
  }
  while (i < text.size() && std::string_view(",]} \t\r\n").find(text[i]) == std::string_view::npos)
    ++i;
  return i;
}

class Parser {
 public:
  Parser(std::string_view text, Mode mode, const SetFileReader* reader = nullptr)
      : m_in{text}, m_mode(mode), m_reader(reader) {}

  Result<void> parse(Node& data) {
    if (!data.is_map()) data = Node::map();
    while (true) {
      auto r = key(data, 0);
      if (r) continue;
      if (r.error().message() == k_eof) return {};
      return r;
    }
  }

 private:
  static constexpr std::string_view k_eof = "EOF";

  static std::unexpected<Error> eof() { return std::unexpected(Error(std::string(k_eof))); }

  Result<Node> read_value(const std::string& runes) {
    switch (m_mode) {
      case Mode::typed:
        return typed_value(runes, false);
      case Mode::string:
        return typed_value(runes, true);
      case Mode::file: {
        auto content = (*m_reader)(runes);
        if (!content) return std::unexpected(content.error());
        return Node::string(*content);
      }
      case Mode::json:
        break;
    }
    return Node();
  }

  static void set(Node& data, const std::string& key, Node value) {
    if (key.empty()) return;
    data.set(key, std::move(value));
  }

  static Result<Node> set_index(Node list, int64_t index, Node value) {
    if (index < 0) return fail("negative ", std::to_string(index), " index not allowed");
    if (index > k_max_index)
      return fail("index of ", std::to_string(index),
                  " is greater than maximum supported index of ", std::to_string(k_max_index));
    if (!list.is_list()) list = Node::list();
    while (list.size() <= size_t(index))
      list.push_back(Node());
    list.items_mut()[size_t(index)] = std::move(value);
    return list;
  }

  Result<int64_t> key_index() {
    Until u = runes_until(m_in, "]");
    if (u.eof) return eof();
    std::string_view s = u.runes;
    std::string_view digits = s;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
    bool negative = !s.empty() && s[0] == '-';
    int64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    if (digits.empty() || end != digits.data() + digits.size() || ec != std::errc())
      return fail(
          "strconv.Atoi: parsing ", go_quote(s),
          ec == std::errc::result_out_of_range ? ": value out of range" : ": invalid syntax");
    return negative ? -magnitude : magnitude;
  }

  // emptyVal: spaces then a comma or the end is an empty value (consumed).
  bool empty_val() {
    while (true) {
      auto c = m_in.read();
      if (!c || *c == ',') return true;
      if (!std::isspace(static_cast<unsigned char>(*c))) {
        m_in.unread();
        return false;
      }
    }
  }

  Result<Node> json_value() {
    auto extent = json_extent(m_in.rest());
    if (!extent) return fail("unexpected end of JSON input");
    std::string_view text = m_in.rest().substr(0, *extent);
    auto value = parse_json(text);
    if (!value) return std::unexpected(value.error());
    m_in.pos += *extent;
    return floats(*value);
  }

  // valList: `{a,b}` (the leading `{` decides); "not a list" otherwise.
  enum class ListResult { list, eof, not_list };
  Result<ListResult> val_list(Node& out) {
    auto c = m_in.read();
    if (!c) return ListResult::eof;
    if (*c != '{') {
      m_in.unread();
      return ListResult::not_list;
    }
    out = Node::list();
    while (true) {
      Until u = runes_until(m_in, ",}");
      if (u.eof) return fail("list must terminate with '}'");
      if (u.last == '}') {
        auto next = m_in.read();
        if (next && *next != ',') m_in.unread();
        out.push_back(TRY(read_value(u.runes)));
        return ListResult::list;
      }
      out.push_back(TRY(read_value(u.runes)));
    }
  }

  Result<void> key(Node& data, int level) {
    try {
      return key_inner(data, level);
    } catch (const Panic& p) {
      return fail("unable to parse key: ", p.message);
    }
  }

  Result<void> key_inner(Node& data, int level) {
    Until u = runes_until(m_in, "=[,.");
    const std::string& k = u.runes;
    if (u.eof) {
      if (k.empty()) return eof();
      return fail("key ", go_quote(k), " has no value");
    }
    switch (u.last) {
      case '[': {
        auto i = key_index();
        if (!i) return std::unexpected(i.error().context("error parsing index"));
        Node list = Node::list();
        if (const Node* existing = data.find(k)) list = as_list(*existing);
        auto result = list_item(list, *i, level);
        set(data, k, result ? *result : list);
        if (!result) return std::unexpected(result.error());
        return {};
      }
      case '=': {
        if (m_mode == Mode::json) {
          if (empty_val()) {
            set(data, k, Node());
            return {};
          }
          set(data, k, TRY(json_value()));
          empty_val();
          return {};
        }
        Node list;
        auto kind = TRY(val_list(list));
        if (kind == ListResult::list) {
          set(data, k, list);
          return {};
        }
        if (kind == ListResult::eof) {
          set(data, k, Node::string(""));
          return eof();
        }
        Until v = runes_until(m_in, ",");
        set(data, k, TRY(read_value(v.runes)));
        return {};
      }
      case ',':
        set(data, k, Node::string(""));
        return fail("key ", go_quote(k), " has no value (cannot end with ,)");
      default: {  // '.'
        if (++level > k_max_nested_name_level)
          return fail(
              "value name nested level is greater than maximum supported nested level "
              "of ",
              std::to_string(k_max_nested_name_level));
        Node inner = Node::map();
        if (const Node* existing = data.find(k)) inner = as_map(*existing);
        auto e = key(inner, level);
        if (e && inner.empty()) return fail("key map ", go_quote(k), " has no value");
        if (!inner.empty()) set(data, k, inner);
        return e;
      }
    }
  }

  Result<Node> list_item(Node list, int64_t i, int level) {
    if (i < 0) return fail("negative ", std::to_string(i), " index not allowed");
    Until u = runes_until(m_in, "[.=");
    if (u.eof) return fail("error parsing index: EOF");
    switch (u.last) {
      case '=': {
        if (m_mode == Mode::json) {
          if (empty_val()) return set_index(list, i, Node());
          Node value = TRY(json_value());
          list = TRY(set_index(list, i, value));
          empty_val();
          return list;
        }
        Node values;
        auto kind = TRY(val_list(values));
        if (kind == ListResult::list) return set_index(list, i, values);
        if (kind == ListResult::eof) return set_index(list, i, Node::string(""));
        Until v = runes_until(m_in, ",");
        return set_index(list, i, TRY(read_value(v.runes)));
      }
      case '[': {
        auto next = key_index();
        if (!next) return std::unexpected(next.error().context("error parsing index"));
        Node current;
        if (list.size() > size_t(i) && !list.items()[size_t(i)].is_null())
          current = as_list(list.items()[size_t(i)]);
        Node nested = TRY(list_item(current, *next, level));
        return set_index(list, i, nested);
      }
      default: {  // '.'
        Node inner = Node::map();
        if (list.size() > size_t(i) && list.items()[size_t(i)].is_map())
          inner = list.items()[size_t(i)];
        TRY_VOID(key(inner, level));
        return set_index(list, i, inner);
      }
    }
  }

  Scanner m_in;
  Mode m_mode;
  const SetFileReader* m_reader;
};

// --set-literal (literal_parser.go): no escapes, the value is the rest of the text.
class LiteralParser {
 public:
  explicit LiteralParser(std::string_view text) : m_in{text} {}

  Result<void> parse(Node& data) {
    if (!data.is_map()) data = Node::map();
    while (true) {
      auto r = key(data, 0);
      if (r) continue;
      if (r.error().message() == "EOF") return {};
      return r;
    }
  }

 private:
  std::string rest() {
    std::string v(m_in.rest());
    m_in.pos = m_in.text.size();
    return v;
  }

  Result<int64_t> key_index() {
    Until u = runes_until(m_in, "]", false);
    if (u.eof) return fail("EOF");
    int64_t v = 0;
    std::string_view s = u.runes;
    auto [end, ec] =
        std::from_chars(s.data() + (s.starts_with('+') ? 1 : 0), s.data() + s.size(), v);
    if (s.empty() || end != s.data() + s.size() || ec != std::errc())
      return fail("strconv.Atoi: parsing ", go_quote(s), ": invalid syntax");
    return v;
  }

  Result<void> key(Node& data, int level) {
    try {
      return key_inner(data, level);
    } catch (const Panic& p) {
      return fail("unable to parse key: ", p.message);
    }
  }

  Result<void> key_inner(Node& data, int level) {
    Until u = runes_until(m_in, "=[.", false);
    const std::string& k = u.runes;
    if (u.eof) {
      if (k.empty()) return fail("EOF");
      return fail("key ", go_quote(k), " has no value");
    }
    if (u.last == '=') {
      if (!k.empty())
        data.set(k, Node::string(rest()));
      else
        rest();
      return {};
    }
    if (u.last == '.') {
      if (++level > k_max_nested_name_level)
        return fail("value name nested level is greater than maximum supported nested level of ",
                    std::to_string(k_max_nested_name_level));
      Node inner = Node::map();
      if (const Node* existing = data.find(k)) inner = as_map(*existing);
      auto e = key(inner, level);
      if (e && inner.empty()) return fail("key map ", go_quote(k), " has no value");
      if (!inner.empty() && !k.empty()) data.set(k, inner);
      return e;
    }
    auto i = key_index();
    if (!i) return std::unexpected(i.error().context("error parsing index"));
    Node list = Node::list();
    if (const Node* existing = data.find(k)) list = as_list(*existing);
    auto result = list_item(list, *i, level);
    if (!k.empty()) data.set(k, result ? *result : list);
    if (!result) return std::unexpected(result.error());
    return {};
  }

  static Result<Node> set_index(Node list, int64_t index, Node value) {
    if (index < 0) return fail("negative ", std::to_string(index), " index not allowed");
    if (index > k_max_index)
      return fail("index of ", std::to_string(index),
                  " is greater than maximum supported index of ", std::to_string(k_max_index));
    if (!list.is_list()) list = Node::list();
    while (list.size() <= size_t(index))
      list.push_back(Node());
    list.items_mut()[size_t(index)] = std::move(value);
    return list;
  }

  Result<Node> list_item(Node list, int64_t i, int level) {
    if (i < 0) return fail("negative ", std::to_string(i), " index not allowed");
    Until u = runes_until(m_in, "[.=", false);
    if (!u.runes.empty()) return fail("unexpected data at end of array index: ", go_quote(u.runes));
    if (u.eof) return fail("error parsing index: EOF");
    if (u.last == '=') return set_index(list, i, Node::string(rest()));
    if (u.last == '.') {
      Node inner = Node::map();
      if (list.size() > size_t(i) && list.items()[size_t(i)].is_map())
        inner = list.items()[size_t(i)];
      TRY_VOID(key(inner, level));
      return set_index(list, i, inner);
    }
    auto next = key_index();
    if (!next) return std::unexpected(next.error().context("error parsing index"));
    Node current;
    if (list.size() > size_t(i) && !list.items()[size_t(i)].is_null())
      current = as_list(list.items()[size_t(i)]);
    Node nested = TRY(list_item(current, *next, level));
    return set_index(list, i, nested);
  }

  Scanner m_in;
};

}  // namespace

Result<void> parse_set(std::string_view text, Node& dest) {
  return Parser(text, Mode::typed).parse(dest);
}

Result<void> parse_set_string(std::string_view text, Node& dest) {
  return Parser(text, Mode::string).parse(dest);
}

Result<void> parse_set_json(std::string_view text, Node& dest) {
  return Parser(text, Mode::json).parse(dest);
}

Result<void> parse_set_file(std::string_view text, Node& dest, const SetFileReader& reader) {
  return Parser(text, Mode::file, &reader).parse(dest);
}

Result<void> parse_set_literal(std::string_view text, Node& dest) {
  return LiteralParser(text).parse(dest);
}

Result<Node> parse_set_values(std::string_view text) {
  Node values = Node::map();
  TRY_VOID(parse_set(text, values));
  return values;
}

}  // namespace plumb::helm
