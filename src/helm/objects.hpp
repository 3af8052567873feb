// The host objects Helm hands templates besides plain maps (helm v4.1.4 pkg/engine/files.go,
// pkg/chart/common/capabilities.go):
//   .Files         engine.files, a map of path -> bytes with methods Get, GetBytes, Glob
//                  (gobwas/glob with '/' as separator: *, **, ?, [a-z], [!x], {a,b}; a bad
//                  pattern matches everything, as Helm falls back to "**"), AsConfig,
//                  AsSecrets (toYaml of base name -> content / base64), Lines; `range` and
//                  `len` see the map of path -> content
//   .Capabilities  *common.Capabilities: KubeVersion (Version, Major, Minor, GitVersion,
//                  String), APIVersions (a list with Has), HelmVersion (Version, GitCommit,
//                  GitTreeState, GoVersion, KubeClientVersion); toJson prints Capabilities::
//                  to_node's document, `toString` Go's %v of the struct
//
// Thread safety: the objects are immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gotemplate/value.hpp"
#include "helm/chart.hpp"
#include "helm/render_values.hpp"

namespace plumb::helm {

// The object reads the files in place: `files` must outlive it (a render's values).
gotemplate::Value files_object(std::span<const ChartFile> files);
gotemplate::Value capabilities_object(const Capabilities& caps);

// gobwas/glob.Compile(pattern, '/').Match(name); nullopt when the pattern does not compile.
// GlobSeparator::none is Compile(pattern) without separators, as Argo CD's util/glob compiles
// directory include/exclude patterns: `*` and `?` match '/' too.
enum class GlobSeparator : uint8_t { slash, none };
std::optional<bool> glob_match(std::string_view pattern, std::string_view name,
                               GlobSeparator separator = GlobSeparator::slash);

}  // namespace plumb::helm
