// plumb app delete: delete Applications as Argo CD's API server does — cascading (the default)
// sets the resources finalizer first, so that the controller deletes the app's resources
// before the app goes; --cascade=false removes it first, so that they stay.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <optional>

#include "argo/crds.hpp"
#include "cli/app_cmd.hpp"
#include "cli/app_common.hpp"
#include "cli/app_spec.hpp"
#include "cli/app_table.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_delete_usage =
    "Usage: plumb app delete NAME... | -l SELECTOR [flags]\n\n"
    "Deletes applications as `argocd app delete` does. Cascading (the default), the\n"
    "finalizer resources-finalizer.argocd.argoproj.io is set first, so the controller deletes\n"
    "the application's resources before the application; --cascade=false removes it, so they\n"
    "stay. On a terminal a cascading delete asks first, unless --yes.\n\n"
    "Flags:\n"
    "  --cascade=true|false    delete the application's resources too (default true)\n"
    "  -p, --propagation-policy P   foreground or background: how the controller deletes them\n"
    "  -y, --yes               do not ask\n"
    "  --wait                  wait until the application is gone\n"
    "  --timeout SECONDS       with --wait: give up after this long (default 0: never)\n"
    "  -l, --selector SEL      delete the applications whose labels match\n"
    "  -N, --app-namespace NS  the applications' namespace (default argocd)\n"
    "  --kubeconfig FILE, --context NAME\n";

// The finalizers that make Argo's controller delete an app's resources, and which one a
// propagation policy sets ("" for none given).
constexpr std::string_view k_finalizers[] = {"resources-finalizer.argocd.argoproj.io",
                                             "resources-finalizer.argocd.argoproj.io/foreground",
                                             "resources-finalizer.argocd.argoproj.io/background"};

std::optional<std::string_view> finalizer_for(std::string_view policy) {
  std::string lower(policy);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (lower.empty()) return k_finalizers[0];
  if (lower == "foreground") return k_finalizers[1];
  if (lower == "background") return k_finalizers[2];
  return std::nullopt;
}

bool propagation_finalizer(std::string_view f) {
  return std::find(std::begin(k_finalizers), std::end(k_finalizers), f) != std::end(k_finalizers);
}

struct DeleteRequest {
  std::optional<bool> cascade;  // given on the command line
  std::optional<std::string> policy;
};

// Argo's Delete: the finalizers set or removed (a merge patch), then the delete.
Result<void> delete_application(kube::Client& client, const AppName& name,
                                const DeleteRequest& request) {
  if (request.cascade == false && request.policy && !request.policy->empty()) {
    return fail("cannot set propagation policy when cascading is disabled");
  }
  Node app = TRY(get_application(client, name));
  Node finalizers = Node::list();
  if (const Node* current = app.at_path({"metadata", "finalizers"})) finalizers = *current;
  auto has = [&](std::string_view f) {
    auto items = finalizers.items();
    return std::any_of(items.begin(), items.end(),
                       [&](const Node& n) { return n.as_string() == f; });
  };
  bool changed = false;
  if (request.cascade.value_or(true)) {
    auto finalizer = finalizer_for(request.policy.value_or(""));
    if (!finalizer) return fail("invalid propagation policy: ", *request.policy);
    if (!has(*finalizer) && !deleting(app)) {
      finalizers.push_back(Node::string(*finalizer));
      changed = true;
    }
  } else {
    for (size_t i = finalizers.size(); i-- > 0;) {
      if (propagation_finalizer(finalizers.items()[i].as_string())) {
        finalizers.erase_at(i);
        changed = true;
      }
    }
  }
  if (changed) {
    Node patch = Node::map();
    patch["metadata"].set("finalizers", std::move(finalizers));
    TRY(patch_application(client, name, patch));
  }
  TRY(client.remove(argo::k_applications, name.ns, name.name));
  return {};
}

