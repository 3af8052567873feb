#include "merge/fields_v1.hpp"

#include <charconv>

#include "core/json.hpp"

namespace plumb {

FieldsV1Key decode_fields_v1_key(std::string_view key) {
  FieldsV1Key out;
  if (key == ".") {
    out.kind = FieldsV1Key::Kind::self;
    return out;
  }
  if (key.size() < 2 || key[1] != ':') return out;
  out.text = key.substr(2);
  switch (key[0]) {
    case 'f':
      out.kind = FieldsV1Key::Kind::field;
      return out;
    case 'k':
    case 'v': {
      auto parsed = parse_json(out.text, "managedFields key");
      if (!parsed || (key[0] == 'k' && !parsed->is_map())) return out;
      out.kind = key[0] == 'k' ? FieldsV1Key::Kind::key : FieldsV1Key::Kind::value;
      out.value = std::move(*parsed);
      return out;
    }
    case 'i': {
      const char* end = out.text.data() + out.text.size();
      auto [ptr, ec] = std::from_chars(out.text.data(), end, out.index);
      if (ec == std::errc() && ptr == end && !out.text.empty()) out.kind = FieldsV1Key::Kind::index;
      return out;
    }
    default:
      return out;
  }
}

}  // namespace plumb
