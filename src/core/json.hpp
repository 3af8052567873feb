// JSON reading and writing for the document model (the Kubernetes API speaks JSON).
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb {

// Parses one JSON value. Integers that fit int64 become integers, other numbers floats.
// Errors read "<source>: line L, column C: <what>".
Result<Node> parse_json(std::string_view text, std::string_view source = "json");

enum class JsonStyle { compact, indented };

// Keys in the map's own order (insertion order), like Go's json for structs. Indented uses
// two spaces, as `kubectl get -o json` prints.
std::string to_json(const Node& value, JsonStyle style = JsonStyle::compact);
void append_json(const Node& value, std::string& out, JsonStyle style = JsonStyle::compact);

}  // namespace plumb
