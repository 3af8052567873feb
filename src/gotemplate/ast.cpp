#include "gotemplate/ast.hpp"

#include <algorithm>

#include "gotemplate/strconv.hpp"

namespace plumb::gotemplate {

namespace {

void write_pipe(std::string& out, const PipeNode& pipe, bool q) {
  if (!pipe.decl.empty()) {
    for (size_t i = 0; i < pipe.decl.size(); ++i) {
      if (i > 0) out += ", ";
      write_node(out, *pipe.decl[i], q);
    }
    out += " := ";
  }
  for (size_t i = 0; i < pipe.cmds.size(); ++i) {
    if (i > 0) out += " | ";
    write_node(out, *pipe.cmds[i], q);
  }
}

}  // namespace

void write_node(std::string& out, const Node_& node, bool q) {
  switch (node.type) {
    case NodeType::text:
      if (q) {
        append_quoted(out, static_cast<const TextNode&>(node).text);
      } else {
        out += static_cast<const TextNode&>(node).text;
      }
      return;
    case NodeType::comment:
      out += "{{";
      out += static_cast<const CommentNode&>(node).text;
      out += "}}";
      return;
    case NodeType::action:
      out += "{{";
      write_pipe(out, *static_cast<const ActionNode&>(node).pipe, q);
      out += "}}";
      return;
    case NodeType::pipe:
      write_pipe(out, static_cast<const PipeNode&>(node), q);
      return;
    case NodeType::command: {
      const auto& cmd = static_cast<const CommandNode&>(node);
      for (size_t i = 0; i < cmd.args.size(); ++i) {
        if (i > 0) out.push_back(' ');
        if (cmd.args[i]->type == NodeType::pipe) {
          out.push_back('(');
          write_node(out, *cmd.args[i], q);
          out.push_back(')');
        } else {
          write_node(out, *cmd.args[i], q);
        }
      }
      return;
    }
    case NodeType::identifier:
      out += static_cast<const IdentifierNode&>(node).ident;
      return;
    case NodeType::variable: {
      const auto& v = static_cast<const VariableNode&>(node);
      for (size_t i = 0; i < v.ident.size(); ++i) {
        if (i > 0) out.push_back('.');
        out += v.ident[i];
      }
      return;
    }
    case NodeType::dot:
      out.push_back('.');
      return;
    case NodeType::nil:
      out += "nil";
      return;
    case NodeType::field:
      for (const auto& id : static_cast<const FieldNode&>(node).ident) {
        out.push_back('.');
        out += id;
      }
      return;
    case NodeType::chain: {
      const auto& c = static_cast<const ChainNode&>(node);
      if (c.node->type == NodeType::pipe) {
        out.push_back('(');
        write_node(out, *c.node, q);
        out.push_back(')');
      } else {
        write_node(out, *c.node, q);
      }
      for (const auto& f : c.field) {
        out.push_back('.');
        out += f;
      }
      return;
    }
    case NodeType::bool_:
      out += static_cast<const BoolNode&>(node).value ? "true" : "false";
      return;
    case NodeType::number:
      out += static_cast<const NumberNode&>(node).text;
      return;
    case NodeType::string:
      out += static_cast<const StringNode&>(node).quoted;
      return;
    case NodeType::list:
      for (const auto& n : static_cast<const ListNode&>(node).nodes)
        write_node(out, *n, q);
      return;
    case NodeType::if_:
    case NodeType::range:
    case NodeType::with: {
      const auto& b = static_cast<const BranchNode&>(node);
      out += "{{";
      out += node.type == NodeType::if_ ? "if " : node.type == NodeType::range ? "range " : "with ";
      write_pipe(out, *b.pipe, q);
      out += "}}";
      write_node(out, *b.list, q);
      if (b.else_list) {
        out += "{{else}}";
        write_node(out, *b.else_list, q);
      }
      out += "{{end}}";
      return;
    }
    case NodeType::template_: {
      const auto& t = static_cast<const TemplateNode&>(node);
      out += "{{template ";
      append_quoted(out, t.name);
      if (t.pipe) {
        out.push_back(' ');
        write_pipe(out, *t.pipe, q);
      }
      out += "}}";
      return;
    }
    case NodeType::break_:
      out += "{{break}}";
      return;
    case NodeType::continue_:
      out += "{{continue}}";
      return;
    case NodeType::end:
      out += "{{end}}";
      return;
    case NodeType::else_:
      out += "{{else}}";
      return;
  }
}

std::string node_string(const Node_& node, bool quote_text) {
  std::string out;
  write_node(out, node, quote_text);
  return out;
}

bool is_empty_tree(const Node_* node) {
  if (node == nullptr) return true;
  switch (node->type) {
    case NodeType::comment:
      return true;
    case NodeType::list:
      for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
        if (!is_empty_tree(n.get())) return false;
      }
      return true;
    case NodeType::text: {
      std::string_view t = static_cast<const TextNode*>(node)->text;
      return std::all_of(t.begin(), t.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
      });
    }
    default:
      return false;
  }
}

std::string error_location(const Node_& node) {
  const TreeSource* source = node.source;
  std::string_view text = source->text;
  size_t pos = std::min(node.pos, text.size());
  std::string_view before = text.substr(0, pos);
  size_t last_newline = before.rfind('\n');
  size_t col = last_newline == std::string_view::npos ? pos : pos - (last_newline + 1);
  size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  return source->parse_name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace plumb::gotemplate
