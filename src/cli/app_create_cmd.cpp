// plumb app create | set | unset: write an Application's spec from argocd's flags, doing what
// Argo CD's API server does with it (normalize, validate, create or update).
#include <cstdio>
#include <iostream>
#include <iterator>

#include "argo/crds.hpp"
#include "cli/app_cmd.hpp"
#include "cli/app_common.hpp"
#include "cli/app_spec.hpp"
#include "cli/flux_common.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_resources_finalizer = "resources-finalizer.argocd.argoproj.io";

constexpr std::string_view k_spec_help =
    "  --repo URL              the source repository\n"
    "  --path PATH             the directory in the repository\n"
    "  --revision REV          the branch, tag, commit or chart version to track\n"
    "  --helm-chart NAME       a Helm chart of a Helm repository\n"
    "  --dest-server URL       the cluster (https://kubernetes.default.svc: this one)\n"
    "  --dest-name NAME        the cluster, by name (in-cluster)\n"
    "  --dest-namespace NS     the namespace of the resources\n"
    "  --project NAME          the project (default)\n"
    "  --sync-policy POLICY    automated (auto, automatic) or none (manual)\n"
    "  --auto-prune, --self-heal, --allow-empty   automated sync's options\n"
    "  --sync-option OPT       add a sync option, '!OPT' removes it (repeatable)\n"
    "  --directory-recurse     read the directory's subdirectories too\n"
    "  --directory-include GLOB, --directory-exclude GLOB\n"
    "  --helm-set K=V, --helm-set-string K=V, -p, --parameter K=V   Helm parameters (repeatable)\n"
    "  --values FILE           a Helm values file of the source (repeatable)\n"
    "  --release-name NAME     the Helm release name\n"
    "  --nameprefix P, --namesuffix S   Kustomize name prefix and suffix\n"
    "  --kustomize-image IMG   a Kustomize image override (repeatable)\n"
    "  --revision-history-limit N   how many syncs status.history keeps (default 10)\n"
    "  -N, --app-namespace NS  the application's namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

constexpr std::string_view k_create_usage =
    "Usage: plumb app create NAME [flags]\n"
    "       plumb app create [NAME] -f FILE [flags]\n\n"
    "Creates an Application as `argocd app create` does (installing the Application and\n"
    "AppProject CRDs when the cluster lacks them). An existing application with the same spec\n"
    "is left unchanged; one that differs is refused unless --upsert.\n\n"
    "Flags:\n"
    "  -f, --file FILE         read the application(s) from a YAML file ('-': stdin); the\n"
    "                          flags below then override their spec\n"
    "  --upsert                replace the spec of an existing application that differs\n"
    "  -l, --label K=V         a label (repeatable)\n"
    "  --annotations K=V       an annotation (repeatable)\n"
    "  --set-finalizer         set resources-finalizer.argocd.argoproj.io (cascading delete)\n"
    "  --timeout SECONDS       how long to wait for the Argo CD CRDs to be established\n"
    "                          when it installs them (default 60)\n";

constexpr std::string_view k_set_usage =
    "Usage: plumb app set NAME [flags]\n\n"
    "Changes the application's spec as `argocd app set` does: each flag given replaces its\n"
    "field.\n\n"
    "Flags:\n";

constexpr std::string_view k_unset_usage =
    "Usage: plumb app unset NAME [flags]\n\n"
    "Removes parameters and overrides from the application's source, as `argocd app unset`.\n\n"
    "Flags:\n"
    "  -p, --parameter NAME    a Helm parameter (repeatable)\n"
    "  --values FILE           a Helm values file (repeatable)\n"
    "  --values-literal        the literal Helm values\n"
    "  --ignore-missing-value-files, --pass-credentials   Helm options, back to false\n"
    "  --nameprefix, --namesuffix, --kustomize-version, --kustomize-namespace\n"
    "  --kustomize-image NAME  a Kustomize image override (repeatable)\n"
    "  --ref                   the source's ref\n"
    "  -N, --app-namespace NS  the application's namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

