// Execution of parse trees: Go's text/template exec.go, node by node, with the same points
// at which Go records "the node being evaluated" so errors name the same node.
#include <algorithm>

#include "gotemplate/ast.hpp"
#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"
#include "gotemplate/template.hpp"

namespace plumb::gotemplate {

namespace {

struct ExecFailure {
  std::string message;
};

enum class Flow : uint8_t { normal, break_, continue_ };

// A parameter slot with no type (Go's nil reflect.Type in evalArg for a chain's operand).
constexpr Param k_untyped = static_cast<Param>(255);

std::string param_name(Param p) {
  switch (p) {
    case Param::value:
      return "reflect.Value";
    case Param::any:
      return "interface {}";
    case Param::string:
      return "string";
    case Param::int_:
      return "int";
    case Param::int64:
      return "int64";
    case Param::float64:
      return "float64";
    case Param::bool_:
      return "bool";
    case Param::list:
      return "[]interface {}";
    case Param::map:
      return "map[string]interface {}";
  }
  return "<nil>";
}

bool can_be_nil(Param p) {
  return p == Param::value || p == Param::any || p == Param::list || p == Param::map;
}

// The zero value of a nilable parameter type.
Value zero_of(Param p) {
  switch (p) {
    case Param::any:
      return Value::nil();
    case Param::list:
      return Value::list(std::make_shared<const ValueList>());
    case Param::map:
      return Value::map();  // a nil map reads as an empty one
    default:
      return Value();
  }
}

GoType go_type_of(Param p) {
  switch (p) {
    case Param::string:
      return GoType::string;
    case Param::int_:
      return GoType::int_;
    case Param::int64:
      return GoType::int64;
    case Param::float64:
      return GoType::float64;
    case Param::bool_:
      return GoType::bool_;
    case Param::list:
      return GoType::list_any;
    case Param::map:
      return GoType::map_any;
    default:
      return GoType::none;
  }
}

}  // namespace

class Executor {
 public:
  Executor(const TemplateSet& set, const ExecOptions& options, std::string& out, int depth)
      : m_set(&set), m_options(options), m_out(&out), m_depth(depth) {}

  Result<void> run(const Tree& tree, const Value& dot) {
    m_tree = &tree;
    m_vars.push_back(Variable{"$", dot});
    try {
      walk(dot, *tree.root);
    } catch (ExecFailure& failure) {
      return std::unexpected(Error(std::move(failure.message)));
    }
    return {};
  }

  const TemplateSet& set() const { return *m_set; }
  const ExecOptions& options() const { return m_options; }
  const std::string& template_name() const { return m_tree->name; }
  int depth() const { return m_depth; }

 private:
  struct Variable {
    std::string_view name;
    Value value;
  };

  void at(const Node_& node) { m_node = &node; }

  [[noreturn]] void errorf(std::string_view message) {
    std::string text = "template: ";
    if (m_node == nullptr) {
      text += m_tree->name;
      text += ": ";
    } else {
      text += error_location(*m_node);
      text += ": executing ";
      append_quoted(text, m_tree->name);
      text += " at <";
      write_node(text, *m_node);
      text += ">: ";
    }
    text += message;
    throw ExecFailure{std::move(text)};
  }

  // --- variables ---
  size_t mark() const { return m_vars.size(); }
  void pop(size_t mark) { m_vars.resize(mark); }
  void set_var(std::string_view name, const Value& value) {
    for (size_t i = m_vars.size(); i-- > 0;) {
      if (m_vars[i].name == name) {
        m_vars[i].value = value;
        return;
      }
    }
    errorf("undefined variable: " + std::string(name));
  }
  const Value& var_value(std::string_view name) {
    for (size_t i = m_vars.size(); i-- > 0;) {
      if (m_vars[i].name == name) return m_vars[i].value;
    }
    errorf("undefined variable: " + std::string(name));
  }

