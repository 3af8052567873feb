// sops' YAML output: go-yaml v3's encoder with a 4-space indent over sops' node tree, as
// `sops --decrypt` prints a file. Strings that v3 would resolve as something else are
// double-quoted; other strings are plain unless libyaml's scalar analysis forbids it (then
// single-, then double-quoted); strings with a newline are literal blocks. Floats print as
// Go's FormatFloat(f, 'g', -1, 64). No line wrapping (v3 sets no width). Comments are not
// printed: core's YAML reader does not keep them.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/yaml.hpp"
#include "sops/print_yaml.hpp"

namespace plumb::sops {

namespace {

constexpr int k_indent = 4;

// Go's strconv.FormatFloat(f, 'g', -1, 64).
std::string go_float_g(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  bool negative = sci.starts_with('-');
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  std::string out = negative ? "-" : "";
  // Shortest 'g' uses the exponent form below 1e-4 and from 1e6 (Go's eprec = 6).
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += exp < 0 ? "e-" : "e+";
    if (std::abs(exp) < 10) out += '0';
    out += std::to_string(std::abs(exp));
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  if (static_cast<size_t>(exp) + 1 >= digits.size()) {
    out += digits;
    out.append(static_cast<size_t>(exp) + 1 - digits.size(), '0');
    return out;
  }
  out += digits.substr(0, static_cast<size_t>(exp) + 1);
  out += '.';
  out += digits.substr(static_cast<size_t>(exp) + 1);
  return out;
}

bool is_break(unsigned char c) {
  return c == '\n' || c == '\r';
}
bool is_space(unsigned char c) {
  return c == ' ';
}
bool is_blankz(std::string_view s, size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t' || is_break(static_cast<unsigned char>(s[i]));
}

// libyaml's is_printable at byte i (UTF-8).
bool is_printable(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c == 0x0A || (c >= 0x20 && c <= 0x7E)) return true;
  if (c < 0x80) return false;
  if (c == 0xC2 && i + 1 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]);
    return d == 0x85 || d >= 0xA0;
  }
  if (c > 0xC2 && c < 0xED) return true;
  if (c == 0xED && i + 1 < s.size()) return static_cast<unsigned char>(s[i + 1]) < 0xA0;
  if (c == 0xEE) return true;
  if (c == 0xEF && i + 2 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]), e = static_cast<unsigned char>(s[i + 2]);
    return !(d == 0xBB && e == 0xBF) && !(d == 0xBF && (e == 0xBE || e == 0xBF));
  }
  return c >= 0xF0;
}

