// The YAML reader (see yaml_reader.hpp for the shape of the parser).
//
// Convention: every block-level parse function returns with the position at the first
// content character of the next non-blank, non-comment line (after its indentation), or
// at the end of the input. The caller compares that line's column with its own indent.
#include <array>
#include <cstdio>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstring>
#include <unordered_set>

#include "core/yaml.hpp"
#include "core/yaml_reader.hpp"
#include "core/yaml_scalar.hpp"

namespace plumb {
namespace yaml_detail {
namespace {

std::string quote(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, 60));
  if (text.size() > 60) out += "...";
  out += '"';
  return out;
}

}  // namespace

Reader::Reader(std::string_view text, std::string_view /*source*/, DuplicateKeys duplicates,
               PlainScalars plain)
    : m_begin(text.data()),
      m_end(text.data() + text.size()),
      m_p(text.data()),
      m_line_start(text.data()),
      m_duplicates(duplicates),
      m_plain(plain),
      m_node_budget(1'000'000 + text.size()) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    m_p += 3;
    m_line_start = m_p;
  }
}

std::string Reader::position(const char* at) const {
  size_t line = 1;
  const char* line_start = m_begin;
  for (const char* p = m_begin; p < at && p < m_end; ++p) {
    if (*p == '\n') {
      ++line;
      line_start = p + 1;
    }
  }
  size_t column = 1;
  for (const char* p = line_start; p < at && p < m_end; ++p)
    if ((static_cast<unsigned char>(*p) & 0xC0) != 0x80) ++column;
  return std::to_string(line) + ":" + std::to_string(column);
}

void Reader::fail_at(const char* at, std::string what) const {
  throw ParseError{at, std::move(what)};
}

bool Reader::blank_or_end_at(const char* p) const {
  return p >= m_end || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
}

bool Reader::at_line_end() const {
  return m_p >= m_end || *m_p == '\n' || *m_p == '\r' || *m_p == '#';
}

bool Reader::at_document_marker() const {
  if (m_p != m_line_start || m_end - m_p < 3) return false;
  if (!(std::memcmp(m_p, "---", 3) == 0 || std::memcmp(m_p, "...", 3) == 0)) return false;
  return blank_or_end_at(m_p + 3);
}

void Reader::skip_blanks() {
  while (m_p < m_end && (*m_p == ' ' || *m_p == '\t'))
    ++m_p;
}

void Reader::skip_comment() {
  if (m_p < m_end && *m_p == '#') {
    const void* nl = std::memchr(m_p, '\n', static_cast<size_t>(m_end - m_p));
    m_p = nl ? static_cast<const char*>(nl) : m_end;
    if (m_p > m_begin && m_p[-1] == '\r') --m_p;
  }
}

void Reader::consume_newline() {
  if (m_p < m_end && *m_p == '\r') ++m_p;
  if (m_p < m_end && *m_p == '\n') ++m_p;
  m_line_start = m_p;
}

void Reader::skip_lines() {
  for (;;) {
    const char* p = m_p;
    while (p < m_end && *p == ' ')
      ++p;
    if (p < m_end && *p == '\t') {
      const char* tab = p;
      while (p < m_end && (*p == ' ' || *p == '\t'))
        ++p;
      if (p < m_end && !is_break(*p) && *p != '#')
        fail_at(tab, "tab character used for indentation (use spaces)");
    }
    m_p = p;
    if (p >= m_end) return;
    if (*p == '#') {
      skip_comment();
      if (at_end()) return;
      consume_newline();
      continue;
    }
    if (is_break(*p)) {
      consume_newline();
      continue;
    }
    return;
  }
}

void Reader::finish_line() {
  skip_blanks();
  if (!at_end() && *m_p == '#') skip_comment();
  if (!at_end() && !is_break(*m_p)) {
    if (*m_p == ':') fail_at(m_p, "mapping values are not allowed in this context");
    fail_at(m_p, "unexpected text after the value");
  }
  consume_newline();
  skip_lines();
}

