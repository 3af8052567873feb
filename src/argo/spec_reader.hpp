// Private to argo/: typed reading of an Argo CD object's fields, with errors that name the
// object and the field path ("Application argocd/app: spec.syncPolicy.automated.prune: must be
// a boolean"). Absent and null fields read as the type's zero value.
//
// Thread safety: a SpecReader is used by one parse at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

// A field of the object: its node (nullptr when absent) and its path for messages.
struct Field {
  const Node* node = nullptr;
  std::string path;

  bool present() const { return node && !node->is_null(); }
  Field operator[](std::string_view key) const {
    std::string child = path.empty() ? std::string(key) : path + "." + std::string(key);
    return Field{node && node->is_map() ? node->find(key) : nullptr, std::move(child)};
  }
  Field item(size_t index, const Node& value) const {
    return Field{&value, path + "[" + std::to_string(index) + "]"};
  }
};

class SpecReader {
 public:
  // `what` names the object: "Application argocd/guestbook".
  explicit SpecReader(std::string what) : m_what(std::move(what)) {}

  const std::string& what() const { return m_what; }

  std::unexpected<Error> error(const Field& field, std::string_view message) const {
    return fail(m_what, ": ", field.path, ": ", message);
  }

  Result<std::string> string(const Field& field) const {
    if (!field.present()) return std::string();
    if (!field.node->is_string()) return error(field, "must be a string");
    return std::string(field.node->as_string());
  }
  Result<bool> boolean(const Field& field) const {
    if (!field.present()) return false;
    if (!field.node->is_bool()) return error(field, "must be a boolean");
    return field.node->as_bool();
  }
  Result<int64_t> integer(const Field& field, int64_t absent) const {
    if (!field.present()) return absent;
    if (!field.node->is_int()) return error(field, "must be an integer");
    return field.node->as_int();
  }
  // A map, or nothing when absent (an error for any other type).
  Result<bool> map(const Field& field) const {
    if (!field.present()) return false;
    if (!field.node->is_map()) return error(field, "must be a map");
    return true;
  }
  // An item that must be a map (a list entry).
  Result<void> entry(const Field& field) const {
    if (!field.present() || !field.node->is_map()) return error(field, "must be a map");
    return {};
  }
  Result<std::span<const Node>> list(const Field& field) const {
    if (!field.present()) return std::span<const Node>();
    if (!field.node->is_list()) return error(field, "must be a list");
    return field.node->items();
  }
  // A list of maps, each read by `read` (Field → Result<T>).
  template <typename Read>
  auto maps(const Field& field, Read read) const
      -> Result<std::vector<typename std::invoke_result_t<Read, const Field&>::value_type>> {
    std::vector<typename std::invoke_result_t<Read, const Field&>::value_type> out;
    std::span<const Node> items = TRY(list(field));
    for (size_t i = 0; i < items.size(); ++i) {
      Field item = field.item(i, items[i]);
      TRY_VOID(entry(item));
      out.push_back(TRY(read(item)));
    }
    return out;
  }
  Result<std::vector<std::string>> strings(const Field& field) const {
    std::vector<std::string> out;
    std::span<const Node> items = TRY(list(field));
    for (size_t i = 0; i < items.size(); ++i)
      out.push_back(TRY(string(field.item(i, items[i]))));
    return out;
  }
  Result<std::vector<std::pair<std::string, std::string>>> string_map(const Field& field) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!TRY(map(field))) return out;
    for (const MapEntry& entry : field.node->entries()) {
      std::string key(entry.key.as_string());
      out.emplace_back(key, TRY(string(field[key])));
    }
    return out;
  }

 private:
  std::string m_what;
};

// Go's strconv.Atoi: an optional sign and decimal digits, within int64.
inline std::optional<int64_t> go_atoi(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (!negative) return static_cast<int64_t>(value);
  return value == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(value);
}

// "Application argocd/guestbook" (or "Application guestbook" without a namespace).
inline std::string describe(std::string_view kind, const Node& object) {
  std::string out(kind);
  out += ' ';
  std::string_view ns = object.string_at({"metadata", "namespace"});
  if (!ns.empty()) out.append(ns).append("/");
  out += object.string_at({"metadata", "name"});
  return out;
}

// An Argo object opened for reading: its reader, its root field, its name and namespace.
struct OpenedObject {
  SpecReader reader;
  Field root;
  std::string name, namespace_;
};

// An error unless `object` is a map whose kind is `kind` (or unset).
inline Result<OpenedObject> open_object(std::string_view kind, const Node& object) {
  OpenedObject o{SpecReader(describe(kind, object)), Field{&object, ""}, {}, {}};
  if (!object.is_map()) return fail(o.reader.what(), ": not an object");
  std::string_view written = object.string_at({"kind"});
  if (!written.empty() && written != kind)
    return o.reader.error(o.root["kind"], "must be " + std::string(kind));
  o.name = TRY(o.reader.string(o.root["metadata"]["name"]));
  o.namespace_ = TRY(o.reader.string(o.root["metadata"]["namespace"]));
  return o;
}

}  // namespace plumb::argo
