// Name hash suffixes exactly as kustomize computes them: SHA-256 over Go-json of the object's
// identifying content (ConfigMap: kind, name, data, binaryData; Secret: kind, name, type,
// data; anything else: the whole object), the first 10 hex digits with 0,1,3,a,e replaced so
// the suffix never looks like a number or a word.
#pragma once

#include <string>

#include "core/node.hpp"

namespace plumb::render {

std::string hash_suffix(const Node& object);

// Go encoding/json text of a value, maps with sorted keys (as json.Marshal of a Go map).
void append_go_json(const Node& value, std::string& out);

// Base64 as kustomize writes generated data: lines of 70 characters, each ending in a newline,
// when the text is longer than one line.
std::string base64_lines(std::string_view bytes);
bool is_valid_utf8(std::string_view text);

}  // namespace plumb::render
