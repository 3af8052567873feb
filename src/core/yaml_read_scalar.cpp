// The YAML reader's scalar and flow scanners: plain, quoted and block scalars, properties
// (anchors and tags), aliases, and flow collections.
#include <cstring>

#include "core/utf8.hpp"
#include "core/yaml_reader.hpp"
#include "core/yaml_scalar.hpp"

namespace plumb::yaml_detail {
namespace {

constexpr uint8_t k_stop_block = 1;
constexpr uint8_t k_stop_flow = 2;

struct StopTable {
  uint8_t flags[256] = {};
  constexpr StopTable() {
    for (unsigned char c : {'\n', '\r', ':', '#'})
      flags[c] = k_stop_block | k_stop_flow;
    for (unsigned char c : {',', '[', ']', '{', '}'})
      flags[c] = k_stop_flow;
  }
};
constexpr StopTable k_stops;

bool is_anchor_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// The characters of a tag (URI characters, without the flow indicators).
bool is_tag_char(char c) {
  if (is_anchor_char(c)) return true;
  switch (c) {
    case ';':
    case '/':
    case '?':
    case ':':
    case '@':
    case '&':
    case '=':
    case '+':
    case '$':
    case '.':
    case '%':
    case '!':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
      return true;
    default:
      return false;
  }
}

// U+2028 and U+2029: go-yaml's scanner (like libyaml's) treats them as line breaks inside
// quoted scalars: kept as characters, but the blanks around them fold away.
bool unicode_break_at(const char* p, const char* end) {
  return end - p >= 3 && p[0] == '\xE2' && p[1] == '\x80' && (p[2] == '\xA8' || p[2] == '\xA9');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The short name of a standard tag ("!!str" and "!<tag:yaml.org,2002:str>" give "str");
// other tags are kept as written, starting with '!'.
std::string_view short_tag(std::string_view tag) {
  constexpr std::string_view k_prefix = "tag:yaml.org,2002:";
  if (tag.starts_with("!!")) return tag.substr(2);
  if (tag.starts_with("!<") && tag.ends_with(">")) {
    std::string_view inner = tag.substr(2, tag.size() - 3);
    if (inner.starts_with(k_prefix)) return inner.substr(k_prefix.size());
  }
  return tag;
}

// kustomize reads a folded (`>`) scalar, writes it back with go-yaml v3 and reads it again.
// v3's folded writer adds a line break after every line that starts with a non-blank (it
// tests the first character of the whole text where it meant the next line), which the
// second read keeps wherever the next content line is more indented: "a\n  b" becomes
// "a\n\n  b". Text that v3 would not write as a block scalar (tabs, a space before a
// break or at the end) or that starts with a blank goes through unchanged.
void kustomize_folded_round_trip(std::string& s, int chomp) {
  size_t k = 0;
  while (k < s.size() && s[k] == '\n')
    ++k;
  if (k >= s.size() || s[k] == ' ' || s[k] == '\t') return;
  if (s.find('\t') != std::string::npos || s.back() == ' ' || s.find(" \n") != std::string::npos)
    return;
  std::string out;
  out.reserve(s.size() + 16);
  size_t line_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      out.push_back(s[i]);
      continue;
    }
    if (i > line_start && s[line_start] != ' ') {
      size_t j = i + 1;
      while (j < s.size() && s[j] == '\n')
        ++j;
      if (j < s.size() ? s[j] == ' ' : chomp == 1) out.push_back('\n');
    }
    out.push_back('\n');
    line_start = i + 1;
  }
  s.swap(out);
}

}  // namespace

// --- properties and aliases ---

