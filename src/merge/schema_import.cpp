// Custom types from OpenAPI documents: kustomize's `openapi:` (OpenAPI v2 definitions with
// x-kubernetes-* extensions) and CustomResourceDefinitions (openAPIV3Schema). Nested inline
// object schemas become anonymous types named by their path ("<parent>.<field>").
#include <string>
#include <unordered_map>
#include <vector>

#include "merge/schema.hpp"
#include "merge/schema_data.hpp"

namespace plumb {

using detail::SchemaData;

namespace {

constexpr int k_max_schema_depth = 64;

uint8_t list_type_code(std::string_view text) {
  if (text == "atomic") return 1;
  if (text == "set") return 2;
  if (text == "map") return 3;
  return 0;
}

uint8_t map_type_code(std::string_view text) {
  if (text == "atomic") return 1;
  if (text == "granular") return 2;
  return 0;
}

// "io.k8s.api.core.v1.PodSpec" -> "core/v1.PodSpec",
// "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" -> "meta/v1.ObjectMeta".
std::string builtin_name_for(std::string_view definition) {
  auto convert = [](std::string_view rest) -> std::string {
    size_t dot1 = rest.find('.');
    if (dot1 == std::string_view::npos) return {};
    size_t dot2 = rest.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return {};
    std::string out(rest.substr(0, dot1));
    out.append("/").append(rest.substr(dot1 + 1, dot2 - dot1 - 1));
    out.append(".").append(rest.substr(dot2 + 1));
    return out;
  };
  constexpr std::string_view api = "io.k8s.api.";
  constexpr std::string_view meta = "io.k8s.apimachinery.pkg.apis.";
  if (definition.starts_with(api)) return convert(definition.substr(api.size()));
  if (definition.starts_with(meta)) return convert(definition.substr(meta.size()));
  return {};
}

class Importer {
 public:
  Importer(SchemaData& data, std::string_view source) : m_data(data), m_source(source) {}

  // OpenAPI v2: every definition with properties becomes a type; the others (IntOrString,
  // Quantity, string enums) are described where they are referenced.
  Result<void> import_definitions(const Node& definitions) {
    m_definitions = &definitions;
    for (const MapEntry& e : definitions.entries()) {
      if (e.value.find("properties")) m_pending.emplace(std::string(e.key.as_string()), 0);
    }
    for (auto& [name, index] : m_pending)
      index = new_type(name);
    for (const MapEntry& e : definitions.entries()) {
      auto pending = m_pending.find(std::string(e.key.as_string()));
      if (pending == m_pending.end()) continue;
      TRY_VOID(fill_type(pending->second, e.value, pending->first, 0, Root::no));
    }
    for (const MapEntry& e : definitions.entries()) {
      const Node* gvks = e.value.find("x-kubernetes-group-version-kind");
      if (!gvks) continue;
      auto pending = m_pending.find(std::string(e.key.as_string()));
      uint32_t type = pending == m_pending.end() ? schema_table::k_no_type : pending->second;
      for (const Node& gvk : gvks->items()) {
        std::string group(gvk.string_at({"group"}));
        std::string api_version = group.empty()
                                      ? std::string(gvk.string_at({"version"}))
                                      : group + "/" + std::string(gvk.string_at({"version"}));
        add_kind(api_version, gvk.string_at({"kind"}), type, 0);
      }
    }
    return {};
  }

  Result<void> import_crd(const Node& crd) {
    std::string_view group = crd.string_at({"spec", "group"});
    std::string_view kind = crd.string_at({"spec", "names", "kind"});
    if (kind.empty()) return fail(m_source, ": spec.names.kind is missing");
    std::string_view scope_text = crd.string_at({"spec", "scope"});
    uint8_t scope = scope_text == "Cluster" ? 2 : 1;  // Namespaced is the default
    const Node* shared_schema = crd.at_path({"spec", "validation", "openAPIV3Schema"});
    const Node* versions = crd.at_path({"spec", "versions"});
    auto add_version = [&](std::string_view version, const Node* schema) -> Result<void> {
      std::string api_version = std::string(group) + "/" + std::string(version);
      std::string type_name = api_version + "." + std::string(kind);
      uint32_t index = new_type(type_name);
      static const Node empty = Node::map();
      TRY_VOID(fill_type(index, schema ? *schema : empty, type_name, 0, Root::yes));
      add_kind(api_version, kind, index, scope);
      return {};
    };
    if (versions && versions->is_list() && !versions->empty()) {
      for (const Node& v : versions->items()) {
        const Node* schema = v.at_path({"schema", "openAPIV3Schema"});
        TRY_VOID(add_version(v.string_at({"name"}), schema ? schema : shared_schema));
      }
    } else if (!crd.string_at({"spec", "version"}).empty()) {
      TRY_VOID(add_version(crd.string_at({"spec", "version"}), shared_schema));
    } else {
      return fail(m_source, ": spec.versions is empty");
    }
    return {};
  }

