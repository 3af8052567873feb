// plumb tree ks|hr|app NAME: the objects a unit manages, nested, with health and drift
// markers (cli/tree.hpp), read from the cluster: a Kustomization's status.inventory, a
// HelmRelease's release manifest (its newest deployed revision in Helm's storage), an
// Application's status.resources.
#include <cstdio>

#include "argo/crds.hpp"
#include "cli/cli.hpp"
#include "cli/color.hpp"
#include "cli/flux_common.hpp"
#include "cli/tree.hpp"
#include "controller/helm_storage.hpp"
#include "controller/reconcile.hpp"

namespace plumb::cli {
namespace {

using tree::Managed;
using tree::UnitKind;

constexpr std::string_view k_usage =
    "Usage: plumb tree KIND NAME [flags]\n\n"
    "Prints the objects a unit manages as a tree, as `flux tree kustomization` does, with each\n"
    "object's health and a drift marker. A Kustomization shows its inventory\n"
    "(status.inventory), a HelmRelease the objects of its deployed release (Helm's storage),\n"
    "an Application its status.resources; a Kustomization, HelmRelease or Application among\n"
    "them shows its own objects beneath it.\n\n"
    "Health is the controller's: kstatus (Current, InProgress, Failed) for Flux units and what\n"
    "they apply, Argo CD's (Healthy, Progressing, Degraded, ...) for an Application's objects.\n"
    "Drift markers: \"missing\" (in the inventory, not in the cluster), \"OutOfSync\" (the\n"
    "Application says so), \"drifted: MANAGER\" (another field manager changed the object after\n"
    "Plumb last applied it).\n\n"
    "Kinds:\n"
    "  kustomization, kustomizations, ks\n"
    "  helmrelease, helmreleases, hr\n"
    "  application, applications, app   (namespace default argocd)\n\n"
    "Flags:\n"
    "  -n, --namespace NS    the unit's namespace (default flux-system; argocd for app)\n"
    "      --kubeconfig FILE the kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "      --context NAME    the kubeconfig context\n"
    "      --no-color        no colours (they are used only on a terminal)\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed, 1 the unit does not exist or the cluster failed, 2 usage error.\n\n"
    "Examples:\n"
    "  # The objects the example's root Kustomization manages, nested\n"
    "  plumb tree ks flux-system\n\n"
    "  # An Argo CD Application (an app-of-apps shows its children's objects)\n"
    "  plumb tree app guestbook\n";

struct Root {
  const kube::Resource* resource;
  std::string_view default_ns;
};

std::optional<Root> root_kind(std::string_view word) {
  if (word == "ks" || word == "kustomization" || word == "kustomizations")
    return Root{&controller::k_kustomizations, "flux-system"};
  if (word == "hr" || word == "helmrelease" || word == "helmreleases")
    return Root{&controller::k_helm_releases, "flux-system"};
  if (word == "app" || word == "application" || word == "applications")
    return Root{&argo::k_applications, "argocd"};
  return std::nullopt;
}

Result<std::optional<Node>> read_live(kube::Client& client, const ObjectRef& ref) {
  auto resource = client.resource_for_group_kind(ref.group, ref.kind);
  if (!resource) {
    if (resource.error().code() == 404) return std::optional<Node>();  // kind not served
    return std::unexpected(resource.error());
  }
  return client.get(*resource, resource->namespaced ? ref.namespace_ : "", ref.name);
}

// The objects of a HelmRelease's newest deployed release (status.history names it).
Result<std::vector<Managed>> release_objects(kube::Client& client, const Node& release) {
  const Node* history = release.at_path({"status", "history"});
  if (!history || !history->is_list() || history->empty()) return std::vector<Managed>{};
  const Node& latest = history->items()[0];
  std::string storage_ns(release.string_at({"status", "storageNamespace"}));
  std::string release_ns(latest.string_at({"namespace"}));
  controller::HelmStorage storage(client, {.max_history = 0, .storage_namespace = storage_ns});
  auto deployed = TRY(storage.deployed(release_ns, latest.string_at({"name"})));
  std::vector<Managed> out;
  if (!deployed) return out;
  for (ObjectRef& ref : TRY(controller::manifest_refs(client, *deployed)))
    out.push_back(Managed{.ref = std::move(ref), .health = "", .sync = ""});
  return out;
}

tree::TreeSource cluster_source(kube::Client& client) {
  return tree::TreeSource{
      .live = [&client](const ObjectRef& ref) { return read_live(client, ref); },
      .managed = [&client](UnitKind kind, const Node& live) -> Result<std::vector<Managed>> {
        switch (kind) {
          case UnitKind::kustomization:
            return tree::inventory_of(live);
          case UnitKind::helm_release:
            return release_objects(client, live);
          case UnitKind::application:
            return tree::resources_of(live);
          case UnitKind::none:
            break;
        }
        return std::vector<Managed>{};
      }};
}

}  // namespace

int tree_command(std::span<const std::string_view> args) {
  FlagSpec spec;
  flux::add_flux_flags(spec);
  flux::Parsed parsed = flux::parse_or_usage(args, spec, "tree", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  if (flags.positional.size() != 2)
    return flux::usage("tree", "a KIND and a NAME are required", k_usage);
  auto root = root_kind(flags.positional[0]);
  if (!root) {
    return flux::usage("tree", "unknown kind '" + flags.positional[0] + "'; kinds: ks, hr, app",
                       k_usage);
  }
  auto session = flux::connect(flags);
  if (!session) return flux::failed(session.error());
  std::string ns = flags.value("--namespace", root->default_ns);
  const kube::Resource& r = *root->resource;
  ObjectRef ref{r.group, r.version, r.kind, ns, flags.positional[1]};
  auto built = tree::build_tree(ref, cluster_source(*session->client));
  if (!built) return flux::failed(built.error());
  std::string text = tree::render(*built, use_color(stdout));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace plumb::cli