Reader::Props Reader::properties(bool flow) {
  Props props;
  props.at = m_p;
  for (int round = 0; round < 2 && !at_end(); ++round) {
    if (*m_p == '&') {
      if (!props.anchor.empty()) fail_at(m_p, "a node can have only one anchor");
      const char* start = ++m_p;
      while (m_p < m_end && is_anchor_char(*m_p))
        ++m_p;
      if (m_p == start) fail_at(start - 1, "an anchor needs a name");
      // What go-yaml lets follow an anchor name.
      if (!blank_or_end_at(m_p) && !std::strchr("?:,]}%@`", *m_p))
        fail_at(m_p, "unexpected character after an anchor name");
      props.anchor = std::string_view(start, static_cast<size_t>(m_p - start));
    } else if (*m_p == '!') {
      if (!props.tag.empty()) fail_at(m_p, "a node can have only one tag");
      const char* start = m_p;
      if (peek(1) == '<') {
        const void* close = std::memchr(m_p, '>', static_cast<size_t>(m_end - m_p));
        if (!close) fail_at(start, "unclosed verbatim tag");
        m_p = static_cast<const char*>(close) + 1;
      } else {
        ++m_p;
        while (m_p < m_end && is_tag_char(*m_p))
          ++m_p;
      }
      props.tag = short_tag(std::string_view(start, static_cast<size_t>(m_p - start)));
      // Like go-yaml: a tag ends at a blank (or a ',' inside a flow collection).
      if (!blank_or_end_at(m_p) && !(flow && *m_p == ','))
        fail_at(m_p, "expected a blank after the tag");
    } else {
      break;
    }
    skip_blanks();
  }
  return props;
}

Node Reader::apply(Node node, const Props& props, size_t nodes_before) {
  if (!props.anchor.empty()) m_anchors.push_back({props.anchor, node, m_nodes - nodes_before});
  return node;
}

Node Reader::alias() {
  const char* at = m_p;
  const char* start = ++m_p;
  while (m_p < m_end && is_anchor_char(*m_p))
    ++m_p;
  std::string_view name(start, static_cast<size_t>(m_p - start));
  if (name.empty()) fail_at(at, "an alias needs a name");
  for (auto it = m_anchors.rbegin(); it != m_anchors.rend(); ++it) {
    if (it->name != name) continue;
    m_nodes += it->weight;
    if (m_nodes > m_node_budget) {
      fail_at(at, "aliases expand to more than " + std::to_string(m_node_budget) +
                      " nodes (an alias bomb?)");
    }
    return it->node;
  }
  fail_at(at, "unknown anchor '" + std::string(name) + "'");
}

Node Reader::make_scalar(Scalar scalar, const Props& props, const char* at) {
  count_node();
  if (props.tag.empty())
    return scalar.plain ? resolve_plain(scalar.text, m_plain) : Node::string(scalar.text);
  std::string_view tag = props.tag;
  if (tag == "str" || tag == "!" || tag == "binary" || tag.starts_with("!"))
    return Node::string(scalar.text);
  if (tag == "timestamp") {
    std::string normalized;
    if (parse_timestamp(scalar.text, normalized)) return Node::string(normalized);
    return Node::string(scalar.text);
  }
  Node value = resolve_plain(scalar.text, m_plain);
  auto wrong = [&]() {
    fail_at(at, "cannot read \"" + std::string(scalar.text.substr(0, 60)) + "\" as !!" +
                    std::string(tag));
  };
  if (tag == "int") {
    if (!value.is_int()) wrong();
  } else if (tag == "float") {
    if (value.is_int()) return Node::floating(value.as_float());
    if (!value.is_float()) wrong();
  } else if (tag == "bool") {
    if (!value.is_bool()) wrong();
  } else if (tag == "null") {
    if (!value.is_null()) wrong();
  } else if (tag == "map" || tag == "seq" || tag == "omap" || tag == "set") {
    wrong();
  } else {
    return Node::string(scalar.text);
  }
  return value;
}

// --- plain scalars ---

bool Reader::at_value_indicator(bool flow) const {
  if (m_p >= m_end || *m_p != ':') return false;
  return blank_or_end_at(m_p + 1) || (flow && is_flow_indicator(m_p[1]));
}

