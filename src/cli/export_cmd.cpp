// plumb export ks|hr|source git|helm|oci [NAME|--all]: Flux objects as YAML a user can commit,
// as `flux export` prints them (cli/export.hpp): "---" and the object, for each.
#include <cstdio>

#include "cli/cli.hpp"
#include "cli/export.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_manifests.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb export KIND [NAME] [flags]\n\n"
    "Prints Flux objects from the cluster as YAML to commit, as `flux export` does: a `---`\n"
    "line, then apiVersion, kind, metadata (name, namespace, labels, annotations) and spec,\n"
    "keys sorted. Status, managedFields, uid, resourceVersion, creationTimestamp, generation\n"
    "and the kubectl.kubernetes.io/last-applied-configuration annotation are left out. With\n"
    "--all, every object of the kind in the namespace, in the API server's order (by name).\n\n"
    "Kinds:\n"
    "  kustomization, kustomizations, ks\n"
    "  helmrelease, helmreleases, hr\n"
    "  source git|helm|oci, sources git|helm|oci\n\n"
    "Flags:\n"
    "      --all             every object of the kind (instead of NAME)\n"
    "  -A, --all-namespaces  with --all: across all namespaces\n"
    "  -n, --namespace NS    the namespace (default flux-system)\n"
    "      --kubeconfig FILE the kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "      --context NAME    the kubeconfig context\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed, 1 not found (or --all found none) or the cluster failed, 2 usage\n"
    "error.\n\n"
    "Examples:\n"
    "  # Every Kustomization of flux-system, to commit\n"
    "  plumb export ks --all > kustomizations.yaml\n\n"
    "  # One GitRepository\n"
    "  plumb export source git flux-system\n";

void print_export(const Node& live) {
  std::string text = export_yaml(exportable(live));
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

int export_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--all", "--all-namespaces"}, .aliases = {{"-A", "--all-namespaces"}}};
  KindCommand command =
      parse_kind_command(args, spec, "export", k_usage, AllSources::refused, Names::at_most_one);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const FluxKind& kind = *command.selection.kind;
  bool all = flags.has("--all");
  if (all == !command.selection.names.empty())
    return usage("export",
                 all ? "NAME and --all exclude each other" : "a NAME or --all is required",
                 k_usage);
  if (flags.has("--all-namespaces") && !all)
    return usage("export", "--all-namespaces needs --all", k_usage);
  auto session = connect(flags);
  if (!session) return failed(session.error());
  if (!all) {
    auto object = get_object(*session->client, kind, session->ns, command.selection.names[0]);
    if (!object) return failed(object.error());
    print_export(*object);
    return 0;
  }
  bool every_namespace = flags.has("--all-namespaces");
  auto list = session->client->list(*kind.resource, every_namespace ? "" : session->ns);
  if (!list && list.error().code() != 404) return failed(list.error());
  const Node* items = list ? list->find("items") : nullptr;
  if (!items || items->empty()) {
    std::string where = every_namespace ? "any" : session->ns;
    return failed(
        Error("no " + std::string(kind.kind) + " objects found in " + where + " namespace"));
  }
  for (const Node& object : items->items())
    print_export(object);
  return 0;
}

}  // namespace plumb::cli
