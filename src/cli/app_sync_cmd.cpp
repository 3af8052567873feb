// plumb app sync | rollback | wait: start an operation as Argo CD's API server starts it (the
// Application's `operation` field), then follow the application as `argocd app` does.
#include <cstdio>

#include "argo/crds.hpp"
#include "cli/app_cmd.hpp"
#include "cli/app_common.hpp"
#include "cli/app_table.hpp"
#include "cli/app_wait.hpp"
#include "cli/flux_common.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_common_help =
    "  --timeout SECONDS       give up waiting after this long (default 0: never)\n"
    "  -o, --output FORMAT     wide (default), yaml or json: how the final state is shown\n"
    "  -N, --app-namespace NS  the applications' namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

constexpr std::string_view k_sync_usage =
    "Usage: plumb app sync NAME... | -l SELECTOR | --project NAME [flags]\n\n"
    "Asks the controller to sync each application now, as `argocd app sync` does: sets the\n"
    "Application's operation field (refused while another operation runs), then, unless\n"
    "--async, waits until the controller has finished it and prints its resources as they\n"
    "change, the summary and the result. Exits 0 when the operation Succeeded, 1 when it\n"
    "did not (or resources still need pruning), 20 when a request failed or timed out.\n\n"
    "Flags:\n"
    "  --revision REV          sync to this revision instead of the target\n"
    "  --prune                 allow deleting resources no longer in the source\n"
    "  --dry-run               preview the apply without changing the cluster\n"
    "  --resource G:K:[NS/]N   only these resources ('!' first excludes; '*' any) (repeatable)\n"
    "  --async                 do not wait for the operation\n"
    "  --strategy apply|hook   the sync strategy (default hook)\n"
    "  --force                 force the apply\n"
    "  --server-side           sync option ServerSideApply=true\n"
    "  --replace               sync option Replace=true\n"
    "  --apply-out-of-sync-only  sync option ApplyOutOfSyncOnly=true\n"
    "  --info NAME=VALUE       recorded with the operation (repeatable)\n"
    "  -l, --selector SEL      sync the applications whose labels match\n"
    "  --project NAME          sync the applications of this project (repeatable)\n";

constexpr std::string_view k_rollback_usage =
    "Usage: plumb app rollback NAME [ID] [flags]\n\n"
    "Syncs the application to the revision and source of status.history's entry ID (default:\n"
    "the one before the last), as `argocd app rollback` does, and waits for it. Argo CD refuses\n"
    "a rollback while automated sync is on; plumb turns automated sync off for the application\n"
    "(spec.syncPolicy.automated removed, in the same update) and says so on stderr.\n\n"
    "Flags:\n"
    "  --prune                 allow deleting resources no longer in the source\n";

constexpr std::string_view k_wait_usage =
    "Usage: plumb app wait NAME... | -l SELECTOR [flags]\n\n"
    "Waits, watching, until each application is synced, healthy and without a running\n"
    "operation, as `argocd app wait` does; the flags wait for some of these only.\n\n"
    "Flags:\n"
    "  --sync                  wait for Synced\n"
    "  --health                wait for Healthy (fails when the health turns Degraded)\n"
    "  --operation             wait until no operation is running\n"
    "  --suspended             wait for Suspended\n"
    "  --degraded              wait for Degraded\n"
    "  --resource G:K:[NS/]N   judge these resources instead of the app (repeatable)\n"
    "  -l, --selector SEL      wait for the applications whose labels match\n";

struct Common {
  Flags flags;
  std::unique_ptr<kube::Client> client;
  int64_t timeout = 0;
  Output output = Output::wide;
  std::optional<int> exit;
};

// The waiting verbs' invocation, with --timeout and -o read.
Common start(std::span<const std::string_view> args, FlagSpec spec, std::string_view command,
             std::string_view usage_text, const Positionals& positionals) {
  spec.values.insert({"--timeout", "--output"});
  spec.aliases["-o"] = "--output";
  Invocation call = invoke(args, std::move(spec), command, usage_text, positionals);
  Common c{.flags = std::move(call.flags), .client = std::move(call.client), .exit = call.exit};
  if (c.exit) return c;
  auto timeout = c.flags.integer("--timeout", {.min = 0}, 0);
  if (!timeout) {
    c.exit = flux::usage(command, timeout.error().message(), usage_text);
    return c;
  }
  c.timeout = *timeout;
  auto output = parse_output(c.flags.value("--output", "wide"));
  if (!output) c.exit = fatal(output.error());
  c.output = output.value_or(Output::wide);
  return c;
}

