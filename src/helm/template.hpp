// `helm template` as one function (helm v4.1.4 install --dry-run=client): the release name
// (given, or --name-template rendered with sprig's functions, or "release-name"), the chart
// loaded, its Chart.yaml dependencies checked against charts/, the user values merged
// (helm/values.hpp), dependencies processed, values coalesced, the chart's checks
// (installable, kubeVersion), the templates rendered (helm/render.hpp) and printed
// (helm/manifests.hpp). values.schema.json is validated (helm/schema.hpp) unless skipped.
//
// Errors are Helm's messages without the "Error: " that the CLI prints before them.
//
// Thread safety: reentrant; the chart is read through `fs`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "helm/manifests.hpp"
#include "helm/render_values.hpp"
#include "helm/values.hpp"

namespace plumb::helm {

struct TemplateOptions {
  std::string release_name;   // "" when not given
  std::string name_template;  // --name-template
  std::string chart_path;
  std::string namespace_name = "default";
  std::optional<std::string> kube_version;  // --kube-version
  std::vector<std::string> api_versions;    // --api-versions
  // api_versions are a cluster's (discovery, as Helm's GetVersionSet reads it for install and
  // upgrade): they replace helm's default list instead of adding to it.
  bool cluster_api_versions = false;
  bool is_upgrade = false;
  bool skip_schema_validation = false;
  bool debug = false;  // --debug: render errors without helm's "Use --debug flag" hint
  ValueOptions values;
  ManifestOptions output;
};

// What helm template prints (--show-only applied).
Result<std::string> template_chart(const FileSystem& fs, const TemplateOptions& options);

// The release before printing: its name and documents (what --output-dir writes).
struct TemplateRelease {
  std::string name;
  std::vector<ReleaseDocument> documents;
};
Result<TemplateRelease> template_release(const FileSystem& fs, const TemplateOptions& options);

}  // namespace plumb::helm