void Reader::enter(const char* at) {
  if (++m_depth > k_max_depth)
    fail_at(at, "nesting deeper than " + std::to_string(k_max_depth) + " levels");
}

void Reader::count_node() {
  if (++m_nodes > m_node_budget) fail_at(m_p, "document has too many nodes");
}

// --- documents ---

void Reader::check_characters() const {
  // 0: fine as a single byte; 1: a control character; 2: the start of a multi-byte sequence.
  static constexpr auto k_class = [] {
    std::array<uint8_t, 256> table{};
    for (int c = 0; c < 0x20; ++c)
      table[static_cast<size_t>(c)] = 1;
    table['\t'] = table['\n'] = table['\r'] = 0;
    table[0x7F] = 1;
    for (int c = 0x80; c < 0x100; ++c)
      table[static_cast<size_t>(c)] = 2;
    return table;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(m_begin);
  const auto* end = reinterpret_cast<const unsigned char*>(m_end);
  while (p < end) {
#ifdef __SSE2__
    // 16 bytes at a time while they are printable ASCII or '\n' (signed compare: bytes from
    // 0x80 count as below 0x20 and take the exact path below).
    while (end - p >= 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
      __m128i newline = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
      __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
      __m128i bad = _mm_or_si128(_mm_andnot_si128(newline, low), del);
      if (_mm_movemask_epi8(bad) != 0) break;
      p += 16;
    }
    if (p >= end) break;
#endif
    uint8_t kind = k_class[*p];
    if (kind == 0) {
      ++p;
      continue;
    }
    const char* at = reinterpret_cast<const char*>(p);
    if (kind == 1) {
      char code[8];
      std::snprintf(code, sizeof code, "%04X", *p);
      fail_at(at, std::string("control character U+") + code + " is not allowed");
    }
    int width = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
    if (width == 0 || *p > 0xF4 || end - p < width) fail_at(at, "invalid UTF-8");
    uint32_t cp = *p & (0x7F >> width);
    for (int k = 1; k < width; ++k) {
      if ((p[k] & 0xC0) != 0x80) fail_at(at, "invalid UTF-8");
      cp = (cp << 6) | (p[k] & 0x3F);
    }
    static constexpr uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < k_min[width] || cp > 0x10FFFF) fail_at(at, "invalid UTF-8");
    if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF) {
      char code[12];
      std::snprintf(code, sizeof code, "%04X", cp);
      fail_at(at, std::string("character U+") + code + " is not allowed");
    }
    p += width;
  }
}

std::vector<Node> Reader::documents() {
  check_characters();
  std::vector<Node> docs;
  for (;;) {
    skip_lines();
    while (!at_end() && *m_p == '%' && column() == 0) {  // directives: %YAML, %TAG
      while (!at_end() && !is_break(*m_p))
        ++m_p;
      consume_newline();
      skip_lines();
    }
    if (at_end()) break;
    m_anchors.clear();
    if (at_document_marker()) {
      if (*m_p == '.') {  // a stray document end
        m_p += 3;
        finish_line();
        continue;
      }
      m_p += 3;
      skip_blanks();
      if (at_line_end()) {
        skip_comment();
        consume_newline();
        skip_lines();
        if (!at_end() && !at_document_marker()) docs.push_back(block_node(-1));
      } else {
        docs.push_back(value_node(-1, Ctx::document));
      }
    } else {
      docs.push_back(block_node(-1));
    }
    if (at_end()) break;
    if (!at_document_marker()) fail_at(m_p, "expected the end of the document ('---' or '...')");
    if (*m_p == '.') {
      m_p += 3;
      finish_line();
    }
  }
  return docs;
}

// --- block structure ---

