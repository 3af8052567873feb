// plumb app VERB ...: Argo CD Applications as the argocd CLI shows and drives them, straight
// through the Kubernetes API. This file: the verb table, `app list`, `app get`, `app history`.
#include "cli/app_cmd.hpp"

#include <cstdio>

#include "argo/crds.hpp"
#include "cli/app_common.hpp"
#include "cli/app_table.hpp"
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"

namespace plumb::cli::app {
namespace {

struct Verb {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string_view>);
};

constexpr Verb k_verbs[] = {
    {"list", "list applications", list_command},
    {"get", "show an application's details and resources", get_command},
    {"sync", "sync an application to its target state and wait for the result", sync_command},
    {"wait", "wait for an application to be synced, healthy, done with its operation",
     wait_command},
    {"diff", "show what a sync would change (live against Git)", diff_command},
    {"history", "show an application's deployment history", history_command},
    {"rollback", "sync an application back to a revision of its history", rollback_command},
    {"create", "create an application", create_command},
    {"set", "change an application's spec", set_command},
    {"unset", "remove parameters and overrides from an application's source", unset_command},
    {"delete", "delete an application (and, cascading, its resources)", delete_command},
    {"actions", "list and run resource actions (Argo's Lua scripts) on its resources",
     actions_command},
};

int app_help(FILE* out) {
  std::fprintf(out,
               "Usage: plumb app VERB [ARGS...]\n\n"
               "Argo CD Applications, as `argocd app` shows and drives them, through the\n"
               "Kubernetes API (no Argo CD API server). Applications are in namespace argocd\n"
               "unless -N NAMESPACE or NAMESPACE/NAME says otherwise.\n\nVerbs:\n");
  for (const Verb& v : k_verbs) {
    std::fprintf(out, "  %-9.*s %.*s\n", int(v.name.size()), v.name.data(), int(v.summary.size()),
                 v.summary.data());
  }
  std::fprintf(out, "\nRun 'plumb app VERB --help' for a verb's flags.\n");
  return out == stdout ? 0 : 2;
}

constexpr std::string_view k_connection_help =
    "  -N, --app-namespace NS  the applications' namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

// --- list ----------------------------------------------------------------------------------

constexpr std::string_view k_list_usage =
    "Usage: plumb app list [flags]\n\n"
    "Lists Applications as `argocd app list` does: NAME (NAMESPACE/NAME) CLUSTER NAMESPACE\n"
    "PROJECT STATUS HEALTH SYNCPOLICY CONDITIONS REPO PATH TARGET, sorted by name. Without -N,\n"
    "the applications of every namespace.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT     wide (default), name, yaml or json\n"
    "  -l, --selector SEL      only applications whose labels match\n"
    "  -p, --project NAME      only applications of this project (repeatable)\n"
    "  -r, --repo URL          only applications of this repository\n"
    "  -c, --cluster SERVER    only applications deployed to this cluster (server or name)\n"
    "  -P, --path PATH         only applications of this path\n";

}  // namespace

int list_command(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--output", "--selector", "--repo", "--cluster", "--path"},
                .aliases = {{"-o", "--output"},
                            {"-l", "--selector"},
                            {"-p", "--project"},
                            {"-r", "--repo"},
                            {"-c", "--cluster"},
                            {"-P", "--path"}},
                .repeated = {"--project"}};
  std::string usage_text = std::string(k_list_usage) + std::string(k_connection_help);
  Invocation call =
      invoke(args, spec, "app list", usage_text, {.max = 0, .what = "app list takes no NAME"});
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  std::string output = flags.value("--output", "wide");
  if (output != "wide" && output != "" && output != "name" && output != "yaml" &&
      output != "json") {
    return fatal("unknown output format: " + output, k_exit_api);
  }
  std::string ns = flags.has_value("--app-namespace") ? app_namespace(flags) : "";
  auto list = call.client->list(argo::k_applications, ns, flags.value("--selector"));
  std::vector<Node> apps;
  if (!list && list.error().code() != 404) return fatal(list.error());
  if (list) {
    if (const Node* items = list->find("items"))
      apps.assign(items->items().begin(), items->items().end());
  }
  apps = apps_for_list(std::move(apps), {.projects = flags.all("--project"),
                                         .repo = flags.value("--repo"),
                                         .cluster = flags.value("--cluster"),
                                         .path = flags.value("--path")});
  if (output == "yaml" || output == "json") {
    Node all = Node::list();
    for (const Node& a : apps)
      all.push_back(a);
    print_object(all, output == "yaml" ? Output::yaml : Output::json);
  } else if (output == "name") {
    std::string out;
    for (const Node& a : apps)
      out += qualified_name(a) + "\n";
    print(out);
  } else {
    print(list_table(apps, output == "wide" ? ListColumns::wide : ListColumns::narrow));
  }
  return 0;
}

