#include "merge/schema.hpp"

#include <algorithm>
#include <string>

#include "merge/schema_data.hpp"

namespace plumb {

using detail::SchemaData;

// --- SchemaType ---

std::string_view SchemaType::name() const {
  return m_data ? m_data->type_name(m_index) : std::string_view();
}

size_t SchemaType::field_count() const {
  return m_data ? m_data->type(m_index).field_count : 0;
}

SchemaField SchemaType::field_at(size_t index) const {
  return SchemaField(m_owner, m_data,
                     m_data->type(m_index).first_field + static_cast<uint32_t>(index));
}

std::optional<SchemaField> SchemaType::field(std::string_view json_name) const {
  if (!m_data) return std::nullopt;
  const TypeRow& row = m_data->type(m_index);
  uint32_t lo = row.first_field;
  uint32_t hi = row.first_field + row.field_count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    std::string_view name = m_data->field_str(mid, m_data->field(mid).name);
    if (name < json_name) {
      lo = mid + 1;
    } else if (json_name < name) {
      hi = mid;
    } else {
      return SchemaField(m_owner, m_data, mid);
    }
  }
  return std::nullopt;
}

// --- SchemaField ---

std::string_view SchemaField::name() const {
  return m_data->field_str(m_index, m_data->field(m_index).name);
}

ValueKind SchemaField::kind() const {
  return static_cast<ValueKind>(m_data->field(m_index).kind);
}

SchemaType SchemaField::type() const {
  uint32_t type = m_data->field(m_index).type;
  if (type == schema_table::k_no_type) return SchemaType();
  return SchemaType(m_owner, m_data, type);
}

bool SchemaField::patch_merge() const {
  return m_data->field(m_index).flags & schema_table::k_patch_merge;
}

bool SchemaField::patch_replace() const {
  return m_data->field(m_index).flags & schema_table::k_patch_replace;
}

bool SchemaField::retain_keys() const {
  return m_data->field(m_index).flags & schema_table::k_patch_retain_keys;
}

std::string_view SchemaField::patch_merge_key() const {
  return m_data->field_str(m_index, m_data->field(m_index).merge_key);
}

StrategicList SchemaField::strategic_list() const {
  StrategicList out;
  out.retain_keys = retain_keys();
  if (!patch_merge()) return out;
  out.merge_key = patch_merge_key();
  out.strategy = out.merge_key.empty() ? StrategicList::Strategy::merge_primitives
                                       : StrategicList::Strategy::merge_by_key;
  return out;
}

ScalarType SchemaField::scalar() const {
  return static_cast<ScalarType>(m_data->field(m_index).scalar);
}

std::string_view SchemaField::go_type() const {
  return m_data->field_str(m_index, m_data->field(m_index).go_type);
}

ListType SchemaField::list_type() const {
  return static_cast<ListType>(m_data->field(m_index).list_type);
}

size_t SchemaField::list_map_key_count() const {
  return m_data->field(m_index).keys_count;
}

std::string_view SchemaField::list_map_key(size_t index) const {
  std::string_view out;
  m_data->list_key(m_index, m_data->field(m_index).keys_first + static_cast<uint32_t>(index), out);
  return out;
}

MapType SchemaField::map_type() const {
  return static_cast<MapType>((m_data->field(m_index).flags >> schema_table::k_map_type_shift) & 3);
}

MapType SchemaField::struct_type() const {
  return static_cast<MapType>((m_data->field(m_index).flags >> schema_table::k_struct_type_shift) &
                              3);
}

// --- Schema ---

Schema::Schema(BuiltinTypes builtin) : m_data(std::make_shared<SchemaData>()) {
  if (builtin == BuiltinTypes::include) {
    m_data->builtin = &schema_table::k_table;
    m_data->builtin_types = schema_table::k_table.type_count;
    m_data->builtin_fields = schema_table::k_table.field_count;
    m_data->builtin_keys = schema_table::k_table.list_key_count;
  }
}

Schema::Schema(const Schema& other) : m_data(std::make_shared<SchemaData>(*other.m_data)) {}

Schema& Schema::operator=(const Schema& other) {
  if (this != &other) {
    m_data = std::make_shared<SchemaData>(*other.m_data);
    m_static = false;
  }
  return *this;
}

Schema::Schema(Schema&&) noexcept = default;
Schema& Schema::operator=(Schema&&) noexcept = default;
Schema::~Schema() = default;

const Schema& Schema::builtin() {
  static const Schema instance = [] {
    Schema s(BuiltinTypes::include);
    s.m_static = true;
    return s;
  }();
  return instance;
}

SchemaOwner Schema::owner() const {
  return m_static ? SchemaOwner() : SchemaOwner(m_data);
}

std::optional<KindInfo> Schema::kind(std::string_view api_version, std::string_view kind) const {
  std::string gvk;
  gvk.reserve(api_version.size() + 1 + kind.size());
  gvk.append(api_version).append("/").append(kind);
  const SchemaData& d = *m_data;
  auto make = [&](uint32_t type, uint8_t scope) {
    KindInfo info;
    if (type != schema_table::k_no_type) info.type = SchemaType(owner(), &d, type);
    info.scope = static_cast<Scope>(scope);
    return info;
  };
  if (auto custom = d.kinds.find(gvk); custom != d.kinds.end())
    return make(custom->second.type, custom->second.scope);
  const KindRow* row = d.find_builtin_kind(gvk);
  if (!row) return std::nullopt;
  return make(row->type, row->scope);
}

SchemaType Schema::type(std::string_view name) const {
  uint32_t index = m_data->find_type(name);
  if (index == schema_table::k_no_type) return SchemaType();
  return SchemaType(owner(), m_data.get(), index);
}

}  // namespace plumb