// The applications of -f FILE, or the one NAME names; the spec flags applied to each
// (argocd leaves multi-source ones alone), labels and annotations added.
Result<std::vector<Node>> apps_to_create(const Flags& flags,
                                         std::span<const std::string_view> args) {
  std::vector<Node> apps;
  std::string given = flags.positional.empty() ? "" : flags.positional[0];
  if (flags.has_value("--file")) {
    std::string path = flags.value("--file");
    std::string text = TRY(read_input(path));
    for (Node& doc : TRY(parse_yaml_stream(text, path))) {
      if (doc.is_null()) continue;
      std::string name(doc.string_at({"metadata", "name"}));
      if (!given.empty() && given != name) {
        return fail("app name '", given, "' does not match app spec metadata.name '", name, "'");
      }
      if (name.empty()) {
        return fail("app.Name is empty. --name argument can be used to provide app.Name");
      }
      TRY_VOID(set_labels_and_annotations(flags, doc));
      if (!has_multiple_sources(doc)) TRY(apply_spec_flags(flags, args, doc));
      apps.push_back(std::move(doc));
    }
    return apps;
  }
  AppName name = parse_app_name(given, "");
  Node app = Node::map();
  app.set("apiVersion", Node::string(argo::k_applications.api_version()));
  app.set("kind", Node::string(argo::k_applications.kind));
  app["metadata"].set("name", Node::string(name.name));
  if (!name.ns.empty()) app["metadata"].set("namespace", Node::string(name.ns));
  app.set("spec", Node::map());
  TRY(apply_spec_flags(flags, args, app));
  TRY_VOID(set_labels_and_annotations(flags, app));
  apps.push_back(std::move(app));
  return apps;
}

void add_finalizer(Node& app, std::string_view finalizer) {
  Node& list = app["metadata"]["finalizers"];
  if (list.is_null()) list = Node::list();
  list.push_back(Node::string(finalizer));
}

// Argo's updateApp(merge): the new spec and finalizers, labels and annotations merged in.
Node upserted(Node existing, const Node& want) {
  existing.set("spec", *want.find("spec"));
  for (std::string_view key : {"labels", "annotations"}) {
    const Node* add = want.at_path({"metadata", key});
    if (!add || !add->is_map()) continue;
    for (const MapEntry& e : add->entries())
      existing["metadata"][key].set(e.key.as_string(), e.value);
  }
  const Node* finalizers = want.at_path({"metadata", "finalizers"});
  if (finalizers) {
    existing["metadata"].set("finalizers", *finalizers);
  } else {
    existing["metadata"].erase("finalizers");
  }
  return existing;
}

enum class Action { created, unchanged, updated };

Result<Action> create_or_update(kube::Client& client, const Node& app, bool upsert) {
  AppName name{std::string(app.string_at({"metadata", "namespace"})),
               std::string(app.string_at({"metadata", "name"})), ""};
  name.text = name.name;
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto existing = TRY(client.get(argo::k_applications, name.ns, name.name));
    if (!existing) {
      auto created =
          client.request({.method = "POST",
                          .target = kube::resource_path(argo::k_applications, name.ns, ""),
                          .body = to_json(app),
                          .content_type = "application/json"},
                         "application '" + name.name + "'");
      if (created) return Action::created;
      if (created.error().code() != 409) return std::unexpected(created.error());
      continue;  // created meanwhile: compare with it
    }
    if (same_app(*existing, app)) return Action::unchanged;
    if (!upsert) {
      return fail("existing application spec is different, use upsert flag to force update");
    }
    auto updated = update_application(client, upserted(*existing, app));
    if (updated) return Action::updated;
    if (updated.error().code() != 409) return std::unexpected(updated.error());
  }
  return fail("application '", name.name, "': too many conflicts");
}

