// The YAML reader's flow collections: [a, b] and {k: v}, nested, across lines, with
// single-pair entries ([k: v]) and '?' keys as go-yaml reads them.
#include "core/yaml_reader.hpp"

namespace plumb::yaml_detail {

void Reader::flow_space(const char* open) {
  for (;;) {
    skip_blanks();
    if (at_end()) fail_at(open, "unclosed flow collection");
    if (*m_p == '#') {
      skip_comment();
      continue;
    }
    if (is_break(*m_p)) {
      consume_newline();
      if (at_document_marker()) fail_at(open, "unclosed flow collection");
      continue;
    }
    return;
  }
}

Node Reader::flow_node(const char* open, std::string* raw, bool* scalar) {
  size_t before = m_nodes;
  Props props;
  if (*m_p == '&' || *m_p == '!') {
    props = properties(true);
    flow_space(open);
  }
  const char* at = m_p;
  if (scalar) *scalar = true;
  Node node;
  switch (*m_p) {
    case '[':
      if (scalar) *scalar = false;
      node = flow_sequence();
      break;
    case '{':
      if (scalar) *scalar = false;
      node = flow_mapping();
      break;
    case '"':
    case '\'': {
      Scalar s = *m_p == '"' ? double_quoted() : single_quoted();
      if (raw) raw->assign(s.text);
      node = make_scalar(s, props, at);
      break;
    }
    case '*':
      node = alias();
      if (raw) raw->assign(node.as_string());
      if (scalar) *scalar = node.is_string();  // only a string alias can be a key
      break;
    case ',':
    case ']':
    case '}':  // nothing but an anchor or a tag: a null node
      if (!props.any()) fail_at(m_p, "did not find the expected value");
      if (raw) raw->clear();
      node = make_scalar({"", true}, props, at);
      break;
    default: {
      // In a flow collection go-yaml takes ':' as the value indicator and '|', '>' as block
      // scalars, which flow collections cannot hold.
      if (*m_p == '@' || *m_p == '`' || *m_p == '%' || *m_p == ':' || *m_p == '|' || *m_p == '>' ||
          *m_p == '?')
        fail_at(m_p, std::string("character '") + *m_p + "' cannot start a plain scalar");
      Scalar s = plain_flow();
      if (raw) raw->assign(s.text);
      node = make_scalar(s, props, at);
      break;
    }
  }
  return apply(std::move(node), props, before);
}

// In a flow collection go-yaml reads '?' as the explicit key indicator even when a
// non-blank follows it.
bool Reader::skip_flow_key_indicator(const char* open) {
  if (*m_p != '?') return false;
  ++m_p;
  flow_space(open);
  return true;
}

Node Reader::flow_sequence() {
  const char* open = m_p;
  enter(open);
  ++m_p;
  size_t base = m_items.size();
  std::string raw;
  for (;;) {
    flow_space(open);
    if (*m_p == ']') {
      ++m_p;
      break;
    }
    const char* at = m_p;
    bool scalar = false;
    bool explicit_key = skip_flow_key_indicator(open);
    Node item = flow_node(open, &raw, &scalar);
    flow_space(open);
    if (explicit_key && *m_p != ':') {  // [? key] is a pair with a null value
      if (!scalar) fail_at(at, "flow collections as mapping keys are not supported");
      Node pair = Node::map(1);
      pair.append_entry(Node::string(raw), Node());
      count_node();
      item = std::move(pair);
    }
    if (*m_p == ':') {  // a single-pair mapping: [key: value]
      if (!scalar) fail_at(at, "flow collections as mapping keys are not supported");
      ++m_p;
      flow_space(open);
      Node value;
      std::string key = raw;
      if (*m_p != ',' && *m_p != ']') value = flow_node(open);
      Node pair = Node::map(1);
      pair.append_entry(Node::string(key), std::move(value));
      count_node();
      item = std::move(pair);
      flow_space(open);
    }
    m_items.push_back(std::move(item));
    if (*m_p == ',') {
      ++m_p;
      continue;
    }
    if (*m_p == ']') {
      ++m_p;
      break;
    }
    fail_at(m_p, "expected ',' or ']' in a flow sequence");
  }
  count_node();
  Node list = Node::list(m_items.size() - base);
  for (size_t i = base; i < m_items.size(); ++i)
    list.push_back(std::move(m_items[i]));
  m_items.resize(base);
  leave();
  return list;
}

Node Reader::flow_mapping() {
  const char* open = m_p;
  enter(open);
  ++m_p;
  size_t base = m_entries.size();
  std::vector<Node> merges;
  std::string raw;
  for (;;) {
    flow_space(open);
    if (*m_p == '}') {
      ++m_p;
      break;
    }
    const char* key_at = m_p;
    if (*m_p == ':') fail_at(m_p, "did not find the expected key");
    skip_flow_key_indicator(open);
    bool scalar = false;
    flow_node(open, &raw, &scalar);
    if (!scalar) fail_at(key_at, "flow collections as mapping keys are not supported");
    Node key = Node::string(raw);
    flow_space(open);
    Node value;
    if (*m_p == ':') {
      ++m_p;
      flow_space(open);
      if (*m_p != ',' && *m_p != '}') value = flow_node(open);
      flow_space(open);
    }
    add_entry(base, std::move(key), key_at, std::move(value), merges);
    if (*m_p == ',') {
      ++m_p;
      continue;
    }
    if (*m_p == '}') {
      ++m_p;
      break;
    }
    fail_at(m_p, "expected ',' or '}' in a flow mapping");
  }
  Node map = finish_map(base, merges.empty() ? nullptr : &merges);
  leave();
  return map;
}

}  // namespace plumb::yaml_detail