size_t utf8_width(unsigned char c) {
  if ((c & 0x80) == 0) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

struct Analysis {
  bool block_plain = true, single = true, block = true, multiline = false;
};

// libyaml's yaml_emitter_analyze_scalar (block context).
Analysis analyze(std::string_view s) {
  Analysis a;
  if (s.empty()) {
    a.block = false;
    return a;
  }
  bool block_indicators = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false;
  bool previous_space = false, previous_break = false;
  if ((s.starts_with("---") || s.starts_with("...")) && is_blankz(s, 3)) block_indicators = true;
  bool preceded_by_whitespace = true;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t w = utf8_width(c);
    bool followed_by_whitespace = is_blankz(s, i + w);
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(static_cast<char>(c)) !=
          std::string_view::npos)
        block_indicators = true;
      if ((c == '?' || c == ':') && followed_by_whitespace) block_indicators = true;
      if (c == '-' && followed_by_whitespace) block_indicators = true;
    } else {
      if (c == ':' && followed_by_whitespace) block_indicators = true;
      if (c == '#' && preceded_by_whitespace) block_indicators = true;
    }
    if (!is_printable(s, i)) special = true;
    if (is_break(c)) line_breaks = true;
    if (is_space(c)) {
      if (i == 0) leading_space = true;
      if (i + w == s.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(c)) {
      if (i == 0) leading_break = true;
      if (i + w == s.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_break = true;
      previous_space = false;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = is_blankz(s, i);
    i += w;
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) a.block_plain = false;
  if (trailing_space) a.block = false;
  if (break_space) a.block_plain = a.single = false;
  if (space_break || special) a.block_plain = a.single = a.block = false;
  if (line_breaks) a.block_plain = false;
  if (block_indicators) a.block_plain = false;
  return a;
}

// go-yaml v3's resolve: does plain `s` read back as this string?
bool resolves_as_string(std::string_view s) {
  if (s.empty()) return false;
  // Timestamps (2006-1-2 with an optional time) resolve as !!timestamp.
  if (s.size() >= 8 && std::isdigit(static_cast<unsigned char>(s[0])) &&
      std::isdigit(static_cast<unsigned char>(s[1])) &&
      std::isdigit(static_cast<unsigned char>(s[2])) &&
      std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-') {
    auto parsed = parse_yaml(s, "scalar");
    if (parsed && parsed->is_string() && parsed->as_string() != s) return false;
    size_t i = 5, digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 2)
      ++i, ++digits;
    if (digits > 0 && i < s.size() && s[i] == '-') {
      size_t j = i + 1, d2 = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && d2 < 2)
        ++j, ++d2;
      if (d2 > 0 && (j == s.size() || s[j] == 'T' || s[j] == 't' || s[j] == ' ')) return false;
    }
  }
  // Only a scalar reading matters (resolve looks at plain scalars; text that reads as a
  // collection or does not parse is a string to it).
  auto parsed = parse_yaml(s, "scalar");
  if (!parsed || parsed->is_container()) return true;
  return parsed->is_string() && parsed->as_string() == s;
}

void write_double_quoted(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t w = utf8_width(c);
    if (is_printable(s, i) && c != '"' && c != '\\' && c != '\n' &&
        !(c == 0xEF && s.substr(i, 3) == "\xEF\xBB\xBF")) {
      out.append(s.substr(i, w));
      i += w;
      continue;
    }
    switch (c) {
      case 0:
        out += "\\0";
        break;
      case 7:
        out += "\\a";
        break;
      case 8:
        out += "\\b";
        break;
      case 9:
        out += "\\t";
        break;
      case 10:
        out += "\\n";
        break;
      case 11:
        out += "\\v";
        break;
      case 12:
        out += "\\f";
        break;
      case 13:
        out += "\\r";
        break;
      case 27:
        out += "\\e";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default: {
        // The code point, as \xXX, \uXXXX or \UXXXXXXXX.
        uint32_t cp = c;
        if (w > 1 && i + w <= s.size()) {
          cp = c & (0xFF >> (w + 1));
          for (size_t k = 1; k < w; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        } else {
          w = 1;
        }
        char buf[16];
        if (cp == 0x85)
          std::snprintf(buf, sizeof buf, "\\N");
        else if (cp == 0xA0)
          std::snprintf(buf, sizeof buf, "\\_");
        else if (cp == 0x2028)
          std::snprintf(buf, sizeof buf, "\\L");
        else if (cp == 0x2029)
          std::snprintf(buf, sizeof buf, "\\P");
        else if (cp <= 0xFF)
          std::snprintf(buf, sizeof buf, "\\x%02X", cp);
        else if (cp <= 0xFFFF)
          std::snprintf(buf, sizeof buf, "\\u%04X", cp);
        else
          std::snprintf(buf, sizeof buf, "\\U%08X", cp);
        out += buf;
      }
    }
    i += w;
  }
  out += '"';
}

