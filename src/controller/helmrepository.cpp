// HelmRepository objects (Reconcilers, split by kind): the HTTP index fetched and recorded as
// source-controller records it; the options HelmReleases fetch charts with.
#include "controller/helmrepository.hpp"

#include "controller/reconcile.hpp"
#include "controller/spec_reader.hpp"
#include "controller/status.hpp"

namespace plumb::controller {

const kube::Resource k_helm_repositories{"source.toolkit.fluxcd.io", "v1", "HelmRepository",
                                         "helmrepositories", true};

Result<HelmRepositorySpec> parse_helm_repository(const Node& object) {
  SpecReader r(object);
  HelmRepositorySpec spec;
  spec.url = TRY(r.string("url", true));
  std::string type = TRY(r.string("type"));
  if (!type.empty() && type != "default" && type != "oci")
    return r.bad("type", "must be default or oci, not '" + type + "'");
  spec.oci = type == "oci";
  if (spec.oci && !spec.url.starts_with("oci://"))
    return r.bad("url", "must start with oci:// for type oci");
  if (!spec.oci && !spec.url.starts_with("http://") && !spec.url.starts_with("https://"))
    return r.bad("url", "must start with http:// or https:// (oci:// needs type oci)");
  spec.interval = TRY(r.duration("interval", false)).value_or(spec.interval);
  spec.suspend = TRY(r.boolean("suspend"));
  spec.insecure = TRY(r.boolean("insecure"));
  spec.pass_credentials = TRY(r.boolean("passCredentials"));
  spec.secret_name = std::string(object.string_at({"spec", "secretRef", "name"}));
  return spec;
}

Node helm_repository_status(const Node& object, const Outcome& outcome, std::string_view now) {
  std::string hex = outcome.artifact_digest.substr(outcome.artifact_digest.find(':') + 1);
  return stored_artifact_status(
      object, outcome, now,
      {.path = "helmrepository/" + std::string(object.string_at({"metadata", "namespace"})) + "/" +
               std::string(object.string_at({"metadata", "name"})) + "/index-" + hex + ".yaml",
       .size = int64_t(outcome.artifact_size),
       // Not the GitRepository's words ("stored artifact for revision").
       .ready_message = "stored artifact: revision '" + outcome.revision + "'"});
}

Result<source::HelmRepository> Reconcilers::helm_repository_client(const Node& repository) {
  HelmRepositorySpec spec = TRY(parse_helm_repository(repository));
  source::HelmRepositoryOptions options;
  options.url = spec.url;
  source::GitAuth auth = TRY(auth_from_secret(
      std::string(repository.string_at({"metadata", "namespace"})), spec.secret_name));
  options.username = std::move(auth.username);
  options.password = std::move(auth.password);
  options.pass_credentials = spec.pass_credentials;
  return source::HelmRepository(std::move(options),
                                source::ArtifactCache(m_sources.dir() + "/helm-charts"));
}

Outcome Reconcilers::reconcile_helm_repository(const Node& object) {
  auto fetched = [&]() -> Step<source::HelmIndex> {
    HelmRepositorySpec spec =
        TRY(because(Reason::index_fetch_failed, parse_helm_repository(object)));
    // Type oci is a static object in Flux: nothing fetched, no status written.
    if (spec.suspend || spec.oci) return std::unexpected(Outcome{.reason = Reason::suspended});
    source::HelmRepository repository =
        TRY(because(Reason::authentication_failed, helm_repository_client(object)));
    auto index = repository.fetch_index();
    if (!index) {
      return std::unexpected(Outcome::failure(
          Reason::index_fetch_failed,
          Error("failed to fetch Helm repository index: " + index.error().message())));
    }
    return std::move(*index);
  }();
  if (!fetched) return std::move(fetched).error();
  return Outcome{.reason = Reason::succeeded,
                 .revision = fetched->digest,
                 .artifact_digest = fetched->digest,
                 .artifact_size = fetched->size};
}

}  // namespace plumb::controller
