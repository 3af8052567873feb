// The merge facts of Kubernetes types: which kind has which root type and scope, and for each
// field its value kind, element type and how it merges, both for strategic merge patch
// (patchStrategy, patchMergeKey) and for server-side apply (listType, listMapKeys, mapType);
// for built-in types also the scalar type and Go type a value decodes into.
//
// Built-in types come from a generated static table (schema_table.cpp), so building a Schema
// costs nothing. Custom types are added at run time from an OpenAPI v2 document (kustomize's
// `openapi:` field) or from a CustomResourceDefinition.
//
// SchemaType and SchemaField are small handles that keep the types they point into alive
// (a custom Schema may be dropped while a merge still walks its types); handles into the
// built-in table cost no reference counting. A Schema is not synchronized: add types first
// (or to a copy), then read it from any number of threads; an add_* call invalidates the
// string_views handed out before.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb {

namespace detail {
struct SchemaData;
}
// Null for the built-in Schema, which lives as long as the program.
using SchemaOwner = std::shared_ptr<const detail::SchemaData>;

// The coarse JSON shape of a field's value.
enum class ValueKind : uint8_t {
  any,     // not known: merges by what the data holds
  scalar,  // string, number, bool (also IntOrString, Quantity, Time)
  object,  // a struct of known type
  list,    // a list of the element type
  map,     // a map from string to the element type
};

// The JSON scalar a built-in field (or each of its list items or map values) decodes into,
// as the API server's Go types decide: what a value of the wrong JSON type is rejected for.
enum class ScalarType : uint8_t {
  unknown,        // not a scalar, or a custom type
  string,         // string, and string enums (v1.PullPolicy)
  boolean,        // bool
  int32,          // int32 (also byte)
  int64,          // int64, int
  float64,        // float32, float64
  int_or_string,  // intstr.IntOrString: a string, or an int32
  quantity,       // resource.Quantity: a string or a number in quantity syntax
  bytes,          // []byte: base64 in a string
  time,           // metav1.Time, MicroTime: an RFC 3339 string
  duration,       // metav1.Duration: a Go duration string
};

enum class Scope : uint8_t { unknown, namespaced, cluster };

// Server-side apply: x-kubernetes-list-type / +listType.
enum class ListType : uint8_t { unset, atomic, set, map };
// Server-side apply: x-kubernetes-map-type / +mapType and +structType.
enum class MapType : uint8_t { unset, atomic, granular };

// How a strategic merge patch combines a list field.
struct StrategicList {
  enum class Strategy : uint8_t {
    replace,           // the patch's list replaces the original (the default)
    merge_primitives,  // patchStrategy merge on scalars: union, original order first
    merge_by_key,      // patchStrategy merge with patchMergeKey: items matched by the key
  };
  Strategy strategy = Strategy::replace;
  std::string_view merge_key;  // for merge_by_key
  bool retain_keys = false;    // patchStrategy has retainKeys (applies to the items)
};

class SchemaField;

class SchemaType {
 public:
  // The unknown type: no fields; maps merge, lists replace.
  SchemaType() = default;

  bool known() const { return m_data != nullptr; }
  // Go-style name: "core/v1.Container", or the definition name of a custom type.
  std::string_view name() const;
  // nullopt when the type is unknown or has no such field.
  std::optional<SchemaField> field(std::string_view json_name) const;
  size_t field_count() const;
  SchemaField field_at(size_t index) const;  // fields sorted by JSON name

  friend bool operator==(const SchemaType& a, const SchemaType& b) {
    return a.m_data == b.m_data && a.m_index == b.m_index;
  }

 private:
  friend class Schema;
  friend class SchemaField;
  SchemaType(SchemaOwner owner, const detail::SchemaData* data, uint32_t index)
      : m_owner(std::move(owner)), m_data(data), m_index(index) {}
  SchemaOwner m_owner;
  const detail::SchemaData* m_data = nullptr;
  uint32_t m_index = 0;
};

class SchemaField {
 public:
  std::string_view name() const;
  ValueKind kind() const;
  // The struct type of an object field, the element type of a list or map field; unknown
  // when the element is a scalar or not described.
  SchemaType type() const;

  // Strategic merge patch facts.
  bool patch_merge() const;
  bool patch_replace() const;
  bool retain_keys() const;
  std::string_view patch_merge_key() const;
  StrategicList strategic_list() const;

  // Decoding facts (built-in types only; unknown / "" for custom ones).
  ScalarType scalar() const;
  // The Go type as Go's reflection names it: "int32", "[]v1.Container", "map[string]string",
  // "v1.PullPolicy" (what a decoding error says a value could not be decoded into).
  std::string_view go_type() const;

  // Server-side apply facts.
  ListType list_type() const;
  size_t list_map_key_count() const;
  std::string_view list_map_key(size_t index) const;
  MapType map_type() const;
  MapType struct_type() const;

 private:
  friend class SchemaType;
  SchemaField(SchemaOwner owner, const detail::SchemaData* data, uint32_t index)
      : m_owner(std::move(owner)), m_data(data), m_index(index) {}
  SchemaOwner m_owner;
  const detail::SchemaData* m_data;
  uint32_t m_index;
};

struct KindInfo {
  SchemaType type;
  Scope scope = Scope::unknown;
};

enum class BuiltinTypes : uint8_t { include, exclude };

class Schema {
 public:
  explicit Schema(BuiltinTypes builtin = BuiltinTypes::include);
  Schema(const Schema& other);  // deep copy; handles of `other` keep pointing into it
  Schema& operator=(const Schema& other);
  Schema(Schema&&) noexcept;
  Schema& operator=(Schema&&) noexcept;
  ~Schema();

  // A process-wide Schema holding only the built-in types.
  static const Schema& builtin();

  // The root type and scope of a kind; nullopt when unknown. Custom kinds win over
  // built-in ones. api_version is "v1", "apps/v1", ...
  std::optional<KindInfo> kind(std::string_view api_version, std::string_view kind) const;
  // A type by name ("core/v1.PodSpec", or a custom definition name); unknown when absent.
  SchemaType type(std::string_view name) const;

  // Adds the definitions of an OpenAPI v2 document ({"definitions": {...}}). Note that
  // kustomize's `openapi:` field replaces the built-in schema (kubectl kustomize then merges
  // Deployment containers as a plain list): build Schema(BuiltinTypes::exclude) for it. Definitions
  // carrying x-kubernetes-group-version-kind become kinds. $refs to definitions the document
  // lacks fall back to built-in types ("io.k8s.api.core.v1.PodSpec" -> "core/v1.PodSpec").
  // `source` names the document in errors.
  Result<void> add_openapi_v2(const Node& document, std::string_view source);

  // Adds the kinds of a CustomResourceDefinition (apiextensions.k8s.io/v1, or v1beta1's
  // spec.validation), one per served version with a schema; `metadata` is ObjectMeta.
  Result<void> add_crd(const Node& crd);

 private:
  SchemaOwner owner() const;

  std::shared_ptr<detail::SchemaData> m_data;
  bool m_static = false;  // the builtin() instance: handles need no owner
};

}  // namespace plumb
