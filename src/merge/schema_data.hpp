// The storage behind Schema: the static built-in table plus the custom types added at run
// time. Internal to the merge module (schema.cpp reads it, schema_import.cpp fills it).
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "merge/schema.hpp"
#include "merge/schema_table.hpp"

namespace plumb {

using schema_table::FieldRow;
using schema_table::KindRow;
using schema_table::Str;
using schema_table::TypeRow;

namespace detail {

// Indexes below the built-in counts address the static table; the rest address the custom
// vectors (index - builtin count). Custom strings live in `pool`.
struct SchemaData {
  const schema_table::Table* builtin = nullptr;
  uint32_t builtin_types = 0;
  uint32_t builtin_fields = 0;
  uint32_t builtin_keys = 0;

  std::string pool;
  std::unordered_map<std::string, Str> interned;
  std::vector<FieldRow> fields;
  std::vector<TypeRow> types;
  std::vector<std::string> type_names;
  std::vector<Str> list_keys;
  std::unordered_map<std::string, uint32_t> types_by_name;
  std::unordered_map<std::string, KindRow> kinds;  // KindRow::gvk unused

  const FieldRow& field(uint32_t i) const {
    return i < builtin_fields ? builtin->fields[i] : fields[i - builtin_fields];
  }
  const TypeRow& type(uint32_t i) const {
    return i < builtin_types ? builtin->types[i] : types[i - builtin_types];
  }
  std::string_view builtin_str(Str s) const { return {builtin->strings + s.offset, s.size}; }
  std::string_view custom_str(Str s) const { return {pool.data() + s.offset, s.size}; }
  std::string_view field_str(uint32_t field_index, Str s) const {
    return field_index < builtin_fields ? builtin_str(s) : custom_str(s);
  }
  std::string_view type_name(uint32_t i) const {
    return i < builtin_types ? builtin_str(builtin->types[i].name)
                             : std::string_view(type_names[i - builtin_types]);
  }
  Str list_key(uint32_t field_index, uint32_t key_index, std::string_view& out) const {
    if (field_index < builtin_fields) {
      Str s = builtin->list_keys[key_index];
      out = builtin_str(s);
      return s;
    }
    Str s = list_keys[key_index];
    out = custom_str(s);
    return s;
  }

  std::optional<Str> intern(std::string_view text) {
    if (text.size() > 255) return std::nullopt;
    auto found = interned.find(std::string(text));
    if (found != interned.end()) return found->second;
    if (pool.size() + text.size() >= (1u << 24)) return std::nullopt;
    Str s{static_cast<uint32_t>(pool.size()), static_cast<uint32_t>(text.size())};
    pool.append(text);
    interned.emplace(std::string(text), s);
    return s;
  }

  const KindRow* find_builtin_kind(std::string_view gvk) const {
    if (!builtin) return nullptr;
    const KindRow* begin = builtin->kinds;
    const KindRow* end = begin + builtin->kind_count;
    const KindRow* at = std::lower_bound(
        begin, end, gvk, [&](const KindRow& row, auto k) { return builtin_str(row.gvk) < k; });
    if (at == end || builtin_str(at->gvk) != gvk) return nullptr;
    return at;
  }

  uint32_t find_type(std::string_view name) const {
    auto custom = types_by_name.find(std::string(name));
    if (custom != types_by_name.end()) return custom->second;
    if (!builtin) return schema_table::k_no_type;
    const TypeRow* begin = builtin->types;
    const TypeRow* end = begin + builtin->type_count;
    const TypeRow* at = std::lower_bound(begin, end, name, [&](const TypeRow& row, auto key) {
      return builtin_str(row.name) < key;
    });
    if (at != end && builtin_str(at->name) == name) return static_cast<uint32_t>(at - begin);
    return schema_table::k_no_type;
  }
};

}  // namespace detail

}  // namespace plumb