// The applications named, or those the selector / projects pick (their NAMESPACE/NAME);
// an empty list is an error, as argocd has it.
Result<std::vector<AppName>> app_names(kube::Client& client, const Flags& flags) {
  std::string default_ns = app_namespace(flags);
  std::vector<AppName> names;
  for (const std::string& text : flags.positional)
    names.push_back(parse_app_name(text, default_ns));
  std::string selector = flags.value("--selector");
  const std::vector<std::string>& projects = flags.all("--project");
  if (selector.empty() && projects.empty()) return names;
  std::string ns = flags.has_value("--app-namespace") ? default_ns : "";
  auto list = client.list(argo::k_applications, ns, selector);
  std::vector<Node> apps;
  if (!list && list.error().code() != 404) return std::unexpected(list.error());
  if (list && list->find("items")) {
    apps.assign(list->find("items")->items().begin(), list->find("items")->items().end());
  }
  apps = apps_for_list(std::move(apps), {.projects = projects});
  if (apps.empty()) {
    std::string message = "No matching apps found for filter:";
    if (!selector.empty()) message += " selector " + selector;
    if (!projects.empty()) {
      message += " projects [";
      for (size_t i = 0; i < projects.size(); ++i)
        message += (i ? " " : "") + projects[i];
      message += "]";
    }
    return fail(message);
  }
  for (const Node& app : apps)
    names.push_back(parse_app_name(qualified_name(app), default_ns));
  return names;
}

Result<std::vector<std::pair<std::string, std::string>>> infos_of(const Flags& flags) {
  std::vector<std::pair<std::string, std::string>> infos;
  for (std::string_view text : flags.all("--info")) {
    size_t eq = text.find('=');
    if (eq == std::string_view::npos || text.find('=', eq + 1) != std::string_view::npos) {
      return fail("labels should have key=value, but instead got: ", text);
    }
    infos.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return infos;
}

// The outcome of a finished sync as argocd judges it: exit 1 unless Succeeded, or when an
// application-wide sync left resources to prune.
int sync_outcome(const Waited& waited, bool whole_app) {
  if (!waited.operation_state.is_map()) {
    return fatal("application '" + qualified_name(waited.app) +
                     "': the operation was removed without a status.operationState",
                 k_exit_fatal);
  }
  std::string_view phase = waited.operation_state.string_at({"phase"});
  if (phase != "Succeeded") {
    return fatal("Operation has completed with phase: " + std::string(phase), k_exit_fatal);
  }
  if (whole_app && waited.app.string_at({"status", "sync", "status"}) != "Synced") {
    if (int n = pruning_required(waited.operation_state); n > 0) {
      return fatal(std::to_string(n) + " resources require pruning", k_exit_fatal);
    }
  }
  return 0;
}

}  // namespace

int sync_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--prune", "--dry-run", "--async", "--force", "--server-side",
                             "--replace", "--apply-out-of-sync-only"},
                .values = {"--revision", "--strategy", "--selector"},
                .aliases = {{"-l", "--selector"}},
                .repeated = {"--resource", "--info", "--project"}};
  std::string usage_text = std::string(k_sync_usage) + std::string(k_common_help);
  Common c = start(args, spec, "app sync", usage_text, {});
  if (c.exit) return *c.exit;
  const Flags& flags = c.flags;
  bool selecting = flags.has_value("--selector") || flags.has_value("--project");
  if (flags.positional.empty() && !selecting) {
    return flux::usage("app sync", "NAME, -l or --project is required", usage_text);
  }
  if (flags.positional.size() > 1 && flags.has_value("--selector")) {
    return fatal("Cannot use selector option when application name(s) passed as argument(s)",
                 k_exit_fatal);
  }
  SyncRequest request{.revision = flags.value("--revision"),
                      .prune = flags.has("--prune"),
                      .dry_run = flags.has("--dry-run"),
                      .force = flags.has("--force"),
                      .username = local_username()};
  std::string strategy = flags.value("--strategy");
  if (strategy == "apply") {
    request.strategy = SyncStrategy::apply;
  } else if (!strategy.empty() && strategy != "hook") {
    return fatal("Unknown sync strategy: '" + strategy + "'", k_exit_fatal);
  }
  for (auto [flag, option] :
       {std::pair<std::string_view, std::string_view>{"--replace", "Replace=true"},
        {"--server-side", "ServerSideApply=true"},
        {"--apply-out-of-sync-only", "ApplyOutOfSyncOnly=true"}}) {
    if (flags.has(flag)) request.sync_options.emplace_back(option);
  }
  auto infos = infos_of(flags);
  if (!infos) return fatal(infos.error());
  request.infos = std::move(*infos);
  auto filters = parse_resource_filters(flags.all("--resource"));
  if (!filters) return fatal(filters.error());
  auto names = app_names(*c.client, flags);
  if (!names) return fatal(names.error(), selecting ? k_exit_fatal : k_exit_api);

  for (const AppName& name : *names) {
    auto app = get_application(*c.client, name);
    if (!app) return fatal(app.error());
    if (has_multiple_sources(*app) && !request.revision.empty()) {
      return fatal(
          "argocd cli does not work on multi-source app with --revision flag. Use --revisions "
          "and --source-positions instead.",
          k_exit_fatal);
    }
    request.resources = selected_resources(*app, *filters);
    if (!filters->empty() && request.resources.empty()) {
      std::string given;
      for (const std::string& r : flags.all("--resource"))
        given += (given.empty() ? "" : ", ") + r;
      return fatal("No matching app resources found for resource filter: " + given, k_exit_fatal);
    }
    auto started = set_operation(*c.client, name,
                                 [&](Node& current) { return sync_operation(current, request); });
    if (!started) return fatal(started.error());
    if (flags.has("--async")) continue;
    auto waited = wait_on_application(*c.client, *started,
                                      {.wait = {.operation = true},
                                       .filters = *filters,
                                       .output = c.output,
                                       .timeout_seconds = c.timeout});
    if (!waited) return fatal(waited.error());
    if (request.dry_run) continue;
    if (int code = sync_outcome(*waited, filters->empty()); code != 0) return code;
  }
  return 0;
}

