// TOML as BurntSushi/toml decodes it for Helm's fromToml (see toml.hpp).
#include "helm/toml.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "gotemplate/strconv.hpp"
#include "sprig/sprig.hpp"

namespace plumb::helm {
namespace {

using gotemplate::GoType;
using gotemplate::Value;
using gotemplate::ValueList;

struct DateTime {
  int64_t unix = 0;
  int32_t nsec = 0;
  std::string zone;
  int offset = 0;
};

// The document as it is read: tables stay open to later headers and dotted keys.
struct Item {
  enum class Kind : uint8_t { string, integer, floating, boolean, datetime, array, table };
  Kind kind = Kind::table;
  std::string text;
  int64_t integer = 0;
  double floating = 0;
  bool boolean = false;
  DateTime datetime;
  std::vector<Item> array;
  std::map<std::string, Item, std::less<>> table;
  bool array_of_tables = false;
  bool explicit_table = false;  // named by a [header] (or made by [[header]])
  bool closed = false;          // an inline table or a value: no key may be added to it
};

struct ParseError {
  int line;
  std::string message;
  std::string last_key;
};

// Go's %q of a rune.
std::string quote_rune(char32_t r) {
  switch (r) {
    case '\n':
      return "'\\n'";
    case '\t':
      return "'\\t'";
    case '\r':
      return "'\\r'";
    case '\'':
      return "'\\''";
    case '\\':
      return "'\\\\'";
    default:
      break;
  }
  if (r < 0x20 || r == 0x7f) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "'\\x%02x'", static_cast<unsigned>(r));
    return buf;
  }
  std::string out = "'";
  gotemplate::append_utf8(out, static_cast<int32_t>(r));
  return out + "'";
}

