// What `helm template` prints from rendered templates (helm v4.1.4 releaseutil.SortManifests,
// action.renderResources, cmd/helm template): NOTES.txt dropped; partials and blank files
// skipped; each file split into documents as releaseutil.SplitManifests splits them (on
// `---` at the start of the text or of a line); every document's head (kind,
// metadata.name, metadata.annotations) read with sigs.k8s.io/yaml (`YAML parse error on
// FILE: ...` when it does not read); documents with a `helm.sh/hook` annotation become hooks
// (unknown hook events: the document is dropped); manifests and hooks each sorted stably by
// kind in Helm's InstallOrder (unknown kinds after, by kind name), files in byte order of
// their path. Output: CRDs of the chart and its subcharts first with --include-crds, then
// `---\n# Source: PATH\nDOC\n` per manifest, trimmed, then the hooks (test hooks left out with
// --skip-tests, all with --no-hooks). --show-only keeps the documents whose source path
// (without the chart name) matches one of the patterns (Go's filepath.Match), in pattern
// order; a pattern matching nothing is `could not find template PATTERN in chart`.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "helm/chart.hpp"

namespace plumb::helm {

struct ManifestOptions {
  bool include_crds = false;
  bool skip_tests = false;
  bool no_hooks = false;
  std::vector<std::string> show_only;
};

// One document of the release as helm template prints it (`---\n# Source: PATH\nCONTENT\n`)
// or writes it under --output-dir (to OUTPUT_DIR/PATH).
struct ReleaseDocument {
  enum class Part : uint8_t { crd, manifest, hook };
  std::string path;  // "chart/templates/x.yaml", "chart/crds/x.yaml"
  std::string content;
  Part part;
};

// The documents in helm template's order: CRDs (--include-crds), manifests, hooks.
Result<std::vector<ReleaseDocument>> release_documents(
    const Chart& chart, const std::map<std::string, std::string>& rendered,
    const ManifestOptions& options);

// What helm template prints before --show-only: the CRDs and manifests (trimmed), then the
// hooks.
std::string release_text(const std::vector<ReleaseDocument>& docs);

// --show-only over release_text's output (the output itself when `patterns` is empty).
Result<std::string> show_only(const std::string& out, const std::vector<std::string>& patterns);

// releaseutil.SplitManifests: the documents of a stream, trimmed, empty ones left out.
std::vector<std::string> split_manifests(std::string_view text);

// Go's path/filepath.Match.
bool filepath_match(std::string_view pattern, std::string_view name);

}  // namespace plumb::helm
