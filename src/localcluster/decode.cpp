#include "localcluster/decode.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "core/json.hpp"
#include "core/strings.hpp"
#include "localcluster/go_format.hpp"
#include "localcluster/quantity.hpp"

namespace plumb::localcluster {
namespace {

// What a value's Go type expects of it.
struct Site {
  ValueKind kind = ValueKind::any;
  ScalarType scalar = ScalarType::unknown;
  SchemaType type;                   // the struct of an object, the element struct of a list/map
  std::string_view go_type;          // "int32", "[]v1.Container", "v1.Container"
  std::optional<SchemaField> field;  // the field itself (list facts), when a field
};

struct Step {
  enum class Kind : uint8_t { field, item, map_value };
  Kind kind;
  std::string_view name;   // field name or map key
  std::string_view owner;  // the struct type holding a field ("apps/v1.DeploymentSpec")
  size_t index = 0;
  const Node* item = nullptr;
  const Site* list = nullptr;
};

enum class Next { go_on, stop };

std::string_view short_type(std::string_view name) {
  size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

std::string_view go_name_of(ScalarType scalar) {
  switch (scalar) {
    case ScalarType::string:
      return "string";
    case ScalarType::boolean:
      return "bool";
    case ScalarType::int32:
      return "int32";
    case ScalarType::int64:
      return "int64";
    case ScalarType::float64:
      return "float64";
    case ScalarType::int_or_string:
      return "intstr.IntOrString";
    case ScalarType::quantity:
      return "resource.Quantity";
    case ScalarType::bytes:
      return "[]uint8";
    case ScalarType::time:
      return "v1.Time";
    case ScalarType::duration:
      return "v1.Duration";
    case ScalarType::unknown:
      break;
  }
  return "";
}

Site field_site(const SchemaField& field) {
  Site site;
  site.kind = field.kind();
  site.scalar = field.scalar();
  site.type = field.type();
  site.go_type = field.go_type();
  site.field = field;
  return site;
}

Site element_site(const Site& container) {
  Site site;
  site.kind = container.type.known()                    ? ValueKind::object
              : container.scalar != ScalarType::unknown ? ValueKind::scalar
                                                        : ValueKind::any;
  site.scalar = container.scalar;
  site.type = container.type;
  std::string_view go = container.go_type;
  if (go.starts_with("[]")) {
    site.go_type = go.substr(2);
  } else if (go.starts_with("map[") && go.find(']') != std::string_view::npos) {
    site.go_type = go.substr(go.find(']') + 1);
  } else {
    site.go_type = site.type.known() ? short_type(site.type.name()) : go_name_of(site.scalar);
  }
  return site;
}

// Descends a value along its type; subclasses judge each value against its site.
class Walker {
 public:
  virtual ~Walker() = default;

  Next walk(const Site& site, const Node& value) {
    if (visit(site, value) == Next::stop) return Next::stop;
    if (value.is_null()) return Next::go_on;
    switch (site.kind) {
      case ValueKind::object: {
        if (!value.is_map() || !site.type.known()) return Next::go_on;
        for (const MapEntry& e : value.entries()) {
          std::string_view key = e.key.as_string();
          auto field = site.type.field(key);
          if (!field) continue;
          Site child = field_site(*field);
          m_steps.push_back({Step::Kind::field, key, site.type.name()});
          Next next = walk(child, e.value);
          m_steps.pop_back();
          if (next == Next::stop) return next;
        }
        return Next::go_on;
      }
      case ValueKind::list: {
        if (!value.is_list() || !items_accepted(site, value)) return Next::go_on;
        Site element = element_site(site);
        size_t index = 0;
        for (const Node& item : value.items()) {
          m_steps.push_back({Step::Kind::item, {}, {}, index++, &item, &site});
          Next next = walk(element, item);
          m_steps.pop_back();
          if (next == Next::stop) return next;
        }
        return Next::go_on;
      }
      case ValueKind::map: {
        if (!value.is_map()) return Next::go_on;
        Site element = element_site(site);
        for (const MapEntry& e : value.entries()) {
          m_steps.push_back({Step::Kind::map_value, e.key.as_string()});
          Next next = walk(element, e.value);
          m_steps.pop_back();
          if (next == Next::stop) return next;
        }
        return Next::go_on;
      }
      default:
        return Next::go_on;
    }
  }

 protected:
  virtual Next visit(const Site& site, const Node& value) = 0;
  // Whether a list's items are walked (apply: the items must name their keys).
  virtual bool items_accepted(const Site&, const Node&) { return true; }

  std::vector<Step> m_steps;
};

Site root_site(SchemaType root) {
  Site site;
  site.kind = ValueKind::object;
  site.type = root;
  site.go_type = short_type(root.name());
  return site;
}

bool integral(double value) {
  return std::isfinite(value) && std::trunc(value) == value;
}

// Whether a number fits a Go integer of `bits`.
bool fits(const Node& value, int bits) {
  double limit = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
  if (value.is_int())
    return bits == 64 || (value.as_int() >= -2147483648LL && value.as_int() <= 2147483647LL);
  return value.is_float() && integral(value.as_float()) && value.as_float() >= -limit &&
         value.as_float() < limit;
}

int bits_of(ScalarType scalar) {
  return scalar == ScalarType::int32 ? 32 : 64;
}

// --- encoding/json (create and update bodies, JSON and merge patches) ---

struct BodyProblem {
  std::string what;       // a type error: the JSON value
  std::string go_type;    // ... and the Go type; empty for a message of its own
  std::string message;    // a decoder's own message (quantity, base64)
  bool returned = false;  // from an UnmarshalJSON method: decoding stops there
};

// An integer field: a number that is not a whole number in range is named with its literal.
std::optional<BodyProblem> integer_problem(const Node& value, int bits, std::string_view go) {
  if (fits(value, bits)) return std::nullopt;
  if (value.is_int() || value.is_float())
    return BodyProblem{"number " + to_json(value), std::string(go)};
  return BodyProblem{std::string(go_json_type(value)), std::string(go)};
}

std::optional<BodyProblem> body_problem(const Site& site, const Node& value) {
  if (value.is_null()) return std::nullopt;
  auto type_error = [&](std::string_view go) {
    return BodyProblem{std::string(go_json_type(value)), std::string(go)};
  };
  switch (site.kind) {
    case ValueKind::any:
      return std::nullopt;
    case ValueKind::object:
    case ValueKind::map:
      if (value.is_map()) return std::nullopt;
      return type_error(site.go_type);
    case ValueKind::list:
      if (value.is_list()) return std::nullopt;
      return type_error(site.go_type);
    case ValueKind::scalar:
      break;
  }
  switch (site.scalar) {
    case ScalarType::unknown:
      return std::nullopt;
    case ScalarType::string:
      if (value.is_string()) return std::nullopt;
      return type_error(site.go_type);
    case ScalarType::time:
    case ScalarType::duration: {
      if (value.is_string()) return std::nullopt;
      BodyProblem problem = type_error("string");
      problem.returned = true;
      return problem;
    }
    case ScalarType::boolean:
      if (value.is_bool()) return std::nullopt;
      return type_error(site.go_type);
    case ScalarType::int32:
    case ScalarType::int64:
      return integer_problem(value, bits_of(site.scalar), site.go_type);
    case ScalarType::float64:
      if (value.is_int() || value.is_float()) return std::nullopt;
      return type_error(site.go_type);
    case ScalarType::int_or_string: {
      if (value.is_string()) return std::nullopt;
      auto problem = integer_problem(value, 32, "int32");
      if (problem) problem->returned = true;
      return problem;
    }
    case ScalarType::quantity: {
      std::string text = value.is_string() ? std::string(trim(value.as_string())) : to_json(value);
      if (auto error = quantity_error(text)) return BodyProblem{{}, {}, std::string(*error), true};
      return std::nullopt;
    }
    case ScalarType::bytes:
      if (value.is_list()) return std::nullopt;
      if (!value.is_string()) return type_error(site.go_type);
      if (auto error = base64_error(value.as_string())) return BodyProblem{{}, {}, *error};
      return std::nullopt;
  }
  return std::nullopt;
}

class BodyWalker : public Walker {
 public:
  std::string result() const { return m_returned.empty() ? m_saved : m_returned; }

 private:
  Next visit(const Site& site, const Node& value) override {
    auto problem = body_problem(site, value);
    if (!problem) return Next::go_on;
    std::string message = problem->message.empty() ? type_message(*problem) : problem->message;
    if (problem->returned) {
      m_returned = std::move(message);
      return Next::stop;
    }
    if (m_saved.empty()) m_saved = std::move(message);
    return Next::go_on;
  }

  // encoding/json names the innermost struct and the field names from the root.
  std::string type_message(const BodyProblem& problem) const {
    std::string_view owner;
    std::string fields;
    for (const Step& step : m_steps) {
      if (step.kind != Step::Kind::field) continue;
      owner = step.owner;
      if (!fields.empty()) fields += '.';
      fields += step.name;
    }
    std::string out = "json: cannot unmarshal " + problem.what;
    if (fields.empty()) return out + " into Go value of type " + problem.go_type;
    std::string_view struct_name = owner.substr(owner.rfind('.') + 1);
    return out + " into Go struct field " + std::string(struct_name) + "." + fields + " of type " +
           problem.go_type;
  }

  std::string m_saved;
  std::string m_returned;
};

// --- the unstructured converter (strategic merge patches) ---

std::string_view reflect_kind(const Node& value) {
  switch (value.type()) {
    case Node::Type::list:
      return "slice";
    case Node::Type::map:
      return "map";
    default:
      return go_type_name(value);
  }
}

std::optional<std::string> unstructured_problem(const Site& site, const Node& value) {
  if (value.is_null()) return std::nullopt;
  std::string kind(reflect_kind(value));
  switch (site.kind) {
    case ValueKind::any:
      return std::nullopt;
    case ValueKind::object:
      if (value.is_map()) return std::nullopt;
      return "cannot restore struct from: " + kind;
    case ValueKind::map:
      if (value.is_map()) return std::nullopt;
      return "cannot restore map from " + kind;
    case ValueKind::list:
      if (value.is_list()) return std::nullopt;
      return "cannot restore slice from " + kind;
    case ValueKind::scalar:
      break;
  }
  std::string go(site.go_type);
  switch (site.scalar) {
    case ScalarType::unknown:
      return std::nullopt;
    case ScalarType::string:
      if (value.is_string()) return std::nullopt;
      if (value.is_int()) return "cannot convert int64 to " + go;
      return std::string("unrecognized type: string");
    case ScalarType::boolean:
      if (value.is_bool()) return std::nullopt;
      return std::string("unrecognized type: bool");
    case ScalarType::int32:
    case ScalarType::int64:
      if (value.is_int()) return std::nullopt;
      if (value.is_float())
        return integral(value.as_float()) ? std::nullopt
                                          : std::optional("cannot convert float64 to " + go);
      return "unrecognized type: " + go;
    case ScalarType::float64:
      if (value.is_int() || value.is_float()) return std::nullopt;
      return "unrecognized type: " + go;
    // Types with their own JSON decoding get the value as JSON.
    case ScalarType::time:
    case ScalarType::duration:
      if (value.is_string()) return std::nullopt;
      return "json: cannot unmarshal " + std::string(go_json_type(value)) +
             " into Go value of type string";
    case ScalarType::int_or_string: {
      if (value.is_string()) return std::nullopt;
      auto problem = integer_problem(value, 32, "int32");
      if (!problem) return std::nullopt;
      return "json: cannot unmarshal " + problem->what + " into Go value of type int32";
    }
    case ScalarType::quantity: {
      std::string text = value.is_string() ? std::string(trim(value.as_string())) : to_json(value);
      if (auto error = quantity_error(text)) return std::string(*error);
      return std::nullopt;
    }
    case ScalarType::bytes:
      if (value.is_list()) return std::nullopt;
      if (!value.is_string()) return "cannot restore slice from " + kind;
      if (auto error = base64_error(value.as_string()))
        return "error decoding from json: " + *error;
      return std::nullopt;
  }
  return std::nullopt;
}

class UnstructuredWalker : public Walker {
 public:
  const std::string& result() const { return m_result; }

 private:
  Next visit(const Site& site, const Node& value) override {
    auto problem = unstructured_problem(site, value);
    if (!problem) return Next::go_on;
    m_result = std::move(*problem);
    return Next::stop;
  }
  std::string m_result;
};

// --- structured-merge-diff (server-side apply) ---

std::optional<std::string> apply_problem(const Site& site, const Node& value) {
  if (value.is_null()) return std::nullopt;
  const bool scalar = !value.is_container();
  switch (site.kind) {
    case ValueKind::any:
      return std::nullopt;
    case ValueKind::object:
    case ValueKind::map:
      if (value.is_map()) return std::nullopt;
      return "expected map, got &{" + go_value(value) + "}";
    case ValueKind::list:
      if (value.is_list()) return std::nullopt;
      return "expected list, got &{" + go_value(value) + "}";
    case ValueKind::scalar:
      break;
  }
  switch (site.scalar) {
    case ScalarType::unknown:
      return std::nullopt;
    case ScalarType::int32:
    case ScalarType::int64:
    case ScalarType::float64:
      if (value.is_int() || value.is_float()) return std::nullopt;
      return "expected numeric (int or float), got " + std::string(go_type_name(value));
    case ScalarType::string:
    case ScalarType::bytes:
    case ScalarType::duration:
      if (value.is_string()) return std::nullopt;
      return "expected string, got &value.valueUnstructured{Value:" + go_sharp_value(value) + "}";
    case ScalarType::boolean:
      if (value.is_bool()) return std::nullopt;
      return "expected boolean, got &{" + go_value(value) + "}";
    case ScalarType::int_or_string:
    case ScalarType::quantity:
    case ScalarType::time:
      if (scalar) return std::nullopt;
      return "expected any scalar, got &{" + go_value(value) + "}";
  }
  return std::nullopt;
}

// value.ToString: how a key's value reads in a path element.
std::string key_text(const Node& value) {
  switch (value.type()) {
    case Node::Type::null:
      return "null";
    case Node::Type::string:
      return go_quote(value.as_string());
    case Node::Type::list: {
      std::string out = "[";
      for (const Node& item : value.items()) {
        if (out.size() > 1) out += ',';
        out += key_text(item);
      }
      return out + "]";
    }
    case Node::Type::map: {
      std::string out;
      for (const MapEntry& e : value.entries())
        out += std::string(e.key.as_string()) + "=" + key_text(e.value);
      return out;
    }
    default:
      return go_value(value);
  }
}

enum class ListKind { atomic, set, keyed };

ListKind list_kind(const Site& site) {
  if (!site.field) return ListKind::atomic;
  if (site.field->list_type() == ListType::set) return ListKind::set;
  if (site.field->list_type() == ListType::map && site.field->list_map_key_count() > 0)
    return ListKind::keyed;
  return ListKind::atomic;
}

// The path element of a keyed item: its keys sorted by name; nullopt when it names none.
std::optional<std::string> keyed_element(const Site& list, const Node& item) {
  std::vector<std::pair<std::string_view, std::string>> keys;
  for (size_t i = 0; i < list.field->list_map_key_count(); ++i) {
    std::string_view key = list.field->list_map_key(i);
    if (const Node* v = item.find(key)) {
      keys.emplace_back(key, key_text(*v));
    } else if (key == "protocol") {
      keys.emplace_back(key, "\"TCP\"");  // the schema's default
    }
  }
  if (keys.empty()) return std::nullopt;
  std::sort(keys.begin(), keys.end());
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ',';
    out += std::string(keys[i].first) + "=" + keys[i].second;
  }
  return out + "]";
}

class ApplyWalker : public Walker {
 public:
  std::vector<std::string> take() { return std::move(m_problems); }

