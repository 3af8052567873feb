// plumb suspend|resume ks|source git NAME...: set spec.suspend (server-side apply, field
// manager plumb-cli); resume then reconciles and waits for the result.
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"
#include "controller/pin.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_suspend_usage =
    "Usage: plumb suspend kustomization|ks NAME... [flags]\n"
    "       plumb suspend source git NAME... [flags]\n\n"
    "Sets spec.suspend: the controller leaves the objects alone until they are resumed.\n\n"
    "Flags:\n"
    "  --all                every object of the kind in the namespace\n"
    "  -n, --namespace NS   the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

constexpr std::string_view k_resume_usage =
    "Usage: plumb resume kustomization|ks NAME... [flags]\n"
    "       plumb resume source git NAME... [flags]\n\n"
    "Clears spec.suspend and a `plumb rollback` pin, then asks the controller to reconcile\n"
    "each object and waits for the result, as `plumb reconcile` does.\n\n"
    "Flags:\n"
    "  --all                every object of the kind in the namespace\n"
    "  --timeout D          how long to wait for each object (default 5m)\n"
    "  -n, --namespace NS   the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

enum class Verb { suspend, resume };

struct VerbText {
  std::string_view command;  // "suspend"
  std::string_view doing;    // "suspending"
  std::string_view done;     // "suspended"
  std::string_view usage;
};
const VerbText k_verbs[] = {{"suspend", "suspending", "suspended", k_suspend_usage},
                            {"resume", "resuming", "resumed", k_resume_usage}};

Result<std::vector<std::string>> all_names(kube::Client& client, const FluxKind& kind,
                                           const std::string& ns) {
  Node list = TRY(client.list(*kind.resource, ns));
  std::vector<std::string> names;
  const Node* items = list.find("items");
  for (const Node& item : items ? items->items() : std::span<const Node>())
    names.emplace_back(item.string_at({"metadata", "name"}));
  if (names.empty()) {
    return fail("no ", kind.kind, " objects found in \"", ns, "\" namespace");
  }
  return names;
}

Result<void> set_suspend(kube::Client& client, const FluxKind& kind, const std::string& ns,
                         const std::string& name, Verb verb) {
  const VerbText& text = k_verbs[int(verb)];
  say(Mark::action, std::string(text.doing) + " " + std::string(kind.noun) + " " + name + " in " +
                        ns + " namespace");
  Node object = TRY(get_object(client, kind, ns, name));  // an apply must not create a stub
  Node request = apply_stub(kind, ns, name);
  request["spec"].set("suspend", Node::boolean(verb == Verb::suspend));
  TRY_VOID(
      client.apply(*kind.resource, request, k_manager_suspend, kube::Force::yes, kube::DryRun::no));
  if (verb == Verb::resume && controller::pin_of(object)) {
    // The rollback annotations, owned by the rollback's manager: applying none removes them.
    TRY_VOID(client.apply(*kind.resource, apply_stub(kind, ns, name), k_manager_rollback,
                          kube::Force::yes, kube::DryRun::no));
    say(Mark::success, "rollback pin cleared");
  }
  say(Mark::success, std::string(kind.noun) + " " + std::string(text.done));
  return {};
}

int suspend_or_resume(std::span<const std::string_view> args, Verb verb) {
  const VerbText& text = k_verbs[int(verb)];
  FlagSpec spec{.booleans = {"--all"}};
  if (verb == Verb::resume) spec.values.insert("--timeout");
  KindCommand command =
      parse_kind_command(args, spec, text.command, text.usage, AllSources::refused, Names::any);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const KindSelection& selection = command.selection;
  bool all = flags.has("--all");
  if (all == !selection.names.empty()) {
    return usage(text.command, "give NAMEs or --all", text.usage);
  }
  auto timeout = flags.duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) return usage(text.command, timeout.error().message(), text.usage);

  auto session = connect(flags);
  if (!session) return failed(session.error());
  kube::Client& client = *session->client;
  const FluxKind& kind = *selection.kind;
  std::vector<std::string> names = selection.names;
  if (all) {
    auto listed = all_names(client, kind, session->ns);
    if (!listed) return failed(listed.error());
    names = std::move(*listed);
  }
  int exit = 0;
  for (const std::string& name : names) {
    auto done = set_suspend(client, kind, session->ns, name, verb);
    if (done && verb == Verb::resume) {
      done = reconcile_object(client, kind, session->ns, name, *timeout, Announce::no);
    }
    if (!done) exit = failed(done.error());
  }
  return exit;
}

}  // namespace

int suspend_command(std::span<const std::string_view> args) {
  return suspend_or_resume(args, Verb::suspend);
}

int resume_command(std::span<const std::string_view> args) {
  return suspend_or_resume(args, Verb::resume);
}

}  // namespace plumb::cli
