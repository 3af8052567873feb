// The objects `plumb create source git` and `plumb create kustomization` make, built from
// their flags as `flux create ... --export` builds them: the same fields, omitted when
// empty, durations as Go prints them (`1m0s`), and the same `--export` text (a `---` line,
// then the YAML with keys sorted).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::cli::flux {

using std::chrono::milliseconds;

// apiVersion, kind, metadata.name and metadata.namespace: the start of every object here,
// and the whole of a server-side apply that only adds an annotation or spec.suspend.
Node object_stub(std::string_view api_version, std::string_view kind, std::string_view name,
                 std::string_view ns);

struct GitSourceOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string url;
  std::string branch, tag, semver, ref_name, commit;  // one is required
  std::string secret_ref;
  milliseconds interval{60000};
};

// A GitRepository (source.toolkit.fluxcd.io/v1). Errors: no URL, a scheme other than
// ssh, http, https or file (Plumb also reads file:// repositories), no ref.
Result<Node> git_repository_manifest(const GitSourceOptions& options);

// `--source [<kind>/]<name>[.<namespace>]`; the kind defaults to GitRepository, the only
// source kind Plumb reconciles, and is matched case-insensitively.
struct SourceRefArg {
  std::string kind = "GitRepository";
  std::string name;
  std::string namespace_;  // "" means the Kustomization's
};
Result<SourceRefArg> parse_source_ref(std::string_view text);

// A relative path inside the source, as flux's --path reads it: cleaned, never above the
// root, prefixed with "./" ("apps/../base" → "./base", "" → "./").
std::string clean_relative_path(std::string_view path);

struct KustomizationOptions {
  std::string name;
  std::string ns = "flux-system";
  std::string source;  // --source, as given
  std::string path = "./";
  bool prune = false;
  bool wait = false;
  milliseconds interval{60000};
  std::optional<milliseconds> retry_interval;  // set when > 0
  milliseconds health_check_timeout{120000};   // spec.timeout, written with wait
  std::string target_namespace;
  std::vector<std::string> depends_on;  // "name" or "namespace/name"
};

// A Kustomization (kustomize.toolkit.fluxcd.io/v1).
Result<Node> kustomization_manifest(const KustomizationOptions& options);

// What `--export` prints: "---\n" and the object's YAML.
std::string export_yaml(const Node& object);

}  // namespace plumb::cli::flux