 private:
  enum class Root : uint8_t { no, yes };

  SchemaData& m_data;
  std::string_view m_source;
  const Node* m_definitions = nullptr;
  std::unordered_map<std::string, uint32_t> m_pending;  // definition name -> type index

  uint32_t new_type(const std::string& name) {
    uint32_t index = m_data.builtin_types + static_cast<uint32_t>(m_data.types.size());
    m_data.types.push_back(TypeRow{Str{0, 0}, 0, 0});
    m_data.type_names.push_back(name);
    m_data.types_by_name[name] = index;
    return index;
  }

  void add_kind(const std::string& api_version, std::string_view kind, uint32_t type,
                uint8_t scope) {
    std::string gvk = api_version + "/" + std::string(kind);
    if (scope == 0) {
      // OpenAPI v2 says nothing of scope: keep what a built-in kind of that name knows.
      if (auto custom = m_data.kinds.find(gvk); custom != m_data.kinds.end())
        scope = custom->second.scope;
      else if (const KindRow* builtin = m_data.find_builtin_kind(gvk))
        scope = builtin->scope;
    }
    m_data.kinds[gvk] = KindRow{Str{0, 0}, type, scope};
  }

  Result<Str> intern(std::string_view text, std::string_view path) {
    auto s = m_data.intern(text);
    if (!s) return fail(m_source, ": ", path, ": name too long or schema too large");
    return *s;
  }

  // The type a $ref names: a definition of this document, a custom type added before, or
  // a built-in type. nullopt when the reference names no object type.
  std::optional<uint32_t> resolve_ref(std::string_view ref) {
    constexpr std::string_view prefix = "#/definitions/";
    std::string_view name = ref.starts_with(prefix) ? ref.substr(prefix.size()) : ref;
    if (auto pending = m_pending.find(std::string(name)); pending != m_pending.end())
      return pending->second;
    uint32_t found = m_data.find_type(name);
    if (found == schema_table::k_no_type) found = m_data.find_type(builtin_name_for(name));
    if (found == schema_table::k_no_type) return std::nullopt;
    return found;
  }

  const Node* referenced_schema(std::string_view ref) {
    constexpr std::string_view prefix = "#/definitions/";
    if (!m_definitions || !ref.starts_with(prefix)) return nullptr;
    return m_definitions->find(ref.substr(prefix.size()));
  }

  // The scalar a schema's values are, as server-side apply judges them (int-or-string and
  // dates take any scalar).
  static ScalarType scalar_of(const Node& schema) {
    if (schema.find("x-kubernetes-int-or-string")) return ScalarType::int_or_string;
    std::string_view type = schema.string_at({"type"});
    if (type == "integer") return ScalarType::int64;
    if (type == "number") return ScalarType::float64;
    if (type == "boolean") return ScalarType::boolean;
    std::string_view format = schema.string_at({"format"});
    if (format == "date-time" || format == "date") return ScalarType::time;
    return ScalarType::string;
  }