Node Reader::value_node(int parent_indent, Ctx ctx) {
  const char* blanks = m_p;
  skip_blanks();
  // go-yaml refuses a tab between "- " and the item (or the end of the line).
  if (ctx == Ctx::seq_item && std::memchr(blanks, '\t', static_cast<size_t>(m_p - blanks)))
    fail_at(m_p, "tab character after '-' (use spaces)");
  if (ctx == Ctx::seq_item && !at_line_end()) return block_node(parent_indent);
  size_t before = m_nodes;
  Props props;
  if (!at_end() && (*m_p == '&' || *m_p == '!')) props = properties();
  if (!at_line_end()) return apply(inline_value(parent_indent, props), props, before);
  const char* at = m_p;
  skip_comment();
  consume_newline();
  skip_lines();
  if (!at_end() && !at_document_marker()) {
    int c = column();
    if (c > parent_indent) return apply(block_node(parent_indent), props, before);
    if (ctx == Ctx::map_value && c == parent_indent && *m_p == '-' && blank_or_end_at(m_p + 1))
      return apply(block_sequence(c, true), props, before);
  }
  return apply(make_scalar({"", true}, props, at), props, before);
}

Node Reader::block_node(int parent_indent) {
  const int indent = column();
  if (*m_p == '-' && blank_or_end_at(m_p + 1)) return block_sequence(indent, false);
  size_t before = m_nodes;
  Props props;
  if (*m_p == '&' || *m_p == '!') {
    props = properties();
    if (at_line_end()) {
      const char* at = m_p;
      skip_comment();
      consume_newline();
      skip_lines();
      if (!at_end() && !at_document_marker() && column() > parent_indent)
        return apply(block_node(parent_indent), props, before);
      return apply(make_scalar({"", true}, props, at), props, before);
    }
  }
  const char* at = m_p;
  switch (*m_p) {
    case '"':
    case '\'': {
      Scalar s = *m_p == '"' ? double_quoted() : single_quoted();
      bool one_line = std::memchr(at, '\n', static_cast<size_t>(m_p - at)) == nullptr;
      skip_blanks();
      if (peek() == ':' && blank_or_end_at(m_p + 1)) {
        if (!one_line) fail_at(at, "a mapping key must be on one line");
        return apply(block_mapping(indent, Node::string(s.text), at), props, before);
      }
      Node node = make_scalar(s, props, at);
      finish_line();
      return apply(std::move(node), props, before);
    }
    case '*': {
      Node node = alias();
      skip_blanks();
      if (peek() == ':' && blank_or_end_at(m_p + 1))
        return block_mapping(indent, key_node(node, at), at);
      finish_line();
      return node;
    }
    case '[':
    case '{': {
      Node node = flow_node(m_p);
      skip_blanks();
      if (peek() == ':') fail_at(at, "flow collections as mapping keys are not supported");
      finish_line();
      return apply(std::move(node), props, before);
    }
    case '|':
    case '>':
      return apply(make_scalar(block_scalar(parent_indent), props, at), props, before);
    case '?':
      if (blank_or_end_at(m_p + 1)) {
        Node key = explicit_key(indent);
        return apply(block_mapping(indent, std::move(key), at), props, before);
      }
      break;
    case '@':
    case '`':
    case '%':
    case ',':
    case ']':
    case '}':
      fail_at(m_p, std::string("character '") + *m_p + "' cannot start a plain scalar");
    default:
      break;
  }
  std::string_view first = plain_line(false);
  if (at_value_indicator(false)) {
    if (first.empty()) fail_at(m_p, "did not find the expected key before ':'");
    return apply(block_mapping(indent, Node::string(first), at), props, before);
  }
  return apply(make_scalar(plain_block(parent_indent, first), props, at), props, before);
}

Node Reader::inline_value(int parent_indent, const Props& props) {
  const char* at = m_p;
  switch (*m_p) {
    case '"':
    case '\'': {
      Node node = make_scalar(*m_p == '"' ? double_quoted() : single_quoted(), props, at);
      finish_line();
      return node;
    }
    case '*': {
      if (props.any()) fail_at(at, "an alias cannot have an anchor or a tag");
      Node node = alias();
      finish_line();
      return node;
    }
    case '[':
    case '{': {
      Node node = flow_node(m_p);
      finish_line();
      return node;
    }
    case '|':
    case '>':
      return make_scalar(block_scalar(parent_indent), props, at);
    case '-':
      if (blank_or_end_at(m_p + 1))
        fail_at(m_p, "a block sequence cannot start on the same line as its key");
      break;
    case '?':
      if (blank_or_end_at(m_p + 1)) fail_at(m_p, "complex mapping keys ('? ') are not supported");
      break;
    case '@':
    case '`':
    case '%':
    case ',':
    case ']':
    case '}':
      fail_at(m_p, std::string("character '") + *m_p + "' cannot start a plain scalar");
    default:
      break;
  }
  std::string_view first = plain_line(false);
  if (at_value_indicator(false)) fail_at(m_p, "mapping values are not allowed in this context");
  return make_scalar(plain_block(parent_indent, first), props, at);
}

