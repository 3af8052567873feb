// plumb stats [-A|-n NS]: units by kind and state, and the objects they manage (cli/stats.hpp).
#include <cstdio>

#include "argo/crds.hpp"
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/stats.hpp"
#include "controller/helm_storage.hpp"
#include "controller/helmrepository.hpp"
#include "controller/ocirepository.hpp"
#include "controller/reconcile.hpp"
#include "notify/spec.hpp"

namespace plumb::cli {
namespace {

constexpr std::string_view k_usage =
    "Usage: plumb stats [flags]\n\n"
    "Prints a table of the units on the cluster as `flux stats` does: per kind, how many run\n"
    "(not suspended), fail (Ready False; an Application: health Degraded or its last sync\n"
    "Failed), are suspended, and the storage their artifacts take (sources). Kinds: the Flux\n"
    "sources, Kustomization, HelmRelease, Alert, Provider, and Argo CD's Application and\n"
    "ApplicationSet. A last line counts the objects the units manage (Kustomization\n"
    "inventories, HelmRelease release manifests, Application status.resources).\n\n"
    "Flags:\n"
    "  -A, --all-namespaces  count across all namespaces\n"
    "  -n, --namespace NS    the namespace (default flux-system; Argo CD kinds: argocd unless\n"
    "                        -n is given)\n"
    "      --kubeconfig FILE the kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "      --context NAME    the kubeconfig context\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed, 1 the cluster failed, 2 usage error.\n\n"
    "Examples:\n"
    "  # The units of flux-system and argocd\n"
    "  plumb stats\n\n"
    "  # The whole cluster\n"
    "  plumb stats -A\n";

struct Counted {
  const kube::Resource* resource;
  bool argo;
};

const Counted k_counted[] = {
    {&controller::k_git_repositories, false},
    {&controller::k_oci_repositories, false},
    {&controller::k_helm_repositories, false},
    {&controller::k_kustomizations, false},
    {&controller::k_helm_releases, false},
    {&notify::k_alerts, false},
    {&notify::k_providers, false},
    {&argo::k_applications, true},
    {&argo::k_application_sets, true},
};

Result<std::vector<Node>> list_items(kube::Client& client, const kube::Resource& resource,
                                     const std::string& ns) {
  auto list = client.list(resource, ns);
  if (!list) {
    if (list.error().code() == 404) return std::vector<Node>{};  // the CRD is not installed
    return std::unexpected(list.error());
  }
  std::vector<Node> items;
  if (const Node* found = list->find("items"))
    items.assign(found->items().begin(), found->items().end());
  return items;
}

// The objects of a HelmRelease's deployed release (0 when it has none or it cannot be read).
int64_t release_size(kube::Client& client, const Node& release) {
  const Node* history = release.at_path({"status", "history"});
  if (!history || !history->is_list() || history->empty()) return 0;
  const Node& latest = history->items()[0];
  controller::HelmStorage storage(
      client,
      {.max_history = 0,
       .storage_namespace = std::string(release.string_at({"status", "storageNamespace"}))});
  auto deployed = storage.deployed(latest.string_at({"namespace"}), latest.string_at({"name"}));
  if (!deployed || !*deployed) return 0;
  auto refs = controller::manifest_refs(client, **deployed);
  return refs ? int64_t(refs->size()) : 0;
}

std::function<int64_t(const Node&)> managed_counter(kube::Client& client,
                                                    const kube::Resource& resource) {
  if (&resource == &controller::k_kustomizations) return stats::inventory_size;
  if (&resource == &argo::k_applications) return stats::application_resources;
  if (&resource == &controller::k_helm_releases)
    return [&client](const Node& release) { return release_size(client, release); };
  return {};
}

}  // namespace

int stats_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--all-namespaces"}, .aliases = {{"-A", "--all-namespaces"}}};
  flux::add_flux_flags(spec);
  flux::Parsed parsed = flux::parse_or_usage(args, spec, "stats", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  if (!flags.positional.empty()) return flux::usage("stats", "takes no arguments", k_usage);
  auto session = flux::connect(flags);
  if (!session) return flux::failed(session.error());
  bool all = flags.has("--all-namespaces");
  std::vector<stats::KindStats> rows;
  for (const Counted& c : k_counted) {
    std::string ns = all ? "" : c.argo ? flags.value("--namespace", "argocd") : session->ns;
    auto items = list_items(*session->client, *c.resource, ns);
    if (!items) return flux::failed(items.error());
    rows.push_back(
        stats::count(c.resource->kind, *items, managed_counter(*session->client, *c.resource)));
  }
  std::string text = stats::format(rows);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace plumb::cli