void write_literal(std::string_view s, int indent, std::string& out) {
  out += '|';
  if (!s.empty() && (s[0] == ' ' || s[0] == '\n')) out += std::to_string(k_indent);
  if (s.empty() || s.back() != '\n')
    out += '-';
  else if (s.size() == 1 || s[s.size() - 2] == '\n')
    out += '+';
  out += '\n';
  std::string_view body = s;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  size_t start = 0;
  while (true) {
    size_t nl = body.find('\n', start);
    std::string_view line = body.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty()) out.append(static_cast<size_t>(indent), ' ');
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

// A scalar after `key: ` or `- ` (or alone); block literals end with their own newline.
void write_scalar(const Node& node, int block_indent, bool simple_key, std::string& out) {
  switch (node.type()) {
    case Node::Type::null:
      out += "null";
      return;
    case Node::Type::boolean:
      out += node.as_bool() ? "true" : "false";
      return;
    case Node::Type::integer:
      out += std::to_string(node.as_int());
      return;
    case Node::Type::floating:
      out += go_float_g(node.as_float());
      return;
    default:
      break;
  }
  std::string_view s = node.as_string();
  Analysis a = analyze(s);
  // sops marks strings with a newline as literal: that comes before v3's quoting of strings
  // that would resolve as another type.
  if (s.find('\n') != std::string_view::npos) {
    if (!a.block || simple_key) return write_double_quoted(s, out);
    return write_literal(s, block_indent, out);
  }
  if (!resolves_as_string(s)) return write_double_quoted(s, out);
  if (a.block_plain && !(simple_key && a.multiline)) {
    out += s;
    return;
  }
  if (a.single && !a.multiline) {
    out += '\'';
    for (char c : s) {
      if (c == '\'') out += '\'';
      out += c;
    }
    out += '\'';
    return;
  }
  write_double_quoted(s, out);
}

bool ends_line(const std::string& out) {
  return !out.empty() && out.back() == '\n';
}

void write_node(const Node& node, int indent, std::string& out);

// A value after "key:" (the colon written): a block collection starts on the next line.
// Its indentation is go-yaml v3's increase_indent: the next multiple of the indent after the
// key's column, so under a key at column 10 (a map in a sequence item at 8) it is 12, not 14.
void write_value(const Node& value, int indent, std::string& out) {
  int inner = k_indent * ((indent + k_indent) / k_indent);
  if (value.is_map() && !value.empty()) {
    out += '\n';
    write_node(value, inner, out);
  } else if (value.is_list() && !value.empty()) {
    out += '\n';
    write_node(value, inner, out);
  } else if (value.is_map()) {
    out += " {}\n";
  } else if (value.is_list()) {
    out += " []\n";
  } else {
    out += ' ';
    write_scalar(value, inner, false, out);
    if (!ends_line(out)) out += '\n';
  }
}

// A block collection whose first line starts at column `indent` (already positioned when
// `inline_first` — after "- ").
void write_collection(const Node& node, int indent, bool inline_first, std::string& out) {
  bool first = true;
  if (node.is_map()) {
    for (const auto& entry : node.entries()) {
      if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
      first = false;
      write_scalar(entry.key, indent, true, out);
      out += ':';
      write_value(entry.value, indent, out);
    }
    return;
  }
  for (const Node& item : node.items()) {
    if (!(first && inline_first)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += "- ";
    if (item.is_container() && !item.empty()) {
      write_collection(item, indent + 2, true, out);
    } else if (item.is_map()) {
      out += "{}\n";
    } else if (item.is_list()) {
      out += "[]\n";
    } else {
      write_scalar(item, indent + 2 + (k_indent - 2), false, out);
      if (!ends_line(out)) out += '\n';
    }
  }
}

void write_node(const Node& node, int indent, std::string& out) {
  if (node.is_container() && !node.empty()) return write_collection(node, indent, false, out);
  if (node.is_map()) {
    out += "{}\n";
  } else if (node.is_list()) {
    out += "[]\n";
  } else {
    write_scalar(node, indent, false, out);
    if (!ends_line(out)) out += '\n';
  }
}

}  // namespace

std::string print_yaml_documents(std::span<const Node> documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += "---\n";
    write_node(documents[i], 0, out);
  }
  return out;
}

}  // namespace plumb::sops
