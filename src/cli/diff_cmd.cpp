// plumb diff PATH: what `plumb apply PATH --prune` would change.
// plumb diff ks NAME --path DIR: what the next reconcile of a Kustomization would change if
// its source held DIR at spec.path (as `flux diff ks`).
#include <cstdio>
#include <filesystem>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/sync_common.hpp"
#include "controller/controller_parts.hpp"
#include "controller/reconcile.hpp"
#include "sync/diff.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb diff PATH [flags]\n"
    "       plumb diff ks NAME --path DIR [-n NS] [flags]\n\n"
    "Shows, per object, a unified diff of the live object against what applying PATH would\n"
    "make of it (a server-side dry run), with server-managed fields left out and Secret\n"
    "values masked; objects that would be created or pruned too.\n"
    "The second form shows what the next reconcile of the Kustomization NAME (in NS, default\n"
    "flux-system) would change if its source held DIR at its spec.path, as `flux diff ks`\n"
    "does: rendered with the Kustomization's own fields (targetNamespace, patches, images...)\n"
    "and labels, and its inventory for what it would prune.\n"
    "Exit status: 0 no differences, 1 differences, 2 or more an error.\n\n"
    "Flags:\n"
    "  -n, --namespace NS  namespace for objects without one (default: the context's)\n"
    "  --applyset NAME     ApplySet whose members would be pruned (default plumb-<PATH name>)\n"
    "  --path DIR          with ks NAME: the directory that stands for the source's spec.path\n"
    "  --kubeconfig FILE, --context NAME\n";

// Prints the diffs; the exit status of the command.
int print_diffs(const Result<std::vector<sync::ObjectDiff>>& diffs) {
  if (!diffs) {
    std::fprintf(stderr, "plumb diff: %s\n", diffs.error().message().c_str());
    return 2;
  }
  for (const sync::ObjectDiff& d : *diffs)
    std::fwrite(d.diff.data(), 1, d.diff.size(), stdout);
  return diffs->empty() ? 0 : 1;
}

bool names_a_kustomization(const Flags& flags) {
  const std::vector<std::string>& args = flags.positional;
  return !args.empty() &&
         (args[0] == "ks" || args[0] == "kustomization" || args[0] == "kustomizations");
}

int diff_kustomization(const Flags& flags) {
  const std::vector<std::string>& args = flags.positional;
  if (args.size() != 2) {
    std::fprintf(stderr, "plumb diff: expected one Kustomization NAME after %s\n\n%s",
                 args[0].c_str(), k_usage);
    return 2;
  }
  if (!flags.has_value("--path")) {
    std::fprintf(stderr,
                 "plumb diff: --path DIR is required with a Kustomization: the directory that "
                 "stands for its source's spec.path (as flux diff ks takes it)\n\n%s",
                 k_usage);
    return 2;
  }
  auto diffs = [&]() -> Result<std::vector<sync::ObjectDiff>> {
    auto client = TRY(kube::Client::connect(
        {.kubeconfig = flags.value("--kubeconfig"), .context = flags.value("--context")}));
    Node object = TRY(
        flux::get_object(*client, flux::kustomization_kind(), flux::namespace_of(flags), args[1]));
    auto disk = make_disk_fs();
    std::string dir = std::filesystem::absolute(flags.value("--path")).lexically_normal().string();
    controller::Preview preview =
        TRY(controller::preview_kustomization(*client, object, *disk, dir));
    return sync::diff_plan(*client, preview.plan, preview.pruned,
                           std::string(controller::k_field_manager));
  }();
  return print_diffs(diffs);
}

}  // namespace

int diff_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--help"}, .values = {}, .aliases = {{"-h", "--help"}}};
  add_connection_flags(spec);
  spec.values.insert("--path");
  auto flags = parse_flags(args, spec);
  if (flags && !flags->has("--help") && names_a_kustomization(*flags))
    return diff_kustomization(*flags);
  std::optional<std::string> wrong_path =
      flags ? path_argument_error("diff", *flags) : std::nullopt;
  if (flags && !wrong_path && flags->has_value("--path"))
    wrong_path = "--path goes with ks NAME; give a PATH alone";
  if (!flags || flags->has("--help") || wrong_path) {
    if (!flags) std::fprintf(stderr, "plumb diff: %s\n\n", flags.error().message().c_str());
    if (flags && !flags->has("--help"))
      std::fprintf(stderr, "plumb diff: %s\n\n", wrong_path->c_str());
    std::fprintf(flags && flags->has("--help") ? stdout : stderr, "%s", k_usage);
    return flags && flags->has("--help") ? 0 : 2;
  }
  auto input = prepare_sync(*flags, flags->positional[0]);
  if (!input) {
    std::fprintf(stderr, "plumb diff: %s\n", input.error().message().c_str());
    return 2;
  }
  auto members = sync::load_members(*input->client, input->applyset);
  if (!members) {
    std::fprintf(stderr, "plumb diff: inventory: %s\n", members.error().message().c_str());
    return 2;
  }
  std::vector<sync::PlannedObject> pruned;
  for (sync::PlannedObject& m : *members) {
    if (!input->plan.contains(m.ref)) pruned.push_back(std::move(m));
  }
  return print_diffs(sync::diff_plan(*input->client, input->plan, pruned, "plumb"));
}

}  // namespace plumb::cli
