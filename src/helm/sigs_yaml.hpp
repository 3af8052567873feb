// YAML read the way Helm reads it: sigs.k8s.io/yaml over go-yaml v2. That is not the YAML of
// core/yaml.hpp (kustomize's go-yaml v3): plain scalars resolve as YAML 1.1 (`yes`, `no`, `on`,
// `off`, `y`, `n` in their listed spellings are booleans, also as keys: `n: 3` is the key
// "false"; `010` is 8, `0x1F` 31, `1_000` 1000; dates stay the strings written), merge keys
// `<<` overwrite in document order (v2: a key after `<<` wins, one before it loses), duplicate
// keys are accepted (last wins), and only the first document of a stream is read.
//
// sigs.k8s.io/yaml then converts the tree to JSON and back, so in `YamlNumbers::json` mode every
// number is a float (Go's float64), map keys become strings (`1` -> "1", `true` -> "true",
// `1.5` -> "1.5"; a null key is an error), and `.inf` / `.nan` values are errors. The
// `YamlNumbers::typed` mode keeps go-yaml's types (integers as integers), for Chart.yaml, whose
// string fields take a number's YAML text as Go's FormatFloat(f, 'g', -1, 32) prints it
// (`appVersion: 1.10` is "1.1").
//
// Errors read as Helm's do after its own prefix: `error converting YAML to JSON: yaml: line 1:
// did not find expected ',' or ']'` (libyaml's problem text, the line counted as go-yaml v2
// counts it), `error converting YAML to JSON: json: unsupported value: +Inf`, `error
// unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type
// map[string]interface {}`. Aliases are expanded without copying (shared Nodes); a document
// whose aliases expand too much is refused as go-yaml v2 refuses it ("document contains
// excessive aliasing"). Nesting deeper than 1000 levels is an error.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::helm {

enum class YamlNumbers { json, typed };

// sigs.k8s.io/yaml.Unmarshal into interface{}: the first document (null when there is none).
Result<Node> yaml_to_json(std::string_view text, YamlNumbers numbers = YamlNumbers::json);

// sigs.k8s.io/yaml.Unmarshal into map[string]interface{}: the first document, which must be a
// map or null (null gives an empty map).
Result<Node> yaml_to_map(std::string_view text);

// Helm's loader.LoadValues: every document of the stream (split as Kubernetes' YAMLReader
// splits on `---` lines) read with yaml_to_map and merged with merge_maps, later documents
// winning. Errors: `cannot unmarshal yaml document: <yaml_to_map's error>`.
Result<Node> load_values(std::string_view text);

// Kubernetes' YAMLReader: the documents of a stream, split on lines that start with `---`
// followed only by spaces or a comment; empty documents left out. A `---` line followed by
// anything else is an error ("invalid Yaml document separator: ...").
Result<std::vector<std::string_view>> split_yaml_documents(std::string_view text);

// Helm's loader.MergeMaps: b over a; maps present in both merge recursively, anything else in
// b replaces a's value. Non-map arguments count as empty maps.
Node merge_maps(const Node& a, const Node& b);

// Go's strconv.FormatFloat(value, 'g', -1, bits) for bits 32 or 64 (`1.234567e+06`, `0.5`,
// `+Inf`, `NaN`).
std::string format_float_g(double value, int bits = 64);

}  // namespace plumb::helm