int rollback_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--prune"}};
  std::string usage_text = std::string(k_rollback_usage) + std::string(k_common_help);
  Common c = start(args, spec, "app rollback", usage_text,
                   {.min = 1, .max = 2, .what = "NAME and at most one ID are required"});
  if (c.exit) return *c.exit;
  const Flags& flags = c.flags;
  int64_t id = -1;
  if (flags.positional.size() == 2) {
    auto parsed = parse_integer_flag("ID", flags.positional[1], {.min = 0});
    if (!parsed) return fatal(parsed.error());
    id = *parsed;
  }
  AppName name = parse_app_name(flags.positional[0], app_namespace(flags));
  std::string user = local_username();
  bool turned_off = false;
  auto started = set_operation(*c.client, name, [&](Node& app) -> Result<Node> {
    Node entry = TRY(rollback_target(app, id));
    turned_off = automated_sync_enabled(app);
    if (turned_off) {
      Node& policy = app["spec"]["syncPolicy"];
      policy.erase("automated");
      if (policy.empty()) app["spec"].erase("syncPolicy");
    }
    return rollback_operation(app, entry, flags.has("--prune"), false, user);
  });
  if (!started) return fatal(started.error());
  if (turned_off) {
    std::fprintf(stderr,
                 "automated sync of application '%s' turned off for the rollback "
                 "(spec.syncPolicy.automated removed); turn it on again with: plumb app set %s "
                 "--sync-policy automated\n",
                 name.qualified().c_str(), name.qualified().c_str());
  }
  auto waited = wait_on_application(
      *c.client, *started,
      {.wait = {.operation = true}, .output = c.output, .timeout_seconds = c.timeout});
  return waited ? 0 : fatal(waited.error());
}

int wait_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--sync", "--health", "--operation", "--suspended", "--degraded"},
                .values = {"--selector"},
                .aliases = {{"-l", "--selector"}},
                .repeated = {"--resource"}};
  std::string usage_text = std::string(k_wait_usage) + std::string(k_common_help);
  Common c = start(args, spec, "app wait", usage_text, {});
  if (c.exit) return *c.exit;
  const Flags& flags = c.flags;
  if (flags.positional.empty() && !flags.has_value("--selector")) {
    return flux::usage("app wait", "NAME or -l is required", usage_text);
  }
  WaitOptions options{.wait = {.sync = flags.has("--sync"),
                               .health = flags.has("--health"),
                               .operation = flags.has("--operation"),
                               .suspended = flags.has("--suspended"),
                               .degraded = flags.has("--degraded")},
                      .output = c.output,
                      .timeout_seconds = c.timeout};
  if (!options.wait.any()) options.wait = {.sync = true, .health = true, .operation = true};
  auto filters = parse_resource_filters(flags.all("--resource"));
  if (!filters) return fatal(filters.error());
  options.filters = std::move(*filters);
  auto names = app_names(*c.client, flags);
  if (!names) return fatal(names.error());
  for (const AppName& name : *names) {
    auto app = get_application(*c.client, name);
    if (!app) return fatal(app.error());
    auto waited = wait_on_application(*c.client, *app, options);
    if (!waited) return fatal(waited.error());
  }
  return 0;
}

}  // namespace plumb::cli::app
