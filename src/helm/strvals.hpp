// Helm's strvals parser: the `--set` family of flags, `a.b=c,list[0]=x,l={a,b}`, into a
// values map (ParseInto and friends, pkg/strvals).
//
// - Keys: `.` nests maps (at most 30 levels), `[i]` indexes lists (0..65536; a gap fills with
//   null; a negative index is an error), `\` escapes the next character (`a\.b`, `a\,b`).
// - --set values: `{a,b}` is a list, `true` / `false` / `null` (any case) are booleans and
//   null, an integer not starting with `0` is an int64 (`+5` is 5; `007`, `1.5`, `1e3`, `0x1F`
//   and integers beyond int64 stay strings), `0` is 0, anything else a string. A null value
//   is kept in the map (coalescing later deletes the key it names).
// - --set-string: every value is a string. --set-json: each value is one JSON value (numbers
//   float64). --set-file: the value is a path, the file's content the string.
//   --set-literal: the rest of the text after the first `=` is the string, commas and all.
//
// Errors are Helm's text (the caller prefixes `failed parsing --set data: ` and the like):
// `key "novalue" has no value`, `key "a" has no value (cannot end with ,)`, `key map "a" has
// no value`, `negative -1 index not allowed`, `index of 70000 is greater than maximum supported
// index of 65536`, `error parsing index: strconv.Atoi: parsing "x": invalid syntax`, `list
// must terminate with '}'`, `unable to parse key: interface conversion: interface {} is
// map[string]interface {}, not []interface {}` (a key used as a list and a map).
//
// Thread safety: pure functions; `dest` is written by the calling thread only.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::helm {

// Reads the file a --set-file value names; its content becomes the value (a string).
using SetFileReader = std::function<Result<std::string>(std::string_view path)>;

Result<void> parse_set(std::string_view text, Node& dest);         // --set (ParseInto)
Result<void> parse_set_string(std::string_view text, Node& dest);  // --set-string
Result<void> parse_set_json(std::string_view text, Node& dest);    // --set-json key=value form
Result<void> parse_set_file(std::string_view text, Node& dest, const SetFileReader& reader);
Result<void> parse_set_literal(std::string_view text, Node& dest);  // --set-literal

// strvals.Parse / ParseString: a fresh map.
Result<Node> parse_set_values(std::string_view text);

}  // namespace plumb::helm
