#include "cli/cli.hpp"
#include "cli/color.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace plumb::cli {
namespace {

int help_command(std::span<const std::string_view>);

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string_view>);
};

constexpr Command k_commands[] = {
    {"build", "render a kustomization, a directory of YAML or a HelmRelease (build hr) to stdout",
     build_command},
    {"template", "render a Helm chart to stdout exactly as `helm template` does", template_command},
    {"cluster", "serve an embedded Kubernetes API server (kubectl works against it)",
     cluster_command},
    {"apply", "render a path and apply it to the cluster (server-side apply, prune, wait)",
     apply_command},
    {"diff", "show what applying a path would change in the cluster", diff_command},
    {"up", "run the GitOps loop here: embedded API server, controller, webhook, a repository",
     up_command},
    {"controller", "reconcile Flux GitRepository and Kustomization objects continuously",
     controller_command},
    {"get", "show Flux sources and Kustomizations with their status (-A, --watch)", get_command},
    {"reconcile", "reconcile a Kustomization or source now and wait for the result",
     reconcile_command},
    {"suspend", "suspend the reconciliation of Kustomizations or sources", suspend_command},
    {"resume", "resume suspended Kustomizations or sources and reconcile them", resume_command},
    {"rollback", "pin a Kustomization to an earlier revision of its source (until a new commit)",
     rollback_command},
    {"create", "create a GitRepository, Kustomization or Secret (or print it with --export)",
     create_command},
    {"export", "print Flux objects from the cluster as YAML to commit (as flux export)",
     export_command},
    {"events", "show the Kubernetes events of Flux objects", events_command},
    {"tree", "show the objects a Kustomization, HelmRelease or Application manages, nested",
     tree_command},
    {"stats", "count units by kind and state (running, failing, suspended) and what they manage",
     stats_command},
    {"logs", "show the controller's log lines for an object (--kind, --name, --level, --follow)",
     logs_command},
    {"history", "show the sync journal of a Kustomization, HelmRelease or Application (--show ID)",
     history_command},
    {"app", "list, show, sync, wait for, roll back, create, change and delete Argo CD Applications",
     app_command},
    {"appset", "generate (offline), list and show Argo CD ApplicationSets", appset_command},
    {"health", "print an object's health as Argo CD assesses it (built-in checks, Lua scripts)",
     health_command},
    {"sops", "encrypt, decrypt, edit SOPS files and update their keys (age, PGP)", sops_command},
    {"seal", "seal a Secret into a SealedSecret as kubeseal does (--cert or the cluster's key)",
     seal_command},
    {"push", "push a directory to an OCI registry as a Flux artifact (flux push artifact)",
     push_command},
    {"version", "print the version, the commit, the cluster's version and the formats plumb reads",
     version_command},
    {"completion", "print a shell completion script (bash, zsh, fish)", completion_command},
    {"help", "show this help", help_command},
};

int help_command(std::span<const std::string_view>) {
  std::printf(
      "plumb keeps Kubernetes clusters true to Git.\n\n"
      "Usage: plumb COMMAND [ARGS...]\n\nCommands:\n");
  for (const Command& c : k_commands) {
    std::printf("  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::printf(
      "\nEvery command takes --no-color (colour is used only on a terminal, and not with\n"
      "NO_COLOR set).\nRun 'plumb COMMAND --help' for a command's flags.\n");
  return 0;
}

}  // namespace

std::vector<std::string_view> command_names() {
  std::vector<std::string_view> out;
  for (const Command& c : k_commands)
    out.push_back(c.name);
  return out;
}

int run(std::span<const std::string_view> given) {
  // --no-color is every command's: taken out here (cli/color.hpp).
  std::vector<std::string_view> kept;
  for (std::string_view arg : given) {
    if (arg == "--no-color") {
      disable_color();
    } else {
      kept.push_back(arg);
    }
  }
  std::span<const std::string_view> args = kept;
  if (args.empty() || args[0] == "--help" || args[0] == "-h") return help_command({});
  if (args[0] == "__complete") return complete_command(args.subspan(1));  // hidden
  if (args[0] == "--version") {
    constexpr std::string_view client[] = {"--client"};
    return version_command(client);
  }
  for (const Command& c : k_commands) {
    if (c.name == args[0]) return c.run(args.subspan(1));
  }
  std::fprintf(stderr, "plumb: unknown command '%.*s'; see 'plumb --help'\n",
               static_cast<int>(args[0].size()), args[0].data());
  return 2;
}

}  // namespace plumb::cli