// Until the application is gone (the controller has removed its finalizers).
Result<void> wait_until_gone(kube::Client& client, const AppName& name, int64_t timeout) {
  auto app = TRY(client.get(argo::k_applications, name.ns, name.name));
  if (!app) return {};
  auto never = [](const Node&) { return false; };
  auto waited =
      flux::wait_for_object(client, argo::k_applications, *app, deadline_after(timeout), never);
  // The wait ends in an error when the object goes; whether it is gone decides.
  auto after = TRY(client.get(argo::k_applications, name.ns, name.name));
  if (!after) return {};
  if (!waited) return std::unexpected(waited.error());
  return fail("application '", name.text, "' is still there");
}

// argocd's prompt: y/yes, n/no, a/all (with several apps); anything else asks again.
Result<std::string> ask(const std::string& question, bool with_all) {
  for (;;) {
    print(question);
    std::string answer;
    if (!std::getline(std::cin, answer)) return fail("EOF");
    std::transform(answer.begin(), answer.end(), answer.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    std::string_view a = answer;
    while (!a.empty() && std::isspace(static_cast<unsigned char>(a.back())))
      a.remove_suffix(1);
    while (!a.empty() && std::isspace(static_cast<unsigned char>(a.front())))
      a.remove_prefix(1);
    if (a == "y" || a == "yes") return "y";
    if (a == "n" || a == "no") return "n";
    if (with_all && (a == "a" || a == "all")) return "a";
  }
}

}  // namespace

int delete_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--cascade", "--yes", "--wait"},
                .values = {"--propagation-policy", "--selector", "--timeout"},
                .aliases = {{"-p", "--propagation-policy"}, {"-y", "--yes"}, {"-l", "--selector"}}};
  Invocation call = invoke(args, spec, "app delete", k_delete_usage, {});
  if (call.exit) return *call.exit;
  const Flags& flags = call.flags;
  std::string selector = flags.value("--selector");
  auto timeout = flags.integer("--timeout", {.min = 0}, 0);
  if (!timeout) return flux::usage("app delete", timeout.error().message(), k_delete_usage);
  if (flags.positional.empty() && selector.empty()) {
    return flux::usage("app delete", "NAME or -l is required", k_delete_usage);
  }
  DeleteRequest request{.cascade = given_bool(args, "--cascade")};
  if (flags.has_value("--propagation-policy")) request.policy = flags.value("--propagation-policy");
  kube::Client& c = *call.client;

  std::vector<std::string> names;
  if (!selector.empty()) {
    auto list = c.list(argo::k_applications, "", selector);
    if (!list && list.error().code() != 404) return fatal(list.error());
    if (list && list->find("items")) {
      for (const Node& app : list->find("items")->items())
        names.push_back(qualified_name(app));
    }
    if (names.empty()) return fatal("no apps match selector " + selector, k_exit_api);
  } else {
    names.assign(flags.positional.begin(), flags.positional.end());
  }
  bool terminal = isatty(STDOUT_FILENO) != 0;
  bool prompt = request.cascade.value_or(true) && terminal && !flags.has("--yes");
  bool confirm_all = false;
  for (const std::string& full : names) {
    bool confirmed = true;
    if (prompt && !confirm_all) {
      std::string question =
          "Are you sure you want to delete '" + full + "' and all its resources? [y/n] ";
      if (names.size() > 1) {
        question = "Are you sure you want to delete '" + full +
                   "' and all its resources? [y/n/a] where 'a' is to delete all specified apps "
                   "and their resources without prompting ";
      }
      auto answer = ask(question, names.size() > 1);
      if (!answer) return fatal(answer.error());
      confirmed = *answer != "n";
      confirm_all = *answer == "a";
    }
    if (!confirmed) {
      print("The command to delete '" + full + "' was cancelled.\n");
      continue;
    }
    AppName name = parse_app_name(full, app_namespace(flags));
    if (auto deleted = delete_application(c, name, request); !deleted)
      return fatal(deleted.error());
    if (flags.has("--wait")) {
      if (auto gone = wait_until_gone(c, name, *timeout); !gone) return fatal(gone.error());
    }
    print("application '" + full + "' deleted\n");
  }
  return 0;
}

}  // namespace plumb::cli::app
