// Rendering a path the way Flux's kustomize-controller does: a directory with a kustomization
// file is built as it is; any other directory is built from a kustomization generated on the
// fly that lists every Kubernetes manifest below it (and every subdirectory that has a
// kustomization file of its own), so plain YAML trees get kustomize's order and checks too.
// A path naming one file renders that file alone (a kustomization file: its directory).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "render/build.hpp"

namespace plumb::render {

Result<std::vector<Node>> render_path(const FileSystem& fs, std::string_view path,
                                      const BuildOptions& options);

// The resources a generated kustomization lists for dir (paths relative to dir), in order.
Result<std::vector<std::string>> manifest_resources(const FileSystem& fs, std::string_view dir);

}  // namespace plumb::render
