#include "cli/cli.hpp"

#include <cstdio>
#include <string>

#include "version_stamp.hpp"

namespace plumb::cli {
namespace {

int version_command(std::span<const std::string_view>) {
  std::printf("plumb version 0.1.0 (commit %s)\n", PLUMB_GIT_COMMIT);
  return 0;
}

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
    {"events", "show the Kubernetes events of Flux objects", events_command},
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
    {"version", "print the version and the git commit plumb was built from", version_command},
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
  std::printf("\nRun 'plumb COMMAND --help' for a command's flags.\n");
  return 0;
}

}  // namespace

int run(std::span<const std::string_view> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") return help_command({});
  if (args[0] == "--version") return version_command({});
  for (const Command& c : k_commands) {
    if (c.name == args[0]) return c.run(args.subspan(1));
  }
  std::fprintf(stderr, "plumb: unknown command '%.*s'; see 'plumb --help'\n",
               static_cast<int>(args[0].size()), args[0].data());
  return 2;
}

}  // namespace plumb::cli
