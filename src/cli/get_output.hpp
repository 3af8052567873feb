// -o of `plumb get`: the flux table (default), `wide` (the table and a SOURCE column), and
// the objects as kubectl prints them — `json` (4-space indent), `yaml` (keys sorted), several
// objects as one v1 List, managedFields left out as kubectl leaves them out — or `name`
// (kubectl's KIND.GROUP/NAME, lowercase kind).
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::cli::flux {

enum class GetOutput { table, wide, json, yaml, name };
// "" is the table; anything but table, wide, json, yaml, name is an error naming the choices.
Result<GetOutput> parse_get_output(std::string_view text);

// One object (json, yaml, name): as `kubectl get KIND NAME -o ...` prints it.
std::string format_object(const Node& object, GetOutput output);
// Several (json, yaml: a List even of one or none; name: one line each), as `kubectl get KIND
// -o ...` prints them.
std::string format_objects(std::span<const Node> objects, GetOutput output);

// The SOURCE column of -o wide: a Kustomization's or HelmRelease's source (KIND/NAME, the chart
// and version for a HelmRelease), a source's URL.
std::string source_column(const Node& object);

}  // namespace plumb::cli::flux
