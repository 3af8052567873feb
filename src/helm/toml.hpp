// TOML documents read as Helm's fromToml reads them (BurntSushi/toml v1.6.0 decoding into
// map[string]interface {}): TOML 1.0 — tables, arrays of tables, dotted and quoted keys, inline
// tables, arrays, basic/literal/multi-line strings with escapes, integers (decimal, 0x, 0o,
// 0b, `_` separators) as int64, floats (inf, nan) as float64, booleans, and offset/local
// date-times, dates and times as time.Time (local ones in the zones "datetime-local",
// "date-local", "time-local", as BurntSushi names them).
//
// Errors in BurntSushi's words: `toml: line N (last key "a.b"): MESSAGE`, or `toml: line N:
// MESSAGE` outside a key/value, e.g. `Key 'a' has already been defined.`, `expected value but
// found '\n' instead`, `Invalid integer "01": cannot have leading zeroes`. Rarer errors name the
// line and the problem in this reader's own words.
//
// Thread safety: pure function.
#pragma once

#include <string_view>

#include "core/error.hpp"
#include "gotemplate/value.hpp"

namespace plumb::helm {

// The document as a map[string]interface {}.
Result<gotemplate::Value> decode_toml(std::string_view text);

}  // namespace plumb::helm
