#include "gotemplate/parse.hpp"

#include <algorithm>
#include <map>

#include "gotemplate/lex.hpp"
#include "gotemplate/strconv.hpp"

namespace plumb::gotemplate {

namespace {

// Nesting limit of parenthesized pipelines and of control structures. Go allows 10000
// parentheses (maxStackDepth) and any depth of control structures, on stacks that grow; ours
// is a thread's fixed stack (and ASan triples frame sizes), so the bound is 1000 for both. No
// chart nests either beyond a few dozen.
constexpr int k_max_nesting = 1000;

struct ParseFailure {
  std::string message;
};

// The state shared by the trees of one text: tokens, lookahead and the trees made so far.
struct Shared {
  std::shared_ptr<TreeSource> source;
  std::vector<Item> items;
  size_t index = 0;
  size_t max_fetched = 0;
  int paren_depth = 0;
  int block_depth = 0;
  const ParseOptions* options = nullptr;
  std::map<std::string, std::shared_ptr<Tree>, std::less<>> tree_set;
  std::vector<std::shared_ptr<Tree>> order;
};

// One tree being parsed (Go's *parse.Tree during parsing).
class TreeParser {
 public:
  TreeParser(Shared& shared, std::string name) : m_s(shared), m_tree(std::make_shared<Tree>()) {
    m_tree->name = std::move(name);
    m_tree->source = shared.source;
  }

  void parse_top() {
    m_tree->root = new_list(peek().pos);
    while (peek().type != ItemType::eof) {
      if (peek().type == ItemType::left_delim) {
        size_t mark = m_s.index;
        next();
        if (next_non_space().type == ItemType::define) {
          TreeParser def(m_s, "definition");
          def.parse_definition();
          continue;
        }
        m_s.index = mark;
      }
      NodePtr n = text_or_action();
      if (n->type == NodeType::end || n->type == NodeType::else_)
        errorf("unexpected " + node_string(*n));
      m_tree->root->nodes.push_back(std::move(n));
    }
    add();
  }

 private:
  // --- tokens ---
  const Item& next() {
    const Item& item = m_s.items[std::min(m_s.index, m_s.items.size() - 1)];
    if (m_s.index < m_s.items.size()) ++m_s.index;
    m_s.max_fetched = std::max(m_s.max_fetched, m_s.index - 1);
    return item;
  }
  void backup() { --m_s.index; }
  const Item& peek() {
    const Item& item = next();
    backup();
    return item;
  }
  const Item& next_non_space() {
    for (;;) {
      const Item& item = next();
      if (item.type != ItemType::space) return item;
    }
  }
  const Item& peek_non_space() {
    const Item& item = next_non_space();
    backup();
    return item;
  }

  [[noreturn]] void errorf(const std::string& message) {
    int line = m_s.items[m_s.max_fetched].line;
    throw ParseFailure{"template: " + m_s.source->parse_name + ":" + std::to_string(line) + ": " +
                       message};
  }

  const Item& expect(ItemType expected, const char* context) {
    const Item& token = next_non_space();
    if (token.type != expected) unexpected(token, context);
    return token;
  }
  const Item& expect_one_of(ItemType a, ItemType b, const char* context) {
    const Item& token = next_non_space();
    if (token.type != a && token.type != b) unexpected(token, context);
    return token;
  }
  [[noreturn]] void unexpected(const Item& token, std::string_view context) {
    if (token.type == ItemType::error) {
      std::string extra;
      if (m_action_line != 0 && m_action_line != token.line) {
        extra =
            " in action started at " + m_s.source->parse_name + ":" + std::to_string(m_action_line);
        if (token.val.ends_with(" action"))
          extra = extra.substr(std::string_view(" in action").size());
      }
      errorf(item_string(token) + extra);
    }
    errorf("unexpected " + item_string(token) + " in " + std::string(context));
  }

  template <typename T, typename... Args>
  std::unique_ptr<T> make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    node->source = m_s.source.get();
    return node;
  }
  std::unique_ptr<ListNode> new_list(size_t pos) { return make<ListNode>(pos); }

