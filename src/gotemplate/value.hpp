// The values Go's text/template works on, as a template sees them: what `{{ .Values.x }}`
// yields, what functions take and return.
//
// A Value is one of Go's dynamic values as text/template meets them through reflection:
//   invalid  — no value at all (a missing map key under missingkey=default; prints
//              "<no value>");
//   nil      — a nil interface{} (a YAML null, a missing key under missingkey=zero);
//   bool, integer, floating, string — with the Go type they carry (int, int64, uint8,
//              float64, ...), because `%T`, `eq` and error messages name it;
//   list     — a slice ([]interface {} unless a function made a typed one, []string ...);
//   map      — map[string]interface {}: a reference, as in Go, so `set $d "k" v` and sprig's
//              merge change the map every holder sees;
//   object   — a host object (Helm's .Chart, .Files, .Capabilities): fields and methods
//              answered by an Object.
// A Value taken out of a list or a map element is "boxed" (its static Go type is
// interface {}); error messages say "interface {}" for it, as Go's do.
//
// Thread safety: lists and strings are immutable and shared; maps are shared and mutable, so
// a Value tree must be used by one thread at a time (one render = one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::gotemplate {

enum class Kind : uint8_t { invalid, nil, boolean, integer, floating, string, list, map, object };

// The Go type of a Value: what `%T` prints, what a typed function parameter accepts.
enum class GoType : uint8_t {
  none,         // invalid and nil
  bool_,        // bool
  int_,         // int
  int64,        // int64
  int32,        // int32 (a rune)
  uint8,        // uint8 (a byte: what `index "abc" 0` yields)
  uint64,       // uint64 (stored as the int64 bit pattern)
  float64,      // float64
  string,       // string
  list_any,     // []interface {}
  list_string,  // []string
  list_int,     // []int
  map_any,      // map[string]interface {}
  map_string,   // map[string]string
  object,       // named by the Object
};

// Go's spelling of a GoType ("[]interface {}"); "" for none and object.
std::string_view go_type_name(GoType type) noexcept;

class Value;
class Object;
class CallContext;

// A list's items; immutable once made (functions that "change" a list make a new one).
using ValueList = std::vector<Value>;

// map[string]V: entries kept sorted by key bytes (Go prints and ranges maps in that order).
class ValueMap {
 public:
  const Value* find(std::string_view key) const noexcept;
  Value* find(std::string_view key) noexcept;
  // Inserts or replaces.
  void set(std::string_view key, Value value);
  bool erase(std::string_view key);
  // Defined after Value (clang needs the element type complete to compile them).
  size_t size() const noexcept;
  bool empty() const noexcept;
  const std::vector<std::pair<std::string, Value>>& entries() const noexcept { return m_entries; }
  // Appends without ordering; call sort() after a batch (keys must be unique).
  void append_unsorted(std::string key, Value value);
  void sort();

 private:
  std::vector<std::pair<std::string, Value>> m_entries;
};

class Value {
 public:
  Value() noexcept : m_int(0) {}
  static Value nil() noexcept;
  static Value boolean(bool b) noexcept;
  static Value integer(int64_t i, GoType type = GoType::int_) noexcept;
  static Value floating(double d) noexcept;
  static Value string(std::string_view s);
  static Value string(Node s);  // s must be a string Node; shares its storage
  static Value list(ValueList items, GoType type = GoType::list_any);
  static Value list(std::shared_ptr<const ValueList> items, GoType type = GoType::list_any);
  static Value map(std::shared_ptr<ValueMap> entries, GoType type = GoType::map_any);
  static Value map();  // a new empty map[string]interface {}
  static Value object(std::shared_ptr<const Object> object);

  // A data tree as Helm hands it to templates: maps become map[string]interface {}, lists
  // []interface {}, integers int64 (or float64 with Numbers::as_float64, as values read
  // from YAML are), floats float64, null nil. Every element is boxed.
  enum class Numbers : uint8_t { keep, as_float64 };
  static Value from_node(const Node& node, Numbers numbers = Numbers::keep);
  // Back to a document (objects and invalid become null).
  Node to_node() const;

  Kind kind() const noexcept { return m_kind; }
  GoType type() const noexcept { return m_type; }
  bool is_invalid() const noexcept { return m_kind == Kind::invalid; }
  bool is_nil() const noexcept { return m_kind == Kind::nil; }
  // No value or a nil interface: what Go's indirectInterface turns into the zero Value.
  bool is_nothing() const noexcept { return m_kind <= Kind::nil; }
  bool is_string() const noexcept { return m_kind == Kind::string; }
  bool is_list() const noexcept { return m_kind == Kind::list; }
  bool is_map() const noexcept { return m_kind == Kind::map; }