  // --- walking ---
  Flow walk(const Value& dot, const Node_& node) {
    at(node);
    switch (node.type) {
      case NodeType::action: {
        const auto& action = static_cast<const ActionNode&>(node);
        Value val = eval_pipeline(dot, action.pipe.get());
        if (action.pipe->decl.empty()) print_value(node, val);
        return Flow::normal;
      }
      case NodeType::break_:
        return Flow::break_;
      case NodeType::continue_:
        return Flow::continue_;
      case NodeType::comment:
        return Flow::normal;
      case NodeType::if_:
      case NodeType::with:
        return walk_if_or_with(dot, static_cast<const BranchNode&>(node));
      case NodeType::list:
        for (const auto& n : static_cast<const ListNode&>(node).nodes) {
          Flow flow = walk(dot, *n);
          if (flow != Flow::normal) return flow;
        }
        return Flow::normal;
      case NodeType::range:
        return walk_range(dot, static_cast<const BranchNode&>(node));
      case NodeType::template_:
        walk_template(dot, static_cast<const TemplateNode&>(node));
        return Flow::normal;
      case NodeType::text:
        m_out->append(static_cast<const TextNode&>(node).text);
        check_output();
        return Flow::normal;
      default:
        errorf("unknown node: " + node_string(node));
    }
  }

  Flow walk_if_or_with(const Value& dot, const BranchNode& node) {
    size_t m = mark();
    Value val = eval_pipeline(dot, node.pipe.get());
    Flow flow = Flow::normal;
    if (val.truth()) {
      flow = walk(node.type == NodeType::with ? val : dot, *node.list);
    } else if (node.else_list) {
      flow = walk(dot, *node.else_list);
    }
    pop(m);
    return flow;
  }

  // One pass of a range body; false when the loop must stop ({{break}}).
  bool one_iteration(const BranchNode& r, size_t m, const Value& index, const Value& elem) {
    size_t n = r.pipe->decl.size();
    if (n > 0) m_vars[m_vars.size() - 1].value = elem;
    if (n > 1) m_vars[m_vars.size() - 2].value = index;
    Flow flow = walk(elem, *r.list);
    pop(m);
    return flow != Flow::break_;
  }

  Flow walk_range(const Value& dot, const BranchNode& r) {
    at(r);
    size_t m0 = mark();
    Value val = eval_pipeline(dot, r.pipe.get()).unboxed();
    if (const Object* object = val.object_ptr()) {
      if (Value elements = object->elements(); !elements.is_invalid()) val = std::move(elements);
    }
    size_t m = mark();
    bool ran = false;
    switch (val.kind()) {
      case Kind::list: {
        auto list = val.list_ptr();  // keeps the items alive while the body runs
        for (size_t i = 0; i < list->size(); ++i) {
          ran = true;
          if (!one_iteration(r, m, Value::integer(static_cast<int64_t>(i)), (*list)[i])) break;
        }
        break;
      }
      case Kind::map: {
        auto map = val.map_shared();
        // Go's fmtsort takes a sorted copy of the keys and values first.
        std::vector<std::pair<std::string, Value>> entries = map->entries();
        for (const auto& [key, value] : entries) {
          ran = true;
          if (!one_iteration(r, m, Value::string(key), value)) break;
        }
        break;
      }
      case Kind::integer: {
        if (r.pipe->decl.size() > 1) {
          std::string text;
          append_value(text, val);
          errorf("can't use " + text + " to iterate over more than one variable");
        }
        int64_t n = val.as_int();
        if (val.type() == GoType::uint64 && n < 0) n = INT64_MAX;
        for (int64_t i = 0; i < n; ++i) {
          ran = true;
          if (!one_iteration(r, m, Value(), Value::integer(i, val.type()))) break;
        }
        break;
      }
      case Kind::invalid:
        break;
      default: {
        std::string text;
        append_value(text, val);
        errorf("range can't iterate over " + text);
      }
    }
    if (!ran && r.else_list) walk(dot, *r.else_list);
    pop(m0);
    return Flow::normal;
  }

  void walk_template(const Value& dot, const TemplateNode& t) {
    at(t);
    const auto* tree = m_set->find_tree(t.name);
    if (tree == nullptr) errorf("template " + quote(t.name) + " not defined");
    if (m_depth >= m_options.max_depth) {
      errorf("exceeded maximum template depth (" + std::to_string(m_options.max_depth) + ")");
    }
    Value new_dot = eval_pipeline(dot, t.pipe.get());
    Executor nested(*m_set, m_options, *m_out, m_depth + 1);
    nested.m_tree = tree->get();
    nested.m_vars.push_back(Variable{"$", new_dot});
    nested.walk(new_dot, *(*tree)->root);
  }

  // --- evaluation ---
  Value eval_pipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    at(*pipe);
    Value value;
    const Value* final = nullptr;
    for (const auto& cmd : pipe->cmds) {
      value = eval_command(dot, *cmd, final).unboxed();
      final = &value;
    }
    for (const auto& variable : pipe->decl) {
      if (pipe->is_assign) {
        set_var(variable->ident[0], value);
      } else {
        m_vars.push_back(Variable{variable->ident[0], value});
      }
    }
    return value;
  }