  // Describes one property schema as a field row (name left empty).
  Result<FieldRow> describe(const Node& prop, const std::string& path, int depth) {
    if (depth > k_max_schema_depth)
      return fail(m_source, ": ", path, ": schema nested deeper than ",
                  std::to_string(k_max_schema_depth), " levels");
    FieldRow row{};
    row.type = schema_table::k_no_type;
    row.kind = schema_table::k_any;
    std::string_view strategy = prop.string_at({"x-kubernetes-patch-strategy"});
    size_t start = 0;
    while (start <= strategy.size() && !strategy.empty()) {
      size_t comma = strategy.find(',', start);
      std::string_view part = strategy.substr(start, comma - start);
      if (part == "merge") row.flags |= schema_table::k_patch_merge;
      if (part == "replace") row.flags |= schema_table::k_patch_replace;
      if (part == "retainKeys") row.flags |= schema_table::k_patch_retain_keys;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    row.merge_key = TRY(intern(prop.string_at({"x-kubernetes-patch-merge-key"}), path));
    row.list_type = list_type_code(prop.string_at({"x-kubernetes-list-type"}));
    uint8_t map_type = map_type_code(prop.string_at({"x-kubernetes-map-type"}));
    if (const Node* keys = prop.find("x-kubernetes-list-map-keys"); keys && keys->is_list()) {
      row.keys_first = static_cast<uint16_t>(m_data.list_keys.size());
      if (m_data.list_keys.size() + keys->size() > 0xFFFF)
        return fail(m_source, ": ", path, ": too many list map keys");
      for (const Node& key : keys->items())
        m_data.list_keys.push_back(TRY(intern(key.as_string(), path)));
      row.keys_count = static_cast<uint8_t>(keys->size());
    }

    const Node* target = &prop;
    std::string_view ref = prop.string_at({"$ref"});
    if (ref.empty()) {
      // Kubernetes' OpenAPI v3 wraps references as allOf: [{$ref}] to add a default.
      if (const Node* all_of = prop.find("allOf"); all_of && all_of->size() == 1)
        ref = all_of->items()[0].string_at({"$ref"});
    }
    if (!ref.empty()) {
      if (auto type = resolve_ref(ref)) {
        row.kind = schema_table::k_object;
        row.type = *type;
        row.flags |= static_cast<uint8_t>(map_type << schema_table::k_struct_type_shift);
        return row;
      }
      const Node* named = referenced_schema(ref);
      if (!named) return row;  // an unknown reference: any
      target = named;
    }

    std::string_view type = target->string_at({"type"});
    if (target->find("x-kubernetes-int-or-string") ||
        (type == "string" || type == "integer" || type == "number" || type == "boolean")) {
      row.kind = schema_table::k_scalar;
      row.scalar = static_cast<uint8_t>(scalar_of(*target));
    } else if (type == "array") {
      row.kind = schema_table::k_list;
      if (const Node* items = target->find("items"); items && items->is_map()) {
        FieldRow element = TRY(describe(*items, path + "[]", depth + 1));
        if (element.kind == schema_table::k_object) row.type = element.type;
        if (element.kind == schema_table::k_scalar) row.scalar = element.scalar;
      }
    } else if (const Node* props = target->find("properties"); props && !props->empty()) {
      row.kind = schema_table::k_object;
      row.type = new_type(path);
      TRY_VOID(fill_type(row.type, *target, path, depth + 1, Root::no));
      row.flags |= static_cast<uint8_t>(map_type << schema_table::k_struct_type_shift);
    } else if (const Node* extra = target->find("additionalProperties"); extra && extra->is_map()) {
      row.kind = schema_table::k_map;
      FieldRow element = TRY(describe(*extra, path + "{}", depth + 1));
      if (element.kind == schema_table::k_object) row.type = element.type;
      if (element.kind == schema_table::k_scalar) row.scalar = element.scalar;
      row.flags |= static_cast<uint8_t>(map_type << schema_table::k_map_type_shift);
    } else if (type == "object") {
      row.flags |= static_cast<uint8_t>(map_type << schema_table::k_map_type_shift);
    }
    return row;
  }

  Result<void> fill_type(uint32_t index, const Node& schema, const std::string& path, int depth,
                         Root root) {
    std::vector<FieldRow> rows;
    std::vector<std::string> names;
    if (const Node* props = schema.find("properties")) {
      for (const MapEntry& e : props->entries()) {
        std::string_view name = e.key.as_string();
        if (root == Root::yes && (name == "metadata" || name == "apiVersion" || name == "kind"))
          continue;
        FieldRow row = TRY(describe(e.value, path + "." + std::string(name), depth));
        row.name = TRY(intern(name, path));
        rows.push_back(row);
      }
    }
    if (root == Root::yes) {
      // Kubernetes gives every custom resource the standard header, whatever its schema says.
      for (std::string_view name : {"apiVersion", "kind"}) {
        FieldRow row{};
        row.name = TRY(intern(name, path));
        row.type = schema_table::k_no_type;
        row.kind = schema_table::k_scalar;
        rows.push_back(row);
      }
      FieldRow meta{};
      meta.name = TRY(intern("metadata", path));
      meta.type = m_data.find_type("meta/v1.ObjectMeta");
      meta.kind =
          meta.type == schema_table::k_no_type ? schema_table::k_any : schema_table::k_object;
      rows.push_back(meta);
    }
    std::sort(rows.begin(), rows.end(), [&](const FieldRow& a, const FieldRow& b) {
      return m_data.custom_str(a.name) < m_data.custom_str(b.name);
    });
    TypeRow& type = m_data.types[index - m_data.builtin_types];
    type.first_field = m_data.builtin_fields + static_cast<uint32_t>(m_data.fields.size());
    type.field_count = static_cast<uint32_t>(rows.size());
    m_data.fields.insert(m_data.fields.end(), rows.begin(), rows.end());
    return {};
  }
};

}  // namespace

Result<void> Schema::add_openapi_v2(const Node& document, std::string_view source) {
  const Node* definitions = document.find("definitions");
  if (!definitions || !definitions->is_map())
    return fail(source, ": no `definitions` map (expected an OpenAPI v2 document)");
  Importer importer(*m_data, source);
  return importer.import_definitions(*definitions);
}

Result<void> Schema::add_crd(const Node& crd) {
  std::string source =
      "CustomResourceDefinition/" + std::string(crd.string_at({"metadata", "name"}));
  Importer importer(*m_data, source);
  return importer.import_crd(crd);
}

}  // namespace plumb
