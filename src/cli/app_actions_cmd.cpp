// plumb app actions list|run: Argo CD's resource actions as `argocd app actions` lists and runs
// them, with the API server's side done here (argo-cd server/application ListResourceActions,
// RunResourceActionV2) straight through the Kubernetes API.
//
// The resources are the application's (status.resources, hooks aside) and the application
// itself, filtered as argocd's FilterResources filters them (--group only when given; a resource
// with no live object left out; "no matching resource found"; more than one for `run` needs
// --all). Scripts come from the argocd-cm ConfigMap in the application's namespace and
// --customizations DIR (argo/customizations.hpp). `run` runs the action on each object's live
// state, then for every resource the action returns: it must be one the application's project
// permits ("application is not permitted to manage ..."), resources to create are created with a
// dry run first (all of them, before anything changes), then patches go out as JSON merge patches
// from the live object (status through the status subresource when the kind has one, as Argo
// does) and creations are made. --param NAME=VALUE gives the action's parameters (argocd's CLI has
// none yet; its API takes them). Errors as argocd's: "FATA[...]" and exit 20 for what its API
// server would refuse, 1 for the CLI's own checks, 2 for usage.
#include <cstdio>
#include <memory>

#include "argo/actions.hpp"
#include "argo/application.hpp"
#include "argo/crds.hpp"
#include "argo/customizations.hpp"
#include "cli/app_cmd.hpp"
#include "cli/app_common.hpp"
#include "cli/app_table.hpp"
#include "cli/flux_common.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/object_ref.hpp"
#include "merge/merge.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_actions_usage =
    "Usage: plumb app actions list|run ...\n\n"
    "Argo CD resource actions (Lua scripts of argocd-cm or --customizations DIR), as\n"
    "`argocd app actions` lists and runs them.\n\n"
    "  plumb app actions list APP [--kind K] [--resource-name N] [--namespace NS] [--group G]\n"
    "  plumb app actions run APP ACTION --kind K [--resource-name N] [--namespace NS] [--group G]\n"
    "                        [--all] [--param NAME=VALUE ...]\n";

constexpr std::string_view k_filter_help =
    "  --kind KIND             only resources of this kind\n"
    "  --resource-name NAME    only resources of this name\n"
    "  --namespace NS          only resources in this namespace\n"
    "  --group GROUP           only resources of this group (\"\" the core group)\n"
    "  --customizations DIR    Lua scripts laid out as Argo CD's resource_customizations\n"
    "  -N, --app-namespace NS  the applications' namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

constexpr std::string_view k_list_usage =
    "Usage: plumb app actions list APP [flags]\n\n"
    "Lists the actions available on the application's resources: GROUP KIND NAME ACTION\n"
    "DISABLED.\n\n"
    "Flags:\n"
    "  -o, --out FORMAT        yaml or json instead of the table\n";

constexpr std::string_view k_run_usage =
    "Usage: plumb app actions run APP ACTION --kind KIND [flags]\n\n"
    "Runs an action on the application's resource(s) matching the filters (all but --kind are\n"
    "optional), and changes or creates what the action returns.\n\n"
    "Flags:\n"
    "  --all                   run on every matching resource, not only one\n"
    "  --param NAME=VALUE      a parameter of the action (repeatable)\n";

FlagSpec filter_flags() {
  return FlagSpec{
      .values = {"--kind", "--resource-name", "--namespace", "--group", "--customizations"}};
}

// An actionable resource: what the application lists, and its live object.
struct Actionable {
  ObjectRef ref;
  Node live;
};

// argocd's getActionableResourcesForApplication and FilterResources.
Result<std::vector<Actionable>> actionable(kube::Client& client, const Node& app,
                                           const Flags& flags, bool all) {
  std::vector<ObjectRef> refs;
  if (const Node* resources = app.at_path({"status", "resources"});
      resources && resources->is_list()) {
    for (const Node& r : resources->items()) {
      if (const Node* hook = r.find("hook"); hook && hook->as_bool()) continue;
      refs.push_back(
          ObjectRef{std::string(r.string_at({"group"})), std::string(r.string_at({"version"})),
                    std::string(r.string_at({"kind"})), std::string(r.string_at({"namespace"})),
                    std::string(r.string_at({"name"}))});
    }
  }
  ObjectRef self = ObjectRef::of(app);
  refs.push_back(self);
  std::vector<Actionable> out;
  for (const ObjectRef& ref : refs) {
    if (flags.has_value("--group") && flags.value("--group") != ref.group) continue;
    if (!flags.value("--namespace").empty() && flags.value("--namespace") != ref.namespace_)
      continue;
    if (!flags.value("--resource-name").empty() && flags.value("--resource-name") != ref.name)
      continue;
    if (!flags.value("--kind").empty() && flags.value("--kind") != ref.kind) continue;
    if (ref == self) {
      out.push_back({ref, app});
      continue;
    }
    // No live object (nor, for a custom resource, a served kind): left out, as argocd does.
    auto resource = client.resource_for(ref.api_version(), ref.kind);
    if (!resource && resource.error().code() == 404) continue;
    if (!resource) return std::unexpected(resource.error());
    std::optional<Node> live = TRY(client.get(*resource, ref.namespace_, ref.name));
    if (live) out.push_back({ref, std::move(*live)});
  }
  if (out.empty()) return fail("no matching resource found");
  if (out.size() > 1 && !all)
    return fail("multiple resources match inputs, use the --all flag to patch multiple resources");
  return out;
}