std::string_view Reader::plain_line(bool flow) {
  const uint8_t stop = flow ? k_stop_flow : k_stop_block;
  const char* start = m_p;
  const char* p = m_p;
  for (;;) {
    while (p < m_end && !(k_stops.flags[static_cast<unsigned char>(*p)] & stop))
      ++p;
    if (p >= m_end) break;
    char c = *p;
    if (c == ':') {
      if (p + 1 >= m_end || p[1] == ' ' || p[1] == '\t' || is_break(p[1]) ||
          (flow && is_flow_indicator(p[1])))
        break;
      ++p;
      continue;
    }
    if (c == '#') {
      if (p > start && (p[-1] == ' ' || p[-1] == '\t')) break;
      ++p;
      continue;
    }
    break;  // a line break, or a flow indicator inside a flow collection
  }
  const char* end = p;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
    --end;
  m_p = p;
  return {start, static_cast<size_t>(end - start)};
}

Reader::Scalar Reader::plain_block(int parent_indent, std::string_view first) {
  if (at_end()) return {first, true};
  if (*m_p == '#') {
    skip_comment();
    consume_newline();
    skip_lines();
    return {first, true};
  }
  consume_newline();
  bool built = false;
  for (;;) {
    size_t empty = 0;
    const char* p;
    for (;;) {  // count empty lines
      p = m_p;
      while (p < m_end && (*p == ' ' || *p == '\t'))
        ++p;
      if (p < m_end && is_break(*p)) {
        m_p = p;
        consume_newline();
        ++empty;
        continue;
      }
      break;
    }
    const char* indent_end = m_line_start;
    while (indent_end < m_end && *indent_end == ' ')
      ++indent_end;
    int col = static_cast<int>(indent_end - m_line_start);
    if (p >= m_end || col <= parent_indent || *p == '#' || at_document_marker()) {
      m_p = m_line_start;
      skip_lines();
      break;
    }
    if (!built) {
      m_buf.assign(first);
      built = true;
    }
    if (empty == 0) {
      m_buf.push_back(' ');
    } else {
      m_buf.append(empty, '\n');
    }
    m_p = p;
    m_buf.append(plain_line(false));
    if (at_value_indicator(false)) fail_at(m_p, "mapping values are not allowed in this context");
    if (at_end()) break;
    if (*m_p == '#') {
      skip_comment();
      consume_newline();
      skip_lines();
      break;
    }
    consume_newline();
  }
  return {built ? std::string_view(m_buf) : first, true};
}

Reader::Scalar Reader::plain_flow() {
  std::string_view text = plain_line(true);
  bool built = false;
  while (!at_end() && is_break(*m_p)) {
    size_t empty = 0;
    consume_newline();
    for (;;) {
      skip_blanks();
      if (!at_end() && is_break(*m_p)) {
        consume_newline();
        ++empty;
        continue;
      }
      break;
    }
    if (at_end() || at_document_marker() || is_flow_indicator(*m_p) || *m_p == '#' ||
        at_value_indicator(true))
      break;
    if (!built) {
      m_buf.assign(text);
      built = true;
    }
    if (empty == 0) {
      m_buf.push_back(' ');
    } else {
      m_buf.append(empty, '\n');
    }
    m_buf.append(plain_line(true));
  }
  return {built ? std::string_view(m_buf) : text, true};
}

// --- quoted scalars ---

// Blanks and line breaks inside a quoted scalar, folded as YAML folds them: trailing blanks
// of a line go, one break becomes a space, n+1 breaks become n newlines. Returns false when
// the next character is none of these.
bool Reader::fold_quoted_space(const char* open, const char* unclosed) {
  char c = *m_p;
  if (c == ' ' || c == '\t') {
    const char* start = m_p;
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\t'))
      ++m_p;
    if (m_p < m_end && !is_break(*m_p) && !unicode_break_at(m_p, m_end)) m_buf.append(start, m_p);
    return true;
  }
  if (is_break(c)) {
    consume_newline();
    size_t empty = 0;
    for (;;) {
      skip_blanks();
      if (at_end() || !is_break(*m_p)) break;
      consume_newline();
      ++empty;
    }
    if (at_document_marker()) fail_at(open, unclosed);
    if (empty == 0) {
      m_buf.push_back(' ');
    } else {
      m_buf.append(empty, '\n');
    }
    return true;
  }
  if (unicode_break_at(m_p, m_end)) {
    m_buf.append(m_p, 3);
    m_p += 3;
    skip_blanks();
    return true;
  }
  return false;
}