 private:
  Next visit(const Site& site, const Node& value) override {
    if (auto problem = apply_problem(site, value)) add(*problem);
    return Next::go_on;
  }

  // Associative lists: every item must name itself, once.
  bool items_accepted(const Site& site, const Node& list) override {
    ListKind kind = list_kind(site);
    if (kind == ListKind::atomic) return true;
    std::set<std::string> seen;
    size_t index = 0;
    for (const Node& item : list.items()) {
      std::string element;
      std::string problem;
      if (kind == ListKind::keyed) {
        if (item.is_null()) {
          problem = "associative list with keys may not have a null element";
        } else if (!item.is_map()) {
          problem = "associative list with keys may not have non-map elements";
        } else if (auto named = keyed_element(site, item)) {
          element = *named;
        } else {
          std::string keys = "[";
          for (size_t i = 0; i < site.field->list_map_key_count(); ++i) {
            if (i > 0) keys += ' ';
            keys += go_quote(site.field->list_map_key(i));
          }
          problem = "associative list with keys has an element that omits all key fields " + keys +
                    "] (and doesn't have default values for any key fields)";
        }
      } else if (item.is_map()) {
        problem = "associative list without keys has an element that's a map type";
      } else if (item.is_list()) {
        problem = "not supported: associative list with lists as elements";
      } else if (item.is_null()) {
        problem = "associative list without keys has an element that's an explicit null";
      } else {
        element = "[=" + key_text(item) + "]";
      }
      if (!problem.empty()) {
        add("element " + std::to_string(index) + ": " + problem);
        return false;
      }
      if (!seen.insert(element).second) add("duplicate entries for key " + element);
      ++index;
    }
    return true;
  }