  // Go's Tree.add: a name already holding a non-empty tree may only be "redefined" empty.
  void add() {
    auto it = m_s.tree_set.find(m_tree->name);
    if (it == m_s.tree_set.end() || is_empty_tree(it->second->root.get())) {
      if (it != m_s.tree_set.end()) {
        std::erase(m_s.order, it->second);
        it->second = m_tree;
      } else {
        m_s.tree_set.emplace(m_tree->name, m_tree);
      }
      m_s.order.push_back(m_tree);
      return;
    }
    if (!is_empty_tree(m_tree->root.get())) {
      errorf("template: multiple definition of template " + quote(m_tree->name));
    }
  }

  void parse_definition() {
    static constexpr const char* context = "define clause";
    const Item& name = expect_one_of(ItemType::string, ItemType::raw_string, context);
    auto unquoted = unquote(name.val);
    if (!unquoted) errorf("invalid syntax");
    m_tree->name = *unquoted;
    expect(ItemType::right_delim, context);
    auto [list, end] = item_list();
    if (end->type != NodeType::end) errorf("unexpected " + node_string(*end) + " in " + context);
    m_tree->root = std::move(list);
    add();
  }

  std::pair<std::unique_ptr<ListNode>, NodePtr> item_list() {
    auto list = new_list(peek_non_space().pos);
    while (peek_non_space().type != ItemType::eof) {
      NodePtr n = text_or_action();
      if (n->type == NodeType::end || n->type == NodeType::else_)
        return {std::move(list), std::move(n)};
      list->nodes.push_back(std::move(n));
    }
    errorf("unexpected EOF");
  }

  NodePtr text_or_action() {
    const Item& token = next_non_space();
    switch (token.type) {
      case ItemType::text:
        return make<TextNode>(token.pos, token.val);
      case ItemType::left_delim: {
        m_action_line = token.line;
        NodePtr n = action();
        m_action_line = 0;
        return n;
      }
      case ItemType::comment:
        return make<CommentNode>(token.pos, token.val);
      default:
        unexpected(token, "input");
    }
  }

  NodePtr action() {
    const Item& token = next_non_space();
    switch (token.type) {
      case ItemType::block:
        return block_control();
      case ItemType::break_:
        return loop_control(NodeType::break_, token, "{{break}}");
      case ItemType::continue_:
        return loop_control(NodeType::continue_, token, "{{continue}}");
      case ItemType::else_:
        return else_control();
      case ItemType::end:
        return end_control();
      case ItemType::if_:
        return branch_control(NodeType::if_, "if");
      case ItemType::range:
        return branch_control(NodeType::range, "range");
      case ItemType::template_:
        return template_control();
      case ItemType::with:
        return branch_control(NodeType::with, "with");
      default:
        break;
    }
    backup();
    const Item& start = peek();
    auto pipe = pipeline("command", ItemType::right_delim);
    return make<ActionNode>(start.pos, start.line, std::move(pipe));
  }

  NodePtr loop_control(NodeType type, const Item& keyword, const char* context) {
    size_t pos = keyword.pos;
    int line = keyword.line;
    const Item& token = next_non_space();
    if (token.type != ItemType::right_delim) unexpected(token, context);
    if (m_range_depth == 0) errorf(std::string(context) + " outside {{range}}");
    return make<LoopControlNode>(type, pos, line);
  }

  std::unique_ptr<PipeNode> pipeline(std::string_view context, ItemType end) {
    const Item& first = peek_non_space();
    auto pipe = make<PipeNode>(first.pos, first.line);
  decls:
    if (peek_non_space().type == ItemType::variable) {
      const Item& v = next();
      size_t after_variable = m_s.index;
      const Item& next_token = peek_non_space();
      if (next_token.type == ItemType::assign || next_token.type == ItemType::declare) {
        pipe->is_assign = next_token.type == ItemType::assign;
        next_non_space();
        pipe->decl.push_back(new_variable(v.pos, v.val));
        m_vars.emplace_back(v.val);
      } else if (next_token.type == ItemType::char_ && next_token.val == ",") {
        next_non_space();
        pipe->decl.push_back(new_variable(v.pos, v.val));
        m_vars.emplace_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          ItemType t = peek_non_space().type;
          if (t == ItemType::variable || t == ItemType::right_delim || t == ItemType::right_paren)
            goto decls;
          errorf("range can only initialize variables");
        }
        errorf("too many declarations in " + std::string(context));
      } else {
        m_s.index = after_variable - 1;  // back before the variable
      }
    }
    for (;;) {
      const Item& token = next_non_space();
      if (token.type == end) {
        check_pipeline(*pipe, context);
        return pipe;
      }
      switch (token.type) {
        case ItemType::bool_:
        case ItemType::char_constant:
        case ItemType::complex:
        case ItemType::dot:
        case ItemType::field:
        case ItemType::identifier:
        case ItemType::number:
        case ItemType::nil:
        case ItemType::raw_string:
        case ItemType::string:
        case ItemType::variable:
        case ItemType::left_paren:
          backup();
          pipe->cmds.push_back(command());
          break;
        default:
          unexpected(token, context);
      }
    }
  }