Reader::Scalar Reader::double_quoted() {
  const char* open = m_p++;
  const char* p = m_p;
  while (p < m_end && *p != '"' && *p != '\\' && !is_break(*p) && *p != '\xE2')
    ++p;
  if (p < m_end && *p == '"') {
    std::string_view text(m_p, static_cast<size_t>(p - m_p));
    m_p = p + 1;
    return {text, false};
  }
  m_buf.assign(m_p, p);
  m_p = p;
  for (;;) {
    if (at_end()) fail_at(open, "unclosed double-quoted string");
    char c = *m_p;
    if (c == '"') {
      ++m_p;
      break;
    }
    if (c == '\\') {
      const char* escape = m_p++;
      if (at_end()) fail_at(open, "unclosed double-quoted string");
      char e = *m_p++;
      int digits = 0;
      switch (e) {
        case '0':
          m_buf.push_back('\0');
          break;
        case 'a':
          m_buf.push_back('\a');
          break;
        case 'b':
          m_buf.push_back('\b');
          break;
        case 't':
        case '\t':
          m_buf.push_back('\t');
          break;
        case 'n':
          m_buf.push_back('\n');
          break;
        case 'v':
          m_buf.push_back('\v');
          break;
        case 'f':
          m_buf.push_back('\f');
          break;
        case 'r':
          m_buf.push_back('\r');
          break;
        case 'e':
          m_buf.push_back('\x1b');
          break;
        case ' ':
          m_buf.push_back(' ');
          break;
        case '"':
          m_buf.push_back('"');
          break;
        case '/':
          m_buf.push_back('/');
          break;
        case '\\':
          m_buf.push_back('\\');
          break;
        case 'N':
          append_utf8(0x85, m_buf);
          break;
        case '_':
          append_utf8(0xA0, m_buf);
          break;
        case 'L':
          append_utf8(0x2028, m_buf);
          break;
        case 'P':
          append_utf8(0x2029, m_buf);
          break;
        case 'x':
          digits = 2;
          break;
        case 'u':
          digits = 4;
          break;
        case 'U':
          digits = 8;
          break;
        case '\r':
        case '\n': {  // an escaped line break joins the lines without a space
          --m_p;
          consume_newline();
          for (;;) {
            skip_blanks();
            if (!at_end() && is_break(*m_p)) {
              consume_newline();
              m_buf.push_back('\n');
              continue;
            }
            break;
          }
          break;
        }
        default:
          fail_at(escape, std::string("unknown escape sequence '\\") + e + "'");
      }
      if (digits) {
        uint32_t cp = 0;
        for (int i = 0; i < digits; ++i) {
          int v = m_p < m_end ? hex_value(*m_p) : -1;
          if (v < 0) fail_at(escape, "bad hexadecimal escape sequence");
          cp = cp * 16 + static_cast<uint32_t>(v);
          ++m_p;
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
          fail_at(escape, "escape sequence is not a valid Unicode character");
        append_utf8(cp, m_buf);
      }
      continue;
    }
    if (fold_quoted_space(open, "unclosed double-quoted string")) continue;
    const char* start = m_p;
    while (m_p < m_end && *m_p != '"' && *m_p != '\\' && *m_p != ' ' && *m_p != '\t' &&
           !is_break(*m_p) && !unicode_break_at(m_p, m_end))
      ++m_p;
    m_buf.append(start, m_p);
  }
  return {m_buf, false};
}

Reader::Scalar Reader::single_quoted() {
  const char* open = m_p++;
  const char* p = m_p;
  while (p < m_end && *p != '\'' && !is_break(*p) && *p != '\xE2')
    ++p;
  if (p < m_end && *p == '\'' && !(p + 1 < m_end && p[1] == '\'')) {
    std::string_view text(m_p, static_cast<size_t>(p - m_p));
    m_p = p + 1;
    return {text, false};
  }
  m_buf.assign(m_p, p);
  m_p = p;
  for (;;) {
    if (at_end()) fail_at(open, "unclosed single-quoted string");
    char c = *m_p;
    if (c == '\'') {
      if (peek(1) == '\'') {
        m_buf.push_back('\'');
        m_p += 2;
        continue;
      }
      ++m_p;
      break;
    }
    if (fold_quoted_space(open, "unclosed single-quoted string")) continue;
    const char* start = m_p;
    while (m_p < m_end && *m_p != '\'' && *m_p != ' ' && *m_p != '\t' && !is_break(*m_p) &&
           !unicode_break_at(m_p, m_end))
      ++m_p;
    m_buf.append(start, m_p);
  }
  return {m_buf, false};
}

// --- block scalars ---

Reader::Scalar Reader::block_scalar(int parent_indent) {
  const bool literal = *m_p == '|';
  ++m_p;
  int chomp = 0;  // -1 strip, 0 clip, +1 keep
  bool chomp_set = false;
  int increment = 0;
  for (int i = 0; i < 2 && !at_end(); ++i) {
    char c = *m_p;
    if ((c == '+' || c == '-') && !chomp_set) {
      chomp = c == '+' ? 1 : -1;
      chomp_set = true;
      ++m_p;
    } else if (c >= '1' && c <= '9' && increment == 0) {
      increment = c - '0';
      ++m_p;
    } else if (c == '0') {
      fail_at(m_p, "a block scalar indentation indicator must be 1 to 9");
    }
  }
  if (!blank_or_end_at(m_p) && *m_p != '#')
    fail_at(m_p, "unexpected character in a block scalar header");
  skip_blanks();
  skip_comment();
  if (!at_end() && !is_break(*m_p)) fail_at(m_p, "unexpected text after a block scalar header");
  consume_newline();

  int indent = increment ? (parent_indent >= 0 ? parent_indent + increment : increment) : 0;
  size_t trailing = 0;  // empty lines waiting to be added
  // Skips indentation and empty lines; when the indent is still unknown, the first
  // non-empty line sets it (empty lines before it may not be indented more).
  auto scan_breaks = [&]() {
    int max_indent = 0;
    for (;;) {
      while ((indent == 0 || column() < indent) && m_p < m_end && *m_p == ' ')
        ++m_p;
      if (column() > max_indent) max_indent = column();
      if ((indent == 0 || column() < indent) && m_p < m_end && *m_p == '\t')
        fail_at(m_p, "tab character used for indentation in a block scalar");
      if (!(m_p < m_end && is_break(*m_p))) break;
      consume_newline();
      ++trailing;
    }
    if (indent == 0) {
      indent = max_indent;
      if (indent < parent_indent + 1) indent = parent_indent + 1;
      if (indent < 1) indent = 1;
    }
  };

  m_buf.clear();
  bool leading_break = false;
  bool leading_blank = false;
  scan_breaks();
  while (column() == indent && !at_end()) {
    bool trailing_blank = *m_p == ' ' || *m_p == '\t';
    if (!literal && leading_break && !leading_blank && !trailing_blank) {
      if (trailing == 0) m_buf.push_back(' ');
    } else if (leading_break) {
      m_buf.push_back('\n');
    }
    leading_break = false;
    m_buf.append(trailing, '\n');
    trailing = 0;
    leading_blank = trailing_blank;
    const char* start = m_p;
    while (m_p < m_end && !is_break(*m_p))
      ++m_p;
    m_buf.append(start, m_p);
    if (at_end()) break;
    consume_newline();
    leading_break = true;
    scan_breaks();
  }
  if (chomp != -1 && leading_break) m_buf.push_back('\n');
  if (chomp == 1) m_buf.append(trailing, '\n');
  if (!literal) kustomize_folded_round_trip(m_buf, chomp);
  m_p = m_line_start;
  skip_lines();
  return {m_buf, false};
}

}  // namespace plumb::yaml_detail