// argocd-cm in the application's namespace, then --customizations DIR.
Result<argo::Customizations> customizations_for(kube::Client& client, const Node& app,
                                                const Flags& flags) {
  kube::Resource config_maps{
      .version = "v1", .kind = "ConfigMap", .name = "configmaps", .namespaced = true};
  std::string ns(app.string_at({"metadata", "namespace"}));
  std::optional<Node> cm = TRY(client.get(config_maps, ns, "argocd-cm"));
  argo::Customizations out;
  if (cm) out = TRY(argo::Customizations::from_config_map(*cm));
  if (flags.has_value("--customizations"))
    TRY_VOID(out.read_directory(*make_disk_fs(), flags.value("--customizations")));
  return out;
}

struct Call {
  Invocation invocation;
  AppName name;
  Node app;
};

// The verb's invocation and its application; `exit` set when the verb is done.
std::optional<int> start(Call& call, std::span<const std::string_view> args, FlagSpec spec,
                         std::string_view command, std::string_view usage_text,
                         const Positionals& positionals) {
  call.invocation = invoke(args, std::move(spec), command, usage_text, positionals);
  if (call.invocation.exit) return call.invocation.exit;
  const Flags& flags = call.invocation.flags;
  call.name = parse_app_name(flags.positional[0], app_namespace(flags));
  auto app = get_application(*call.invocation.client, call.name);
  if (!app) return fatal(app.error());
  call.app = std::move(*app);
  return std::nullopt;
}

// --- list --------------------------------------------------------------------------------

int list_actions(std::span<const std::string_view> args) {
  FlagSpec spec = filter_flags();
  spec.values.insert("--out");
  spec.aliases["-o"] = "--out";
  std::string usage_text = std::string(k_list_usage) + std::string(k_filter_help);
  Call call;
  if (auto exit = start(call, args, spec, "app actions list", usage_text,
                        {.min = 1, .max = 1, .what = "one APP is required"}))
    return *exit;
  const Flags& flags = call.invocation.flags;
  kube::Client& client = *call.invocation.client;
  std::string out_format = flags.value("--out");
  if (!out_format.empty() && out_format != "yaml" && out_format != "json")
    return fatal("unknown output format: " + out_format, k_exit_fatal);
  auto objects = actionable(client, call.app, flags, true);
  if (!objects) return fatal(objects.error());
  auto customizations = customizations_for(client, call.app, flags);
  if (!customizations) return fatal(customizations.error());
  Node rows = Node::list();
  std::string table = "GROUP\tKIND\tNAME\tACTION\tDISABLED\n";
  for (const Actionable& o : *objects) {
    auto actions = argo::discover_actions(*customizations, o.live);
    if (!actions)
      return fatal(actions.error().context(
          "error getting available actions: error executing Lua discovery script"));
    for (const argo::ResourceAction& a : *actions) {
      Node row = Node::map();
      row.set("Group", Node::string(o.ref.group));
      row.set("Kind", Node::string(o.ref.kind));
      row.set("Name", Node::string(o.ref.name));
      row.set("Action", Node::string(a.name));
      row.set("Disabled", Node::boolean(a.disabled));
      rows.push_back(std::move(row));
      table += o.ref.group + "\t" + o.ref.kind + "\t" + o.ref.name + "\t" + a.name + "\t" +
               (a.disabled ? "true" : "false") + "\n";
    }
  }
  if (out_format.empty()) {
    print(tabwrite(table));
  } else {
    print_object(rows, out_format == "yaml" ? Output::yaml : Output::json);
  }
  return 0;
}

// --- run ---------------------------------------------------------------------------------

// The project the application names: in its namespace, then in argocd; `default` when absent.
Result<argo::AppProject> project_of(kube::Client& client, const argo::Application& app) {
  for (const std::string& ns : {app.namespace_, std::string(k_default_app_namespace)}) {
    if (std::optional<Node> live = TRY(client.get(argo::k_app_projects, ns, app.project)))
      return argo::parse_app_project(*live);
  }
  if (app.project == "default") return argo::default_project(app.namespace_);
  return fail("error getting app project: appproject.argoproj.io \"", app.project, "\" not found");
}

std::string object_path(const kube::Resource& resource, const ObjectRef& ref) {
  return kube::resource_path(resource, ref.namespace_, ref.name);
}

