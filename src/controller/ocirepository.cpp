// OCI registries as Flux sources (Reconcilers, split by kind): OCIRepository objects and the
// charts of a `type: oci` HelmRepository, pulled through source::oci and cached by digest
// under the source cache.
#include "controller/ocirepository.hpp"

#include <algorithm>

#include "controller/reconcile.hpp"
#include "controller/spec_reader.hpp"
#include "controller/status.hpp"
#include "helm/archive.hpp"
#include "source/oci.hpp"

namespace plumb::controller {

const kube::Resource k_oci_repositories{"source.toolkit.fluxcd.io", "v1", "OCIRepository",
                                        "ocirepositories", true};

namespace {

// Where OCI layers are kept by digest, under the controller's cache directory.
source::ArtifactCache oci_cache(const SourceCache& sources) {
  return source::ArtifactCache(sources.dir() + "/oci");
}

}  // namespace

Result<OciRepositorySpec> parse_oci_repository(const Node& object) {
  SpecReader r(object);
  OciRepositorySpec spec;
  spec.url = TRY(r.string("url", true));
  if (!spec.url.starts_with("oci://")) return r.bad("url", "must start with oci://");
  auto reference = source::oci::parse_reference(spec.url);
  if (!reference) return r.bad("url", reference.error().message());
  if (!reference->tag.empty() || !reference->digest.empty())
    return r.bad("url", "a tag or digest goes in spec.ref, not in the URL");
  spec.interval = TRY(r.duration("interval", true)).value();
  spec.suspend = TRY(r.boolean("suspend"));
  spec.insecure = TRY(r.boolean("insecure"));
  if (const Node* ref = r.spec("ref"); ref && ref->is_map()) {
    spec.tag = std::string(ref->string_at({"tag"}));
    spec.semver = std::string(ref->string_at({"semver"}));
    spec.digest = std::string(ref->string_at({"digest"}));
  }
  if (const Node* layer = r.spec("layerSelector"); layer && layer->is_map()) {
    spec.layer_media_type = std::string(layer->string_at({"mediaType"}));
    std::string_view operation = layer->string_at({"operation"});
    if (!operation.empty() && operation != "extract" && operation != "copy")
      return r.bad("layerSelector.operation", "must be extract or copy");
    spec.copy = operation == "copy";
  }
  spec.secret_name = std::string(object.string_at({"spec", "secretRef", "name"}));
  return spec;
}

Node oci_repository_status(const Node& object, const Outcome& outcome, std::string_view now) {
  std::string hex = outcome.artifact_digest.substr(outcome.artifact_digest.find(':') + 1);
  return stored_artifact_status(
      object, outcome, now,
      {.path = "ocirepository/" + std::string(object.string_at({"metadata", "namespace"})) + "/" +
               std::string(object.string_at({"metadata", "name"})) + "/" + hex + ".tar.gz",
       .size = std::nullopt,
       .ready_message = "stored artifact for revision '" + outcome.revision + "'"});
}

Outcome Reconcilers::reconcile_oci_repository(const Node& object) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string digest;
  auto pulled = [&]() -> Step<std::string> {
    OciRepositorySpec spec = TRY(because(Reason::oci_pull_failed, parse_oci_repository(object)));
    if (spec.suspend) return std::unexpected(Outcome{.reason = Reason::suspended});
    source::GitAuth auth =
        TRY(because(Reason::oci_pull_failed, auth_from_secret(ns, spec.secret_name)));
    source::oci::Reference reference = source::oci::parse_reference(spec.url).value();
    source::oci::Registry registry(
        reference.registry,
        {.username = auth.username, .password = auth.password, .plain_http = spec.insecure});
    source::ArtifactCache cache = oci_cache(m_sources);
    auto artifact =
        source::oci::pull(registry, reference.repository,
                          {.tag = spec.tag.empty() && spec.semver.empty() ? "latest" : spec.tag,
                           .digest = spec.digest,
                           .semver = spec.semver,
                           .layer_media_type = spec.layer_media_type},
                          &cache);
    // Named as Flux names it: the URL first, whatever part of the pull failed.
    if (!artifact)
      return std::unexpected(Outcome::failure(Reason::oci_pull_failed,
                                              Error(spec.url + ": " + artifact.error().message())));
    digest = artifact->layer.digest;
    // Flux's revision: "<tag>@<manifest digest>", the digest alone when pulled by digest.
    return artifact->tag.empty() ? artifact->digest : artifact->tag + "@" + artifact->digest;
  }();
  if (!pulled) return std::move(pulled).error();
  return Outcome{.reason = Reason::succeeded, .revision = *pulled, .artifact_digest = digest};
}

