// plumb app diff NAME: what a sync of the application would change, as `argocd app diff`
// shows it — the sources rendered at their target revision by the controller's own code
// (controller/application.hpp's preview), each object diffed against the live one through a
// server-side dry run (sync/diff.hpp: managed fields and status left out, Secret values
// masked), and the live objects that require pruning. Exit 0 no differences, 1 differences,
// 2 and more an error (argocd: 1 when it found a diff).
#include <cstdio>

#include "argo/crds.hpp"
#include "cli/app_cmd.hpp"
#include "cli/app_common.hpp"
#include "cli/cli.hpp"
#include "controller/application.hpp"
#include "sync/diff.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_diff_usage =
    "Usage: plumb app diff NAME [flags]\n\n"
    "Shows, per resource, a unified diff of the live object against what a sync of the\n"
    "application would apply now (its sources at their target revision), and the resources a\n"
    "sync with --prune would delete. Exit status: 0 no differences, 1 differences, 2 or more\n"
    "an error.\n\n"
    "Flags:\n"
    "  --cache-dir DIR         git caches (default ~/.cache/plumb/git)\n"
    "  -N, --app-namespace NS  the applications' namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

}  // namespace

int diff_command(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--cache-dir"}};
  Invocation call = invoke(args, spec, "app diff", k_diff_usage, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  auto app =
      get_application(*call.client, parse_app_name(flags.positional[0], app_namespace(flags)));
  if (!app) return fatal(app.error());
  controller::SourceCache sources(flags.value("--cache-dir", default_cache_dir()));
  controller::ApplicationReconciler reconciler(*call.client, sources);
  auto diffs = [&]() -> Result<std::vector<sync::ObjectDiff>> {
    auto preview = TRY(reconciler.preview(*app));
    return sync::diff_plan(*preview.destination.client, preview.plan, preview.pruned, "plumb");
  }();
  if (!diffs) return fatal(diffs.error(), 2);
  for (const sync::ObjectDiff& d : *diffs)
    std::fwrite(d.diff.data(), 1, d.diff.size(), stdout);
  return diffs->empty() ? 0 : 1;
}

}  // namespace plumb::cli::app
