#include "core/json.hpp"

#include "core/utf8.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

namespace plumb {

namespace {

// Deep enough for any real object, shallow enough that recursion never threatens the stack
// of a worker thread.
constexpr int k_max_depth = 1000;

// Maps this large check duplicate keys through a hash set instead of a linear scan.
constexpr size_t k_linear_key_check = 16;

// Length of a valid UTF-8 sequence at s (given n bytes left), or 0 when invalid.
size_t utf8_length(const unsigned char* s, size_t n, uint32_t& cp) {
  unsigned char c = s[0];
  if (c < 0xC2) return 0;
  size_t len;
  if (c < 0xE0) {
    len = 2;
    cp = c & 0x1F;
  } else if (c < 0xF0) {
    len = 3;
    cp = c & 0x0F;
  } else if (c < 0xF5) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp < 0xE000))
    return 0;
  return len;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source)
      : m_begin(text.data()),
        m_at(text.data()),
        m_end(text.data() + text.size()),
        m_source(source) {}

  Result<Node> parse_document() {
    skip_space();
    Node value = TRY(parse_value(0));
    skip_space();
    if (m_at != m_end) return error("unexpected '", printable(*m_at), "' after the value");
    return value;
  }

 private:
  const char* m_begin;
  const char* m_at;
  const char* m_end;
  std::string_view m_source;
  std::string m_scratch;  // decoded strings that hold escapes

  static std::string printable(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      return buf;
    }
    return std::string(1, c);
  }

  // The line and column are computed only when an error happens, keeping the hot loop lean.
  template <typename... Parts>
  std::unexpected<Error> error_at(const char* where, Parts&&... parts) {
    size_t line = 1;
    const char* line_start = m_begin;
    for (const char* p = m_begin; p < where; ++p) {
      if (*p == '\n') {
        ++line;
        line_start = p + 1;
      }
    }
    size_t column = static_cast<size_t>(where - line_start) + 1;
    return fail(m_source, ": line ", std::to_string(line), ", column ", std::to_string(column),
                ": ", std::forward<Parts>(parts)...);
  }
  template <typename... Parts>
  std::unexpected<Error> error(Parts&&... parts) {
    return error_at(m_at, std::forward<Parts>(parts)...);
  }

  size_t valid_utf8_at() const {
    uint32_t cp = 0;
    return utf8_length(reinterpret_cast<const unsigned char*>(m_at),
                       static_cast<size_t>(m_end - m_at), cp);
  }

  void skip_space() {
    while (m_at != m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
      ++m_at;
  }

  bool consume_word(std::string_view word) {
    if (static_cast<size_t>(m_end - m_at) < word.size()) return false;
    if (std::memcmp(m_at, word.data(), word.size()) != 0) return false;
    m_at += word.size();
    return true;
  }

  Result<Node> parse_value(int depth) {
    if (m_at == m_end) return error("unexpected end of input");
    switch (*m_at) {
      case '{':
        return parse_object(depth + 1);
      case '[':
        return parse_array(depth + 1);
      case '"':
        return parse_string_node();
      case 't':
        if (consume_word("true")) return Node::boolean(true);
        break;
      case 'f':
        if (consume_word("false")) return Node::boolean(false);
        break;
      case 'n':
        if (consume_word("null")) return Node();
        break;
      default:
        if (*m_at == '-' || (*m_at >= '0' && *m_at <= '9')) return parse_number();
        break;
    }
    return error("unexpected '", printable(*m_at), "', expected a value");
  }

  // Entries and items are collected on scratch vectors reused per depth, then moved into a
  // container of the exact size: no regrowth, no copy-on-write checks per element.
  std::deque<std::vector<MapEntry>> m_entry_scratch;
  std::deque<std::vector<Node>> m_item_scratch;
  std::string m_duplicate;

  template <typename T>
  static std::vector<T>& scratch(std::deque<std::vector<T>>& stack, int depth) {
    while (stack.size() <= static_cast<size_t>(depth))
      stack.emplace_back();
    std::vector<T>& v = stack[static_cast<size_t>(depth)];
    v.clear();
    return v;
  }

  Result<Node> parse_object(int depth) {
    if (depth > k_max_depth)
      return error("nesting deeper than ", std::to_string(k_max_depth), " levels");
    ++m_at;  // '{'
    skip_space();
    if (m_at != m_end && *m_at == '}') {
      ++m_at;
      return Node::map();
    }
    std::vector<MapEntry>& entries = scratch(m_entry_scratch, depth);
    std::unordered_set<std::string_view> seen;  // filled only for large maps
    while (true) {
      skip_space();
      if (m_at == m_end) return error("unexpected end of input in an object");
      if (*m_at != '"') return error("unexpected '", printable(*m_at), "', expected a string key");
      const char* key_at = m_at;
      std::string_view key = TRY(parse_string());
      Node key_node = Node::string(key);
      skip_space();
      if (m_at == m_end || *m_at != ':') return error("expected ':' after object key");
      ++m_at;
      skip_space();
      Node value = TRY(parse_value(depth));
      if (is_duplicate(entries, seen, key_node.as_string()))
        return error_at(key_at, "duplicate key \"", m_duplicate, "\"");
      entries.push_back(MapEntry{std::move(key_node), std::move(value)});
      skip_space();
      if (m_at == m_end) return error("unexpected end of input in an object");
      if (*m_at == ',') {
        ++m_at;
        continue;
      }
      if (*m_at == '}') {
        ++m_at;
        Node map = Node::map(entries.size());
        for (MapEntry& e : entries)
          map.append_entry(std::move(e.key), std::move(e.value));
        entries.clear();
        return map;
      }
      return error("unexpected '", printable(*m_at), "', expected ',' or '}'");
    }
  }

  // Kubernetes' strict decoding refuses duplicate keys; so do we, naming the key. Small maps
  // scan; large ones switch to a hash set of views into the keys (heap keys do not move;
  // inline keys are copied into the set's own storage first).
  bool is_duplicate(const std::vector<MapEntry>& entries,
                    std::unordered_set<std::string_view>& seen, std::string_view key) {
    if (entries.size() < k_linear_key_check) {
      for (const MapEntry& e : entries) {
        if (e.key.as_string() == key) {
          m_duplicate = key;
          return true;
        }
      }
      return false;
    }
    if (seen.empty()) {
      for (const MapEntry& e : entries)
        seen.insert(intern(e.key.as_string()));
    }
    if (seen.contains(key)) {
      m_duplicate = key;
      return true;
    }
    seen.insert(intern(key));
    return false;
  }

  // Stable storage for keys of large maps (inline keys live inside Nodes that move).
  std::deque<std::string> m_key_store;
  std::string_view intern(std::string_view key) {
    m_key_store.emplace_back(key);
    return m_key_store.back();
  }

  Result<Node> parse_array(int depth) {
    if (depth > k_max_depth)
      return error("nesting deeper than ", std::to_string(k_max_depth), " levels");
    ++m_at;  // '['
    skip_space();
    if (m_at != m_end && *m_at == ']') {
      ++m_at;
      return Node::list();
    }
    std::vector<Node>& items = scratch(m_item_scratch, depth);
    while (true) {
      skip_space();
      items.push_back(TRY(parse_value(depth)));
      skip_space();
      if (m_at == m_end) return error("unexpected end of input in an array");
      if (*m_at == ',') {
        ++m_at;
        continue;
      }
      if (*m_at == ']') {
        ++m_at;
        Node list = Node::list(items.size());
        for (Node& item : items)
          list.push_back(std::move(item));
        items.clear();
        return list;
      }
      return error("unexpected '", printable(*m_at), "', expected ',' or ']'");
    }
  }

  Result<Node> parse_string_node() {
    std::string_view text = TRY(parse_string());
    return Node::string(text);
  }

  // Reads 4 hex digits after "\u"; -1 when malformed.
  int32_t read_hex4(const char* p) {
    if (m_end - p < 4) return -1;
    int32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = p[i];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= c - '0';
      else if (c >= 'a' && c <= 'f')
        value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        value |= c - 'A' + 10;
      else
        return -1;
    }
    return value;
  }

  // Returns a view of the decoded string: into the input when it has no escapes, into
  // m_scratch otherwise (valid until the next call).
  Result<std::string_view> parse_string() {
    ++m_at;  // opening quote
    const char* start = m_at;
    while (m_at != m_end) {
      unsigned char c = static_cast<unsigned char>(*m_at);
      if (c == '"') {
        std::string_view text(start, static_cast<size_t>(m_at - start));
        ++m_at;
        return text;
      }
      if (c == '\\') break;
      if (c < 0x20) return error("control character in a string");
      if (c >= 0x80) {
        size_t len = valid_utf8_at();
        if (len == 0) break;  // the slow path replaces it
        m_at += len;
        continue;
      }
      ++m_at;
    }
    if (m_at == m_end) return error_at(start - 1, "unterminated string");
    m_scratch.assign(start, m_at);
    while (m_at != m_end) {
      unsigned char c = static_cast<unsigned char>(*m_at);
      if (c == '"') {
        ++m_at;
        return std::string_view(m_scratch);
      }
      if (c < 0x20) return error("control character in a string");
      if (c >= 0x80) {
        // Invalid UTF-8 reads as U+FFFD, one per bad byte, as Go decodes it.
        size_t len = valid_utf8_at();
        if (len == 0) {
          m_scratch.append("\xef\xbf\xbd");
          ++m_at;
        } else {
          m_scratch.append(m_at, len);
          m_at += len;
        }
        continue;
      }
      if (c != '\\') {
        m_scratch.push_back(static_cast<char>(c));
        ++m_at;
        continue;
      }
      if (m_end - m_at < 2) break;
      char e = m_at[1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          m_scratch.push_back(e);
          break;
        case 'b':
          m_scratch.push_back('\b');
          break;
        case 'f':
          m_scratch.push_back('\f');
          break;
        case 'n':
          m_scratch.push_back('\n');
          break;
        case 'r':
          m_scratch.push_back('\r');
          break;
        case 't':
          m_scratch.push_back('\t');
          break;
        case 'u': {
          int32_t cp = read_hex4(m_at + 2);
          if (cp < 0) return error("invalid \\u escape");
          m_at += 6;
          if (cp >= 0xD800 && cp < 0xDC00) {
            // A high surrogate pairs with a following \uDC00-\uDFFF; alone it is U+FFFD,
            // as Go decodes it.
            if (m_end - m_at >= 6 && m_at[0] == '\\' && m_at[1] == 'u') {
              int32_t low = read_hex4(m_at + 2);
              if (low >= 0xDC00 && low < 0xE000) {
                m_at += 6;
                append_utf8(0x10000 + ((static_cast<uint32_t>(cp) - 0xD800) << 10) +
                                (static_cast<uint32_t>(low) - 0xDC00),
                            m_scratch);
                continue;
              }
            }
            append_utf8(0xFFFD, m_scratch);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            append_utf8(0xFFFD, m_scratch);
          } else {
            append_utf8(static_cast<uint32_t>(cp), m_scratch);
          }
          continue;
        }
        default:
          return error("invalid escape '\\", printable(e), "'");
      }
      m_at += 2;
    }
    return error_at(start - 1, "unterminated string");
  }

  Result<Node> parse_number() {
    const char* start = m_at;
    const char* p = m_at;
    bool is_integer = true;
    if (*p == '-') ++p;
    if (p == m_end) return error_at(start, "invalid number");
    if (*p == '0') {
      ++p;
    } else if (*p >= '1' && *p <= '9') {
      while (p != m_end && *p >= '0' && *p <= '9')
        ++p;
    } else {
      return error_at(start, "invalid number");
    }
    if (p != m_end && *p == '.') {
      is_integer = false;
      ++p;
      if (p == m_end || *p < '0' || *p > '9')
        return error_at(start, "invalid number: expected a digit after '.'");
      while (p != m_end && *p >= '0' && *p <= '9')
        ++p;
    }
    if (p != m_end && (*p == 'e' || *p == 'E')) {
      is_integer = false;
      ++p;
      if (p != m_end && (*p == '+' || *p == '-')) ++p;
      if (p == m_end || *p < '0' || *p > '9')
        return error_at(start, "invalid number: expected a digit in the exponent");
      while (p != m_end && *p >= '0' && *p <= '9')
        ++p;
    }
    m_at = p;
    if (is_integer) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(start, p, value);
      if (ec == std::errc() && end == p) return Node::integer(value);
      // Too large for int64: a float, as Kubernetes' JSON decoding does.
    }
    double value = 0;
    auto [end, ec] = std::from_chars(start, p, value);
    if (ec == std::errc::result_out_of_range) {
      // Underflow reads as 0, as in Go; overflow is beyond float64, which Go refuses.
      std::string copy(start, p);
      value = std::strtod(copy.c_str(), nullptr);
      if (std::isfinite(value)) return Node::floating(value);
      return error_at(start, "number out of range: ", std::string_view(start, p));
    }
    if (ec != std::errc() || end != p) return error_at(start, "invalid number");
    return Node::floating(value);
  }
};