// Reads the app, lets edit change it, writes it back (again on a conflict).
Result<void> update_with(kube::Client& client, const AppName& name,
                         const std::function<Result<bool>(Node&)>& edit) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    Node app = TRY(get_application(client, name));
    if (!TRY(edit(app))) return {};
    auto updated = update_application(client, app);
    if (updated) return {};
    if (updated.error().code() != 409) return std::unexpected(updated.error());
  }
  return fail("application '", name.text, "': too many conflicts");
}

}  // namespace

int create_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--upsert", "--set-finalizer", "--validate"},
                .values = {"--file", "--timeout"},
                .aliases = {{"-f", "--file"}, {"-l", "--label"}},
                .repeated = {"--label", "--annotations"}};
  add_spec_flags(spec);
  std::string usage_text = std::string(k_create_usage) + std::string(k_spec_help);
  Invocation call = invoke(args, spec, "app create", usage_text,
                           {.max = 1, .what = "NAME or -f FILE is required, and only one NAME"});
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  if (flags.positional.empty() && !flags.has_value("--file")) {
    return flux::usage("app create", "NAME or -f FILE is required", usage_text);
  }
  auto timeout = flags.integer("--timeout", {.min = 1}, 60);
  if (!timeout) return flux::usage("app create", timeout.error().message(), usage_text);
  auto apps = apps_to_create(flags, args);
  if (!apps) return fatal(apps.error(), k_exit_fatal);
  kube::Client& c = *call.client;
  auto crds = ensure_argo_crds(c, deadline_after(*timeout));
  if (!crds) return fatal(crds.error());
  for (Node& app : *apps) {
    if (flags.has_value("--app-namespace")) {
      app["metadata"].set("namespace", Node::string(app_namespace(flags)));
    }
    if (app.string_at({"metadata", "namespace"}).empty()) {
      app["metadata"].set("namespace", Node::string(k_default_app_namespace));
    }
    if (flags.has("--set-finalizer")) add_finalizer(app, k_resources_finalizer);
    app.erase("operation");  // only a sync starts an operation, as Argo's API server has it
    normalize_spec(app);
    if (auto valid = validate_app(app); !valid) return fatal(valid.error());
    auto action = create_or_update(c, app, flags.has("--upsert"));
    if (!action) return fatal(action.error());
    constexpr std::string_view k_words[] = {"created", "unchanged", "updated"};
    print("application '" + std::string(app.string_at({"metadata", "name"})) + "' " +
          std::string(k_words[int(*action)]) + "\n");
  }
  return 0;
}

int set_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--validate"}};
  add_spec_flags(spec);
  std::string usage_text = std::string(k_set_usage) + std::string(k_spec_help);
  Invocation call = invoke(args, spec, "app set", usage_text, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  AppName name = parse_app_name(flags.positional[0], app_namespace(flags));
  bool nothing = false;
  Error fatal_error;
  auto done = update_with(*call.client, name, [&](Node& app) -> Result<bool> {
    auto count = apply_spec_flags(flags, args, app);
    if (!count) {
      fatal_error = count.error();
      return false;
    }
    if (*count == 0) {
      nothing = true;
      return false;
    }
    normalize_spec(app);
    TRY_VOID(validate_app(app));
    return true;
  });
  if (!done) return fatal(done.error());
  if (!fatal_error.message().empty()) return fatal(fatal_error, k_exit_fatal);
  if (nothing)
    return flux::usage("app set", "Please set at least one option to update", usage_text);
  return 0;
}

int unset_command(std::span<const std::string_view> args) {
  FlagSpec spec;
  add_unset_flags(spec);
  Invocation call = invoke(args, spec, "app unset", k_unset_usage, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  AppName name = parse_app_name(flags.positional[0], app_namespace(flags));
  bool nothing = false;
  auto done = update_with(*call.client, name, [&](Node& app) -> Result<bool> {
    Unset unset = apply_unset_flags(flags, app);
    nothing = unset.nothing_to_unset;
    if (!unset.updated) return false;
    normalize_spec(app);
    return true;
  });
  if (!done) return fatal(done.error());
  if (nothing) return flux::usage("app unset", "nothing to unset", k_unset_usage);
  return 0;
}

}  // namespace plumb::cli::app
