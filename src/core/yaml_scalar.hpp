// Private to the YAML reader and writer: how plain scalars resolve, and how numbers print.
//
// kustomize reads YAML with go-yaml v3 (so `on` and `yes` stay strings, `010` is octal 8,
// `1e3` is a float, dates become timestamps), turns each object into JSON, and prints it
// with go-yaml v2 (which quotes any string that v2 would read back as something else,
// including `on`, `yes` and dates). The reader follows v3; the writer asks v2's question.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/node.hpp"
#include "core/yaml.hpp"

namespace plumb::yaml_detail {

// The value of a plain (unquoted, untagged) scalar as kustomize reads it. Timestamps become
// strings in the form Go's time.Time prints in JSON ("2001-12-14T00:00:00Z").
Node resolve_plain(std::string_view text, PlainScalars rules = PlainScalars::go_yaml_v3);

// True when go-yaml v2 would read `text`, written plain, as something other than this
// string (null, bool, number, timestamp, base-60 float): the writer must quote it.
bool plain_is_ambiguous(std::string_view text);

// `text` as Go's time.Time JSON form, when go-yaml reads it as a timestamp.
bool parse_timestamp(std::string_view text, std::string& normalized);

// A float as kustomize prints it: Go's JSON encoding read back by go-yaml v2 (integral
// values print as integers, others in strconv 'g' form: 1.5, 1e+06, 1e-07). Without
// `json_round_trip`, as go-yaml v3 writes a float64: Go's FormatFloat 'g' -1 (1e+06, -0).
void append_float(double value, std::string& out, bool json_round_trip = true);
void append_int(int64_t value, std::string& out);

// Go's strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal), no
// underscores. Returns false on syntax or range error.
bool go_parse_int(std::string_view text, int64_t& out);
bool go_parse_uint(std::string_view text, uint64_t& out);

}  // namespace plumb::yaml_detail
