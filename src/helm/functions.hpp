// Helm's own template functions (helm v4.1.4 pkg/engine funcs.go and engine.go's
// initFunMap), added over sprig's so that they override it where Helm does:
//   include NAME DATA      executes a template of the set; more than 1000 nested includes of
//                          one name fail ("rendering template has a nested reference name")
//   tpl TEXT DATA          parses TEXT into a clone of the set under the set's own name
//                          ("gotpl") and executes it; `<no value>` removed from the result
//   required MSG V, fail MSG   errors wrapped in HELM_ERR_START/HELM_ERR_END, which the
//                          renderer turns into "execution error at (FILE:L:C): MSG"
//   toYaml/mustToYaml/toYamlPretty, fromYaml/fromYamlArray: sigs.k8s.io/yaml (go-yaml v2 via
//                          JSON: keys sorted, integral floats as integers, 1e+20)
//   toJson/mustToJson, fromJson/fromJsonArray: encoding/json (HTML-safe escapes)
//   toToml: BurntSushi/toml's encoder (helm v4 has no mustToToml)
//   fromToml: BurntSushi/toml's decoder (helm/toml.hpp); errors under "Error"
//   lookup                 an empty map (helm template never talks to a cluster)
//   getHostByName          "" (DNS lookups are off in helm template)
// A parse or decode failure in fromYaml/fromJson/fromToml is returned in the map under
// "Error", as Helm does; toYaml/toJson swallow errors ("").
//
// Thread safety: include's nesting counters are per thread; one render per thread.
#pragma once

#include <string>
#include <string_view>

#include "gotemplate/template.hpp"

namespace plumb::helm {

// The marker Helm wraps `required` and `fail` messages in.
inline constexpr std::string_view k_err_start = "HELM_ERR_START";
inline constexpr std::string_view k_err_end = "HELM_ERR_END";

void add_helm_functions(gotemplate::FuncMap& funcs);

// sprig's functions with Helm's added over them: the FuncMap `helm template` uses.
gotemplate::FuncMap helm_function_map();

// Helm's toYAML: sigs.k8s.io/yaml.Marshal without the final newline.
std::string to_yaml_text(const gotemplate::Value& value);

// Go's strings.ReplaceAll(s, "<no value>", "").
std::string remove_no_value(std::string s);

}  // namespace plumb::helm