  void not_a_function(std::span<const NodePtr> args, const Value* final) {
    if (args.size() > 1 || final != nullptr)
      errorf("can't give argument to non-function " + node_string(*args[0]));
  }

  Value eval_command(const Value& dot, const CommandNode& cmd, const Value* final) {
    const Node_& first = *cmd.args[0];
    switch (first.type) {
      case NodeType::field:
        return eval_field_node(dot, static_cast<const FieldNode&>(first), cmd.args, final);
      case NodeType::chain:
        return eval_chain_node(dot, static_cast<const ChainNode&>(first), cmd.args, final);
      case NodeType::identifier:
        return eval_function(dot, static_cast<const IdentifierNode&>(first), cmd, cmd.args, final);
      case NodeType::pipe:
        not_a_function(cmd.args, final);
        return eval_pipeline(dot, static_cast<const PipeNode*>(&first));
      case NodeType::variable:
        return eval_variable_node(dot, static_cast<const VariableNode&>(first), cmd.args, final);
      default:
        break;
    }
    at(first);
    not_a_function(cmd.args, final);
    switch (first.type) {
      case NodeType::bool_:
        return Value::boolean(static_cast<const BoolNode&>(first).value);
      case NodeType::dot:
        return dot;
      case NodeType::nil:
        errorf("nil is not a command");
      case NodeType::number:
        return ideal_constant(static_cast<const NumberNode&>(first));
      case NodeType::string:
        return static_cast<const StringNode&>(first).value;
      default:
        break;
    }
    errorf("can't evaluate command " + quote(node_string(first)));
  }

  Value ideal_constant(const NumberNode& constant) {
    at(constant);
    if (!constant.constant_error.empty()) errorf(constant.constant_error);
    return constant.constant;
  }

  Value eval_field_node(const Value& dot, const FieldNode& field, std::span<const NodePtr> args,
                        const Value* final) {
    at(field);
    return eval_field_chain(dot, dot, field, field.ident, args, final);
  }

  Value eval_chain_node(const Value& dot, const ChainNode& chain, std::span<const NodePtr> args,
                        const Value* final) {
    at(chain);
    if (chain.node->type == NodeType::nil)
      errorf("indirection through explicit nil in " + node_string(chain));
    Value pipe = eval_arg(dot, k_untyped, *chain.node);
    return eval_field_chain(dot, pipe, chain, chain.field, args, final);
  }

  Value eval_variable_node(const Value& dot, const VariableNode& variable,
                           std::span<const NodePtr> args, const Value* final) {
    at(variable);
    const Value& value = var_value(variable.ident[0]);
    if (variable.ident.size() == 1) {
      not_a_function(args, final);
      return value;
    }
    return eval_field_chain(dot, value, variable, std::span(variable.ident).subspan(1), args,
                            final);
  }

  Value eval_field_chain(const Value& dot, const Value& receiver, const Node_& node,
                         std::span<const std::string> ident, std::span<const NodePtr> args,
                         const Value* final) {
    if (ident.size() == 1) return eval_field(dot, ident[0], node, args, final, receiver);
    Value r = eval_field(dot, ident[0], node, {}, nullptr, receiver);
    for (size_t i = 1; i + 1 < ident.size(); ++i)
      r = eval_field(dot, ident[i], node, {}, nullptr, r);
    return eval_field(dot, ident.back(), node, args, final, r);
  }

  Value eval_function(const Value& dot, const IdentifierNode& node, const Node_& cmd,
                      std::span<const NodePtr> args, const Value* final) {
    at(node);
    const std::string& name = node.ident;
    const FuncInfo* fn = m_set->funcs() ? m_set->funcs()->find(name) : nullptr;
    bool builtin = false;
    if (fn == nullptr) {
      fn = find_builtin(name);
      builtin = true;
    }
    if (fn == nullptr) errorf(quote(name) + " is not a defined function");
    return eval_call(dot, *fn, builtin, cmd, name, args, final);
  }