// argo-cd's patchResource: a merge patch from the live object; with a status change, through the
// status subresource first (404: the kind has none, one patch does it all), then the rest.
Result<void> patch_resource(kube::Client& client, const kube::Resource& resource, const Node& live,
                            const Node& changed) {
  ObjectRef ref = ObjectRef::of(changed);
  Node patch = create_merge_patch(live, changed);
  if (patch.empty()) return {};
  auto send = [&](const Node& body, std::string_view subresource) {
    return client.request({.method = "PATCH",
                           .target = object_path(resource, ref) + std::string(subresource),
                           .body = to_json(body),
                           .content_type = "application/merge-patch+json"},
                          ref.display());
  };
  if (patch.find("status")) {
    auto status = send(patch, "/status");
    if (status) {
      patch.erase("status");
      if (patch.empty()) return {};
    } else if (status.error().code() != 404) {
      return std::unexpected(status.error().context("error patching resource"));
    }
  }
  auto rest = send(patch, "");
  if (!rest) return std::unexpected(rest.error().context("error patching resource"));
  return {};
}

Result<void> create_resource(kube::Client& client, const kube::Resource& resource,
                             const Node& object, kube::DryRun dry_run) {
  ObjectRef ref = ObjectRef::of(object);
  std::string target = kube::resource_path(resource, ref.namespace_, "");
  if (dry_run == kube::DryRun::yes) target += "?dryRun=All";
  auto created = client.request({.method = "POST",
                                 .target = target,
                                 .body = to_json(object),
                                 .content_type = "application/json"},
                                ref.display());
  if (!created) return std::unexpected(created.error().context("error creating resource"));
  return {};
}

// RunResourceActionV2 for one object.
Result<void> run_on(kube::Client& client, const Node& app, const argo::Customizations& custom,
                    const Actionable& target, std::string_view action,
                    std::span<const argo::LuaParam> params) {
  auto ran = argo::run_action(custom, target.live, action, params);
  if (!ran) return std::unexpected(ran.error().context("error executing Lua resource action"));
  std::vector<argo::ImpactedResource> impacted = std::move(*ran);
  if (impacted.empty()) return {};
  argo::Application application = TRY(argo::parse_application(app));
  argo::AppProject project = TRY(project_of(client, application));
  std::vector<kube::Resource> resources;
  for (const argo::ImpactedResource& r : impacted) {
    ObjectRef ref = ObjectRef::of(r.object);
    kube::Resource resource = TRY(client.resource_for(ref.api_version(), ref.kind));
    if (argo::resource_refusal(project, application, r.object, resource.namespaced))
      return fail("application is not permitted to manage ", ref.group, "/", ref.kind, "/",
                  ref.name, " in ", ref.namespace_);
    if (r.operation == argo::ActionOperation::create)
      TRY_VOID(create_resource(client, resource, r.object, kube::DryRun::yes));
    resources.push_back(std::move(resource));
  }
  for (size_t i = 0; i < impacted.size(); ++i) {
    if (impacted[i].operation == argo::ActionOperation::patch) {
      TRY_VOID(patch_resource(client, resources[i], target.live, impacted[i].object));
    } else {
      TRY_VOID(create_resource(client, resources[i], impacted[i].object, kube::DryRun::no));
    }
  }
  return {};
}

int run_action(std::span<const std::string_view> args) {
  FlagSpec spec = filter_flags();
  spec.booleans.insert("--all");
  spec.values.insert("--param");
  spec.repeated.insert("--param");
  std::string usage_text = std::string(k_run_usage) + std::string(k_filter_help);
  Call call;
  if (auto exit = start(call, args, spec, "app actions run", usage_text,
                        {.min = 2, .max = 2, .what = "APP and ACTION are required"}))
    return *exit;
  const Flags& flags = call.invocation.flags;
  if (flags.value("--kind").empty())
    return flux::usage("app actions run", "--kind is required", usage_text);
  std::vector<argo::LuaParam> params;
  for (const std::string& p : flags.all("--param")) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return flux::usage("app actions run", "--param " + p + ": expected NAME=VALUE", usage_text);
    params.push_back({p.substr(0, eq), p.substr(eq + 1)});
  }
  kube::Client& client = *call.invocation.client;
  auto objects = actionable(client, call.app, flags, flags.has("--all"));
  if (!objects) return fatal(objects.error());
  for (const Actionable& o : *objects) {
    if (o.ref.group != objects->front().ref.group)
      return fatal(
          "Ambiguous resource group. Use flag --group to specify resource group explicitly.",
          k_exit_fatal);
  }
  auto customizations = customizations_for(client, call.app, flags);
  if (!customizations) return fatal(customizations.error());
  const std::string& action = flags.positional[1];
  for (const Actionable& o : *objects) {
    auto ran = run_on(client, call.app, *customizations, o, action, params);
    if (!ran) return fatal(ran.error());
  }
  return 0;
}

}  // namespace

int actions_command(std::span<const std::string_view> args) {
  if (!args.empty() && args[0] == "list") return list_actions(args.subspan(1));
  if (!args.empty() && args[0] == "run") return run_action(args.subspan(1));
  bool help = !args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help");
  std::fwrite(k_actions_usage.data(), 1, k_actions_usage.size(), help ? stdout : stderr);
  return help ? 0 : 2;
}

}  // namespace plumb::cli::app