Node Reader::block_mapping(int indent, Node first_key, const char* key_at) {
  enter(key_at);
  size_t base = m_entries.size();
  std::vector<Node> merges;
  Node key = std::move(first_key);
  for (;;) {
    ++m_p;  // ':'
    // After `? key`, the `: value` line may hold a compact collection, like a list item.
    Ctx ctx = m_explicit_key ? Ctx::seq_item : Ctx::map_value;
    m_explicit_key = false;
    Node value = value_node(indent, ctx);
    add_entry(base, std::move(key), key_at, std::move(value), merges);
    if (at_end() || at_document_marker()) break;
    int c = column();
    if (c < indent) break;
    if (c > indent) fail_at(m_p, "bad indentation of a mapping entry");
    key = next_key(indent, key_at);
  }
  Node map = finish_map(base, merges.empty() ? nullptr : &merges);
  leave();
  return map;
}

Node Reader::next_key(int indent, const char*& key_at) {
  key_at = m_p;
  if (*m_p == '&' || *m_p == '!') properties();  // properties of a key: accepted, not kept
  const char* at = m_p;
  Node key;
  switch (peek()) {  // properties may end the input
    case '-':
      if (blank_or_end_at(m_p + 1)) fail_at(m_p, "expected a mapping key, found a sequence entry");
      key = plain_key();
      break;
    case '"':
    case '\'': {
      Scalar s = *m_p == '"' ? double_quoted() : single_quoted();
      if (std::memchr(at, '\n', static_cast<size_t>(m_p - at)))
        fail_at(at, "a mapping key must be on one line");
      key = Node::string(s.text);
      skip_blanks();
      break;
    }
    case '*':
      key = key_node(alias(), at);
      skip_blanks();
      break;
    case '[':
    case '{':
      fail_at(m_p, "flow collections as mapping keys are not supported");
    case '?':
      if (blank_or_end_at(m_p + 1)) return explicit_key(indent);
      key = plain_key();
      break;
    case '|':
    case '>':
    case '@':
    case '`':
    case '%':
    case ',':
    case ']':
    case '}':
      fail_at(m_p, std::string("character '") + *m_p + "' cannot start a mapping key");
    default:
      key = plain_key();
      break;
  }
  if (!(peek() == ':' && blank_or_end_at(m_p + 1)))
    fail_at(at, "could not find the ':' after this mapping key");
  return key;
}

Node Reader::plain_key() {
  std::string_view text = plain_line(false);
  if (text.empty() && at_value_indicator(false))
    fail_at(m_p, "did not find the expected key before ':'");
  return Node::string(text);
}

// `? key` then `: value` at the same indentation: how go-yaml writes keys longer than 128
// characters or holding line breaks. Only scalar keys are supported.
Node Reader::explicit_key(int indent) {
  const char* at = m_p;
  ++m_p;  // '?'
  Node key = value_node(indent, Ctx::seq_item);
  if (!key.is_string()) fail_at(at, "only string keys are supported after '? '");
  if (at_end() || column() != indent || *m_p != ':' || !blank_or_end_at(m_p + 1))
    fail_at(at, "expected ': value' after the '? key' at the same indentation");
  m_explicit_key = true;
  return key;
}

