// YAML reading and writing for the document model.
//
// The reader takes a multi-document stream and resolves plain scalars the way kustomize
// does (so `on` stays a string, `10` becomes an integer ...), expands anchors and aliases with
// a limit, and reports errors as "<source>:<line>:<column>: <what>".
//
// Limits: nesting deeper than 1000 levels is an error (at that depth the reader uses about
// 0.75 MB of stack, so parse on threads with at least 1 MB); aliases may expand to at most
// 1,000,000 nodes plus one per input byte. Keys are strings; `? key` is read for string keys
// only. Integers beyond int64 become floats (the model has no unsigned integers).
//
// The writer prints exactly what kustomize prints for the same tree: keys sorted in
// go-yaml's order, 2-space indent, sequences not indented under their key, YAML 1.1-safe
// quoting, literal blocks for multi-line strings, long strings folded near 80 columns.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb {

// What to do with a key that appears twice in one mapping. kustomize refuses it in
// resources ("mapping key "x" already defined") but reads kustomization files with the last
// value winning (at the first key's position).
enum class DuplicateKeys { error, last_wins };

// How plain scalars resolve. go_yaml_v3: as kustomize reads (`yes`, `on` stay strings, dates
// become RFC 3339 timestamps). go_yaml_v2: as sigs.k8s.io/yaml reads into JSON (Flux's
// postBuild re-read, Helm's values): `y`, `yes`, `on`, `n`, `no`, `off` in any of their three
// spellings are booleans, and timestamps stay the text written.
enum class PlainScalars { go_yaml_v3, go_yaml_v2 };

// Every document of a stream, in order. Empty documents (only comments, or nothing between
// two `---`) are left out. `source` names the input in error messages (a file path).
Result<std::vector<Node>> parse_yaml_stream(std::string_view text, std::string_view source,
                                            DuplicateKeys duplicates = DuplicateKeys::error,
                                            PlainScalars plain = PlainScalars::go_yaml_v3);

// A stream that must hold exactly one document (an empty input gives a null Node).
Result<Node> parse_yaml(std::string_view text, std::string_view source,
                        DuplicateKeys duplicates = DuplicateKeys::error,
                        PlainScalars plain = PlainScalars::go_yaml_v3);

// How the writer lays out what it writes. The default is kustomize's kyaml: a sequence under a
// mapping key at the key's column (go-yaml v3's compact_sequence_indent), long strings folded
// near 80 columns, floats as they read back from JSON (1000000). Plain go-yaml v3 over Go
// values, as Helm's toYamlPretty writes, indents sequences under their key, never folds and
// writes floats as Go's FormatFloat 'g' (1e+06): all three false.
struct YamlStyle {
  bool compact_sequences = true;
  bool fold_long_strings = true;
  bool floats_as_json = true;
};

// One document, ending in a newline, without a `---` line.
std::string to_yaml(const Node& document, YamlStyle style = {});
void append_yaml(const Node& document, std::string& out, YamlStyle style = {});

// Documents joined by `---\n`, as `kubectl kustomize` prints a build.
std::string to_yaml_stream(std::span<const Node> documents);

}  // namespace plumb
