// JSON reading and writing for the document model (the Kubernetes API speaks JSON).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb {

// Parses one JSON value. Integers that fit int64 become integers, other numbers floats.
// \u escapes decode to UTF-8; a lone surrogate and each byte of invalid UTF-8 become U+FFFD,
// as in Go. Duplicate keys
// and nesting deeper than 1000 levels are errors. Errors read
// "<source>: line L, column C: <what>" (column in bytes, both 1-based).
Result<Node> parse_json(std::string_view text, std::string_view source = "json");

// compact: no spaces (what API servers send). indented: two spaces. indented4: four spaces,
// which is what `kubectl get -o json` prints.
enum class JsonStyle { compact, indented, indented4 };

// Keys in the map's own order (insertion order), like Go's json for structs. Strings and
// floats are written exactly as Go's encoding/json writes them (HTML-safe escapes
// \u003c \u003e \u0026, \u2028 \u2029; floats 0.5, 100, 1e+21, 1e-7). No final newline.
std::string to_json(const Node& value, JsonStyle style = JsonStyle::compact);
void append_json(const Node& value, std::string& out, JsonStyle style = JsonStyle::compact);

// The word Go's encoding/json gives a value's JSON type in its errors ("json: cannot unmarshal
// array into Go value of type ..."): null, bool, number, string, array, object.
std::string_view go_json_type(const Node& value);

// A key as one segment of a JSON pointer (RFC 6901): '~' → "~0", '/' → "~1".
std::string json_pointer_segment(std::string_view key);

}  // namespace plumb
