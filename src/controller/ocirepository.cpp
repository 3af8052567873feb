// OCI registries as Flux sources (Reconcilers, split by kind): the charts of a `type: oci`
// HelmRepository, pulled through source::oci and cached by digest under the source cache.
#include <algorithm>

#include "controller/reconcile.hpp"
#include "source/oci.hpp"

namespace plumb::controller {

namespace {

// Where OCI layers are kept by digest, under the controller's cache directory.
source::ArtifactCache oci_cache(const SourceCache& sources) {
  return source::ArtifactCache(sources.dir() + "/oci");
}

}  // namespace

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
