// Helm's template engine (helm v4.1.4 pkg/engine Engine.Render) over a loaded chart:
// every template of the chart and of its (enabled, already processed) subcharts parsed into
// one set named "gotpl" under "chart/templates/x.yaml" ("parent/charts/sub/templates/x.yaml"
// for subcharts), in Helm's order (deepest paths first, then reverse byte order, so a parent's
// {{define}} wins over a subchart's), with Helm's functions (helm/functions.hpp) over sprig's.
// Each non-partial template (base name not starting with `_`; a library chart renders none)
// is executed with its chart's scope: .Values (the subchart's table of the parent's values),
// .Chart, .Files, .Release, .Capabilities, .Subcharts, .Template {Name, BasePath}, under
// missingkey=zero; `<no value>` is removed from the output.
//
// Errors are Helm's: a parse error `parse error at (chart/templates/x.yaml:3): function "x" not
// defined`; `required`/`fail` as `execution error at (chart/templates/x.yaml:3:4): MESSAGE`;
// other execution errors as text/template words them (`template: chart/templates/x.yaml:3:4:
// executing "chart/templates/x.yaml" at <...>: ...`).
//
// Thread safety: render_chart may run on several threads at once over different charts;
// execution runs on the calling thread (which needs a few MB of stack for deep templates).
#pragma once

#include <map>
#include <string>

#include "core/error.hpp"
#include "core/node.hpp"
#include "helm/chart.hpp"
#include "helm/render_values.hpp"

namespace plumb::helm {

// Rendered text by template path ("chart/templates/x.yaml"), partials left out, NOTES.txt
// included (the caller drops it). `values` are the coalesced values of the top chart.
Result<std::map<std::string, std::string>> render_chart(const Chart& chart, const Node& values,
                                                        const ReleaseOptions& release,
                                                        const Capabilities& caps);

}  // namespace plumb::helm
