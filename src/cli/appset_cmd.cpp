// plumb appset VERB ...: Argo CD ApplicationSets as the argocd CLI shows them — `generate`
// offline (the Applications a set would make, argo/appset.hpp), `list` and `get` straight
// through the Kubernetes API (no Argo CD API server).
#include <cstdio>

#include "argo/appset.hpp"
#include "argo/crds.hpp"
#include "cli/app_common.hpp"
#include "cli/appset_table.hpp"
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "controller/reconcile.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};

constexpr std::string_view k_connection_help =
    "  -N, --appset-namespace NS  the ApplicationSets' namespace (list: every namespace unless\n"
    "                             given; get: argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

// A verb's flags: spec plus -N/--appset-namespace (argocd's name), and app's --kubeconfig,
// --context, -h/--help.
Invocation parse(std::span<const std::string_view> args, FlagSpec spec, std::string_view command,
                 std::string_view usage_text, const Positionals& positionals) {
  spec.values.insert("--appset-namespace");
  spec.aliases["-N"] = "--appset-namespace";
  return parse_invocation(args, std::move(spec), command, usage_text, positionals);
}

Result<std::vector<Node>> documents(const std::string& path) {
  std::string text = TRY(read_input(path));
  std::vector<Node> out;
  for (Node& doc : TRY(parse_yaml_stream(text, path)))
    if (!doc.is_null()) out.push_back(std::move(doc));
  return out;
}

// --- generate ------------------------------------------------------------------------------

constexpr std::string_view k_generate_usage =
    "Usage: plumb appset generate FILE [flags]\n\n"
    "Prints the Applications the ApplicationSet in FILE ('-': stdin) would make, as\n"
    "`argocd appset generate` does, without a cluster: git repositories are fetched into the\n"
    "cache, the clusters generator sees the in-cluster cluster only — and the cluster Secrets\n"
    "of --cluster-secrets, or of the cluster when --kubeconfig is given. Errors exit 20.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT        yaml (default), json, or wide (argocd's `app list` table)\n"
    "  --cache-dir DIR            git caches (default ~/.cache/plumb/git)\n"
    "  --cluster-secrets FILE     cluster Secrets (argocd.argoproj.io/secret-type: cluster)\n"
    "  --argocd-namespace NS      where --kubeconfig's cluster Secrets are (default argocd)\n"
    "  -N, --appset-namespace NS  the ApplicationSet's namespace when FILE has none\n"
    "                             (default argocd)\n"
    "  --kubeconfig FILE, --context NAME   read the cluster Secrets from this cluster\n";

Result<std::vector<Node>> cluster_secrets(const Flags& flags) {
  if (flags.has_value("--cluster-secrets")) return documents(flags.value("--cluster-secrets"));
  if (!flags.has_value("--kubeconfig")) return std::vector<Node>{};
  auto client = TRY(connect_client(flags));
  std::string selector =
      std::string(argo::k_secret_type_label) + "=" + std::string(argo::k_secret_type_cluster);
  Node list = TRY(client->list(k_secrets, flags.value("--argocd-namespace", "argocd"), selector));
  std::vector<Node> out;
  if (const Node* items = list.find("items"))
    out.assign(items->items().begin(), items->items().end());
  return out;
}

int generate_verb(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--output", "--cache-dir", "--cluster-secrets", "--argocd-namespace"},
                .aliases = {{"-o", "--output"}}};
  std::string usage_text = std::string(k_generate_usage);
  Invocation call = parse(args, spec, "appset generate", usage_text,
                          {.min = 1, .max = 1, .what = "one FILE is required"});
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  std::string output = flags.value("--output", "yaml");
  if (output != "yaml" && output != "json" && output != "wide")
    return fatal("unknown output format: " + output, k_exit_api);

  auto docs = documents(flags.positional[0]);
  if (!docs) return fatal(docs.error(), k_exit_fatal);
  if (docs->size() != 1) return fatal("Input file must contain one ApplicationSet", k_exit_fatal);
  Node object = std::move(docs->front());
  if (object.string_at({"metadata", "name"}).empty()) {
    return fatal(
        "Error generating apps for ApplicationSet. ApplicationSet does not have Name field set",
        k_exit_fatal);
  }
  if (object.string_at({"metadata", "namespace"}).empty()) {
    std::string ns = flags.value("--appset-namespace", k_default_app_namespace);
    if (flags.has_value("--appset-namespace")) {
      std::fprintf(stderr,
                   "ApplicationSet YAML file does not have namespace; using "
                   "--appset-namespace=\"%s\".\n",
                   ns.c_str());
    }
    object["metadata"].set("namespace", Node::string(ns));
  }
  auto appset = argo::parse_application_set(object);
  if (!appset) return fatal(appset.error(), k_exit_api);
  auto secrets = cluster_secrets(flags);
  if (!secrets) return fatal(secrets.error(), k_exit_api);

  controller::SourceCache sources(flags.value("--cache-dir", default_cache_dir()));
  argo::GenerateInput input;
  input.cluster_secrets = *secrets;
  input.repos = [&](const std::string& url, const std::string& revision, const argo::RepoUse& use) {
    return sources.with(url, [&](source::GitSource& source) {
      return argo::with_git_revision(source, revision, use);
    });
  };
  auto generated = argo::generate_applications(*appset, input);
  if (!generated) {
    return fatal(
        "unable to generate Applications of ApplicationSet: " + generated.error().error.message(),
        k_exit_api);
  }
  if (output == "wide") {
    print(list_table(generated->applications, ListColumns::wide));
  } else {
    print_object(generated_output(generated->applications),
                 output == "json" ? Output::json : Output::yaml);
  }
  return 0;
}

