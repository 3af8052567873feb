// `plumb build`: renders a kustomization directory the way `kubectl kustomize` (kustomize
// v5.5.0) does. The entry point of the render module.
//
//   auto docs = TRY(build_kustomization(fs, "overlays/prod", {}));
//   std::string out = to_yaml_stream(docs);
#pragma once

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "render/loader.hpp"

namespace plumb::render {

// The kustomize release whose output `plumb build` reproduces (plumb version).
inline constexpr std::string_view k_kustomize_version = "v5.5.0";

enum class Reorder { unspecified, legacy, none };

struct BuildOptions {
  LoadRestrictor restrictor = LoadRestrictor::root_only;
  Reorder reorder = Reorder::unspecified;  // unspecified: sortOptions, else legacy
  bool managed_by_label = false;
  // Fetches remote bases (git URLs in resources and components); without one they are an
  // error naming the entry. Not owned; must outlive the build. See render/remote.hpp.
  RemoteFetcher* remote = nullptr;
};

Result<std::vector<Node>> build_kustomization(const FileSystem& fs, std::string_view dir,
                                              const BuildOptions& options);

}  // namespace plumb::render