constexpr char k_hex[] = "0123456789abcdef";

// Escapes as Go's encoding/json does with HTML escaping on (the default of json.Marshal):
// <, > and & as \u003c \u003e \u0026, U+2028/U+2029 escaped, invalid UTF-8 as \ufffd.
void append_string(std::string_view text, std::string& out) {
  out.push_back('"');
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  auto flush = [&] { out.append(text.data() + run, i - run); };
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        ++i;
        continue;
      }
      flush();
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          out.append("\\u00");
          out.push_back(k_hex[c >> 4]);
          out.push_back(k_hex[c & 0xF]);
          break;
      }
      ++i;
      run = i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = utf8_length(s + i, n - i, cp);
    if (len == 0) {
      flush();
      out.append("\\ufffd");
      ++i;
      run = i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      flush();
      out.append(cp == 0x2028 ? "\\u2028" : "\\u2029");
      i += len;
      run = i;
      continue;
    }
    i += len;
  }
  flush();
  out.push_back('"');
}

// Go's encoding/json float64: shortest round-trip digits; plain notation for
// 1e-6 <= |f| < 1e21, exponent notation otherwise with a two-digit negative exponent
// trimmed (1e-7, 1e+21). NaN and infinities are not JSON; Go refuses them, we write null.
void append_float(double value, std::string& out) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  char buf[64];
  // Scientific notation yields the shortest digits; std::to_chars in fixed notation would
  // print every digit of the exact binary value (999999999999999868928, not ...900000).
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  (void)ec;  // 64 bytes hold any shortest double
  std::string_view text(buf, static_cast<size_t>(end - buf));
  double magnitude = std::fabs(value);
  if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
    size_t n = text.size();
    if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
      buf[n - 2] = buf[n - 1];
      --n;
    }
    out.append(buf, n);
    return;
  }
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  size_t e_at = text.find('e');
  int exponent = 0;
  std::from_chars(text.data() + e_at + 1 + (text[e_at + 1] == '+'), text.data() + text.size(),
                  exponent);
  std::string digits;
  for (char c : text.substr(0, e_at))
    if (c != '.') digits.push_back(c);
  // value = 0.digits * 10^(exponent + 1)
  int point = exponent + 1;
  if (point <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-point), '0');
    out.append(digits);
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out.append(digits);
    out.append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(point));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(point));
  }
}