  Value eval_field(const Value& dot, const std::string& field_name, const Node_& node,
                   std::span<const NodePtr> args, const Value* final, const Value& receiver) {
    if (receiver.is_invalid()) {
      if (m_options.missing_key == MissingKey::error)
        errorf("nil data; no entry for key " + quote(field_name));
      return Value();
    }
    if (receiver.is_nil())
      errorf("nil pointer evaluating " + receiver.static_type_name() + "." + field_name);
    bool has_args = args.size() > 1 || final != nullptr;
    if (const Object* object = receiver.object_ptr()) {
      if (const FuncInfo* method = object->method(field_name)) {
        return eval_call(dot, *method, false, node, field_name, args, final);
      }
      if (auto field = object->field(field_name)) {
        if (has_args) errorf(field_name + " has arguments but cannot be invoked as function");
        return *field;
      }
    }
    if (ValueMap* map = receiver.map_ptr()) {
      if (has_args) errorf(field_name + " is not a method but has arguments");
      if (const Value* found = map->find(field_name)) return *found;
      switch (m_options.missing_key) {
        case MissingKey::invalid:
          return Value();
        case MissingKey::zero:
          return receiver.type() == GoType::map_string ? Value::string("") : Value::nil();
        case MissingKey::error:
          errorf("map has no entry for key " + quote(field_name));
      }
    }
    errorf("can't evaluate field " + field_name + " in type " + receiver.static_type_name());
  }

  Value eval_call(const Value& dot, const FuncInfo& fn, bool builtin, const Node_& node,
                  const std::string& name, std::span<const NodePtr> args, const Value* final) {
    if (!args.empty()) args = args.subspan(1);
    size_t num_params = fn.params.size();
    size_t num_in = args.size() + (final != nullptr ? 1 : 0);
    size_t num_fixed = args.size();
    if (fn.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed) {
        errorf("wrong number of args for " + name + ": want at least " +
               std::to_string(num_params - 1) + " got " + std::to_string(args.size()));
      }
    } else if (num_in != num_params) {
      errorf("wrong number of args for " + name + ": want " + std::to_string(num_params) + " got " +
             std::to_string(num_in));
    }
    if (builtin && (name == "and" || name == "or")) {
      Value v;
      bool is_or = name == "or";
      for (const auto& arg : args) {
        v = eval_arg(dot, Param::value, *arg);
        if (v.truth() == is_or) return v;
      }
      if (final != nullptr) v = *final;
      return v;
    }
    size_t base = m_argv.size();
    size_t i = 0;
    for (; i < num_fixed && i < args.size(); ++i)
      push_arg(eval_arg(dot, fn.params[i], *args[i]), fn.params[i]);
    if (fn.variadic) {
      for (; i < args.size(); ++i)
        push_arg(eval_arg(dot, fn.params.back(), *args[i]), fn.params.back());
    }
    if (final != nullptr) {
      Param t = fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      if (!fn.variadic) t = fn.params[num_params - 1];
      push_arg(validate_type(*final, t), t);
    }
    // The arguments stay on m_argv during the call: nothing else runs on this executor until
    // the function returns (a nested execution has its own).
    CallContext context(*this);
    Result<Value> result =
        fn.fn(context, std::span<const Value>(m_argv.data() + base, m_argv.size() - base));
    m_argv.resize(base);
    if (!result) {
      at(node);
      errorf("error calling " + name + ": " + result.error().message());
    }
    return std::move(*result);
  }

  void push_arg(Value value, Param p) {
    if (p == Param::any && value.is_invalid()) value = Value::nil();
    m_argv.push_back(std::move(value));
  }

  Value validate_type(const Value& value, Param typ) {
    if (typ == k_untyped) return value;
    if (value.is_invalid()) {
      if (can_be_nil(typ)) return zero_of(typ);
      errorf("invalid value; expected " + param_name(typ));
    }
    if (typ == Param::value || typ == Param::any) return value;
    GoType want = go_type_of(typ);
    if (value.type() == want && !value.is_nil()) return value.unboxed();
    errorf("wrong type for value; expected " + param_name(typ) + "; got " +
           (value.is_nil() ? std::string("interface {}") : value.type_name()));
  }

  Value eval_arg(const Value& dot, Param typ, const Node_& n) {
    at(n);
    switch (n.type) {
      case NodeType::dot:
        return validate_type(dot, typ);
      case NodeType::nil:
        if (typ == k_untyped) break;
        if (can_be_nil(typ)) return zero_of(typ);
        errorf("cannot assign nil to " + param_name(typ));
      case NodeType::field:
        return validate_type(eval_field_node(dot, static_cast<const FieldNode&>(n),
                                             std::span(&m_self_arg, 1), nullptr),
                             typ);
      case NodeType::variable:
        return validate_type(
            eval_variable_node(dot, static_cast<const VariableNode&>(n), {}, nullptr), typ);
      case NodeType::pipe:
        return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(&n)), typ);
      case NodeType::identifier: {
        const auto& id = static_cast<const IdentifierNode&>(n);
        return validate_type(eval_function(dot, id, id, {}, nullptr), typ);
      }
      case NodeType::chain:
        return validate_type(eval_chain_node(dot, static_cast<const ChainNode&>(n), {}, nullptr),
                             typ);
      default:
        break;
    }
    switch (typ) {
      case Param::bool_:
        if (n.type == NodeType::bool_) return Value::boolean(static_cast<const BoolNode&>(n).value);
        errorf("expected bool; found " + node_string(n));
      case Param::float64:
        if (n.type == NodeType::number && static_cast<const NumberNode&>(n).is_float) {
          return Value::floating(static_cast<const NumberNode&>(n).float64);
        }
        errorf("expected float; found " + node_string(n));
      case Param::int_:
      case Param::int64:
        if (n.type == NodeType::number && static_cast<const NumberNode&>(n).is_int) {
          return Value::integer(static_cast<const NumberNode&>(n).int64, go_type_of(typ));
        }
        errorf("expected integer; found " + node_string(n));
      case Param::any:
      case Param::value:
        return eval_empty_interface(dot, n);
      case Param::string:
        if (n.type == NodeType::string) return static_cast<const StringNode&>(n).value;
        errorf("expected string; found " + node_string(n));
      default:
        break;
    }
    errorf("can't handle " + node_string(n) + " for arg of type " + param_name(typ));
  }

  Value eval_empty_interface(const Value& /*dot*/, const Node_& n) {
    at(n);
    switch (n.type) {
      case NodeType::bool_:
        return Value::boolean(static_cast<const BoolNode&>(n).value);
      case NodeType::number:
        return ideal_constant(static_cast<const NumberNode&>(n));
      case NodeType::string:
        return static_cast<const StringNode&>(n).value;
      default:
        break;
    }
    errorf("can't handle assignment of " + node_string(n) + " to empty interface argument");
  }

  void print_value(const Node_& n, const Value& v) {
    at(n);
    if (v.is_invalid()) {
      m_out->append("<no value>");
      return;
    }
    append_value(*m_out, v);
    check_output();
  }

  void check_output() {
    if (m_out->size() > m_options.max_output)
      errorf("output exceeds the limit of " + std::to_string(m_options.max_output) + " bytes");
  }

  friend class TemplateSet;
  friend class CallContext;

  const TemplateSet* m_set;
  const ExecOptions& m_options;
  std::string* m_out;
  int m_depth;
  const Tree* m_tree = nullptr;
  const Node_* m_node = nullptr;
  std::vector<Variable> m_vars;
  std::vector<Value> m_argv;
  // Go passes a field node its own node as "args" in evalArg (so has_args stays false).
  NodePtr m_self_arg;
};