  bool as_bool() const noexcept { return m_kind == Kind::boolean && m_bool; }
  int64_t as_int() const noexcept { return m_kind == Kind::integer ? m_int : 0; }
  double as_float() const noexcept { return m_kind == Kind::floating ? m_float : 0; }
  std::string_view as_string() const noexcept { return m_string.as_string(); }
  const Node& string_node() const noexcept { return m_string; }
  // Empty for non-lists.
  std::span<const Value> items() const noexcept;
  std::shared_ptr<const ValueList> list_ptr() const;
  // nullptr for non-maps.
  ValueMap* map_ptr() const noexcept;
  std::shared_ptr<ValueMap> map_shared() const;
  const Object* object_ptr() const noexcept;

  // This map or list under a named Go type (Helm's common.Values is a named
  // map[string]interface {}): %T, sprig's typeOf and error messages say the name; everything
  // else is the unnamed type's. Other kinds are returned unchanged.
  Value named(std::string_view type_name) const;

  // The static type is interface {} (the value came out of a container).
  bool boxed() const noexcept { return m_boxed; }
  Value boxed_copy() const;
  // What Go's evalPipeline does to a pipeline's result: an interface is replaced by what it
  // holds, a nil interface by no value.
  Value unboxed() const;

  // Go's %T: "int", "[]interface {}", "<nil>" for nil and invalid.
  std::string type_name() const;
  // The static type as reflection reports it (for "can't evaluate field X in type T"):
  // "interface {}" when boxed, else type_name().
  std::string static_type_name() const;
  // Go's reflect Kind name, as sprig's kindOf prints it: "string", "float64", "slice",
  // "map", "invalid", "ptr" ...
  std::string_view kind_name() const;

  // text/template's truth: non-zero numbers, non-empty strings and containers, true,
  // non-nil objects. Invalid and nil are false.
  bool truth() const noexcept;
  // Number of list items, map entries or string bytes; 0 otherwise.
  size_t length() const noexcept;

 private:
  Kind m_kind = Kind::invalid;
  GoType m_type = GoType::none;
  bool m_boxed = false;
  union {
    bool m_bool;
    int64_t m_int;
    double m_float;
  };
  Node m_string;                      // the string; for a named map or list, its type name
  std::shared_ptr<const void> m_ref;  // ValueList, ValueMap or Object
};

// A method of an Object, or a function in a FuncMap: arguments as Go's evalCall passes them
// (already checked against `params`), a value or an error.
using Function = std::function<Result<Value>(CallContext& context, std::span<const Value> args)>;

// Parameter types a function declares, so the engine converts and checks arguments the way
// Go's reflection does for a function of that signature ("wrong type for value; expected
// string; got int", literal 3 becoming a float64 for a float64 parameter).
enum class Param : uint8_t {
  value,  // reflect.Value (builtins): passed as evaluated, no value stays no value
  any,    // interface {}: no value becomes nil
  string,
  int_,
  int64,
  float64,
  bool_,
  list,  // []interface {}
  map,   // map[string]interface {}
};

struct FuncInfo {
  Function fn;
  std::vector<Param> params;  // the last repeats when variadic
  bool variadic = false;
};

// A host object with fields and methods (a Go struct or a named type with methods).
class Object {
 public:
  virtual ~Object() = default;
  // As Go's reflection names the type: "*chart.Metadata", "common.Files".
  virtual std::string type_name() const = 0;
  // Go's reflect kind of the object ("ptr", "struct", "map").
  virtual std::string_view kind_name() const { return "struct"; }
  // A field: its value, or nullopt when the object has no such field.
  virtual std::optional<Value> field(std::string_view name) const = 0;
  // A method: nullptr when none.
  virtual const FuncInfo* method(std::string_view /*name*/) const { return nullptr; }
  // How fmt prints the object with %v.
  virtual void format(std::string& out) const = 0;
  // A document for the object (for toYaml/toJson); null unless overridden.
  virtual Node to_node() const { return Node(); }
  // For an object of a Go map or slice type with methods (Helm's .Files, VersionSet): the map
  // or list that `range` and `len` see; no value (the default) for a struct.
  virtual Value elements() const;
};

inline size_t ValueMap::size() const noexcept {
  return m_entries.size();
}
inline bool ValueMap::empty() const noexcept {
  return m_entries.empty();
}

}  // namespace plumb::gotemplate
