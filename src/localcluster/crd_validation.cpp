#include "localcluster/crd_validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <regex>

#include "core/json.hpp"
#include "core/thread_annotations.hpp"
#include "localcluster/go_format.hpp"
#include "localcluster/validate_support.hpp"

namespace plumb::localcluster {
namespace {

using validation::Errors;
using validation::quoted;

Mutex g_mutex;
// "<crd name>/<version>" -> that version's openAPIV3Schema. Values are replaced, never
// changed: a reader keeps the schema it took.
std::map<std::string, std::shared_ptr<const Node>, std::less<>> g_schemas GUARDED_BY(g_mutex);

std::shared_ptr<const Node> schema_of(const ResourceInfo& resource) EXCLUDES(g_mutex) {
  if (resource.crd.empty()) return nullptr;
  LockGuard lock(g_mutex);
  auto found = g_schemas.find(resource.crd + "/" + resource.version);
  return found == g_schemas.end() ? nullptr : found->second;
}

bool flag(const Node* schema, std::string_view name) {
  const Node* v = schema ? schema->find(name) : nullptr;
  return v && v->as_bool();
}

std::string child(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

// The schema of a map value under `key`: its property, else additionalProperties' schema.
const Node* property(const Node* schema, std::string_view key) {
  if (schema == nullptr) return nullptr;
  if (const Node* props = schema->find("properties"); props && props->is_map())
    if (const Node* p = props->find(key)) return p;
  const Node* extra = schema->find("additionalProperties");
  return extra && extra->is_map() ? extra : nullptr;
}

// Whether a map under `schema` keeps keys it does not declare.
bool keeps_unknown(const Node* schema) {
  if (flag(schema, "x-kubernetes-preserve-unknown-fields")) return true;
  const Node* extra = schema ? schema->find("additionalProperties") : nullptr;
  return extra && (extra->is_map() || extra->as_bool());
}

// Walks `value` along `schema`, collecting (and, with `remove`, dropping) unknown fields.
void prune(const Node* schema, Node& value, const std::string& path, bool root,
           std::vector<std::string>& unknown, bool remove) {
  if (schema == nullptr) return;
  if (value.is_list()) {
    const Node* items = schema->find("items");
    size_t index = 0;
    for (Node& item : value.items_mut())
      prune(items, item, path + "[" + std::to_string(index++) + "]", false, unknown, remove);
    return;
  }
  if (!value.is_map()) return;
  const bool embedded = root || flag(schema, "x-kubernetes-embedded-resource");
  std::vector<std::string> dropped;
  for (MapEntry& e : value.entries_mut()) {
    std::string_view key = e.key.as_string();
    if (embedded && (key == "apiVersion" || key == "kind" || key == "metadata")) continue;
    const Node* p = property(schema, key);
    if (p == nullptr) {
      if (keeps_unknown(schema)) continue;
      unknown.push_back(child(path, key));
      dropped.emplace_back(key);
      continue;
    }
    prune(p, e.value, child(path, key), false, unknown, remove);
  }
  if (remove)
    for (const std::string& key : dropped)
      value.erase(key);
}

void set_defaults(const Node* schema, Node& value) {
  if (schema == nullptr) return;
  if (value.is_list()) {
    const Node* items = schema->find("items");
    for (Node& item : value.items_mut())
      set_defaults(items, item);
    return;
  }
  if (!value.is_map()) return;
  if (const Node* props = schema->find("properties"); props && props->is_map()) {
    for (const MapEntry& p : props->entries()) {
      const Node* fallback = p.value.find("default");
      const Node* present = value.find(p.key.as_string());
      if (fallback && (present == nullptr || present->is_null()))
        value.set(p.key.as_string(), *fallback);
    }
  }
  for (MapEntry& e : value.entries_mut())
    set_defaults(property(schema, e.key.as_string()), e.value);
}

// --- validation ---

// The JSON type a value has, as the schema validator names it.
std::string_view json_type(const Node& value) {
  switch (value.type()) {
    case Node::Type::boolean:
      return "boolean";
    case Node::Type::integer:
      return "integer";
    case Node::Type::floating:
      return std::trunc(value.as_float()) == value.as_float() ? "integer" : "number";
    case Node::Type::string:
      return "string";
    case Node::Type::list:
      return "array";
    case Node::Type::map:
      return "object";
    default:
      return "null";
  }
}

bool type_matches(const Node* schema, const Node& value) {
  if (flag(schema, "x-kubernetes-int-or-string"))
    return value.is_string() || json_type(value) == "integer";
  std::string_view type = schema->string_at({"type"});
  if (type.empty()) return true;
  std::string_view actual = json_type(value);
  return actual == type || (type == "number" && actual == "integer");
}

std::string bound(const Node& limit) {
  return limit.is_int() ? std::to_string(limit.as_int()) : go_float(limit.as_float());
}

void check_string(const Node* schema, const Node& value, const std::string& path, Errors& errors) {
  std::string_view text = value.as_string();
  if (const Node* max = schema->find("maxLength");
      max && static_cast<int64_t>(text.size()) > max->as_int())
    errors.too_long(path, max->as_int());
  if (const Node* min = schema->find("minLength");
      min && static_cast<int64_t>(text.size()) < min->as_int())
    errors.invalid(
        path, quoted(text),
        path + " in body should be at least " + std::to_string(min->as_int()) + " chars long");
  std::string_view pattern = schema->string_at({"pattern"});
  if (!pattern.empty()) {
    try {
      if (!std::regex_search(std::string(text), std::regex(std::string(pattern))))
        errors.invalid(path, quoted(text),
                       path + " in body should match '" + std::string(pattern) + "'");
    } catch (const std::regex_error&) {
      // A pattern std::regex cannot read is not judged here.
    }
  }
}

void check_number(const Node* schema, const Node& value, const std::string& path, Errors& errors) {
  double v = value.as_float();
  std::string shown = validation::number(value);
  if (const Node* min = schema->find("minimum")) {
    bool exclusive = flag(schema, "exclusiveMinimum");
    if (exclusive ? v <= min->as_float() : v < min->as_float())
      errors.invalid(path, shown,
                     path + " in body should be greater than " + (exclusive ? "" : "or equal to ") +
                         bound(*min));
  }
  if (const Node* max = schema->find("maximum")) {
    bool exclusive = flag(schema, "exclusiveMaximum");
    if (exclusive ? v >= max->as_float() : v > max->as_float())
      errors.invalid(
          path, shown,
          path + " in body should be less than " + (exclusive ? "" : "or equal to ") + bound(*max));
  }
  if (const Node* factor = schema->find("multipleOf"); factor && factor->as_float() > 0) {
    double q = v / factor->as_float();
    if (std::abs(q - std::round(q)) > 1e-9)
      errors.invalid(path, shown, path + " in body should be a multiple of " + bound(*factor));
  }
}

void check(const Node* schema, const Node& value, const std::string& path, bool root,
           Errors& errors) {
  if (schema == nullptr || value.is_null()) return;
  if (!type_matches(schema, value)) {
    std::string type(flag(schema, "x-kubernetes-int-or-string") ? "integer,string"
                                                                : schema->string_at({"type"}));
    std::string actual = quoted(json_type(value));
    errors.invalid(path, actual, path + " in body must be of type " + type + ": " + actual);
    return;
  }
  if (const Node* values = schema->find("enum"); values && values->is_list()) {
    bool listed = std::any_of(values->items().begin(), values->items().end(),
                              [&](const Node& v) { return v == value; });
    if (!listed) {
      std::vector<std::string> shown;
      for (const Node& v : values->items())
        shown.push_back(v.is_string() ? std::string(v.as_string()) : to_json(v));
      std::vector<std::string_view> views(shown.begin(), shown.end());
      errors.not_supported(path, validation::scalar(value), views);
    }
  }
  if (value.is_string()) check_string(schema, value, path, errors);
  if (value.is_int() || value.is_float()) check_number(schema, value, path, errors);
  if (value.is_list()) {
    int64_t count = static_cast<int64_t>(value.size());
    if (const Node* max = schema->find("maxItems"); max && count > max->as_int())
      errors.causes().push_back({"FieldValueTooMany",
                                 "Too many: " + std::to_string(count) + ": must have at most " +
                                     std::to_string(max->as_int()) + " items",
                                 path});
    if (const Node* min = schema->find("minItems"); min && count < min->as_int())
      errors.invalid(
          path, std::to_string(count),
          path + " in body should have at least " + std::to_string(min->as_int()) + " items");
    const Node* items = schema->find("items");
    size_t index = 0;
    for (const Node& item : value.items())
      check(items, item, path + "[" + std::to_string(index++) + "]", false, errors);
  }
  if (value.is_map()) {
    for (const MapEntry& e : value.entries()) {
      std::string_view key = e.key.as_string();
      if (root && (key == "apiVersion" || key == "kind" || key == "metadata")) continue;
      check(property(schema, key), e.value, child(path, key), false, errors);
    }
    if (const Node* required = schema->find("required"); required && required->is_list())
      for (const Node& k : required->items())
        if (value.find(k.as_string()) == nullptr) errors.required(child(path, k.as_string()));
  }
}

}  // namespace

void register_crd_validation(const Node& crd) {
  std::string name(crd.string_at({"metadata", "name"}));
  const Node* versions = crd.at_path({"spec", "versions"});
  LockGuard lock(g_mutex);
  std::erase_if(g_schemas, [&](const auto& entry) { return entry.first.starts_with(name + "/"); });
  if (versions == nullptr) return;
  for (const Node& version : versions->items()) {
    const Node* schema = version.at_path({"schema", "openAPIV3Schema"});
    if (schema == nullptr || !schema->is_map()) continue;
    g_schemas[name + "/" + std::string(version.string_at({"name"}))] =
        std::make_shared<const Node>(*schema);
  }
}

void forget_crd_validation(std::string_view crd_name) {
  std::string prefix = std::string(crd_name) + "/";
  LockGuard lock(g_mutex);
  std::erase_if(g_schemas, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

std::vector<std::string> crd_unknown_fields(const ResourceInfo& resource, const Node& object) {
  std::vector<std::string> unknown;
  auto schema = schema_of(resource);
  if (!schema) return unknown;
  Node copy = object;
  prune(schema.get(), copy, "", true, unknown, false);
  return unknown;
}

void crd_prune_and_default(const ResourceInfo& resource, Node& object) {
  auto schema = schema_of(resource);
  if (!schema) return;
  std::vector<std::string> unknown;
  prune(schema.get(), object, "", true, unknown, true);
  set_defaults(schema.get(), object);
}

std::vector<StatusCause> crd_validate(const ResourceInfo& resource, const Node& object) {
  auto schema = schema_of(resource);
  if (!schema) return {};
  Errors errors;
  check(schema.get(), object, "", true, errors);
  return std::move(errors.causes());
}

}  // namespace plumb::localcluster
