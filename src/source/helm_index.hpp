// Helm chart repositories over HTTP(S), as Flux's source-controller reads them for a
// HelmRepository and its HelmCharts: the repository's `index.yaml` (Helm's repo index:
// apiVersion, entries of chart name → versions with urls, digest, created, appVersion), a
// version chosen by range (select_version.hpp; equal versions: the latest `created`), the
// chart URL resolved against the repository URL as Helm does, the archive downloaded,
// checked against the index's digest, and kept in an ArtifactCache by its own digest.
//
// Errors name the repository URL, the chart and the version:
//   https://charts.example.com/index.yaml: no chart version found for podinfo-9.9.9
//   https://charts.example.com/index.yaml: GET ...: 404 Not Found
// Credentials go to the repository's host; to a chart URL on another host only with
// `pass_credentials` (Flux's spec.passCredentials). They never appear in errors.
//
// Thread safety: parse/select functions are pure; a HelmRepository may be used from several
// threads at once.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "net/http_client.hpp"
#include "source/artifact_cache.hpp"

namespace plumb::source {

struct ChartVersion {
  std::string name, version, app_version;
  std::string created;  // RFC 3339, as the index writes it ("" when absent)
  std::string digest;   // hex SHA-256 of the archive ("" when the index gives none)
  std::vector<std::string> urls;
};

struct HelmIndex {
  std::string digest;  // "sha256:<hex>" of the index as fetched (fetch_index; "" when parsed)
  size_t size = 0;     // its bytes
  std::string api_version;
  // Versions of each chart, highest first (equal versions: latest created first). Entries
  // whose version is not semver are left out, as Helm does.
  std::map<std::string, std::vector<ChartVersion>> entries;
};

// Reads an index.yaml; `where` names it in errors.
Result<HelmIndex> parse_helm_index(std::string_view text, std::string_view where);

// The version of `chart` a range picks; "no chart version found for NAME-RANGE" (or "chart
// NAME not found in the index") otherwise.
Result<ChartVersion> select_chart_version(const HelmIndex& index, std::string_view chart,
                                          std::string_view range);

// Helm's repo.ResolveReferenceURL: a relative chart URL resolved against the repository URL
// taken as a directory; the repository URL's query is kept.
std::string resolve_chart_url(std::string_view repo_url, std::string_view chart_url);

// The index URL of a repository URL (".../index.yaml", query kept).
std::string helm_index_url(std::string_view repo_url);

struct HelmRepositoryOptions {
  std::string url;  // http:// or https://
  std::string username, password;
  bool pass_credentials = false;
  net::ClientOptions http;
  size_t max_index_bytes = size_t(50) << 20;  // source-controller's --helm-index-max-size
  size_t max_chart_bytes = size_t(10) << 20;  // source-controller's --helm-chart-max-size
};

struct FetchedChart {
  ChartVersion version;
  std::string url;     // where the archive came from (or would have)
  std::string digest;  // "sha256:<hex>" of the archive
  std::string path;    // the archive in the cache
  std::string bytes;   // the archive
  bool from_cache = false;
};

class HelmRepository {
 public:
  HelmRepository(HelmRepositoryOptions options, ArtifactCache cache);

  Result<HelmIndex> fetch_index() const;
  // The archive of the version `range` picks: from the cache when the index names a digest
  // the cache holds, else downloaded (and its digest checked against the index's).
  Result<FetchedChart> fetch_chart(const HelmIndex& index, std::string_view chart,
                                   std::string_view range) const;
  // fetch_index, then fetch_chart.
  Result<FetchedChart> fetch_chart(std::string_view chart, std::string_view range) const;

 private:
  net::ClientRequest request(std::string url) const;

  HelmRepositoryOptions m_options;
  net::HttpClient m_client;
  ArtifactCache m_cache;
};

}  // namespace plumb::source
