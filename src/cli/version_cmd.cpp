// plumb version [--client] [-o json|yaml]: Plumb's version and commit, the cluster's
// Kubernetes version (unless --client), and the versions of the formats Plumb reads — each
// taken from the constant the code that reads the format uses.
#include <cstdio>
#include <optional>

#include "argo/crds.hpp"
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "controller/helm_capabilities.hpp"
#include "controller/helmrepository.hpp"
#include "controller/ocirepository.hpp"
#include "controller/reconcile.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "helm/render_values.hpp"
#include "notify/spec.hpp"
#include "render/build.hpp"
#include "sops/sops.hpp"
#include "version_stamp.hpp"

namespace plumb::cli {
namespace {

constexpr std::string_view k_plumb_version = "0.1.0";

constexpr std::string_view k_usage =
    "Usage: plumb version [flags]\n\n"
    "Prints Plumb's version and the git commit it was built from, the Kubernetes version of the\n"
    "cluster (unless --client), and the versions of the formats Plumb reads: the Flux API\n"
    "version of each kind, Argo CD's API version, and the kustomize, Helm and SOPS releases\n"
    "whose behaviour Plumb reproduces.\n\n"
    "Flags:\n"
    "      --client          do not contact the cluster\n"
    "  -o, --output FORMAT   json or yaml (default: text)\n"
    "      --kubeconfig FILE the kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "      --context NAME    the kubeconfig context\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed, 1 the cluster could not be reached (without --client), 2 usage\n"
    "error.\n\n"
    "Examples:\n"
    "  # Everything, the cluster's version included\n"
    "  plumb version\n\n"
    "  # Without a cluster, as JSON\n"
    "  plumb version --client -o json\n";

const kube::Resource* const k_flux_kinds[] = {
    &controller::k_git_repositories,
    &controller::k_oci_repositories,
    &controller::k_helm_repositories,
    &controller::k_kustomizations,
    &controller::k_helm_releases,
    &notify::k_alerts,
    &notify::k_providers,
};
const kube::Resource* const k_argo_kinds[] = {&argo::k_applications, &argo::k_app_projects,
                                              &argo::k_application_sets};

Node kinds_of(std::span<const kube::Resource* const> kinds) {
  Node out = Node::map();
  for (const kube::Resource* r : kinds)
    out.set(r->kind, Node::string(r->api_version()));
  return out;
}

Node formats() {
  Node out = Node::map();
  out.set("flux", kinds_of(k_flux_kinds));
  out.set("argocd", kinds_of(k_argo_kinds));
  out.set("kustomize", Node::string(render::k_kustomize_version));
  out.set("helm", Node::string(helm::k_helm_version));
  out.set("sops", Node::string(sops::k_sops_version));
  return out;
}

std::string text_of(const Node& info) {
  std::string out = "plumb version " + std::string(info.string_at({"plumb", "version"})) +
                    " (commit " + std::string(info.string_at({"plumb", "commit"})) + ")\n";
  if (const Node* server = info.find("server"))
    out += "server: Kubernetes " + std::string(server->string_at({"kubernetes"})) + "\n";
  const Node& f = *info.find("formats");
  out += "formats read:\n";
  for (std::string_view family : {"flux", "argocd"}) {
    for (const MapEntry& e : f.find(family)->entries()) {
      out += "  " + std::string(e.key.as_string()) + " " + std::string(e.value.as_string()) + "\n";
    }
  }
  for (std::string_view tool : {"kustomize", "helm", "sops"})
    out += "  " + std::string(tool) + " " + std::string(f.string_at({tool})) + "\n";
  return out;
}

Result<Node> server_version(const Flags& flags) {
  flux::Session session = TRY(flux::connect(flags));
  controller::ClusterCapabilities caps = TRY(controller::cluster_capabilities(*session.client));
  Node server = Node::map();
  server.set("kubernetes", Node::string(caps.kube_version));
  return server;
}

}  // namespace

int version_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--client"}, .values = {"--output"}, .aliases = {{"-o", "--output"}}};
  flux::add_flux_flags(spec);
  flux::Parsed parsed = flux::parse_or_usage(args, spec, "version", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  std::string output = flags.value("--output", "text");
  if (output != "text" && output != "json" && output != "yaml")
    return flux::usage("version", "--output: must be json or yaml, got " + output, k_usage);
  if (!flags.positional.empty()) return flux::usage("version", "takes no arguments", k_usage);
  Node info = Node::map();
  Node plumb = Node::map();
  plumb.set("version", Node::string(k_plumb_version));
  plumb.set("commit", Node::string(PLUMB_GIT_COMMIT));
  info.set("plumb", std::move(plumb));
  // The client's part is printed also when the cluster cannot be reached (exit 1).
  std::optional<Error> unreachable;
  if (!flags.has("--client")) {
    auto server = server_version(flags);
    if (server) {
      info.set("server", std::move(*server));
    } else {
      unreachable = server.error();
    }
  }
  info.set("formats", formats());
  std::string text = output == "json"   ? to_json(info, JsonStyle::indented) + "\n"
                     : output == "yaml" ? to_yaml(info)
                                        : text_of(info);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return unreachable ? flux::failed(unreachable->context("the cluster")) : 0;
}

}  // namespace plumb::cli