  void check_pipeline(const PipeNode& pipe, std::string_view context) {
    if (pipe.cmds.empty()) errorf("missing value for " + std::string(context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::bool_:
        case NodeType::dot:
        case NodeType::nil:
        case NodeType::number:
        case NodeType::string:
          errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  struct Control {
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list, else_list;
  };

  NodePtr branch_control(NodeType type, std::string_view context) {
    // Go has no limit here (its stacks grow); ours is a thread's stack.
    if (m_s.block_depth >= k_max_nesting) errorf("control structures nested more than 1000 deep");
    ++m_s.block_depth;
    NodePtr node = branch_control_body(type, context);
    --m_s.block_depth;
    return node;
  }

  NodePtr branch_control_body(NodeType type, std::string_view context) {
    size_t vars = m_vars.size();
    auto pipe = pipeline(context, ItemType::right_delim);
    if (type == NodeType::range) ++m_range_depth;
    auto [list, next_node] = item_list();
    if (type == NodeType::range) --m_range_depth;
    std::unique_ptr<ListNode> else_list;
    if (next_node->type == NodeType::else_) {
      if (type == NodeType::if_ && peek().type == ItemType::if_) {
        next();
        else_list = new_list(next_node->pos);
        else_list->nodes.push_back(branch_control(NodeType::if_, "if"));
      } else if (type == NodeType::with && peek().type == ItemType::with) {
        next();
        else_list = new_list(next_node->pos);
        else_list->nodes.push_back(branch_control(NodeType::with, "with"));
      } else {
        auto [elist, end] = item_list();
        if (end->type != NodeType::end) errorf("expected end; found " + node_string(*end));
        else_list = std::move(elist);
      }
    }
    m_vars.resize(vars);
    auto node = make<BranchNode>(type, pipe->pos, pipe->line);
    node->pipe = std::move(pipe);
    node->list = std::move(list);
    node->else_list = std::move(else_list);
    return node;
  }

  NodePtr end_control() {
    const Item& token = expect(ItemType::right_delim, "end");
    return make<Node_>(NodeType::end, token.pos);
  }

  NodePtr else_control() {
    const Item& p = peek_non_space();
    if (p.type == ItemType::if_ || p.type == ItemType::with)
      return make<Node_>(NodeType::else_, p.pos);
    const Item& token = expect(ItemType::right_delim, "else");
    return make<Node_>(NodeType::else_, token.pos);
  }

  NodePtr block_control() {
    static constexpr const char* context = "block clause";
    const Item& token = next_non_space();
    std::string name = parse_template_name(token, context);
    size_t pos = token.pos;
    int line = token.line;
    auto pipe = pipeline(context, ItemType::right_delim);
    TreeParser block(m_s, name);
    auto [list, end] = block.item_list();
    if (end->type != NodeType::end) errorf("unexpected " + node_string(*end) + " in " + context);
    block.m_tree->root = std::move(list);
    block.add();
    auto node = make<TemplateNode>(pos, line, name);
    node->pipe = std::move(pipe);
    return node;
  }

  NodePtr template_control() {
    static constexpr const char* context = "template clause";
    const Item& token = next_non_space();
    std::string name = parse_template_name(token, context);
    auto node = make<TemplateNode>(token.pos, token.line, name);
    if (next_non_space().type != ItemType::right_delim) {
      backup();
      node->pipe = pipeline(context, ItemType::right_delim);
    }
    return node;
  }

  std::string parse_template_name(const Item& token, const char* context) {
    if (token.type == ItemType::string || token.type == ItemType::raw_string) {
      auto s = unquote(token.val);
      if (!s) errorf("invalid syntax");
      return *s;
    }
    unexpected(token, context);
  }

  std::unique_ptr<CommandNode> command() {
    auto cmd = make<CommandNode>(peek_non_space().pos);
    for (;;) {
      peek_non_space();
      NodePtr operand = parse_operand();
      if (operand) cmd->args.push_back(std::move(operand));
      const Item& token = next();
      if (token.type == ItemType::space) continue;
      if (token.type == ItemType::right_delim || token.type == ItemType::right_paren) {
        backup();
      } else if (token.type != ItemType::pipe) {
        unexpected(token, "operand");
      }
      break;
    }
    if (cmd->args.empty()) errorf("empty command");
    return cmd;
  }

  NodePtr parse_operand() {
    NodePtr node = term();
    if (!node) return nullptr;
    if (peek().type != ItemType::field) return node;
    // .a.b.c: the field tokens after the term (the item list ends with eof or an error).
    size_t chain_pos = peek().pos;
    size_t count = 0;
    while (m_s.items[m_s.index + count].type == ItemType::field)
      ++count;
    auto take_fields = [&](std::vector<std::string>& names) {
      names.reserve(names.size() + count);
      while (peek().type == ItemType::field)
        names.emplace_back(next().val.substr(1));
    };
    switch (node->type) {
      case NodeType::field:  // one field node for the whole chain, at the chain's position
        take_fields(static_cast<FieldNode&>(*node).ident);
        node->pos = chain_pos;
        return node;
      case NodeType::variable:
        take_fields(static_cast<VariableNode&>(*node).ident);
        node->pos = chain_pos;
        return node;
      case NodeType::bool_:
      case NodeType::string:
      case NodeType::number:
      case NodeType::nil:
      case NodeType::dot: {
        std::vector<std::string> ignored;
        take_fields(ignored);  // the error names the line of the last one, as Go's does
        errorf("unexpected . after term " + quote(node_string(*node)));
      }
      default: {
        auto chain = make<ChainNode>(chain_pos, std::move(node));
        take_fields(chain->field);
        return chain;
      }
    }
  }

  std::unique_ptr<VariableNode> new_variable(size_t pos, std::string_view name) {
    auto v = make<VariableNode>(pos);
    size_t start = 0;
    for (;;) {
      size_t dot = name.find('.', start);
      v->ident.emplace_back(
          name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return v;
  }

  NodePtr term() {
    const Item& token = next_non_space();
    switch (token.type) {
      case ItemType::identifier: {
        const auto& has = m_s.options->has_function;
        if (has && !has(token.val)) errorf("function " + quote(token.val) + " not defined");
        return make<IdentifierNode>(token.pos, token.val);
      }
      case ItemType::dot:
        return make<DotNode>(token.pos);
      case ItemType::nil:
        return make<NilNode>(token.pos);
      case ItemType::variable: {
        auto v = new_variable(token.pos, token.val);
        if (std::find(m_vars.begin(), m_vars.end(), v->ident[0]) == m_vars.end()) {
          errorf("undefined variable " + quote(v->ident[0]));
        }
        return v;
      }
      case ItemType::field: {
        auto f = make<FieldNode>(token.pos);
        f->ident.emplace_back(token.val.substr(1));
        return f;
      }
      case ItemType::bool_:
        return make<BoolNode>(token.pos, token.val == "true");
      case ItemType::char_constant:
      case ItemType::complex:
      case ItemType::number:
        return new_number(token);
      case ItemType::left_paren: {
        // Go's maxStackDepth.
        if (m_s.paren_depth >= k_max_nesting) errorf("max expression depth exceeded");
        ++m_s.paren_depth;
        auto pipe = pipeline("parenthesized pipeline", ItemType::right_paren);
        --m_s.paren_depth;
        return pipe;
      }
      case ItemType::string:
      case ItemType::raw_string: {
        auto s = unquote(token.val);
        if (!s) errorf("invalid syntax");
        return make<StringNode>(token.pos, token.val, std::move(*s));
      }
      default:
        break;
    }
    backup();
    return nullptr;
  }

  NodePtr new_number(const Item& token) {
    auto n = make<NumberNode>(token.pos, token.val);
    std::string_view text = token.val;
    if (token.type == ItemType::char_constant) {
      size_t used = 0;
      auto r = unquote_char(text.substr(1), text[0], used);
      if (!r) errorf("invalid syntax");
      if (text.substr(1 + used) != "'")
        errorf("malformed character constant: " + std::string(text));
      n->int64 = *r;
      n->uint64 = static_cast<uint64_t>(*r);
      n->float64 = *r;
      n->is_int = n->is_uint = n->is_float = true;
    } else if (token.type == ItemType::complex || (!text.empty() && text.back() == 'i')) {
      n->is_complex = true;
      n->constant_error = "complex constants are not supported";
      if (token.type != ItemType::complex && !parse_go_float(text.substr(0, text.size() - 1))) {
        errorf("illegal number syntax: " + quote(text));
      }
    } else {
      bool overflow = false;
      if (auto u = parse_go_uint(text, &overflow)) {
        n->is_uint = true;
        n->uint64 = *u;
      }
      if (auto i = parse_go_int(text, &overflow)) {
        n->is_int = true;
        n->int64 = *i;
        if (*i == 0) {
          n->is_uint = true;
          n->uint64 = 0;
        }
      }
      if (n->is_int) {
        n->is_float = true;
        n->float64 = static_cast<double>(n->int64);
      } else if (n->is_uint) {
        n->is_float = true;
        n->float64 = static_cast<double>(n->uint64);
      } else if (auto f = parse_go_float(text)) {
        if (text.find_first_of(".eEpP") == std::string_view::npos)
          errorf("integer overflow: " + quote(text));
        n->is_float = true;
        n->float64 = *f;
        if (*f >= -9223372036854775808.0 && *f < 9223372036854775808.0 &&
            static_cast<double>(static_cast<int64_t>(*f)) == *f) {
          n->is_int = true;
          n->int64 = static_cast<int64_t>(*f);
        }
        if (*f >= 0 && *f < 18446744073709551616.0 &&
            static_cast<double>(static_cast<uint64_t>(*f)) == *f) {
          n->is_uint = true;
          n->uint64 = static_cast<uint64_t>(*f);
        }
      }
      if (!n->is_int && !n->is_uint && !n->is_float)
        errorf("illegal number syntax: " + quote(text));
    }
    // Go's idealConstant: what the number is as an interface{} argument.
    bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                   text.find_first_of("pP") == std::string_view::npos;
    bool rune_int = !text.empty() && text[0] == '\'';
    if (n->is_complex) {
      // constant_error already set
    } else if (n->is_float && !hex_int && !rune_int &&
               text.find_first_of(".eEpP") != std::string_view::npos) {
      n->constant = Value::floating(n->float64);
    } else if (n->is_int) {
      n->constant = Value::integer(n->int64, GoType::int_);
    } else if (n->is_uint) {
      n->constant_error = std::string(text) + " overflows int";
    }
    return n;
  }

  Shared& m_s;
  std::shared_ptr<Tree> m_tree;
  std::vector<std::string> m_vars{"$"};
  int m_range_depth = 0;
  int m_action_line = 0;
};

}  // namespace

Result<std::vector<std::shared_ptr<Tree>>> parse_trees(std::string_view name, std::string text,
                                                       const ParseOptions& options) {
  Shared shared;
  shared.options = &options;
  auto source = std::make_shared<TreeSource>();
  source->text = std::move(text);
  source->parse_name = std::string(name);
  shared.source = source;
  LexOptions lex_options;
  lex_options.left_delim = options.left_delim;
  lex_options.right_delim = options.right_delim;
  lex_options.emit_comment = options.keep_comments;
  lex_options.break_ok = !(options.has_function && options.has_function("break"));
  lex_options.continue_ok = !(options.has_function && options.has_function("continue"));
  std::string lex_error;
  shared.items = lex(source->text, lex_options, lex_error);
  try {
    TreeParser top(shared, std::string(name));
    top.parse_top();
  } catch (ParseFailure& failure) {
    return std::unexpected(Error(std::move(failure.message)));
  }
  return std::move(shared.order);
}

}  // namespace plumb::gotemplate