  void add(const std::string& problem) {
    std::string path = path_text();
    m_problems.push_back(path.empty() ? problem : path + ": " + problem);
  }

  std::string path_text() const {
    std::string out;
    for (const Step& step : m_steps) {
      switch (step.kind) {
        case Step::Kind::field:
        case Step::Kind::map_value:
          out += "." + std::string(step.name);
          break;
        case Step::Kind::item:
          switch (list_kind(*step.list)) {
            case ListKind::keyed:
              out += keyed_element(*step.list, *step.item).value_or("");
              break;
            case ListKind::set:
              out += "[=" + key_text(*step.item) + "]";
              break;
            case ListKind::atomic:
              out += "[" + std::to_string(step.index) + "]";
              break;
          }
          break;
      }
    }
    return out;
  }

  std::vector<std::string> m_problems;
};

}  // namespace

std::string decode_problem(SchemaType root, const Node& object, DecodeWay way) {
  if (!root.known() || !object.is_map()) return "";
  if (way == DecodeWay::unstructured) {
    UnstructuredWalker walker;
    walker.walk(root_site(root), object);
    return walker.result();
  }
  BodyWalker walker;
  walker.walk(root_site(root), object);
  return walker.result();
}

std::vector<std::string> apply_problems(SchemaType root, const Node& object) {
  if (!root.known() || !object.is_map()) return {};
  ApplyWalker walker;
  walker.walk(root_site(root), object);
  return walker.take();
}

std::string join_apply_problems(const std::vector<std::string>& problems) {
  if (problems.size() == 1) return problems[0];
  std::string out = "errors:";
  for (const std::string& p : problems)
    out += "\n  " + p;
  return out;
}

}  // namespace plumb::localcluster