// --- list ----------------------------------------------------------------------------------

constexpr std::string_view k_list_usage =
    "Usage: plumb appset list [flags]\n\n"
    "Lists ApplicationSets as `argocd appset list` does: NAME (NAMESPACE/NAME) PROJECT\n"
    "SYNCPOLICY HEALTH CONDITIONS REPO PATH TARGET, sorted by name. Without -N, the\n"
    "ApplicationSets of every namespace.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT        wide (default), name, yaml or json\n"
    "  -l, --selector SEL         only ApplicationSets whose labels match\n"
    "  -p, --project NAME         only ApplicationSets of this project (repeatable)\n";

int list_verb(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--output", "--selector"},
                .aliases = {{"-o", "--output"}, {"-l", "--selector"}, {"-p", "--project"}},
                .repeated = {"--project"}};
  std::string usage_text = std::string(k_list_usage) + std::string(k_connection_help);
  Invocation call =
      parse(args, spec, "appset list", usage_text, {.max = 0, .what = "appset list takes no NAME"});
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  std::string output = flags.value("--output", "wide");
  if (output != "wide" && output != "" && output != "name" && output != "yaml" && output != "json")
    return fatal("unknown output format: " + output, k_exit_api);
  auto client = connect_client(flags);
  if (!client) return fatal(client.error());
  auto list = (*client)->list(argo::k_application_sets, flags.value("--appset-namespace"),
                              flags.value("--selector"));
  if (!list && list.error().code() != 404) return fatal(list.error());
  std::vector<Node> appsets;
  if (list) {
    if (const Node* items = list->find("items"))
      appsets.assign(items->items().begin(), items->items().end());
  }
  appsets = appsets_for_list(std::move(appsets), flags.all("--project"));
  if (output == "yaml" || output == "json") {
    Node all = Node::list();
    for (const Node& a : appsets)
      all.push_back(a);
    print_object(all, output == "yaml" ? Output::yaml : Output::json);
  } else if (output == "name") {
    std::string out;
    for (const Node& a : appsets)
      out += qualified_name(a) + "\n";
    print(out);
  } else {
    print(appset_list_table(appsets, output == "wide" ? ListColumns::wide : ListColumns::narrow));
  }
  return 0;
}

// --- get -----------------------------------------------------------------------------------

constexpr std::string_view k_get_usage =
    "Usage: plumb appset get NAME [flags]\n\n"
    "Shows an ApplicationSet as `argocd appset get` does: its summary (Name, Project, Server,\n"
    "Namespace, Health Status, Source, SyncPolicy) and its conditions. NAME may be\n"
    "NAMESPACE/NAME.\n\n"
    "Flags:\n"
    "  -o, --output FORMAT        wide (default), yaml or json\n";

int get_verb(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--output"}, .aliases = {{"-o", "--output"}}};
  std::string usage_text = std::string(k_get_usage) + std::string(k_connection_help);
  Invocation call = parse(args, spec, "appset get", usage_text, k_one_name);
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  auto output = parse_output(flags.value("--output", "wide"));
  if (!output) return fatal(output.error());
  AppName name = parse_app_name(flags.positional[0],
                                flags.value("--appset-namespace", k_default_app_namespace));
  auto client = connect_client(flags);
  if (!client) return fatal(client.error());
  auto appset = (*client)->get(argo::k_application_sets, name.ns, name.name);
  if (!appset) return fatal(appset.error());
  if (!*appset) {
    return fatal("applicationsets.argoproj.io \"" + name.name + "\" not found", k_exit_api);
  }
  if (*output != Output::wide) {
    print_object(**appset, *output);
    return 0;
  }
  print(appset_summary(**appset) + appset_conditions_table(**appset));
  return 0;
}

struct Verb {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string_view>);
};

constexpr Verb k_verbs[] = {
    {"generate", "print the Applications an ApplicationSet file would make (offline)",
     generate_verb},
    {"list", "list ApplicationSets", list_verb},
    {"get", "show an ApplicationSet's details and conditions", get_verb},
};

int appset_help(FILE* out) {
  std::fprintf(out,
               "Usage: plumb appset VERB [ARGS...]\n\n"
               "Argo CD ApplicationSets, as `argocd appset` shows them: `generate` offline,\n"
               "`list` and `get` through the Kubernetes API (no Argo CD API server).\n\nVerbs:\n");
  for (const Verb& v : k_verbs) {
    std::fprintf(out, "  %-9.*s %.*s\n", int(v.name.size()), v.name.data(), int(v.summary.size()),
                 v.summary.data());
  }
  std::fprintf(out, "\nRun 'plumb appset VERB --help' for a verb's flags.\n");
  return out == stdout ? 0 : 2;
}

}  // namespace
}  // namespace plumb::cli::app

namespace plumb::cli {

int appset_command(std::span<const std::string_view> args) {
  using app::appset_help;
  if (args.empty()) return appset_help(stderr);
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") return appset_help(stdout);
  for (const auto& v : app::k_verbs) {
    if (v.name == args[0]) return v.run(args.subspan(1));
  }
  std::fprintf(stderr, "plumb appset: unknown verb '%.*s'\n\n", int(args[0].size()),
               args[0].data());
  return appset_help(stderr);
}

}  // namespace plumb::cli
