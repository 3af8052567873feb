// values.schema.json validation (see schema.hpp).
#include "helm/schema.hpp"

#include <charconv>
#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "sprig/regex_traits.hpp"

namespace plumb::helm {
namespace {

bool is_number(const Node& n) {
  return n.is_int() || n.is_float();
}

bool is_integral(const Node& n) {
  if (n.is_int()) return true;
  if (!n.is_float()) return false;
  double d = n.as_float();
  return std::isfinite(d) && std::floor(d) == d;
}

// JSON equality: numbers compare by value, maps as sets of entries.
bool json_equal(const Node& a, const Node& b) {
  if (is_number(a) && is_number(b)) return a.as_float() == b.as_float();
  if (a.type() != b.type()) return false;
  if (a.is_list()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!json_equal(a.items()[i], b.items()[i])) return false;
    return true;
  }
  if (a.is_map()) {
    if (a.size() != b.size()) return false;
    for (const MapEntry& e : a.entries()) {
      const Node* other = b.find(e.key.as_string());
      if (other == nullptr || !json_equal(e.value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

std::string type_of(const Node& n) {
  switch (n.type()) {
    case Node::Type::null:
      return "null";
    case Node::Type::boolean:
      return "boolean";
    case Node::Type::integer:
      return "integer";
    case Node::Type::floating:
      return is_integral(n) ? "integer" : "number";
    case Node::Type::string:
      return "string";
    case Node::Type::list:
      return "array";
    case Node::Type::map:
      return "object";
  }
  return "null";
}

bool has_type(const Node& value, std::string_view type) {
  if (type == "number") return is_number(value);
  if (type == "integer") return is_integral(value);
  return type_of(value) == type;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string number_text(double d) {
  return to_json(Node::floating(d));
}

// A pattern compiled once per validation; nullopt when std::regex cannot read it.
class Patterns {
 public:
  const sprig::Regex* get(const std::string& pattern) {
    for (auto& [text, re] : m_cache)
      if (text == pattern) return re ? &*re : nullptr;
    std::optional<sprig::Regex> re;
    try {
      re.emplace(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      re.reset();
    }
    m_cache.emplace_back(pattern, std::move(re));
    return m_cache.back().second ? &*m_cache.back().second : nullptr;
  }

 private:
  std::vector<std::pair<std::string, std::optional<sprig::Regex>>> m_cache;
};

class Validator {
 public:
  explicit Validator(const Node& root) : m_root(root) {}

  // Violations of `schema` by `value` at `path`, appended to m_errors.
  void validate(const Node& schema, const Node& value, const std::string& path, int depth = 0) {
    if (depth > 200) return;  // a $ref cycle that never reaches the value's end
    if (schema.is_bool()) {
      if (!schema.as_bool()) error(path, "not allowed (false schema)");
      return;
    }
    if (!schema.is_map()) return;
    if (const Node* ref = schema.find("$ref"); ref && ref->is_string()) {
      if (const Node* target = resolve(ref->as_string())) validate(*target, value, path, depth + 1);
      // Draft 7 ignores a $ref's siblings; later drafts apply them. Apply them: charts
      // rarely put constraints beside a $ref, and when they do they mean them.
    }
    // A wrong type is the one error reported for the value (as santhosh-tekuri/jsonschema).
    if (!check_type(schema, value, path)) return;
    if (const Node* e = schema.find("enum"); e && e->is_list()) {
      bool found = false;
      for (const Node& item : e->items())
        if (json_equal(item, value)) found = true;
      if (!found) error(path, "value must be one of " + to_json(*e));
    }
    if (const Node* c = schema.find("const"); c && !json_equal(*c, value))
      error(path, "value must be " + to_json(*c));
    if (value.is_map()) check_object(schema, value, path, depth);
    if (value.is_list()) check_array(schema, value, path, depth);
    if (is_number(value)) check_number(schema, value, path);
    if (value.is_string()) check_string(schema, value.as_string(), path);
    check_combinators(schema, value, path, depth);
  }

  std::vector<std::string>& errors() { return m_errors; }

 private:
  void error(const std::string& path, const std::string& what) {
    m_errors.push_back("- at '" + path + "': " + what);
  }

  bool valid(const Node& schema, const Node& value, const std::string& path, int depth) {
    size_t before = m_errors.size();
    validate(schema, value, path, depth + 1);
    bool ok = m_errors.size() == before;
    m_errors.resize(before);
    return ok;
  }

  const Node* resolve(std::string_view ref) {
    if (!ref.starts_with("#")) return nullptr;  // remote: not followed
    ref.remove_prefix(1);
    const Node* node = &m_root;
    while (!ref.empty()) {
      if (ref[0] != '/') return nullptr;
      ref.remove_prefix(1);
      size_t slash = ref.find('/');
      std::string token(ref.substr(0, slash));
      ref = slash == std::string_view::npos ? std::string_view() : ref.substr(slash);
      std::string decoded;
      for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '~' && i + 1 < token.size()) {
          decoded.push_back(token[i + 1] == '1' ? '/' : '~');
          ++i;
        } else if (token[i] == '%' && i + 2 < token.size()) {
          decoded.push_back(static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16)));
          i += 2;
        } else {
          decoded.push_back(token[i]);
        }
      }
      if (node->is_map()) {
        node = node->find(decoded);
      } else if (node->is_list()) {
        size_t index = 0;
        auto r = std::from_chars(decoded.data(), decoded.data() + decoded.size(), index);
        if (r.ec != std::errc() || index >= node->size()) return nullptr;
        node = &node->items()[index];
      } else {
        return nullptr;
      }
      if (node == nullptr) return nullptr;
    }
    return node;
  }

  bool check_type(const Node& schema, const Node& value, const std::string& path) {
    const Node* type = schema.find("type");
    if (type == nullptr) return true;
    std::vector<std::string_view> types;
    if (type->is_string()) types.push_back(type->as_string());
    for (const Node& t : type->items())
      types.push_back(t.as_string());
    if (types.empty()) return true;
    for (std::string_view t : types)
      if (has_type(value, t)) return true;
    std::string want;
    for (std::string_view t : types) {
      if (!want.empty()) want += " or ";
      want += t;
    }
    error(path, "got " + type_of(value) + ", want " + want);
    return false;
  }

  void check_object(const Node& schema, const Node& value, const std::string& path, int depth) {
    // santhosh-tekuri/jsonschema's order: min/maxProperties, required, then the properties.
    if (const Node* n = schema.find("minProperties");
        n && is_number(*n) && double(value.size()) < n->as_float())
      error(path, "minProperties: got " + std::to_string(value.size()));
    if (const Node* n = schema.find("maxProperties");
        n && is_number(*n) && double(value.size()) > n->as_float())
      error(path, "maxProperties: got " + std::to_string(value.size()));
    if (const Node* required = schema.find("required"); required && required->is_list()) {
      for (const Node& r : required->items())
        if (r.is_string() && value.find(r.as_string()) == nullptr)
          error(path, "missing property '" + std::string(r.as_string()) + "'");
    }
    const Node* properties = schema.find("properties");
    const Node* patterns = schema.find("patternProperties");
    const Node* additional = schema.find("additionalProperties");
    for (const MapEntry& e : value.entries()) {
      std::string key(e.key.as_string());
      std::string child = path + "/" + json_pointer_segment(key);
      bool matched = false;
      if (properties && properties->is_map()) {
        if (const Node* p = properties->find(key)) {
          matched = true;
          validate(*p, e.value, child, depth + 1);
        }
      }
      if (patterns && patterns->is_map()) {
        for (const MapEntry& p : patterns->entries()) {
          const sprig::Regex* re = m_patterns.get(std::string(p.key.as_string()));
          if (re && std::regex_search(key, *re)) {
            matched = true;
            validate(p.value, e.value, child, depth + 1);
          }
        }
      }
      if (!matched && additional) {
        if (additional->is_bool() && !additional->as_bool()) {
          error(path, "additional properties '" + key + "' not allowed");
        } else if (additional->is_map()) {
          validate(*additional, e.value, child, depth + 1);
        }
      }
      if (const Node* names = schema.find("propertyNames"))
        if (!valid(*names, Node::string(key), child, depth))
          error(path, "invalid propertyName '" + key + "'");
    }
    if (const Node* deps = schema.find("dependentRequired"); deps && deps->is_map()) {
      for (const MapEntry& d : deps->entries()) {
        if (value.find(d.key.as_string()) == nullptr) continue;
        for (const Node& r : d.value.items())
          if (value.find(r.as_string()) == nullptr)
            error(path, "missing property '" + std::string(r.as_string()) + "'");
      }
    }
  }

  void check_array(const Node& schema, const Node& value, const std::string& path, int depth) {
    auto items = value.items();
    size_t tuple = 0;
    const Node* prefix = schema.find("prefixItems");
    const Node* items_schema = schema.find("items");
    if (prefix && prefix->is_list()) {
      tuple = std::min(prefix->size(), items.size());
      for (size_t i = 0; i < tuple; ++i)
        validate(prefix->items()[i], items[i], path + "/" + std::to_string(i), depth + 1);
      if (items_schema)
        for (size_t i = tuple; i < items.size(); ++i)
          validate(*items_schema, items[i], path + "/" + std::to_string(i), depth + 1);
    } else if (items_schema && items_schema->is_list()) {
      tuple = std::min(items_schema->size(), items.size());
      for (size_t i = 0; i < tuple; ++i)
        validate(items_schema->items()[i], items[i], path + "/" + std::to_string(i), depth + 1);
      if (const Node* more = schema.find("additionalItems"))
        for (size_t i = tuple; i < items.size(); ++i)
          validate(*more, items[i], path + "/" + std::to_string(i), depth + 1);
    } else if (items_schema) {
      for (size_t i = 0; i < items.size(); ++i)
        validate(*items_schema, items[i], path + "/" + std::to_string(i), depth + 1);
    }
    if (const Node* n = schema.find("minItems");
        n && is_number(*n) && double(items.size()) < n->as_float())
      error(path, "minItems: got " + std::to_string(items.size()));
    if (const Node* n = schema.find("maxItems");
        n && is_number(*n) && double(items.size()) > n->as_float())
      error(path, "maxItems: got " + std::to_string(items.size()));
    if (const Node* u = schema.find("uniqueItems"); u && u->as_bool()) {
      for (size_t i = 0; i < items.size(); ++i)
        for (size_t j = i + 1; j < items.size(); ++j)
          if (json_equal(items[i], items[j]))
            error(path,
                  "items at " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
    }
    if (const Node* contains = schema.find("contains")) {
      bool any = false;
      for (size_t i = 0; i < items.size() && !any; ++i)
        any = valid(*contains, items[i], path, depth);
      if (!any) error(path, "no items match contains schema");
    }
  }

  void check_number(const Node& schema, const Node& value, const std::string& path) {
    double v = value.as_float();
    auto bound = [&](std::string_view key) -> const Node* {
      const Node* n = schema.find(key);
      return n && is_number(*n) ? n : nullptr;
    };
    const Node* ex_min = schema.find("exclusiveMinimum");
    const Node* ex_max = schema.find("exclusiveMaximum");
    if (const Node* min = bound("minimum")) {
      bool exclusive = ex_min && ex_min->is_bool() && ex_min->as_bool();
      if (exclusive ? v <= min->as_float() : v < min->as_float())
        error(path, "minimum: got " + number_text(v) + ", want " + number_text(min->as_float()));
    }
    if (const Node* max = bound("maximum")) {
      bool exclusive = ex_max && ex_max->is_bool() && ex_max->as_bool();
      if (exclusive ? v >= max->as_float() : v > max->as_float())
        error(path, "maximum: got " + number_text(v) + ", want " + number_text(max->as_float()));
    }
    if (ex_min && is_number(*ex_min) && v <= ex_min->as_float())
      error(path, "exclusiveMinimum: got " + number_text(v));
    if (ex_max && is_number(*ex_max) && v >= ex_max->as_float())
      error(path, "exclusiveMaximum: got " + number_text(v));
    if (const Node* m = bound("multipleOf"); m && m->as_float() > 0) {
      double q = v / m->as_float();
      if (std::fabs(q - std::round(q)) > 1e-9)
        error(path, number_text(v) + " not multipleOf " + number_text(m->as_float()));
    }
  }

  void check_string(const Node& schema, std::string_view s, const std::string& path) {
    size_t length = code_points(s);
    if (const Node* n = schema.find("minLength");
        n && is_number(*n) && double(length) < n->as_float())
      error(path, "minLength: got " + std::to_string(length));
    if (const Node* n = schema.find("maxLength");
        n && is_number(*n) && double(length) > n->as_float())
      error(path, "maxLength: got " + std::to_string(length));
    if (const Node* p = schema.find("pattern"); p && p->is_string()) {
      const sprig::Regex* re = m_patterns.get(std::string(p->as_string()));
      if (re && !std::regex_search(s.begin(), s.end(), *re))
        error(path, "'" + std::string(s) + "' does not match pattern " + to_json(*p));
    }
  }

  void check_combinators(const Node& schema, const Node& value, const std::string& path,
                         int depth) {
    if (const Node* all = schema.find("allOf"); all && all->is_list())
      for (const Node& s : all->items())
        validate(s, value, path, depth + 1);
    if (const Node* any = schema.find("anyOf"); any && any->is_list()) {
      bool ok = false;
      for (const Node& s : any->items())
        if (!ok) ok = valid(s, value, path, depth);
      if (!ok) error(path, "anyOf failed");
    }
    if (const Node* one = schema.find("oneOf"); one && one->is_list()) {
      int matches = 0;
      for (const Node& s : one->items())
        if (valid(s, value, path, depth)) ++matches;
      if (matches != 1)
        error(path, matches == 0 ? "oneOf failed, none matched"
                                 : "oneOf failed, " + std::to_string(matches) + " matched");
    }
    if (const Node* n = schema.find("not"); n && valid(*n, value, path, depth))
      error(path, "not failed");
    if (const Node* cond = schema.find("if")) {
      if (valid(*cond, value, path, depth)) {
        if (const Node* then = schema.find("then")) validate(*then, value, path, depth + 1);
      } else if (const Node* otherwise = schema.find("else")) {
        validate(*otherwise, value, path, depth + 1);
      }
    }
  }

  const Node& m_root;
  std::vector<std::string> m_errors;
  Patterns m_patterns;
};

// ValidateAgainstSchema: this chart's schema, then each subchart with its values table.
void validate_chart(const Chart& chart, const Node& values, std::string& out) {
  if (chart.has_schema) {
    auto schema = parse_json(chart.schema, "values.schema.json");
    if (!schema) {
      out += chart.name() + ":\ncannot read values.schema.json: " + schema.error().message() + "\n";
    } else {
      Validator validator(*schema);
      validator.validate(*schema, values.is_null() ? Node::map() : values, "");
      if (!validator.errors().empty()) {
        out += chart.name() + ":\n";
        for (const std::string& e : validator.errors())
          out += e + "\n";
      }
    }
  }
  for (const Chart& sub : chart.dependencies) {
    const Node* sub_values = values.find(sub.name());
    validate_chart(sub, sub_values && sub_values->is_map() ? *sub_values : Node::map(), out);
  }
}

}  // namespace

Result<void> validate_values_schema(const Chart& chart, const Node& values) {
  std::string out;
  validate_chart(chart, values, out);
  if (out.empty()) return {};
  // Helm's message ends in a newline (each chart's part does), so the CLI leaves a blank line.
  if (out.back() != '\n') out.push_back('\n');
  return fail(
      "values don't meet the specifications of the schema(s) in the following "
      "chart(s):\n",
      out);
}

}  // namespace plumb::helm