const TemplateSet& CallContext::set() const {
  return m_executor.set();
}
const ExecOptions& CallContext::options() const {
  return m_executor.options();
}
const std::string& CallContext::template_name() const {
  return m_executor.template_name();
}

Result<void> CallContext::execute(std::string& out, const TemplateSet& set, std::string_view name,
                                  const Value& dot) {
  const auto* tree = set.find_tree(name);
  if (tree == nullptr) {
    return fail("template: no template ", quote(name), " associated with template ",
                quote(set.name()));
  }
  if (m_executor.depth() >= m_executor.options().max_depth) {
    return fail("template: ", name, ": exceeded maximum template depth (",
                std::to_string(m_executor.options().max_depth), ")");
  }
  Executor nested(set, m_executor.options(), out, m_executor.depth() + 1);
  return nested.run(**tree, dot);
}

Result<void> TemplateSet::execute(std::string& out, std::string_view name, const Value& dot,
                                  const ExecOptions& options) const {
  const auto* tree = find_tree(name);
  if (tree == nullptr)
    return fail("template: no template ", quote(name), " associated with template ", quote(m_name));
  Executor executor(*this, options, out, 0);
  return executor.run(**tree, dot);
}

Result<std::string> TemplateSet::execute(std::string_view name, const Value& dot,
                                         const ExecOptions& options) const {
  std::string out;
  TRY_VOID(execute(out, name, dot, options));
  return out;
}

}  // namespace plumb::gotemplate
