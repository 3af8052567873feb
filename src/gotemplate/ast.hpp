// Parse trees of Go templates (text/template/parse's nodes), private to gotemplate/: the
// parser builds them, the executor walks them. A Tree is immutable once parsed and shared by
// every TemplateSet that holds it.
//
// Positions are byte offsets into the parsed text; a Tree keeps that text so execution
// errors can say "NAME:LINE:COL" and quote the node (String() below writes nodes back as Go's
// Node.String does: `{{template "x" .}}`, `(.a).b`, `$x := .y | f`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gotemplate/value.hpp"

namespace plumb::gotemplate {

struct TreeSource;  // defined below

enum class NodeType : uint8_t {
  text,
  action,
  bool_,
  chain,
  command,
  dot,
  field,
  identifier,
  if_,
  list,
  nil,
  number,
  pipe,
  range,
  string,
  template_,
  variable,
  with,
  comment,
  break_,
  continue_,
  // Parser-only markers ({{end}}, {{else}}): never in a finished tree.
  end,
  else_,
};

struct Node_ {
  explicit Node_(NodeType t, size_t p) : type(t), pos(p) {}
  virtual ~Node_() = default;
  NodeType type;
  size_t pos;
  const TreeSource* source = nullptr;  // the text the node was parsed from
};
using NodePtr = std::unique_ptr<Node_>;

struct ListNode : Node_ {
  explicit ListNode(size_t p) : Node_(NodeType::list, p) {}
  std::vector<NodePtr> nodes;
};

struct TextNode : Node_ {
  TextNode(size_t p, std::string_view t) : Node_(NodeType::text, p), text(t) {}
  std::string_view text;  // points into the tree's text
};

struct CommentNode : Node_ {
  CommentNode(size_t p, std::string_view t) : Node_(NodeType::comment, p), text(t) {}
  std::string_view text;
};

struct VariableNode : Node_ {
  VariableNode(size_t p) : Node_(NodeType::variable, p) {}
  std::vector<std::string> ident;  // "$x", then field names
};

struct CommandNode : Node_ {
  explicit CommandNode(size_t p) : Node_(NodeType::command, p) {}
  std::vector<NodePtr> args;
};

struct PipeNode : Node_ {
  PipeNode(size_t p, int l) : Node_(NodeType::pipe, p), line(l) {}
  int line;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node_ {
  ActionNode(size_t p, int l, std::unique_ptr<PipeNode> pp)
      : Node_(NodeType::action, p), line(l), pipe(std::move(pp)) {}
  int line;
  std::unique_ptr<PipeNode> pipe;
};

struct IdentifierNode : Node_ {
  IdentifierNode(size_t p, std::string_view n) : Node_(NodeType::identifier, p), ident(n) {}
  std::string ident;
};

struct DotNode : Node_ {
  explicit DotNode(size_t p) : Node_(NodeType::dot, p) {}
};

struct NilNode : Node_ {
  explicit NilNode(size_t p) : Node_(NodeType::nil, p) {}
};

struct FieldNode : Node_ {
  FieldNode(size_t p) : Node_(NodeType::field, p) {}
  std::vector<std::string> ident;  // names without the dots
};

struct ChainNode : Node_ {
  ChainNode(size_t p, NodePtr n) : Node_(NodeType::chain, p), node(std::move(n)) {}
  NodePtr node;
  std::vector<std::string> field;
};

struct BoolNode : Node_ {
  BoolNode(size_t p, bool v) : Node_(NodeType::bool_, p), value(v) {}
  bool value;
};

struct NumberNode : Node_ {
  NumberNode(size_t p, std::string_view t) : Node_(NodeType::number, p), text(t) {}
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  std::string text;
  Value constant;  // what the number means as an interface{} argument (Go's idealConstant)
  std::string constant_error;  // "... overflows int" when it cannot be one
};

struct StringNode : Node_ {
  StringNode(size_t p, std::string_view q, std::string t)
      : Node_(NodeType::string, p), quoted(q), text(std::move(t)), value(Value::string(text)) {}
  std::string quoted;
  std::string text;
  Value value;
};

struct BranchNode : Node_ {
  BranchNode(NodeType t, size_t p, int l) : Node_(t, p), line(l) {}
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;
};

struct TemplateNode : Node_ {
  TemplateNode(size_t p, int l, std::string n)
      : Node_(NodeType::template_, p), line(l), name(std::move(n)) {}
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
};

struct LoopControlNode : Node_ {
  LoopControlNode(NodeType t, size_t p, int l) : Node_(t, p), line(l) {}
  int line;
};

// The text a set of trees was parsed from, and the name Go reports in errors (the
// top-level template's name, also for the templates it defines).
struct TreeSource {
  std::string text;
  std::string parse_name;
};

// One named template.
struct Tree {
  std::string name;
  std::shared_ptr<const TreeSource> source;
  std::unique_ptr<ListNode> root;
};

// Go's Node.String(); quote_text writes text nodes quoted, as Go's parse tests do.
std::string node_string(const Node_& node, bool quote_text = false);
void write_node(std::string& out, const Node_& node, bool quote_text = false);
// Go's parse.IsEmptyTree: only whitespace text and comments.
bool is_empty_tree(const Node_* node);
// "NAME:LINE:COL" of a node (Go's Tree.ErrorContext location).
std::string error_location(const Node_& node);

}  // namespace plumb::gotemplate
