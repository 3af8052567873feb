// Values as Helm computes them for `helm template`:
//
// 1. merge_values: the user's values from the flags, always in Helm's fixed order whatever
//    the command line's order: every -f file (each read as values.yaml is, later files
//    merged over earlier ones), then --set-json, --set, --set-string, --set-file,
//    --set-literal (helm/strvals.hpp), all into one map.
// 2. process_dependencies (chartutil.ProcessDependenciesWithMerge): which subcharts stay
//    (Chart.yaml dependencies matched by name and version range, renamed by alias; a
//    subchart in charts/ that no dependency names stays as is), `tags` then `condition`
//    (the first condition path that resolves to a boolean wins) switching them off, and
//    `import-values` copied from child to parent (`exports.X` strings and {child, parent}
//    maps), parents' own values winning over imported ones. Changes the chart.
// 3. coalesce_values (chartutil.CoalesceValues): user values over chart defaults, a null
//    user value deleting the default key, a subchart's values under its name (or alias)
//    coalesced with its own defaults, `global` copied down into every subchart.
//
// Errors: `failed to parse FILE: ...`, `failed parsing --set data: ...` (and --set-json,
// --set-string, --set-file, --set-literal), `type mismatch on SUB: %!t(string=x)` when a
// subchart's key holds a scalar.
//
// Thread safety: pure functions of their arguments (process_dependencies writes the chart it
// is given).
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "helm/chart.hpp"

namespace plumb::helm {

struct ValueOptions {
  std::vector<std::string> value_files;     // -f / --values
  std::vector<std::string> json_values;     // --set-json
  std::vector<std::string> values;          // --set
  std::vector<std::string> string_values;   // --set-string
  std::vector<std::string> file_values;     // --set-file
  std::vector<std::string> literal_values;  // --set-literal
};

// values.Options.MergeValues; files are read through `fs`.
Result<Node> merge_values(const ValueOptions& options, const FileSystem& fs);

// chartutil.CoalesceValues: `values` over the chart's defaults, recursively into subcharts.
Result<Node> coalesce_values(const Chart& chart, const Node& values);

// chartutil.MergeValues: the same, but null values are kept (not deleting defaults).
Result<Node> merge_chart_values(const Chart& chart, const Node& values);

// chartutil.CoalesceTables / MergeTables: src's keys fill in dst's missing ones, recursively
// where both hold maps; dst wins. Coalescing deletes dst's null keys, merging keeps them.
Node coalesce_tables(Node dst, const Node& src);
Node merge_tables(Node dst, const Node& src);

// chartutil.ProcessDependenciesWithMerge (see above).
Result<void> process_dependencies(Chart& chart, const Node& values);

// Values.PathValue: the non-map value at a dotted path, or nullptr.
const Node* path_value(const Node& values, std::string_view path);

}  // namespace plumb::helm
