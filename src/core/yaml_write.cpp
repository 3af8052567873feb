// The YAML writer: prints what kustomize prints, which is go-yaml v2 marshalling a generic
// tree. go-yaml's emitter is a port of libyaml's, so the layout rules below (when to quote,
// when to fold, where continuation lines start) follow libyaml's emitter with indent 2,
// width 80 and unicode on. The common scalars take a fast path that writes them whole.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/yaml.hpp"
#include "core/yaml_scalar.hpp"

namespace plumb {
namespace {

using yaml_detail::plain_is_ambiguous;

constexpr int k_best_width = 80;
constexpr int k_best_indent = 2;
constexpr size_t k_max_simple_key = 128;

// Byte classes for the fast path: a string made only of `k_plain` bytes (printable ASCII
// other than space and ':') needs no analysis beyond its first character.
constexpr uint8_t k_plain = 1;

struct ByteTable {
  uint8_t flags[256] = {};
  constexpr ByteTable() {
    for (int c = 0x21; c < 0x7f; ++c)
      if (c != ':') flags[c] = k_plain;
  }
};
constexpr ByteTable k_bytes;

// First characters that make a plain scalar impossible in block context whatever follows
// (libyaml's indicators), plus those needing a closer look ('-', '?', ':', '.').
bool first_needs_care(char c) {
  switch (c) {
    case '#':
    case ',':
    case '[':
    case ']':
    case '{':
    case '}':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case '\'':
    case '"':
    case '%':
    case '@':
    case '`':
    case '?':
    case ':':
    case '-':
    case '.':
      return true;
    default:
      return false;
  }
}

// UTF-8 sequence length from its first byte.
int utf8_width(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

// libyaml's IS_PRINTABLE on the character starting at s[i] (which is inside s).
bool is_printable(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  unsigned char c = at(0);
  return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && at(1) >= 0xA0) ||
         (c > 0xC2 && c < 0xED) || (c == 0xED && at(1) < 0xA0) || c == 0xEE ||
         (c == 0xEF && !(at(1) == 0xBB && at(2) == 0xBF) &&
          !(at(1) == 0xBF && (at(2) == 0xBE || at(2) == 0xBF)));
}

bool is_break(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  unsigned char c = at(0);
  return c == '\r' || c == '\n' || (c == 0xC2 && at(1) == 0x85) ||
         (c == 0xE2 && at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9));
}

bool is_blankz(std::string_view s, size_t i) {
  if (i >= s.size()) return true;
  char c = s[i];
  return c == ' ' || c == '\t' || c == '\0' || is_break(s, i);
}

enum class Style { plain, single, double_quoted, literal };

struct Analysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool single_allowed = true;
  bool block_allowed = true;
};

