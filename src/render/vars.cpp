#include "render/vars.hpp"

#include <unordered_map>

namespace plumb::render {
namespace {

const Node* step_bracket(const Node* node, std::string_view inner) {
  if (node == nullptr || !node->is_list()) return nullptr;
  size_t eq = inner.find('=');
  if (eq == std::string_view::npos) {
    size_t index = 0;
    for (char c : inner) {
      if (c < '0' || c > '9') return nullptr;
      index = index * 10 + static_cast<size_t>(c - '0');
    }
    return index < node->size() ? &node->items()[index] : nullptr;
  }
  std::string_view key = inner.substr(0, eq);
  std::string_view value = inner.substr(eq + 1);
  for (const Node& item : node->items()) {
    const Node* v = item.find(key);
    if (v != nullptr && v->is_string() && v->as_string() == value) return &item;
  }
  return nullptr;
}

struct VarValue {
  Node value;
};

std::string scalar_text(const Node& n) {
  switch (n.type()) {
    case Node::Type::string:
      return std::string(n.as_string());
    case Node::Type::integer:
      return std::to_string(n.as_int());
    case Node::Type::boolean:
      return n.as_bool() ? "true" : "false";
    case Node::Type::floating: {
      std::string s = std::to_string(n.as_float());
      return s;
    }
    default:
      return "";
  }
}

// Expands $(VAR) in text; whole is set when the text was exactly one known reference.
Node expand(std::string_view input, const std::unordered_map<std::string, Node>& values,
            bool& changed) {
  std::string out;
  size_t checkpoint = 0;
  const Node* single = nullptr;
  int references = 0;
  bool only_reference = false;
  for (size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out.append(input.substr(checkpoint, cursor - checkpoint));
    std::string_view rest = input.substr(cursor + 1);
    size_t advance = 1;
    if (rest[0] == '$') {
      out += '$';
    } else if (rest[0] == '(') {
      size_t close = rest.find(')');
      if (close == std::string_view::npos) {
        out += "$(";
      } else {
        std::string name(rest.substr(1, close - 1));
        auto it = values.find(name);
        if (it != values.end()) {
          out += scalar_text(it->second);
          single = &it->second;
          ++references;
          only_reference = cursor == 0 && close + 2 == input.size();
          changed = true;
        } else {
          out += "$(" + name + ")";
        }
        advance = close + 1;
      }
    } else {
      out += '$';
      out += rest[0];
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  if (checkpoint < input.size()) out.append(input.substr(checkpoint));
  if (references == 1 && only_reference && single != nullptr && !single->is_string()) {
    return *single;
  }
  return Node::string(out);
}

Result<void> replace_in(Node& field, const std::unordered_map<std::string, Node>& values) {
  bool changed = false;
  if (field.is_string()) {
    field = expand(field.as_string(), values, changed);
  } else if (field.is_list()) {
    for (Node& item : field.items_mut()) {
      if (item.is_string()) item = expand(item.as_string(), values, changed);
    }
  } else if (field.is_map()) {
    for (MapEntry& e : field.entries_mut()) {
      if (e.value.is_string()) e.value = expand(e.value.as_string(), values, changed);
    }
  }
  return {};
}

}  // namespace

const Node* field_by_path(const Node& object, std::string_view path) {
  const Node* node = &object;
  for (const std::string& part : split_dotted_path(path)) {
    std::string_view p = part;
    size_t bracket = p.find('[');
    std::string_view key = bracket == std::string_view::npos ? p : p.substr(0, bracket);
    if (!key.empty()) {
      node = node->find(key);
      if (node == nullptr) return nullptr;
    }
    while (bracket != std::string_view::npos) {
      size_t close = p.find(']', bracket);
      if (close == std::string_view::npos) return nullptr;
      node = step_bracket(node, p.substr(bracket + 1, close - bracket - 1));
      if (node == nullptr) return nullptr;
      bracket = p.find('[', close);
    }
  }
  return node;
}

Result<void> resolve_vars(ResourceSet& resources, const std::vector<Var>& vars,
                          const FieldSpecs& var_reference) {
  if (vars.empty()) return {};
  std::unordered_map<std::string, std::vector<size_t>> referring;
  for (size_t i = 0; i < resources.size(); ++i) {
    for (const std::string& name : resources[i].ref_var_names)
      referring[name].push_back(i);
  }
  std::unordered_map<std::string, Node> values;
  for (const Var& v : vars) {
    auto it = referring.find(v.name);
    if (it == referring.end()) {
      return fail("var '", v.name, "' cannot be mapped to a field in the set of known resources");
    }
    for (size_t i : it->second) {
      const Node* value = field_by_path(resources[i].obj, v.field_path);
      if (value == nullptr) {
        return fail("field specified in var '", v.name, "' (", v.field_path,
                    ") not found in corresponding resource");
      }
      values[v.name] = *value;
    }
  }
  for (Resource& r : resources.mut()) {
    TRY_VOID(visit_field_specs(r.obj, var_reference, CreateKind::none,
                               [&](Node& field) { return replace_in(field, values); }));
  }
  return {};
}

}  // namespace plumb::render
