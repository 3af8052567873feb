#include "localcluster/go_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace plumb::localcluster {
namespace {

// Length of the valid UTF-8 sequence at text[i], 0 when invalid.
size_t utf8_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

std::vector<const MapEntry*> sorted_entries(const Node& map) {
  std::vector<const MapEntry*> entries;
  for (const MapEntry& e : map.entries())
    entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
    return a->key.as_string() < b->key.as_string();
  });
  return entries;
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = utf8_length(text, i);
      if (n == 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
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
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string go_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  // Shortest round-trip digits, then Go's %g layout with precision 6 for the decision.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, end);  // "-1.2345e+07"
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  bool negative = mantissa[0] == '-';
  std::string digits;
  for (char c : mantissa)
    if (c >= '0' && c <= '9') digits += c;
  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) out += "." + digits.substr(1);
    char tail[16];
    std::snprintf(tail, sizeof tail, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + tail;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  size_t point = static_cast<size_t>(exp) + 1;
  if (digits.size() <= point) return out + digits + std::string(point - digits.size(), '0');
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

std::string go_value(const Node& value) {
  switch (value.type()) {
    case Node::Type::null:
      return "<nil>";
    case Node::Type::boolean:
      return value.as_bool() ? "true" : "false";
    case Node::Type::integer:
      return std::to_string(value.as_int());
    case Node::Type::floating:
      return go_float(value.as_float());
    case Node::Type::string:
      return std::string(value.as_string());
    case Node::Type::list: {
      std::string out = "[";
      bool first = true;
      for (const Node& item : value.items()) {
        if (!first) out += ' ';
        first = false;
        out += go_value(item);
      }
      return out + "]";
    }
    case Node::Type::map: {
      std::string out = "map[";
      bool first = true;
      for (const MapEntry* e : sorted_entries(value)) {
        if (!first) out += ' ';
        first = false;
        out += std::string(e->key.as_string()) + ":" + go_value(e->value);
      }
      return out + "]";
    }
  }
  return "";
}

std::string go_sharp_value(const Node& value) {
  switch (value.type()) {
    case Node::Type::null:
      return "interface {}(nil)";
    case Node::Type::string:
      return go_quote(value.as_string());
    case Node::Type::list: {
      std::string out = "[]interface {}{";
      bool first = true;
      for (const Node& item : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += go_sharp_value(item);
      }
      return out + "}";
    }
    case Node::Type::map: {
      std::string out = "map[string]interface {}{";
      bool first = true;
      for (const MapEntry* e : sorted_entries(value)) {
        if (!first) out += ", ";
        first = false;
        out += go_quote(e->key.as_string()) + ":" + go_sharp_value(e->value);
      }
      return out + "}";
    }
    default:
      return go_value(value);
  }
}

std::string_view go_type_name(const Node& value) {
  switch (value.type()) {
    case Node::Type::null:
      return "<nil>";
    case Node::Type::boolean:
      return "bool";
    case Node::Type::integer:
      return "int64";
    case Node::Type::floating:
      return "float64";
    case Node::Type::string:
      return "string";
    case Node::Type::list:
      return "[]interface {}";
    case Node::Type::map:
      return "map[string]interface {}";
  }
  return "";
}

}  // namespace plumb::localcluster
