// plumb rollback ks NAME --to REVISION: pins a Kustomization to an earlier revision of its
// source (the rollback annotations of controller/pin.hpp, server-side applied with their own
// field manager), asks the controller to reconcile and waits for the result. The controller
// renders that revision again from the git object store; a new commit or `plumb resume`
// moves on.
#include <unistd.h>

#include <cstdlib>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"
#include "controller/pin.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_rollback_usage =
    "Usage: plumb rollback kustomization|ks NAME --to REVISION [flags]\n\n"
    "Applies an earlier revision of the Kustomization's source again and pins it there until a\n"
    "new commit reaches the source or `plumb resume` clears the pin; the status condition\n"
    "Pinned and the events say so.\n\n"
    "Flags:\n"
    "  --to REVISION        BRANCH@sha1:HASH or a full commit hash of the source\n"
    "  --timeout D          how long to wait for the reconcile (default 5m)\n"
    "  -n, --namespace NS   the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

bool is_commit_hash(std::string_view text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The source's current revision (status.artifact.revision of the GitRepository named by
// spec.sourceRef).
Result<std::string> source_revision(kube::Client& client, const Node& kustomization) {
  std::string_view kind = kustomization.string_at({"spec", "sourceRef", "kind"});
  std::string name(kustomization.string_at({"spec", "sourceRef", "name"}));
  std::string ns(kustomization.string_at({"spec", "sourceRef", "namespace"}));
  if (ns.empty()) ns = kustomization.string_at({"metadata", "namespace"});
  if (kind != git_repository_kind().kind) {
    return fail("rollback needs a GitRepository source; spec.sourceRef is ", kind, "/", name);
  }
  Node source = TRY(get_object(client, git_repository_kind(), ns, name));
  std::string revision(source.string_at({"status", "artifact", "revision"}));
  if (revision.empty()) return fail("GitRepository ", ns, "/", name, " has no artifact yet");
  return revision;
}

// --to as a full revision: "main@sha1:HASH" as given, or a bare hash on the source's branch.
Result<std::string> target_revision(std::string_view to, std::string_view current) {
  size_t at = to.rfind("sha1:");
  if (at != std::string_view::npos && is_commit_hash(to.substr(at + 5))) return std::string(to);
  if (is_commit_hash(to)) {
    size_t sha = current.rfind("sha1:");
    return std::string(current.substr(0, sha == std::string_view::npos ? 0 : sha)) +
           "sha1:" + std::string(to);
  }
  return fail("--to '", to, "': give BRANCH@sha1:HASH or a full 40-character commit hash");
}

std::string who() {
  const char* user = std::getenv("USER");
  if (user && *user) return user;
  return "uid " + std::to_string(getuid());
}

}  // namespace

int rollback_command(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--to", "--timeout"}};
  KindCommand command =
      parse_kind_command(args, spec, "rollback", k_rollback_usage, AllSources::refused, Names::one);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const FluxKind& kind = *command.selection.kind;
  if (&kind != &kustomization_kind()) {
    return usage("rollback",
                 "only Kustomizations roll back this way (HelmRelease: remediation; "
                 "Application: plumb app rollback)",
                 k_rollback_usage);
  }
  if (!flags.has_value("--to")) return usage("rollback", "--to REVISION is required", k_rollback_usage);
  auto timeout = flags.duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) return usage("rollback", timeout.error().message(), k_rollback_usage);

  auto session = connect(flags);
  if (!session) return failed(session.error());
  kube::Client& client = *session->client;
  const std::string& ns = session->ns;
  const std::string& name = command.selection.names.front();
  auto done = [&]() -> Result<void> {
    Node object = TRY(get_object(client, kind, ns, name));
    if (is_suspended(object)) return fail(object_name(kind, ns, name), ": resource is suspended");
    std::string current = TRY(source_revision(client, object));
    std::string to = TRY(target_revision(flags.value("--to"), current));
    say(Mark::action, "rolling back kustomization " + name + " in " + ns + " namespace to " + to);
    Node request = apply_stub(kind, ns, name);
    Node& annotations = request["metadata"]["annotations"];
    annotations.set(controller::k_rollback_to, Node::string(to));
    annotations.set(controller::k_rollback_from, Node::string(current));
    annotations.set(controller::k_rollback_by, Node::string(who()));
    TRY(client.apply(*kind.resource, request, k_manager_rollback, kube::Force::yes,
                     kube::DryRun::no));
    TRY_VOID(reconcile_object(client, kind, ns, name, *timeout, Announce::no));
    say(Mark::success, "pinned to " + to + " until a new commit or `plumb resume`");
    return {};
  }();
  return done ? 0 : failed(done.error());
}

}  // namespace plumb::cli
