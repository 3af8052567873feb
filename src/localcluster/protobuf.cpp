#include "localcluster/protobuf.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include "core/base64.hpp"
#include "core/error.hpp"

namespace plumb::localcluster {
namespace {

enum class Kind { string, bytes, integer, boolean, message, string_map, bytes_map, strings };

struct Message;

struct Field {
  int number;
  std::string_view name;
  Kind kind;
  const Message* message = nullptr;
};

struct Message {
  std::initializer_list<Field> fields;
};

// Field numbers of k8s.io/api and apimachinery's generated.proto.
const Message k_object_meta{{
    {1, "name", Kind::string},
    {2, "generateName", Kind::string},
    {3, "namespace", Kind::string},
    {5, "uid", Kind::string},
    {6, "resourceVersion", Kind::string},
    {7, "generation", Kind::integer},
    {11, "labels", Kind::string_map},
    {12, "annotations", Kind::string_map},
    {14, "finalizers", Kind::strings},
}};
const Message k_config_map{{
    {1, "metadata", Kind::message, &k_object_meta},
    {2, "data", Kind::string_map},
    {3, "binaryData", Kind::bytes_map},
    {4, "immutable", Kind::boolean},
}};
const Message k_secret{{
    {1, "metadata", Kind::message, &k_object_meta},
    {2, "data", Kind::bytes_map},
    {3, "type", Kind::string},
    {4, "stringData", Kind::string_map},
    {5, "immutable", Kind::boolean},
}};
const Message k_namespace_spec{{{1, "finalizers", Kind::strings}}};
const Message k_namespace_status{{{1, "phase", Kind::string}}};
const Message k_namespace{{
    {1, "metadata", Kind::message, &k_object_meta},
    {2, "spec", Kind::message, &k_namespace_spec},
    {3, "status", Kind::message, &k_namespace_status},
}};

// metav1.DeleteOptions: client-go's typed clients (helm's release storage) send it with
// DELETE requests in protobuf.
const Message k_preconditions{{
    {1, "uid", Kind::string},
    {2, "resourceVersion", Kind::string},
}};
const Message k_delete_options{{
    {1, "gracePeriodSeconds", Kind::integer},
    {2, "preconditions", Kind::message, &k_preconditions},
    {3, "orphanDependents", Kind::boolean},
    {4, "propagationPolicy", Kind::string},
    {5, "dryRun", Kind::strings},
}};

// Reviews are answered from their kind alone (the single user may do everything), so their
// fields are not decoded.
const Message k_review{{}};

struct KnownKind {
  std::string_view api_version;
  std::string_view kind;
  const Message* message;
};
const KnownKind k_kinds[] = {
    {"v1", "ConfigMap", &k_config_map},
    {"v1", "Secret", &k_secret},
    {"v1", "Namespace", &k_namespace},
    {"v1", "DeleteOptions", &k_delete_options},
    {"authorization.k8s.io/v1", "SelfSubjectAccessReview", &k_review},
    {"authorization.k8s.io/v1", "SelfSubjectRulesReview", &k_review},
    {"authorization.k8s.io/v1", "SubjectAccessReview", &k_review},
    {"authorization.k8s.io/v1", "LocalSubjectAccessReview", &k_review},
    {"authentication.k8s.io/v1", "SelfSubjectReview", &k_review},
    {"authentication.k8s.io/v1", "TokenReview", &k_review},
};

// One protobuf wire-format reader over a byte range.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
  bool done() const { return m_pos >= m_bytes.size(); }

