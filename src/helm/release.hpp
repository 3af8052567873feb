// Helm's release records (helm v4.1.4, pkg/release/v1 and pkg/storage/driver), the format
// `helm list`, `helm history` and `helm get` read: a Release as JSON (name, info, chart,
// config, manifest, hooks, version, namespace, apply_method; Go's field names and omitempty
// rules; times as Go's time.Time JSON, RFC 3339 with nanoseconds), gzip-compressed and
// base64-encoded into the `release` key of a Secret `sh.helm.release.v1.NAME.vVERSION` of type
// `helm.sh/release.v1` labelled owner=helm, name, status, version (and createdAt or
// modifiedAt, Unix seconds). Helm 3 writes the same records, so both read what Plumb writes.
//
// Records are read as Helm reads them: the base64 text, then gzip only when the gzip magic
// is there (records from before compression are plain JSON), then JSON; unknown fields are
// ignored, empty time strings mean "not set". Key order differs from Go's (maps keep the
// order of the values they came from), which no reader depends on.
//
// What Plumb writes: `chart_record` is the chart as Helm stores it (its own files, templates,
// values and schema; subcharts are not stored, as in Helm), `release_manifest` the manifest text
// of rendered documents and `release_hooks` their hook records.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/time.hpp"
#include "helm/chart.hpp"
#include "helm/manifests.hpp"

namespace plumb::helm {

enum class ReleaseStatus : uint8_t {
  unknown,
  deployed,
  uninstalled,
  superseded,
  failed,
  uninstalling,
  pending_install,
  pending_upgrade,
  pending_rollback,
};

// "deployed", "pending-install" ...: the words Helm stores and prints.
std::string_view status_name(ReleaseStatus status);
// nullopt for a word Helm does not define.
std::optional<ReleaseStatus> parse_release_status(std::string_view name);
bool is_pending(ReleaseStatus status);

struct ReleaseInfo {
  std::optional<SystemTime> first_deployed, last_deployed, deleted;
  std::string description;
  ReleaseStatus status = ReleaseStatus::unknown;
  std::string notes;
  Node resources;  // info.resources as stored (null when absent)
};

struct Release {
  std::string name;
  ReleaseInfo info;
  Node chart;                  // the chart record (chart_record), null when absent
  Node config = Node::map();   // the values the user gave (not the chart's defaults)
  std::string manifest;        // release_manifest
  Node hooks = Node::list();   // hook records (release_hooks)
  int64_t version = 0;         // the revision, from 1
  std::string namespace_name;  // JSON "namespace"
  std::string apply_method;    // "ssa", "csa", or "" (client-side apply)
  // Custom labels: kept on the Secret, not in the JSON (Helm's `json:"-"`).
  std::map<std::string, std::string> labels;

  // From the chart record: metadata.name, metadata.version, metadata.appVersion.
  std::string_view chart_name() const;
  std::string_view chart_version() const;
  std::string_view app_version() const;
};

// The Release as Helm's json.Marshal writes it, and back. Reading fails on a record that is
// not a JSON object or whose fields have the wrong JSON types (as Go's decoder does).
Node release_to_json(const Release& release);
Result<Release> release_from_json(const Node& json);

// The Secret's `release` value: base64(gzip(JSON)), before the API's own base64 of Secret data.
std::string encode_release(const Release& release);
Result<Release> decode_release(std::string_view data);

// "sh.helm.release.v1.NAME.vVERSION"
std::string release_secret_name(std::string_view name, int64_t version);
inline constexpr std::string_view k_release_secret_type = "helm.sh/release.v1";

// Which timestamp label a write carries: Helm's Create sets createdAt, its Update modifiedAt.
enum class StorageWrite : uint8_t { create, update };

// The Secret holding `release` in its namespace, labelled as Helm labels it; `now` gives the
// createdAt/modifiedAt label.
Node release_secret(const Release& release, StorageWrite write, SystemTime now);
// The Release in a Secret; labels other than Helm's system labels become Release::labels.
// Errors name the Secret.
Result<Release> release_from_secret(const Node& secret);

// The chart as Helm stores it in a release: metadata, lock (null), templates, values, schema
// (base64, null when absent), files — data as base64.
Node chart_record(const Chart& chart);

// Helm's Release.Manifest: every document that is not a hook, as
// `---\n# Source: PATH\nCONTENT\n`.
std::string release_manifest(const std::vector<ReleaseDocument>& documents);
// Helm's hook records of the hook documents: name, kind, path, manifest, events, last_run
// (phase ""), weight, delete_policies, output_log_policies, from the document's head and its
// helm.sh/hook* annotations. Errors when a hook document does not read as YAML.
Result<Node> release_hooks(const std::vector<ReleaseDocument>& documents);

}  // namespace plumb::helm