Step<Reconcilers::Artifact> Reconcilers::oci_source_artifact(const SourceRef& ref) {
  auto source =
      TRY(because(Reason::artifact_failed, read(k_oci_repositories, ref.namespace_, ref.name)));
  std::string digest(source ? source->string_at({"status", "artifact", "digest"}) : "");
  if (digest.empty()) {
    return std::unexpected(Outcome::failure(Reason::artifact_failed,
                                            Error("Source artifact not found for OCIRepository '" +
                                                  ref.namespace_ + "/" + ref.name + "'")));
  }
  return Artifact{std::string(source->string_at({"spec", "url"})),
                  std::string(source->string_at({"status", "artifact", "revision"})),
                  std::move(digest)};
}

Step<std::string> Reconcilers::oci_layer(const Artifact& artifact) {
  std::optional<std::string> bytes = oci_cache(m_sources).get(artifact.oci_digest);
  if (!bytes) {
    // Pulled by another controller, or the cache was emptied: the source's pull brings it.
    return std::unexpected(Outcome::failure(
        Reason::artifact_not_fetched, Error(artifact.url + ": artifact " + artifact.oci_digest +
                                            " is not in the local cache yet")));
  }
  return std::move(*bytes);
}

Step<Reconcilers::Artifact> Reconcilers::chart_ref_artifact(const HelmReleaseSpec& spec) {
  if (spec.source_ref.kind != k_oci_repositories.kind) {
    return std::unexpected(Outcome::failure(
        Reason::unsupported_field,
        Error("spec.chartRef.kind " + spec.source_ref.kind +
              " is not supported by Plumb yet (OCIRepository is); nothing was installed")));
  }
  return oci_source_artifact(spec.source_ref);
}

Result<MemoryFileSystem> artifact_files(std::string_view tgz) {
  MemoryFileSystem out;
  for (helm::ChartFile& file : TRY(helm::read_tar_gz(tgz)))
    out.add_file("/" + file.name, std::move(file.data));
  return out;
}

Step<source::FetchedChart> Reconcilers::oci_repository_chart(const HelmReleaseSpec& spec,
                                                             const Node& repository) {
  const SourceRef& ref = spec.source_ref;
  std::string id = "HelmRepository '" + ref.namespace_ + "/" + ref.name + "'";
  auto failed = [&](const Error& error) {
    return std::unexpected(
        Outcome::failure(Reason::artifact_failed, Error(id + ": " + error.message())));
  };
  std::string url(repository.string_at({"spec", "url"}));
  auto base = source::oci::parse_reference(url);
  if (!base) return failed(base.error());
  if (!base->tag.empty() || !base->digest.empty())
    return failed(Error("spec.url " + url + ": a tag or digest has no place in it"));
  source::oci::RegistryOptions options;
  if (std::string_view secret = repository.string_at({"spec", "secretRef", "name"});
      !secret.empty()) {
    auto auth = auth_from_secret(ref.namespace_, std::string(secret));
    if (!auth) return failed(auth.error());
    options.username = auth->username;
    options.password = auth->password;
  }
  const Node* insecure = repository.at_path({"spec", "insecure"});
  options.plain_http = insecure && insecure->is_bool() && insecure->as_bool();
  source::oci::Registry registry(base->registry, std::move(options));
  source::ArtifactCache cache = oci_cache(m_sources);
  auto pulled =
      source::oci::pull_chart(registry, base->repository + "/" + spec.chart, spec.version, &cache);
  if (!pulled) return failed(pulled.error());
  source::FetchedChart out;
  out.version.name = spec.chart;
  out.version.version = pulled->tag;
  std::replace(out.version.version.begin(), out.version.version.end(), '_', '+');
  out.url =
      "oci://" + base->registry + "/" + base->repository + "/" + spec.chart + ":" + pulled->tag;
  out.digest = pulled->layer.digest;
  out.path = cache.path(out.digest);
  out.bytes = std::move(pulled->content);
  out.from_cache = pulled->from_cache;
  return out;
}

}  // namespace plumb::controller
