#include "render/hash.hpp"

#include "core/base64.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace plumb::render {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, 0 when invalid.
size_t utf8_length(std::string_view text, size_t i, uint32_t& code) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  code = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < k_min[n] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return n;
}

void append_go_string(std::string_view s, std::string& out) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '<':
        case '>':
        case '&':
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 0xf];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    uint32_t code = 0;
    size_t n = utf8_length(s, i, code);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (code == 0x2028 || code == 0x2029) {
      out += code == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t code = 0;
    size_t n = utf8_length(text, i, code);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_go_json(const Node& value, std::string& out) {
  switch (value.type()) {
    case Node::Type::null:
      out += "null";
      break;
    case Node::Type::boolean:
      out += value.as_bool() ? "true" : "false";
      break;
    case Node::Type::integer:
      out += std::to_string(value.as_int());
      break;
    case Node::Type::floating: {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", value.as_float());
      out += buffer;
      break;
    }
    case Node::Type::string:
      append_go_string(value.as_string(), out);
      break;
    case Node::Type::list: {
      out += '[';
      bool first = true;
      for (const Node& item : value.items()) {
        if (!first) out += ',';
        first = false;
        append_go_json(item, out);
      }
      out += ']';
      break;
    }
    case Node::Type::map: {
      std::vector<const MapEntry*> entries;
      for (const MapEntry& e : value.entries())
        entries.push_back(&e);
      std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
        return a->key.as_string() < b->key.as_string();
      });
      out += '{';
      bool first = true;
      for (const MapEntry* e : entries) {
        if (!first) out += ',';
        first = false;
        append_go_string(e->key.as_string(), out);
        out += ':';
        append_go_json(e->value, out);
      }
      out += '}';
      break;
    }
  }
}

namespace {

// A map of string values, as kustomize reads data maps (map[string]string); a missing data
// field hashes as "" (kustomize's encoder sees an empty value, not an empty map).
Node string_map(const Node* data) {
  if (data == nullptr) return Node::string("");
  Node out = Node::map();
  if (!data->is_map()) return out;
  for (const MapEntry& e : data->entries()) {
    if (e.value.is_string()) {
      out.set(e.key.as_string(), e.value);
    } else {
      std::string text;
      if (!e.value.is_null()) append_go_json(e.value, text);
      out.set(e.key.as_string(), Node::string(text));
    }
  }
  return out;
}

std::string encode_for_hash(const Node& object) {
  std::string_view kind = object.string_at({"kind"});
  Node m = Node::map();
  if (kind == "ConfigMap") {
    m.set("kind", Node::string("ConfigMap"));
    // kustomize's hasher reads the name from a field that is never set: always "".
    m.set("name", Node::string(""));
    m.set("data", string_map(object.find("data")));
    const Node* binary = object.find("binaryData");
    if (binary != nullptr && !binary->empty()) m.set("binaryData", string_map(binary));
  } else if (kind == "Secret") {
    m.set("kind", Node::string("Secret"));
    m.set("type", Node::string(object.string_at({"type"})));
    m.set("name", Node::string(""));
    m.set("data", string_map(object.find("data")));
    const Node* string_data = object.find("stringData");
    if (string_data != nullptr && !string_data->empty()) {
      m.set("stringData", string_map(string_data));
    }
  } else {
    m = object;
  }
  std::string out;
  append_go_json(m, out);
  return out;
}

}  // namespace

std::string hash_suffix(const Node& object) {
  std::string text = encode_for_hash(object);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0xf];
  }
  for (char& c : out) {
    switch (c) {
      case '0':
        c = 'g';
        break;
      case '1':
        c = 'h';
        break;
      case '3':
        c = 'k';
        break;
      case 'a':
        c = 'm';
        break;
      case 'e':
        c = 't';
        break;
      default:
        break;
    }
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  constexpr size_t k_line = 70;
  std::string flat = base64_encode(bytes);
  if (flat.size() / k_line + 1 <= 1) return flat;
  std::string out;
  out.reserve(flat.size() + flat.size() / k_line + 1);
  for (size_t i = 0; i < flat.size(); i += k_line) {
    out.append(flat, i, k_line);
    out.push_back('\n');
  }
  return out;
}

}  // namespace plumb::render