// libyaml's yaml_emitter_analyze_scalar, block context only.
Analysis analyze(std::string_view s) {
  Analysis a;
  if (s.empty()) {
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = false, special = false, line_breaks = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false;
  bool previous_space = false, previous_break = false;
  if (s.size() >= 3 && (s.starts_with("---") || s.starts_with("..."))) block_indicators = true;
  bool preceded_by_ws = true;
  size_t first_width = static_cast<size_t>(utf8_width(static_cast<unsigned char>(s[0])));
  bool followed_by_ws = first_width >= s.size() || s[first_width] == ' ' || s[first_width] == '\t';
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    size_t width = static_cast<size_t>(utf8_width(static_cast<unsigned char>(c)));
    if (i == 0) {
      switch (c) {
        case '#':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '\'':
        case '"':
        case '%':
        case '@':
        case '`':
          block_indicators = true;
          break;
        case '?':
        case ':':
          if (followed_by_ws) block_indicators = true;
          break;
        case '-':
          if (followed_by_ws) block_indicators = true;
          break;
        default:
          break;
      }
    } else {
      if (c == ':' && followed_by_ws) block_indicators = true;
      if (c == '#' && preceded_by_ws) block_indicators = true;
    }
    if (!is_printable(s, i)) special = true;
    bool brk = is_break(s, i);
    if (brk) line_breaks = true;
    if (c == ' ') {
      if (i == 0) leading_space = true;
      if (i + width >= s.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (brk) {
      if (i == 0) leading_break = true;
      if (i + width >= s.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_ws = is_blankz(s, i);
    i += width;
    if (i < s.size()) {
      size_t next = i + static_cast<size_t>(utf8_width(static_cast<unsigned char>(s[i])));
      followed_by_ws = is_blankz(s, next);
    }
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break)
    a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.block_plain_allowed = a.single_allowed = false;
  if (space_break || special) a.block_plain_allowed = a.single_allowed = a.block_allowed = false;
  if (line_breaks) a.block_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

// Orders map keys as go-yaml v2 does: letters compare as characters, a letter sorts after
// a non-letter, and runs of digits compare as numbers.
bool is_letter(uint32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  // An approximation of Go's unicode.IsLetter: the letter blocks of the common scripts.
  // Symbols, punctuation and emoji are not letters, so they sort before letters.
  struct Range {
    uint32_t first, last;
  };
  static constexpr Range k_letters[] = {
      {0xAA, 0xAA},       {0xB5, 0xB5},       {0xBA, 0xBA},       {0xC0, 0xD6},
      {0xD8, 0xF6},       {0xF8, 0x2C1},      {0x2C6, 0x2D1},     {0x370, 0x374},
      {0x376, 0x37D},     {0x386, 0x386},     {0x388, 0x3F5},     {0x3F7, 0x481},
      {0x48A, 0x52F},     {0x531, 0x556},     {0x560, 0x588},     {0x5D0, 0x5EA},
      {0x620, 0x64A},     {0x671, 0x6D3},     {0x904, 0x939},     {0xE01, 0xE30},
      {0x10A0, 0x10FF},   {0x1100, 0x1248},   {0x1E00, 0x1FBC},   {0x2C00, 0x2CE4},
      {0x3041, 0x3096},   {0x30A1, 0x30FA},   {0x3105, 0x312F},   {0x3131, 0x318E},
      {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA48C},   {0xAC00, 0xD7A3},
      {0xF900, 0xFA6D},   {0xFF21, 0xFF3A},   {0xFF41, 0xFF5A},   {0xFF66, 0xFFDC},
      {0x10000, 0x100FA}, {0x10400, 0x1049D}, {0x20000, 0x2FA1D}, {0x30000, 0x3134A},
  };
  for (const Range& r : k_letters)
    if (c >= r.first && c <= r.last) return true;
  return false;
}

template <typename Char>
bool runes_less(const Char* a, size_t na, const Char* b, size_t nb) {
  auto digit = [](uint32_t c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < na && i < nb; ++i) {
    uint32_t x = a[i], y = b[i];
    if (x == y) continue;
    bool xl = is_letter(x), yl = is_letter(y);
    if (xl && yl) return x < y;
    if (xl || yl) return yl;
    int64_t an = 0, bn = 0;
    if (x == '0' || y == '0') {
      for (size_t j = i; j-- > 0 && digit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    // Go's int arithmetic: a run of more than 18 digits wraps around (kustomize sorts
    // "k10000000000000000000" before "k2"), with no undefined behaviour here.
    auto push_digit = [](int64_t n, uint32_t c) {
      return static_cast<int64_t>(static_cast<uint64_t>(n) * 10 + (c - '0'));
    };
    size_t ai = i, bi = i;
    for (; ai < na && digit(a[ai]); ++ai)
      an = push_digit(an, a[ai]);
    for (; bi < nb && digit(b[bi]); ++bi)
      bn = push_digit(bn, b[bi]);
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return x < y;
  }
  return na < nb;
}

std::vector<uint32_t> to_runes(std::string_view s) {
  std::vector<uint32_t> runes;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int width = utf8_width(c);
    uint32_t value = width == 1 ? c : c & (0xFF >> (width + 1));
    for (int k = 1; k < width && i + static_cast<size_t>(k) < s.size(); ++k)
      value = (value << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    runes.push_back(value);
    i += static_cast<size_t>(width);
  }
  return runes;
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool key_less(std::string_view a, std::string_view b) {
  if (is_ascii(a) && is_ascii(b)) {
    // Bytes compared as unsigned values, like Go runes.
    return runes_less(reinterpret_cast<const unsigned char*>(a.data()), a.size(),
                      reinterpret_cast<const unsigned char*>(b.data()), b.size());
  }
  std::vector<uint32_t> ra = to_runes(a), rb = to_runes(b);
  return runes_less(ra.data(), ra.size(), rb.data(), rb.size());
}

class Emitter {
 public:
  Emitter(std::string& out, YamlStyle style)
      : m_out(out),
        m_style(style),
        m_width(style.fold_long_strings ? k_best_width : std::numeric_limits<int>::max() / 2) {}

  void document(const Node& node) {
    m_column = 0;
    m_whitespace = true;
    m_indention = true;
    emit(node, -1, Context::root);
    write_indent(0);
  }

 private:
  enum class Context { root, sequence, mapping_key, mapping_value };

  std::string& m_out;
  YamlStyle m_style;
  int m_width;  // the column past which long strings fold
  int m_column = 0;
  bool m_whitespace = true;
  bool m_indention = true;
  std::vector<const MapEntry*> m_sorted;  // reused across maps

  void put(char c) {
    m_out.push_back(c);
    ++m_column;
  }

  void write_indent(int indent) {
    if (indent < 0) indent = 0;
    if (!m_indention || m_column > indent || (m_column == indent && !m_whitespace)) {
      m_out.push_back('\n');
      m_column = 0;
    }
    if (m_column < indent) {
      m_out.append(static_cast<size_t>(indent - m_column), ' ');
      m_column = indent;
    }
    m_whitespace = true;
    m_indention = true;
  }

  void write_indicator(std::string_view indicator, bool need_ws, bool is_ws, bool is_indention) {
    if (need_ws && !m_whitespace) put(' ');
    m_out.append(indicator);
    m_column += static_cast<int>(indicator.size());
    m_whitespace = is_ws;
    m_indention = m_indention && is_indention;
  }

  // Writes one character starting at s[i]; returns its byte width.
  size_t write_char(std::string_view s, size_t i) {
    size_t width = static_cast<size_t>(utf8_width(static_cast<unsigned char>(s[i])));
    if (i + width > s.size()) width = s.size() - i;
    m_out.append(s.data() + i, width);
    ++m_column;
    return width;
  }

  static int char_count(std::string_view s) {
    int count = 0;
    for (char c : s)
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    return count;
  }

  void emit(const Node& node, int parent_indent, Context context) {
    switch (node.type()) {
      case Node::Type::map:
        if (node.empty()) {
          write_indicator("{", true, true, false);
          write_indicator("}", false, false, false);
        } else {
          block_mapping(node, parent_indent < 0 ? 0 : parent_indent + k_best_indent);
        }
        return;
      case Node::Type::list:
        if (node.empty()) {
          write_indicator("[", true, true, false);
          write_indicator("]", false, false, false);
        } else {
          bool mapping_context =
              context == Context::mapping_key || context == Context::mapping_value;
          bool indentless = m_style.compact_sequences && mapping_context && !m_indention;
          int indent = parent_indent < 0 ? 0
                       : indentless      ? parent_indent
                                         : parent_indent + k_best_indent;
          block_sequence(node, indent);
        }
        return;
      default:
        scalar(node, parent_indent < 0 ? k_best_indent : parent_indent + k_best_indent, false);
        return;
    }
  }

  void block_sequence(const Node& list, int indent) {
    for (const Node& item : list.items()) {
      write_indent(indent);
      write_indicator("-", true, false, true);
      emit(item, indent, Context::sequence);
    }
  }

  void block_mapping(const Node& map, int indent) {
    auto entries = map.entries();
    size_t base = m_sorted.size();
    bool sorted = true;
    for (size_t i = 0; i < entries.size(); ++i) {
      m_sorted.push_back(&entries[i]);
      if (sorted && i > 0 && !key_less(entries[i - 1].key.as_string(), entries[i].key.as_string()))
        sorted = false;
    }
    if (!sorted) {
      std::sort(m_sorted.begin() + static_cast<std::ptrdiff_t>(base), m_sorted.end(),
                [](const MapEntry* a, const MapEntry* b) {
                  return key_less(a->key.as_string(), b->key.as_string());
                });
    }
    for (size_t i = base; i < base + entries.size(); ++i) {
      const MapEntry& entry = *m_sorted[i];
      write_indent(indent);
      std::string_view key = entry.key.as_string();
      bool simple = key.size() <= k_max_simple_key && !has_break(key);
      if (simple) {
        scalar(entry.key, indent + k_best_indent, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, true);
        emit(entry.key, indent, Context::mapping_key);
        write_indent(indent);
        write_indicator(":", true, false, true);
      }
      emit(entry.value, indent, Context::mapping_value);
    }
    m_sorted.resize(base);
  }

  static bool has_break(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      // Only '\n', '\r' and sequences starting 0xC2 (NEL) or 0xE2 (LS, PS) can be breaks.
      unsigned char c = static_cast<unsigned char>(s[i]);
      if ((c == '\n' || c == '\r' || c == 0xC2 || c == 0xE2) && is_break(s, i)) return true;
    }
    return false;
  }

  void plain_text(std::string_view text) {
    if (!m_whitespace) put(' ');
    m_out.append(text);
    m_column += static_cast<int>(text.size());
    m_whitespace = false;
    m_indention = false;
  }

  void scalar(const Node& node, int indent, bool simple_key) {
    char buffer[32];
    switch (node.type()) {
      case Node::Type::null:
        plain_text("null");
        return;
      case Node::Type::boolean:
        plain_text(node.as_bool() ? "true" : "false");
        return;
      case Node::Type::integer: {
        std::string text;
        yaml_detail::append_int(node.as_int(), text);
        plain_text(text);
        return;
      }
      case Node::Type::floating: {
        std::string text;
        yaml_detail::append_float(node.as_float(), text, m_style.floats_as_json);
        plain_text(text);
        return;
      }
      case Node::Type::string:
        string_scalar(node.as_string(), indent, simple_key);
        return;
      default:
        (void)buffer;
        return;
    }
  }

  void string_scalar(std::string_view s, int indent, bool simple_key) {
    // A plain `<<` key would read back as a merge key. (kustomize never prints one: it drops
    // such a key from its input and fails on one that a generator or patch makes.)
    if (simple_key && s == "<<") {
      write_double(s, false, indent);
      return;
    }
    // Fast path: one word of printable ASCII that go-yaml would read back as this string.
    if (!s.empty() && !first_needs_care(s[0])) {
      bool simple = true;
      for (char c : s) {
        if (!(k_bytes.flags[static_cast<unsigned char>(c)] & k_plain)) {
          simple = false;
          break;
        }
      }
      if (simple && !plain_is_ambiguous(s)) {
        plain_text(s);
        return;
      }
    }
    Style style;
    if (s.find('\n') != std::string_view::npos) {
      style = Style::literal;
    } else if (!plain_is_ambiguous(s)) {
      style = Style::plain;
    } else {
      style = Style::double_quoted;
    }
    Analysis a = analyze(s);
    if (simple_key && a.multiline) style = Style::double_quoted;
    if (style == Style::plain && !a.block_plain_allowed) style = Style::single;
    if (style == Style::single && !a.single_allowed) style = Style::double_quoted;
    if (style == Style::literal && (!a.block_allowed || simple_key)) style = Style::double_quoted;
    bool allow_breaks = !simple_key;
    switch (style) {
      case Style::plain:
        write_plain(s, allow_breaks, indent);
        break;
      case Style::single:
        write_single(s, allow_breaks, indent);
        break;
      case Style::double_quoted:
        write_double(s, allow_breaks, indent);
        break;
      case Style::literal:
        write_literal(s, indent);
        break;
    }
  }

  // True when the text, written from the current column, cannot reach a fold point.
  bool fits(std::string_view s) const { return m_column + char_count(s) <= m_width + 1; }

  void write_plain(std::string_view s, bool allow_breaks, int indent) {
    if (!m_whitespace) put(' ');
    if (!allow_breaks || fits(s)) {
      m_out.append(s);
      m_column += char_count(s);
    } else {
      bool spaces = false;
      for (size_t i = 0; i < s.size();) {
        if (s[i] == ' ') {
          if (!spaces && m_column > m_width && !(i + 1 < s.size() && s[i + 1] == ' ')) {
            write_indent(indent);
            ++i;
          } else {
            i += write_char(s, i);
          }
          spaces = true;
        } else {
          i += write_char(s, i);
          m_indention = false;
          spaces = false;
        }
      }
    }
    m_whitespace = false;
    m_indention = false;
  }

  void write_break(std::string_view s, size_t& i) {
    if (s[i] == '\n') {
      m_out.push_back('\n');
      ++i;
    } else {
      i += write_char(s, i);
    }
    m_column = 0;
  }

  void write_single(std::string_view s, bool allow_breaks, int indent) {
    write_indicator("'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < s.size();) {
      if (s[i] == ' ') {
        if (allow_breaks && !spaces && m_column > m_width && i != 0 && i != s.size() - 1 &&
            !(i + 1 < s.size() && s[i + 1] == ' ')) {
          write_indent(indent);
          ++i;
        } else {
          i += write_char(s, i);
        }
        spaces = true;
      } else if (is_break(s, i)) {
        if (!breaks && s[i] == '\n') {
          m_out.push_back('\n');
          m_column = 0;
        }
        write_break(s, i);
        m_indention = true;
        breaks = true;
      } else {
        if (breaks) write_indent(indent);
        if (s[i] == '\'') put('\'');
        i += write_char(s, i);
        m_indention = false;
        spaces = breaks = false;
      }
    }
    write_indicator("'", false, false, false);
  }

  void write_double(std::string_view s, bool allow_breaks, int indent) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    write_indicator("\"", true, false, false);
    bool spaces = false;
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      bool bom = c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
                 static_cast<unsigned char>(s[i + 2]) == 0xBF;
      if (!is_printable(s, i) || bom || is_break(s, i) || c == '"' || c == '\\') {
        int width = utf8_width(c);
        uint32_t value = width == 1 ? c : c & (0xFF >> (width + 1));
        for (int k = 1; k < width && i + static_cast<size_t>(k) < s.size(); ++k)
          value = (value << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
        i += static_cast<size_t>(width);
        put('\\');
        switch (value) {
          case 0x00:
            put('0');
            break;
          case 0x07:
            put('a');
            break;
          case 0x08:
            put('b');
            break;
          case 0x09:
            put('t');
            break;
          case 0x0A:
            put('n');
            break;
          case 0x0B:
            put('v');
            break;
          case 0x0C:
            put('f');
            break;
          case 0x0D:
            put('r');
            break;
          case 0x1B:
            put('e');
            break;
          case 0x22:
            put('"');
            break;
          case 0x5C:
            put('\\');
            break;
          case 0x85:
            put('N');
            break;
          case 0xA0:
            put('_');
            break;
          case 0x2028:
            put('L');
            break;
          case 0x2029:
            put('P');
            break;
          default: {
            int digits;
            if (value <= 0xFF) {
              put('x');
              digits = 2;
            } else if (value <= 0xFFFF) {
              put('u');
              digits = 4;
            } else {
              put('U');
              digits = 8;
            }
            for (int k = (digits - 1) * 4; k >= 0; k -= 4)
              put(k_hex[(value >> k) & 0x0F]);
          }
        }
        spaces = false;
      } else if (c == ' ') {
        if (allow_breaks && !spaces && m_column > m_width && i != 0 && i != s.size() - 1) {
          write_indent(indent);
          if (i + 1 < s.size() && s[i + 1] == ' ') put('\\');
          ++i;
        } else {
          i += write_char(s, i);
        }
        spaces = true;
      } else {
        i += write_char(s, i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
  }

  void write_literal(std::string_view s, int indent) {
    write_indicator("|", true, false, false);
    if (s[0] == ' ' || is_break(s, 0)) put(static_cast<char>('0' + k_best_indent));
    // Chomping: '-' when the text does not end in a line break, '+' when it ends in two
    // (or is a single break), none (clip) for exactly one.
    size_t last = s.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80)
      --last;
    if (!is_break(s, last)) {
      put('-');
    } else if (last == 0) {
      put('+');
    } else {
      size_t before = last - 1;
      while (before > 0 && (static_cast<unsigned char>(s[before]) & 0xC0) == 0x80)
        --before;
      if (is_break(s, before)) put('+');
    }
    m_out.push_back('\n');
    m_column = 0;
    m_indention = true;
    m_whitespace = true;
    bool breaks = true;
    for (size_t i = 0; i < s.size();) {
      if (is_break(s, i)) {
        write_break(s, i);
        m_indention = true;
        breaks = true;
      } else {
        if (breaks) {
          write_indent(indent);
          // The rest of the line has no break-sensitive content: copy it whole.
          size_t end = s.find('\n', i);
          if (end == std::string_view::npos) end = s.size();
          std::string_view line = s.substr(i, end - i);
          if (is_ascii(line) && line.find('\r') == std::string_view::npos) {
            m_out.append(line);
            m_column += static_cast<int>(line.size());
            i = end;
            m_indention = false;
            breaks = false;
            continue;
          }
        }
        i += write_char(s, i);
        m_indention = false;
        breaks = false;
      }
    }
  }
};

}  // namespace

void append_yaml(const Node& document, std::string& out, YamlStyle style) {
  Emitter emitter(out, style);
  emitter.document(document);
}

std::string to_yaml(const Node& document, YamlStyle style) {
  std::string out;
  append_yaml(document, out, style);
  return out;
}

std::string to_yaml_stream(std::span<const Node> documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += "---\n";
    append_yaml(documents[i], out);
  }
  return out;
}

}  // namespace plumb
