// A Helm chart as Helm's loader (pkg/chart/v2/loader) builds it, before any template runs:
// Chart.yaml's metadata, values.yaml (Helm's YAML: helm/sigs_yaml.hpp), values.schema.json
// (kept as bytes for later validation), templates/ (files starting with `_` are partials, but
// all are kept), every other file for .Files (crds/ included; .helmignore too), and the
// subcharts under charts/ (directories, or `.tgz` archives read by helm/archive.hpp; names
// starting with `_` or `.` skipped; `.prov` files kept as files).
//
// load_chart reads a directory (its .helmignore applied, plus Helm's default
// `templates/.?*`; symlinks followed through the FileSystem; a UTF-8 BOM cut from each file)
// or a `.tgz` file (no .helmignore). Errors are Helm's, in Helm's order: `Chart.yaml file is
// missing`, `cannot load Chart.yaml: error converting YAML to JSON: yaml: ...`, `cannot load
// values.yaml: ...`, `validation: chart.metadata.name is required`, `validation:
// chart.metadata.version "x" is invalid`, `validation: chart.metadata.type must be application
// or library`, `validation: more than one dependency with name or alias "a"`, `error
// unpacking subchart bad in parent: validation: ...`, `unsupported chart version` (apiVersion
// other than v1/v2). A chart archive that does not read is `unable to load chart archive:
// REASON` (Helm's CLI prints only its first part; the reason is helm/archive.hpp's).
//
// A v1 chart's requirements.yaml is read into metadata.dependencies (and kept as a file, as
// Helm keeps it). Chart.lock / requirements.lock are not read.
//
// Thread safety: a Chart is a plain value; load functions are reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "helm/archive.hpp"

namespace plumb::helm {

struct Maintainer {
  std::string name, email, url;
};

struct Dependency {
  std::string name, version, repository, condition, alias;
  std::vector<std::string> tags;
  bool enabled = false;
  // import-values as written: strings (exports) and {child, parent} maps; after
  // process_dependencies, every entry as a {child, parent} map.
  Node import_values = Node::list();
};

struct Metadata {
  std::string api_version, name, version, kube_version, description, type, app_version;
  std::string home, icon, condition, tags;
  std::vector<std::string> keywords, sources;
  std::vector<Maintainer> maintainers;
  Node annotations;  // map of strings, or null when Chart.yaml has none
  bool deprecated = false;
  std::vector<Dependency> dependencies;
  // Whether dependencies were declared at all (Go's nil slice): Helm skips the dependency
  // processing of a chart that declares none.
  bool declares_dependencies = false;
  // A null item in maintainers / dependencies (Go's nil pointer), refused by validation.
  bool null_entries = false, null_dependencies = false;
};

struct Chart {
  Metadata metadata;
  std::vector<ChartFile> templates;  // names start with "templates/"
  std::vector<ChartFile> files;      // everything else, for .Files (crds/ too)
  Node values = Node::map();         // values.yaml
  std::string schema;                // values.schema.json, "" when absent
  bool has_schema = false;
  std::vector<Chart> dependencies;  // subcharts, sorted by directory or archive name
  bool is_root = true;              // false for a subchart

  const std::string& name() const { return metadata.name; }
  // crds/ files with a manifest extension (.yaml, .yml, .json), as Chart.CRDObjects finds them.
  std::vector<const ChartFile*> crd_files() const;
};

// Loads the chart at `path`: a directory, or otherwise a chart archive file.
Result<Chart> load_chart(const FileSystem& fs, std::string_view path);

// Loads a chart archive (`.tgz` bytes).
Result<Chart> load_chart_archive(std::string_view gzip_bytes);

// Helm's LoadFiles: a chart from its files (names relative to the chart's directory).
Result<Chart> load_chart_files(std::vector<ChartFile> files);

// Reads Chart.yaml (or requirements.yaml, which Helm reads into the same metadata) into
// `metadata`: only the fields the text holds are set. Errors as sigs.k8s.io/yaml words them
// (`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct
// field Metadata.name of type string`).
Result<void> read_metadata(std::string_view text, Metadata& metadata);

// Metadata.Validate: sanitises text fields (control characters dropped, whitespace made
// spaces) and checks them; errors start with "validation: ".
Result<void> validate_metadata(Metadata& metadata);

}  // namespace plumb::helm