namespace {

// --- get -----------------------------------------------------------------------------------

constexpr std::string_view k_get_usage =
    "Usage: plumb app get NAME [flags]\n\n"
    "Shows an Application as `argocd app get` does: its summary (Name, Project, Server,\n"
    "Namespace, Source, SyncWindow, Sync Policy, Sync Status, Health Status), its conditions,\n"
    "then GROUP KIND NAMESPACE NAME STATUS HEALTH HOOK MESSAGE of its resources.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT     wide (default), name, yaml or json\n"
    "  --refresh               ask the controller to refresh the app first, and wait for it\n"
    "  --hard-refresh          the same, also re-reading the manifests\n"
    "  --timeout SECONDS       give up waiting for the refresh after this long (default 0: never)\n"
    "  --show-operation        also show the last operation\n"
    "  --show-params           also show the Helm parameters\n";

// The project's sync windows as far as Plumb knows them: none, or not evaluated.
SyncWindows windows_of(kube::Client& client, const Node& app) {
  SyncWindows windows;
  std::string_view project = app.string_at({"spec", "project"});
  auto proj = client.get(argo::k_app_projects, k_default_app_namespace,
                         project.empty() ? "default" : project);
  if (!proj || !*proj) return windows;
  const Node* list = (*proj)->at_path({"spec", "syncWindows"});
  if (!list || !list->is_list() || list->empty()) return windows;
  for (const Node& w : list->items()) {
    if (!windows.assigned.empty()) windows.assigned += ",";
    windows.assigned += std::string(w.string_at({"kind"})) + ":" +
                        std::string(w.string_at({"schedule"})) + ":" +
                        std::string(w.string_at({"duration"}));
  }
  windows.status = "Unknown (plumb does not evaluate sync windows yet)";
  return windows;
}

std::string helm_params(const Node& app) {
  const Node* helm = app.at_path({"spec", "source", "helm"});
  if (!helm) return "";
  std::string text = "NAME\tVALUE\n";
  if (const Node* params = helm->find("parameters")) {
    for (const Node& p : params->items()) {
      std::string value(p.string_at({"value"}));
      // truncateString(value, 80): 77 code points and "...".
      size_t count = 0, cut = value.size();
      for (size_t i = 0; i < value.size(); ++i) {
        if ((static_cast<unsigned char>(value[i]) & 0xC0) == 0x80) continue;
        if (count++ == 77) cut = i;
      }
      if (count > 80) value = value.substr(0, cut) + "...";
      text += std::string(p.string_at({"name"})) + "\t" + value + "\n";
    }
  }
  return "\n\n" + tabwrite(text);
}

}  // namespace

int get_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--refresh", "--hard-refresh", "--show-operation", "--show-params"},
                .values = {"--output", "--timeout"},
                .aliases = {{"-o", "--output"}}};
  std::string usage_text = std::string(k_get_usage) + std::string(k_connection_help);
  Invocation call = invoke(args, spec, "app get", usage_text, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  auto timeout = flags.integer("--timeout", {.min = 0}, 0);
  if (!timeout) return flux::usage("app get", timeout.error().message(), usage_text);
  bool name_only = flags.value("--output") == "name";  // as app list -o name
  auto output = parse_output(name_only ? "wide" : flags.value("--output", "wide"));
  if (!output) return fatal(output.error());
  AppName name = parse_app_name(flags.positional[0], app_namespace(flags));
  kube::Client& c = *call.client;

  std::optional<Node> app;
  if (flags.has("--refresh") || flags.has("--hard-refresh")) {
    auto refreshed =
        refresh_application(c, name, flags.has("--hard-refresh") ? Refresh::hard : Refresh::normal,
                            deadline_after(*timeout));
    if (!refreshed) return fatal(refreshed.error());
    app = *refreshed;  // nullopt when --timeout passed: read it as it is, as argocd does
  }
  if (!app) {
    auto current = get_application(c, name);
    if (!current) return fatal(current.error());
    app = std::move(*current);
  }
  if (name_only) {
    print(qualified_name(*app) + "\n");
    return 0;
  }
  if (*output != Output::wide) {
    print_object(*app, *output);
    return 0;
  }
  std::string out = app_summary(*app, windows_of(c, *app));
  const Node* conditions = app->at_path({"status", "conditions"});
  if (conditions && !conditions->empty()) out += "\n" + conditions_table(*app) + "\n";
  const Node* state = app->at_path({"status", "operationState"});
  if (flags.has("--show-operation") && state && state->is_map()) {
    out += "\n" + operation_summary(*state, std::chrono::system_clock::now());
  }
  if (flags.has("--show-params")) out += helm_params(*app);
  const Node* resources = app->at_path({"status", "resources"});
  if (resources && !resources->empty()) out += "\n" + resources_table(*app);
  print(out);
  return 0;
}

namespace {

// --- history -------------------------------------------------------------------------------

constexpr std::string_view k_history_usage =
    "Usage: plumb app history NAME [flags]\n\n"
    "Shows status.history as `argocd app history` does: per source repository, ID DATE\n"
    "REVISION.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT     wide (default) or id\n";

}  // namespace

int history_command(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--output"}, .aliases = {{"-o", "--output"}}};
  std::string usage_text = std::string(k_history_usage) + std::string(k_connection_help);
  Invocation call = invoke(args, spec, "app history", usage_text, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  auto app =
      get_application(*call.client, parse_app_name(flags.positional[0], app_namespace(flags)));
  if (!app) return fatal(app.error());
  print(flags.value("--output") == "id" ? history_ids(*app) : history_table(*app));
  return 0;
}

}  // namespace plumb::cli::app

namespace plumb::cli {

using app::k_verbs;

int app_command(std::span<const std::string_view> args) {
  if (args.empty()) return app::app_help(stderr);
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return app::app_help(stdout);
  for (const app::Verb& v : k_verbs) {
    if (v.name == args[0]) return v.run(args.subspan(1));
  }
  std::fprintf(stderr, "plumb app: unknown verb '%.*s'\n\n", int(args[0].size()), args[0].data());
  return app::app_help(stderr);
}

}  // namespace plumb::cli