void Reader::add_entry(size_t base, Node key, const char* key_at, Node value,
                       std::vector<Node>& merges) {
  std::string_view name = key.as_string();
  if (name == "<<" && key_at && *key_at == '<') {  // a plain `<<` is a merge key
    merges.push_back(std::move(value));
    m_key_at.push_back(key_at);
    m_entries.push_back({});  // placeholder, skipped by finish_map
    m_entries.back().value = Node::boolean(false);
    return;
  }
  for (size_t i = base; i < m_entries.size(); ++i) {
    if (m_key_at[i] && m_entries[i].key.as_string() == name && m_entries[i].key.is_string()) {
      if (m_duplicates == DuplicateKeys::last_wins) {
        m_entries[i].value = std::move(value);
        return;
      }
      fail_at(key_at, "duplicate mapping key " + quote(name) + " (first defined at " +
                          position(m_key_at[i]) + ")");
    }
  }
  m_entries.push_back({std::move(key), std::move(value)});
  m_key_at.push_back(key_at);
}

Node Reader::finish_map(size_t base, std::vector<Node>* merges) {
  count_node();
  size_t count = 0;
  for (size_t i = base; i < m_entries.size(); ++i)
    if (m_entries[i].key.is_string()) ++count;
  if (merges) {
    // Keys written in the map win over merged ones; earlier merge sources win over later.
    auto present = [&](std::string_view name) {
      for (size_t i = base; i < m_entries.size(); ++i)
        if (m_entries[i].key.is_string() && m_entries[i].key.as_string() == name) return true;
      return false;
    };
    auto merge_one = [&](const Node& source) {
      if (!source.is_map())
        fail_at(m_p, "the value of '<<' must be a mapping or a list of mappings");
      for (const MapEntry& e : source.entries()) {
        if (present(e.key.as_string())) continue;
        m_entries.push_back({e.key, e.value});
        m_key_at.push_back(nullptr);
        ++count;
      }
    };
    for (const Node& source : *merges) {
      if (source.is_list()) {
        for (const Node& item : source.items())
          merge_one(item);
      } else {
        merge_one(source);
      }
    }
  }
  Node map = Node::map(count);
  for (size_t i = base; i < m_entries.size(); ++i) {
    if (!m_entries[i].key.is_string()) continue;
    map.append_entry(std::move(m_entries[i].key), std::move(m_entries[i].value));
  }
  m_entries.resize(base);
  m_key_at.resize(base);
  return map;
}

Node Reader::block_sequence(int indent, bool indentless) {
  enter(m_p);
  size_t base = m_items.size();
  for (;;) {
    ++m_p;  // '-'
    Node item = value_node(indent, Ctx::seq_item);
    m_items.push_back(std::move(item));
    if (at_end() || at_document_marker()) break;
    int c = column();
    if (c < indent) break;
    if (c > indent) fail_at(m_p, "bad indentation of a sequence entry");
    if (!(*m_p == '-' && blank_or_end_at(m_p + 1))) {
      if (indentless) break;
      fail_at(m_p, "expected a sequence entry ('- ') at this indentation");
    }
  }
  count_node();
  Node list = Node::list(m_items.size() - base);
  for (size_t i = base; i < m_items.size(); ++i)
    list.push_back(std::move(m_items[i]));
  m_items.resize(base);
  leave();
  return list;
}

Node Reader::key_node(const Node& key, const char* at) const {
  if (!key.is_string()) fail_at(at, "an alias used as a mapping key must refer to a string");
  return key;
}

}  // namespace yaml_detail

Result<std::vector<Node>> parse_yaml_stream(std::string_view text, std::string_view source,
                                            DuplicateKeys duplicates, PlainScalars plain) {
  yaml_detail::Reader reader(text, source, duplicates, plain);
  try {
    return reader.documents();
  } catch (const yaml_detail::ParseError& e) {
    return fail(source, ":", reader.position(e.at), ": ", e.what);
  }
}

Result<Node> parse_yaml(std::string_view text, std::string_view source, DuplicateKeys duplicates,
                        PlainScalars plain) {
  auto docs = TRY(parse_yaml_stream(text, source, duplicates, plain));
  if (docs.empty()) return Node();
  if (docs.size() > 1)
    return fail(source, ": expected one YAML document, found ", std::to_string(docs.size()));
  return std::move(docs.front());
}

}  // namespace plumb