// Go's %q of a string (ASCII only escaped as Go would; enough for the tokens quoted here).
std::string quote_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_bare_key(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Item parse() {
    Item root;
    Item* current = &root;
    while (true) {
      skip_blank_lines();
      if (at_end()) break;
      char c = peek();
      if (c == '[') {
        current = header(root);
      } else {
        key_value(*current);
        m_last_key.clear();
      }
      skip_space();
      if (at_end()) break;
      if (peek() == '#') {
        skip_comment();
      } else if (peek() == '\n' || starts_with("\r\n")) {
        continue;
      } else {
        fail_here("expected a top-level item to end with a newline, comment, or EOF, but got " +
                  quote_rune(rune()) + " instead");
      }
    }
    return root;
  }

 private:
  [[noreturn]] void fail_here(std::string message) {
    throw ParseError{m_line, std::move(message), m_last_key};
  }

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek(size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }
  bool starts_with(std::string_view s) const { return m_text.substr(m_pos).starts_with(s); }
  char next() {
    char c = m_text[m_pos++];
    if (c == '\n') ++m_line;
    return c;
  }
  char32_t rune() const {
    if (at_end()) return 0;
    size_t width = 1;
    return static_cast<char32_t>(gotemplate::decode_utf8(m_text, m_pos, width));
  }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t'))
      ++m_pos;
  }
  void skip_comment() {
    while (!at_end() && peek() != '\n')
      ++m_pos;
  }
  void skip_blank_lines() {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r') {
        ++m_pos;
      } else if (c == '\n') {
        next();
      } else if (c == '#') {
        skip_comment();
      } else {
        break;
      }
    }
  }
  // Whitespace, newlines and comments inside an array.
  void skip_array_space() { skip_blank_lines(); }

  std::vector<std::string> key() {
    std::vector<std::string> parts;
    while (true) {
      skip_space();
      char c = peek();
      if (c == '"') {
        ++m_pos;
        parts.push_back(basic_string(false));
      } else if (c == '\'') {
        ++m_pos;
        parts.push_back(literal_string(false));
      } else if (is_bare_key(c)) {
        size_t start = m_pos;
        while (!at_end() && is_bare_key(peek()))
          ++m_pos;
        parts.emplace_back(m_text.substr(start, m_pos - start));
      } else if (c == '=') {
        fail_here("unexpected '=': key name appears blank");
      } else if (c == '.') {
        fail_here("unexpected '.': keys cannot start with a '.'");
      } else if (at_end()) {
        fail_here("unexpected EOF; expected key separator '='");
      } else {
        fail_here("expected key but found " + quote_rune(rune()) + " instead");
      }
      skip_space();
      if (peek() != '.') return parts;
      ++m_pos;
    }
  }

  static std::string join(const std::vector<std::string>& parts, size_t n) {
    std::string out;
    for (size_t i = 0; i < n && i < parts.size(); ++i) {
      if (i > 0) out += '.';
      out += parts[i];
    }
    return out;
  }

  // The table a key path leads to, made (implicitly) where missing.
  Item* descend(Item& from, const std::vector<std::string>& parts, size_t count,
                const std::vector<std::string>& full, bool dotted) {
    Item* at = &from;
    for (size_t i = 0; i < count; ++i) {
      auto it = at->table.find(parts[i]);
      if (it == at->table.end()) {
        it = at->table.emplace(parts[i], Item{}).first;
      } else if (it->second.kind == Item::Kind::array && it->second.array_of_tables && !dotted) {
        at = &it->second.array.back();
        continue;
      } else if (it->second.kind != Item::Kind::table || it->second.closed ||
                 (dotted && it->second.explicit_table)) {
        fail_here("Key '" + join(full, i + 1) + "' has already been defined.");
      }
      at = &it->second;
    }
    return at;
  }

  Item* header(Item& root) {
    bool array = starts_with("[[");
    m_pos += array ? 2 : 1;
    std::vector<std::string> parts = key();
    if (array) {
      if (!starts_with("]]"))
        fail_here("expected end of table array name delimiter ']', but got " + quote_rune(rune()) +
                  " instead");
      m_pos += 2;
    } else {
      if (peek() != ']')
        fail_here("expected '.' or ']' to end table name, but got " + quote_rune(rune()) +
                  " instead");
      ++m_pos;
    }
    // Errors here report the header's parent path as the last key (BurntSushi's context).
    m_last_key = join(parts, parts.size() - 1);
    Item* parent = descend(root, parts, parts.size() - 1, parts, false);
    const std::string& last = parts.back();
    auto it = parent->table.find(last);
    if (array) {
      if (it == parent->table.end()) {
        Item list;
        list.kind = Item::Kind::array;
        list.array_of_tables = true;
        it = parent->table.emplace(last, std::move(list)).first;
      } else if (!(it->second.kind == Item::Kind::array && it->second.array_of_tables)) {
        fail_here("Key '" + join(parts, parts.size()) +
                  "' was already created and cannot be used as an array.");
      }
      Item table;
      table.explicit_table = true;
      it->second.array.push_back(std::move(table));
      m_table_path = parts;
      m_last_key.clear();
      return &it->second.array.back();
    }
    if (it == parent->table.end()) {
      it = parent->table.emplace(last, Item{}).first;
    } else if (it->second.kind != Item::Kind::table || it->second.explicit_table ||
               it->second.closed) {
      fail_here("Key '" + join(parts, parts.size()) + "' has already been defined.");
    }
    it->second.explicit_table = true;
    m_table_path = parts;
    m_last_key.clear();
    return &it->second;
  }

  void key_value(Item& table) {
    std::vector<std::string> parts = key();
    std::vector<std::string> path = m_in_inline ? parts : m_table_path;
    if (!m_in_inline) path.insert(path.end(), parts.begin(), parts.end());
    m_last_key = join(path, path.size());
    if (peek() != '=') {
      if (at_end()) fail_here("unexpected EOF; expected key separator '='");
      fail_here("expected '.' or '=', but got " + quote_rune(rune()) + " instead");
    }
    ++m_pos;
    skip_space();
    Item value = parse_value();
    Item* parent = descend(table, parts, parts.size() - 1, path, true);
    if (auto it = parent->table.find(parts.back()); it != parent->table.end()) {
      // BurntSushi keeps a table made by dotted keys (`a.b = 1`) when the key is then given a
      // value (`a = 2`), without an error.
      const Item& old = it->second;
      if (old.kind == Item::Kind::table && !old.explicit_table && !old.closed) return;
      fail_here("Key '" + m_last_key + "' has already been defined.");
    }
    parent->table.emplace(parts.back(), std::move(value));
  }

  Item parse_value() {
    if (at_end()) fail_here("unexpected EOF; expected value");
    char c = peek();
    Item item;
    if (c == '"' || c == '\'') {
      item.kind = Item::Kind::string;
      bool multi = starts_with(c == '"' ? "\"\"\"" : "'''");
      m_pos += multi ? 3 : 1;
      if (multi && peek() == '\n') {
        next();
      } else if (multi && starts_with("\r\n")) {
        ++m_pos;
        next();
      }
      item.text = c == '"' ? basic_string(multi) : literal_string(multi);
      item.closed = true;
      return item;
    }
    if (c == '[') {
      ++m_pos;
      item.kind = Item::Kind::array;
      item.closed = true;
      while (true) {
        skip_array_space();
        if (peek() == ']') {
          ++m_pos;
          return item;
        }
        if (peek() == ',') fail_here("unexpected comma");
        item.array.push_back(parse_value());
        int value_line = m_line;
        skip_array_space();
        if (at_end()) m_line = value_line;
        if (peek() == ',') {
          ++m_pos;
          continue;
        }
        if (peek() == ']') {
          ++m_pos;
          return item;
        }
        fail_here("expected a comma (',') or array terminator (']'), but got " +
                  (at_end() ? std::string("end of file") : quote_rune(rune())));
      }
    }
    if (c == '{') {
      ++m_pos;
      item.kind = Item::Kind::table;
      skip_space();
      if (peek() == '}') {
        ++m_pos;
        item.closed = true;
        return item;
      }
      while (true) {
        std::string saved = m_last_key;
        bool was_inline = m_in_inline;
        m_in_inline = true;
        key_value(item);
        m_in_inline = was_inline;
        m_last_key = saved;
        skip_space();
        if (peek() == ',') {  // a trailing comma is allowed (as BurntSushi v1.6 allows it)
          ++m_pos;
          skip_space();
          if (peek() == '}') {
            ++m_pos;
            close(item);
            return item;
          }
          continue;
        }
        if (peek() == '}') {
          ++m_pos;
          close(item);
          return item;
        }
        fail_here("expected a comma or an inline table terminator '}', but got " +
                  (at_end() ? std::string("end of file") : quote_rune(rune())) + " instead");
      }
    }
    if (starts_with("true") && !is_bare_key(peek(4))) {
      m_pos += 4;
      item.kind = Item::Kind::boolean;
      item.boolean = true;
      return item;
    }
    if (starts_with("false") && !is_bare_key(peek(5))) {
      m_pos += 5;
      item.kind = Item::Kind::boolean;
      return item;
    }
    return number_or_date();
  }

  static void close(Item& item) {
    item.closed = true;
    for (auto& [k, v] : item.table)
      if (v.kind == Item::Kind::table) close(v);
  }

  std::string basic_string(bool multi) {
    std::string out;
    while (true) {
      if (at_end())
        fail_here(multi ? "unexpected EOF; expected '\"\"\"'" : "unexpected EOF; expected '\"'");
      char c = peek();
      if (multi && starts_with("\"\"\"")) {
        m_pos += 3;
        // Up to two quotes may end the content.
        for (int i = 0; i < 2 && peek() == '"'; ++i) {
          out += '"';
          ++m_pos;
        }
        return out;
      }
      if (!multi && c == '"') {
        ++m_pos;
        return out;
      }
      if (!multi && c == '\n') fail_here("strings cannot contain newlines");
      if (c == '\\') {
        ++m_pos;
        char e = at_end() ? '\0' : peek();
        if (multi && (e == '\n' || e == ' ' || e == '\t' || e == '\r')) {
          // A line-ending backslash trims the newline and the whitespace after it.
          size_t save = m_pos;
          while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r'))
            ++m_pos;
          if (peek() != '\n') {
            m_pos = save;
            fail_here("invalid escape in string '\\" + std::string(1, e) + "'");
          }
          while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            next();
          continue;
        }
        ++m_pos;
        switch (e) {
          case 'b':
            out += '\b';
            break;
          case 't':
            out += '\t';
            break;
          case 'n':
            out += '\n';
            break;
          case 'f':
            out += '\f';
            break;
          case 'r':
            out += '\r';
            break;
          case 'e':
            out += '\x1b';
            break;
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case 'x':
          case 'u':
          case 'U': {
            size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            std::string_view hex = m_text.substr(m_pos, digits);
            uint32_t code = 0;
            auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), code, 16);
            if (hex.size() != digits || ec != std::errc() || ptr != hex.data() + hex.size())
              fail_here(std::string("expected ") +
                        (digits == 2   ? "two"
                         : digits == 4 ? "four"
                                       : "eight") +
                        " hexadecimal digits after '\\" + std::string(1, e) + "', but got " +
                        quote_string(hex) + " instead");
            m_pos += digits;
            if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
              fail_here("Escaped character '\\u" + std::string(hex) + "' is not valid UTF-8.");
            gotemplate::append_utf8(out, static_cast<int32_t>(code));
            break;
          }
          default:
            fail_here("invalid escape in string '\\" + std::string(1, e) + "'");
        }
        continue;
      }
      out += next();
    }
  }

  std::string literal_string(bool multi) {
    std::string out;
    while (true) {
      if (at_end())
        fail_here(multi ? "unexpected EOF; expected \"'''\"" : "unexpected EOF; expected \"'\"");
      if (multi && starts_with("'''")) {
        m_pos += 3;
        for (int i = 0; i < 2 && peek() == '\''; ++i) {
          out += '\'';
          ++m_pos;
        }
        return out;
      }
      char c = peek();
      if (!multi && c == '\'') {
        ++m_pos;
        return out;
      }
      if (!multi && c == '\n') fail_here("strings cannot contain newlines");
      out += next();
    }
  }

  Item number_or_date() {
    size_t start = m_pos;
    auto token_char = [](char c) { return is_bare_key(c) || c == '+' || c == '.' || c == ':'; };
    while (!at_end() && token_char(peek()))
      ++m_pos;
    // A date and a time may be separated by one space.
    std::string_view head = m_text.substr(start, m_pos - start);
    if (head.size() == 10 && head[4] == '-' && head[7] == '-' && peek() == ' ' && peek(1) >= '0' &&
        peek(1) <= '9' && peek(3) == ':') {
      ++m_pos;
      while (!at_end() && token_char(peek()))
        ++m_pos;
    }
    std::string token(m_text.substr(start, m_pos - start));
    if (token.empty()) {
      if (peek() == '\n' || starts_with("\r\n"))
        fail_here("expected value but found " + quote_rune('\n') + " instead");
      fail_here("expected value but found " + quote_rune(rune()) + " instead");
    }
    Item item;
    if (auto dt = datetime(token)) {
      item.kind = Item::Kind::datetime;
      item.datetime = *dt;
      return item;
    }
    std::string_view t = token;
    std::string_view unsigned_part = t;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) unsigned_part.remove_prefix(1);
    if (unsigned_part == "inf" || unsigned_part == "nan") {
      item.kind = Item::Kind::floating;
      item.floating = unsigned_part == "inf" ? std::numeric_limits<double>::infinity()
                                             : std::numeric_limits<double>::quiet_NaN();
      if (t[0] == '-') item.floating = -item.floating;
      return item;
    }
    auto underscores_ok = [](std::string_view s) {
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '_') continue;
        auto digit = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
        if (i == 0 || i + 1 >= s.size() || !digit(s[i - 1]) || !digit(s[i + 1])) return false;
      }
      return true;
    };
    auto strip = [](std::string_view s) {
      std::string out;
      for (char c : s)
        if (c != '_') out += c;
      return out;
    };
    if (unsigned_part.size() > 2 && unsigned_part[0] == '0' &&
        (unsigned_part[1] == 'x' || unsigned_part[1] == 'o' || unsigned_part[1] == 'b')) {
      if (unsigned_part.size() != t.size())
        fail_here("cannot use sign with non-decimal numbers: '" + token.substr(0, 3) + "'");
      int base = unsigned_part[1] == 'x' ? 16 : unsigned_part[1] == 'o' ? 8 : 2;
      std::string digits = strip(unsigned_part.substr(2));
      if (!underscores_ok(unsigned_part.substr(2)))
        fail_here("Invalid integer " + quote_string(token) +
                  ": underscores must be surrounded by digits");
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty())
        fail_here("expected value but found " + quote_string(token) + " instead");
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail_here(token + " is out of range for int64");
      item.kind = Item::Kind::integer;
      item.integer = static_cast<int64_t>(v);
      return item;
    }
    bool is_float = unsigned_part.find_first_of(".eE") != std::string_view::npos;
    for (char c : unsigned_part) {
      bool ok = (c >= '0' && c <= '9') || c == '_' ||
                (is_float && (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'));
      if (!ok) fail_here("expected value but found " + quote_string(token) + " instead");
    }
    if (unsigned_part.empty() || unsigned_part[0] < '0' || unsigned_part[0] > '9')
      fail_here("expected value but found " + quote_string(token) + " instead");
    const char* what = is_float ? "Invalid float " : "Invalid integer ";
    if (!underscores_ok(unsigned_part))
      fail_here(what + quote_string(token) + ": underscores must be surrounded by digits");
    if (unsigned_part.size() > 1 && unsigned_part[0] == '0' && unsigned_part[1] >= '0' &&
        unsigned_part[1] <= '9')
      fail_here(what + quote_string(token) + ": cannot have leading zeroes");
    std::string plain = strip(t);
    if (is_float) {
      size_t dot = plain.find('.');
      if (dot != std::string::npos &&
          (dot + 1 >= plain.size() || plain[dot + 1] < '0' || plain[dot + 1] > '9'))
        fail_here("Invalid float " + quote_string(token) +
                  ": '.' must be followed by one or more digits");
      const char* begin = plain.data() + (plain[0] == '+' ? 1 : 0);
      double v = 0;
      auto [ptr, ec] = std::from_chars(begin, plain.data() + plain.size(), v);
      if (ptr != plain.data() + plain.size() ||
          (ec != std::errc() && ec != std::errc::result_out_of_range))
        fail_here("Invalid float value: " + quote_string(token));
      item.kind = Item::Kind::floating;
      item.floating = v;
      return item;
    }
    const char* begin = plain.data() + (plain[0] == '+' ? 1 : 0);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(begin, plain.data() + plain.size(), v);
    if (ec == std::errc::result_out_of_range) fail_here(token + " is out of range for int64");
    if (ec != std::errc() || ptr != plain.data() + plain.size())
      fail_here("expected value but found " + quote_string(token) + " instead");
    item.kind = Item::Kind::integer;
    item.integer = v;
    return item;
  }

  // Offset date-times (UTC or a fixed offset), local date-times, dates and times.
  std::optional<DateTime> datetime(std::string_view s) {
    auto digits = [&](size_t at, size_t n) -> std::optional<int> {
      if (at + n > s.size()) return std::nullopt;
      int v = 0;
      for (size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
      }
      return v;
    };
    int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
    int32_t nsec = 0;
    size_t pos = 0;
    bool has_date = s.size() >= 10 && s[4] == '-' && s[7] == '-';
    bool has_time = false;
    if (has_date) {
      auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
      if (!y || !m || !d) return std::nullopt;
      year = *y, month = *m, day = *d;
      pos = 10;
      if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) ++pos;
    }
    if (pos + 5 <= s.size() && s[pos + 2] == ':') {
      auto h = digits(pos, 2), mi = digits(pos + 3, 2);
      if (!h || !mi) return std::nullopt;
      hour = *h, minute = *mi;
      pos += 5;
      has_time = true;
      if (pos < s.size() && s[pos] == ':') {
        auto sec = digits(pos + 1, 2);
        if (!sec) return std::nullopt;
        second = *sec;
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
          ++pos;
          int n = 0;
          while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 9) nsec = nsec * 10 + (s[pos] - '0');
            ++n;
            ++pos;
          }
          for (; n < 9; ++n)
            nsec *= 10;
        }
      }
    }
    if (!has_date && !has_time) return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
      fail_here("invalid datetime: " + quote_string(s));
    DateTime out;
    bool offset_given = false;
    if (has_date && has_time && pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        offset_given = true;
        out.zone = "UTC";
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
        if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':') return std::nullopt;
        out.offset = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
        offset_given = true;
        pos += 6;
      }
    }
    if (pos != s.size()) return std::nullopt;
    if (!offset_given) {
      out.offset = sprig::local_offset_now();
      out.zone = !has_time ? "date-local" : !has_date ? "time-local" : "datetime-local";
    }
    if (!has_date) year = 0;
    int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    out.unix = days * 86400 + hour * 3600 + minute * 60 + second - out.offset;
    out.nsec = nsec;
    return out;
  }

  std::string_view m_text;
  size_t m_pos = 0;
  int m_line = 1;
  std::string m_last_key;
  std::vector<std::string> m_table_path;  // of the last [header]
  bool m_in_inline = false;
};