  std::optional<uint64_t> varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && m_pos < m_bytes.size(); shift += 7) {
      auto byte = static_cast<uint8_t>(m_bytes[m_pos++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  std::optional<std::string_view> bytes() {
    auto length = varint();
    if (!length || *length > m_bytes.size() - m_pos) return std::nullopt;
    std::string_view out = m_bytes.substr(m_pos, *length);
    m_pos += *length;
    return out;
  }

  bool skip(int wire_type) {
    switch (wire_type) {
      case 0:
        return varint().has_value();
      case 1:
        m_pos += 8;
        return m_pos <= m_bytes.size();
      case 2:
        return bytes().has_value();
      case 5:
        m_pos += 4;
        return m_pos <= m_bytes.size();
      default:
        return false;
    }
  }

 private:
  std::string_view m_bytes;
  size_t m_pos = 0;
};

std::unexpected<ApiError> malformed() {
  return api_fail(400, "BadRequest", "protobuf body: malformed");
}

ApiResult<std::pair<std::string, std::string>> map_entry(std::string_view bytes) {
  Reader r(bytes);
  std::pair<std::string, std::string> entry;
  while (!r.done()) {
    auto tag = r.varint();
    if (!tag) return malformed();
    int number = static_cast<int>(*tag >> 3);
    if ((*tag & 7) != 2) {
      if (!r.skip(static_cast<int>(*tag & 7))) return malformed();
      continue;
    }
    auto value = r.bytes();
    if (!value) return malformed();
    (number == 1 ? entry.first : entry.second) = std::string(*value);
  }
  return entry;
}

ApiResult<Node> decode_message(std::string_view bytes, const Message& message) {
  Node out = Node::map();
  Reader r(bytes);
  while (!r.done()) {
    auto tag = r.varint();
    if (!tag) return malformed();
    int number = static_cast<int>(*tag >> 3);
    int wire = static_cast<int>(*tag & 7);
    const Field* field = nullptr;
    for (const Field& f : message.fields) {
      if (f.number == number) field = &f;
    }
    if (field == nullptr) {
      if (!r.skip(wire)) return malformed();
      continue;
    }
    if (field->kind == Kind::integer || field->kind == Kind::boolean) {
      auto value = r.varint();
      if (!value) return malformed();
      // Zero values are what Go's omitempty leaves out.
      if (*value == 0) continue;
      out.set(field->name, field->kind == Kind::boolean
                               ? Node::boolean(true)
                               : Node::integer(static_cast<int64_t>(*value)));
      continue;
    }
    auto value = r.bytes();
    if (!value) return malformed();
    switch (field->kind) {
      case Kind::string:
        if (!value->empty()) out.set(field->name, Node::string(*value));
        break;
      case Kind::bytes:
        out.set(field->name, Node::string(base64_encode(*value)));
        break;
      case Kind::message: {
        Node child = TRY(decode_message(*value, *field->message));
        if (!child.empty()) out.set(field->name, std::move(child));
        break;
      }
      case Kind::string_map:
      case Kind::bytes_map: {
        auto entry = TRY(map_entry(*value));
        Node& map = out[field->name];
        map.set(entry.first,
                Node::string(field->kind == Kind::bytes_map ? base64_encode(entry.second)
                                                            : entry.second));
        break;
      }
      case Kind::strings:
        out[field->name].push_back(Node::string(*value));
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace

ApiResult<Node> decode_protobuf(std::string_view body) {
  if (!body.starts_with(std::string_view("k8s\0", 4)))
    return api_fail(400, "BadRequest", "protobuf body: missing the k8s envelope");
  Reader unknown(body.substr(4));
  std::string api_version, kind;
  std::string_view raw;
  while (!unknown.done()) {
    auto tag = unknown.varint();
    if (!tag) return malformed();
    int number = static_cast<int>(*tag >> 3);
    if ((*tag & 7) != 2) {
      if (!unknown.skip(static_cast<int>(*tag & 7))) return malformed();
      continue;
    }
    auto value = unknown.bytes();
    if (!value) return malformed();
    if (number == 1) {
      Reader type_meta(*value);
      while (!type_meta.done()) {
        auto t = type_meta.varint();
        auto v = t && (*t & 7) == 2 ? type_meta.bytes() : std::nullopt;
        if (!v) return malformed();
        ((*t >> 3) == 1 ? api_version : kind) = std::string(*v);
      }
    } else if (number == 2) {
      raw = *value;
    }
  }
  for (const KnownKind& k : k_kinds) {
    if (k.api_version != api_version || k.kind != kind) continue;
    Node object = TRY(decode_message(raw, *k.message));
    Node out = Node::map();
    out.set("apiVersion", Node::string(api_version));
    out.set("kind", Node::string(kind));
    for (const MapEntry& e : object.entries())
      out.set(e.key.as_string(), e.value);
    if (!out.find("metadata")) out.set("metadata", Node::map());
    return out;
  }
  return api_fail(415, "UnsupportedMediaType",
                  "protobuf bodies are understood for ConfigMap, Secret and Namespace only, not " +
                      api_version + " " + kind + "; send JSON (kubectl apply/create -f do)");
}

}  // namespace plumb::localcluster
