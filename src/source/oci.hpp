// An OCI distribution client (the registry API v2) for Helm charts and Flux artifacts, as
// Flux's source-controller pulls them for OCIRepository and `type: oci` HelmRepository, and as
// `helm push` / `flux push artifact` publish them.
//
// - Pull by tag or digest; list tags (pages followed) and choose one by a version range
//   (select_version.hpp; Helm writes `+` as `_` in tags). Every manifest and blob is checked
//   against its digest (and blobs against their size) before it is returned.
// - Auth: anonymous first; on 401 the WWW-Authenticate challenge decides — Basic (the
//   credentials), or Bearer (a token from realm?service=&scope=, asked with the credentials
//   when there are any; tokens kept per scope for the Registry's life).
// - Push: blobs by POST (start an upload) + PUT (monolithic, ?digest=), skipped when the
//   registry has them (HEAD); the manifest by PUT.
// Media types: Helm's chart (config application/vnd.cncf.helm.config.v1+json, layer
// application/vnd.cncf.helm.chart.content.v1.tar+gzip) and Flux's artifact (config
// application/vnd.cncf.flux.config.v1+json, layer application/vnd.cncf.flux.content.v1.tar+gzip).
// Errors name the registry, repository and reference, never credentials or tokens.
//
// Thread safety: a Registry may be used from several threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/thread_annotations.hpp"
#include "net/http_client.hpp"
#include "source/artifact_cache.hpp"

namespace plumb::source::oci {

inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_helm_config = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view k_helm_chart_layer =
    "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr std::string_view k_flux_config = "application/vnd.cncf.flux.config.v1+json";
inline constexpr std::string_view k_flux_layer = "application/vnd.cncf.flux.content.v1.tar+gzip";

// "oci://host[:port]/path/name[:tag][@sha256:…]" (the scheme may be left out).
struct Reference {
  std::string registry;    // host[:port]
  std::string repository;  // path/name
  std::string tag;         // "" when absent
  std::string digest;      // "" when absent
};
Result<Reference> parse_reference(std::string_view text);

struct Descriptor {
  std::string media_type, digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type, artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

Result<Manifest> parse_manifest(std::string_view json);
// The manifest as JSON (schemaVersion 2; the bytes whose digest names it).
std::string manifest_json(const Manifest& manifest);

struct RegistryOptions {
  std::string username, password;
  bool plain_http = false;  // http:// (`helm --plain-http`, Flux's `insecure: true`)
  net::ClientOptions http;
  size_t max_manifest_bytes = size_t(4) << 20;
  size_t max_blob_bytes = size_t(100) << 20;
};

struct PulledManifest {
  Manifest manifest;
  std::string json;    // as the registry sent it
  std::string digest;  // sha256 of json
};

class Registry {
 public:
  // `host`: host[:port], as in a Reference.
  Registry(std::string host, RegistryOptions options);

  const std::string& host() const { return m_host; }
  Result<std::vector<std::string>> list_tags(std::string_view repository) const;
  // By tag or digest; an image index is refused (charts and artifacts are single manifests).
  Result<PulledManifest> get_manifest(std::string_view repository,
                                      std::string_view reference) const;
  // The blob's bytes, checked against the descriptor's digest and size.
  Result<std::string> get_blob(std::string_view repository, const Descriptor& blob) const;
  Result<bool> has_blob(std::string_view repository, std::string_view digest) const;
  // Uploads bytes (unless the registry has them); returns their descriptor.
  Result<Descriptor> push_blob(std::string_view repository, std::string_view media_type,
                               std::string_view bytes) const;
  // PUT of a manifest under a tag or its digest; returns its digest.
  Result<std::string> push_manifest(std::string_view repository, std::string_view reference,
                                    const Manifest& manifest) const;

 private:
  enum class Access { pull, push };
  // The request, answering the registry's 401 challenge once (manifest-sized cap unless the
  // request sets one).
  Result<net::ClientResponse> send(net::ClientRequest request, std::string_view repository,
                                   Access access) const;
  Result<std::string> token(std::string_view challenge, std::string_view scope) const;
  std::string url(std::string_view path) const;
  std::string where(std::string_view repository, std::string_view reference = {}) const;

  std::string m_host;
  RegistryOptions m_options;
  net::HttpClient m_client;
  mutable Mutex m_mutex;
  mutable std::map<std::string, std::string> m_tokens GUARDED_BY(m_mutex);  // scope → token
  mutable bool m_basic GUARDED_BY(m_mutex) = false;  // the registry asked for Basic
};

// What a pull returns: the manifest and the one layer wanted.
struct Artifact {
  std::string tag;     // the tag pulled ("" when pulled by digest)
  std::string digest;  // the manifest's
  Manifest manifest;
  std::string config;  // the config blob (Helm: the chart's metadata as JSON)
  Descriptor layer;
  std::string content;      // the layer's bytes
  bool from_cache = false;  // the layer came from the ArtifactCache, not the registry
};

struct PullSelector {
  std::string tag;     // a tag, or
  std::string digest;  // a digest (wins over tag and semver), or
  std::string semver;  // a version range over the repository's tags
  // The layer wanted: "" takes Helm's chart layer for a Helm chart, else the first layer
  // (Flux's OCIRepository default).
  std::string layer_media_type;
};

// The tag a range picks among the repository's tags ("_" read as "+"); an error naming the
// repository and range when none matches.
Result<std::string> select_tag(const Registry& registry, std::string_view repository,
                               std::string_view range);
// With a cache, the layer is read from it when it holds the manifest's layer digest, and
// stored in it when fetched (the manifest is always asked for: a tag may move).
Result<Artifact> pull(const Registry& registry, std::string_view repository,
                      const PullSelector& selector, const ArtifactCache* cache = nullptr);

// A chart of a `type: oci` HelmRepository, as source-controller's OCI chart repository gets
// it: the repository is the HelmRepository's path + "/" + chart; an exact version is its tag
// (`+` as `_`, no tag listing), anything else a range over the tags ("" or "*": the latest
// stable). The chart layer is taken (or the first layer of a manifest without Helm's config).
Result<Artifact> pull_chart(const Registry& registry, std::string_view repository,
                            std::string_view version, const ArtifactCache* cache = nullptr);

struct Pushed {
  std::string tag, digest;  // the manifest's
};

// A chart archive as `helm push` publishes it: tag = the chart's version with `+` as `_`,
// config = its Chart.yaml metadata as JSON, the archive as the one layer, Helm's annotations.
Result<Pushed> push_chart(const Registry& registry, std::string_view repository,
                          std::string_view chart_tgz);
// A tar+gzip as `flux push artifact` publishes it: Flux's config and layer media types,
// annotations org.opencontainers.image.source/revision/created when given.
Result<Pushed> push_artifact(const Registry& registry, std::string_view repository,
                             std::string_view tag, std::string_view tgz,
                             const std::map<std::string, std::string>& annotations);

}  // namespace plumb::source::oci
