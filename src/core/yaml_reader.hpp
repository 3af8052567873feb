// Private to the YAML reader: the recursive-descent parser over one input buffer.
//
// Block structure is read line by line from indentation; flow collections, quoted and block
// scalars by their own small scanners. Errors are thrown inside the reader as ParseError and
// turned into "source:line:column: what" at the boundary (parse_yaml_stream), so the
// common path carries no error plumbing. Nesting is limited (k_max_depth) so hostile input
// cannot overflow the stack; alias expansion is limited by a node budget.
// One Reader per call; not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "core/yaml.hpp"

namespace plumb::yaml_detail {

constexpr int k_max_depth = 1000;

inline bool is_break(char c) {
  return c == '\n' || c == '\r';
}
inline bool is_flow_indicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

struct ParseError {
  const char* at;
  std::string what;
};

class Reader {
 public:
  Reader(std::string_view text, std::string_view source, DuplicateKeys duplicates,
         PlainScalars plain = PlainScalars::go_yaml_v3);

  // Parses every document; throws ParseError.
  std::vector<Node> documents();

  // Refuses what go-yaml's reader refuses before parsing: invalid UTF-8 and characters
  // outside YAML's printable set (controls other than tab and line breaks, U+007F-U+009F
  // except U+0085, surrogates, U+FFFE, U+FFFF).
  void check_characters() const;

  // "line:column" (1-based, columns in characters) of a position in the text.
  std::string position(const char* at) const;

 private:
  enum class Ctx { document, map_value, seq_item };

  struct Props {
    std::string_view anchor;
    std::string_view tag;  // "" none; short form ("str", "int" ...) or the tag as written
    const char* at = nullptr;
    bool any() const { return !anchor.empty() || !tag.empty(); }
  };

  struct Scalar {
    std::string_view text;
    bool plain = true;
  };

  const char* m_begin;
  const char* m_end;
  const char* m_p;
  const char* m_line_start;
  DuplicateKeys m_duplicates;
  PlainScalars m_plain;
  int m_depth = 0;
  size_t m_nodes = 0;
  size_t m_node_budget;

  struct Anchor {
    std::string_view name;
    Node node;
    size_t weight;
  };
  std::vector<Anchor> m_anchors;
  std::vector<MapEntry> m_entries;    // scratch stack of map entries being built
  std::vector<const char*> m_key_at;  // where each scratch entry's key starts
  std::vector<Node> m_items;          // scratch stack of list items being built
  std::string m_buf;                  // scratch text for scalars that need building
  bool m_explicit_key = false;        // the key just read was written `? key`

  [[noreturn]] void fail_at(const char* at, std::string what) const;

  // --- position and lines ---
  bool at_end() const { return m_p >= m_end; }
  char peek(size_t k = 0) const { return m_p + k < m_end ? m_p[k] : '\0'; }
  int column() const { return static_cast<int>(m_p - m_line_start); }
  bool blank_or_end_at(const char* p) const;
  bool at_line_end() const;
  bool at_document_marker() const;
  void skip_blanks();
  void skip_comment();
  void consume_newline();
  void skip_lines();
  void finish_line();

  // --- nesting ---
  void enter(const char* at);
  void leave() { --m_depth; }
  void count_node();

  // --- block structure ---
  Node document();
  Node value_node(int parent_indent, Ctx ctx);
  Node block_node(int parent_indent);
  Node inline_value(int parent_indent, const Props& props);
  Node block_mapping(int indent, Node first_key, const char* key_at);
  Node block_sequence(int indent, bool indentless);
  Node next_key(int indent, const char*& key_at);
  Node explicit_key(int indent);
  Node plain_key();
  Node finish_map(size_t base, std::vector<Node>* merges);
  void add_entry(size_t base, Node key, const char* key_at, Node value, std::vector<Node>& merges);

  // --- scalars ---
  Props properties(bool flow = false);
  Node apply(Node node, const Props& props, size_t nodes_before);
  Node make_scalar(Scalar scalar, const Props& props, const char* at);
  std::string_view plain_line(bool flow);
  Scalar plain_block(int parent_indent, std::string_view first);
  Scalar plain_flow();
  Scalar double_quoted();
  bool fold_quoted_space(const char* open, const char* unclosed);
  Scalar single_quoted();
  Scalar block_scalar(int parent_indent);
  bool at_value_indicator(bool flow) const;
  Node alias();

  // --- flow ---
  void flow_space(const char* open);
  // `raw` receives a scalar's text as written (keys keep it); `scalar` whether it was one.
  Node flow_node(const char* open, std::string* raw = nullptr, bool* scalar = nullptr);
  bool skip_flow_key_indicator(const char* open);
  Node flow_sequence();
  Node flow_mapping();
  Node key_node(const Node& key, const char* at) const;
};

}  // namespace plumb::yaml_detail