void append_newline(std::string& out, int indent, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void append_value(const Node& value, std::string& out, int indent, int depth) {
  switch (value.type()) {
    case Node::Type::null:
      out.append("null");
      return;
    case Node::Type::boolean:
      out.append(value.as_bool() ? "true" : "false");
      return;
    case Node::Type::integer: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value.as_int());
      (void)ec;
      out.append(buf, end);
      return;
    }
    case Node::Type::floating:
      append_float(value.as_float(), out);
      return;
    case Node::Type::string:
      append_string(value.as_string(), out);
      return;
    case Node::Type::list: {
      auto items = value.items();
      if (items.empty()) {
        out.append("[]");
        return;
      }
      out.push_back('[');
      bool first = true;
      for (const Node& item : items) {
        if (!first) out.push_back(',');
        first = false;
        if (indent) append_newline(out, indent, depth + 1);
        append_value(item, out, indent, depth + 1);
      }
      if (indent) append_newline(out, indent, depth);
      out.push_back(']');
      return;
    }
    case Node::Type::map: {
      auto entries = value.entries();
      if (entries.empty()) {
        out.append("{}");
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const MapEntry& e : entries) {
        if (!first) out.push_back(',');
        first = false;
        if (indent) append_newline(out, indent, depth + 1);
        append_string(e.key.as_string(), out);
        out.append(indent ? ": " : ":");
        append_value(e.value, out, indent, depth + 1);
      }
      if (indent) append_newline(out, indent, depth);
      out.push_back('}');
      return;
    }
  }
}

int indent_width(JsonStyle style) {
  switch (style) {
    case JsonStyle::compact:
      return 0;
    case JsonStyle::indented:
      return 2;
    case JsonStyle::indented4:
      return 4;
  }
  return 0;
}

}  // namespace

Result<Node> parse_json(std::string_view text, std::string_view source) {
  Parser parser(text, source);
  return parser.parse_document();
}

void append_json(const Node& value, std::string& out, JsonStyle style) {
  append_value(value, out, indent_width(style), 0);
}

std::string to_json(const Node& value, JsonStyle style) {
  std::string out;
  append_json(value, out, style);
  return out;
}

std::string_view go_json_type(const Node& value) {
  switch (value.type()) {
    case Node::Type::null:
      return "null";
    case Node::Type::boolean:
      return "bool";
    case Node::Type::integer:
    case Node::Type::floating:
      return "number";
    case Node::Type::string:
      return "string";
    case Node::Type::list:
      return "array";
    case Node::Type::map:
      return "object";
  }
  return "object";
}

std::string json_pointer_segment(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace plumb