Value to_value(const Item& item) {
  switch (item.kind) {
    case Item::Kind::string:
      return Value::string(item.text);
    case Item::Kind::integer:
      return Value::integer(item.integer, GoType::int64);
    case Item::Kind::floating:
      return Value::floating(item.floating);
    case Item::Kind::boolean:
      return Value::boolean(item.boolean);
    case Item::Kind::datetime:
      return sprig::make_time_value(item.datetime.unix, item.datetime.nsec, item.datetime.zone,
                                    item.datetime.offset);
    case Item::Kind::array: {
      ValueList list;
      for (const Item& i : item.array)
        list.push_back(to_value(i).boxed_copy());
      return Value::list(std::move(list));
    }
    case Item::Kind::table: {
      Value map = Value::map();
      for (const auto& [k, v] : item.table)
        map.map_ptr()->append_unsorted(k, to_value(v).boxed_copy());
      map.map_ptr()->sort();
      return map;
    }
  }
  return Value();
}

}  // namespace

Result<Value> decode_toml(std::string_view text) {
  try {
    Parser parser(text);
    return to_value(parser.parse());
  } catch (const ParseError& e) {
    if (e.last_key.empty()) return fail("toml: line ", std::to_string(e.line), ": ", e.message);
    return fail("toml: line ", std::to_string(e.line), " (last key ", quote_string(e.last_key),
                "): ", e.message);
  }
}

}  // namespace plumb::helm
