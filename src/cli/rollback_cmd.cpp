// plumb rollback ks NAME --to REVISION: pins a Kustomization to an earlier revision of its
// source (the rollback annotations of controller/pin.hpp, server-side applied with their own
// field manager), asks the controller to reconcile and waits for the result. The controller
// renders that revision again from the git object store; a new commit or `plumb resume`
// moves on.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"
#include "cli/loop_journal.hpp"
#include "controller/pin.hpp"
#include "journal/journal.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_rollback_usage =
    "Usage: plumb rollback kustomization|ks NAME [--to REVISION|ID] [flags]\n\n"
    "Applies an earlier revision of the Kustomization's source again and pins it there until a\n"
    "new commit reaches the source or `plumb resume` clears the pin; the status condition\n"
    "Pinned and the events say so.\n\n"
    "Flags:\n"
    "  --to REVISION|ID     BRANCH@sha1:HASH, a commit hash (a prefix of one the journal\n"
    "                       knows), or the ID of a `plumb history` entry; default: the\n"
    "                       revision applied before the current one, from the journal\n"
    "  --journal PATH       the journal (default DATA_DIR/journal.db of plumb up)\n"
    "  --data-dir DIR       plumb up's data directory\n"
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

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view commit_hash_of(std::string_view revision) {
  size_t at = revision.rfind("sha1:");
  return at == std::string_view::npos ? std::string_view() : revision.substr(at + 5);
}

// What the journal knows of the Kustomization: --to as an entry's ID or a commit hash prefix
// of a revision it applied; without --to, the newest revision it applied successfully other
// than the one it has now.
Result<std::string> revision_from_journal(const Flags& flags, const std::string& ns,
                                          const std::string& name, std::string_view to,
                                          std::string_view applied) {
  std::string path = journal_path(flags);
  auto reader = journal::Reader::open(path);
  if (!reader) {
    return fail(to.empty() ? std::string("without --to, the previous revision comes from the "
                                         "journal: ")
                           : "--to '" + std::string(to) + "' is looked up in the journal: ",
                reader.error().message());
  }
  if (is_digits(to) && to.size() <= 18) {
    auto entry = TRY(reader->get(std::stoll(std::string(to))));
    if (entry &&
        (entry->kind != "Kustomization" || entry->namespace_ != ns || entry->name != name)) {
      return fail("journal entry ", to, " is about ", entry->kind, "/", entry->namespace_, "/",
                  entry->name, ", not Kustomization/", ns, "/", name);
    }
    if (entry && entry->failed) {
      return fail("journal entry ", to, " is a failed reconcile of ", entry->revision,
                  "; roll back to a revision that applied");
    }
    if (entry && !entry->revision.empty()) return entry->revision;
  }
  std::vector<journal::Entry> entries = TRY(reader->list("Kustomization", ns, name, 100000));
  std::vector<std::string> found;
  for (const journal::Entry& e : entries) {
    if (e.failed || e.revision.empty()) continue;
    bool wanted = to.empty() ? e.revision != applied
                             : commit_hash_of(e.revision).starts_with(to) && to.size() >= 4;
    if (wanted && std::find(found.begin(), found.end(), e.revision) == found.end())
      found.push_back(e.revision);
    if (to.empty() && !found.empty()) break;
  }
  if (found.empty()) {
    if (to.empty())
      return fail("the journal (", path, ") has no earlier revision that Kustomization ", ns, "/",
                  name, " applied; give --to REVISION");
    return fail("--to '", to, "': no journal entry of Kustomization ", ns, "/", name,
                " has that ID or a revision whose commit starts so");
  }
  if (found.size() > 1) {
    return fail("--to '", to, "' is ambiguous: ", found[0], ", ", found[1],
                found.size() > 2 ? ", ..." : "");
  }
  return found.front();
}

// --to as a revision: "main@sha1:HASH" as given, a full hash on the source's branch, else
// what the journal knows (an entry ID, a hash prefix, or nothing: the previous revision).
Result<std::string> target_revision(const Flags& flags, const std::string& ns,
                                    const std::string& name, const Node& object,
                                    std::string_view current) {
  std::string to = flags.value("--to");
  std::string_view hash = commit_hash_of(to);
  if (is_commit_hash(hash)) return to;
  if (is_commit_hash(to)) {
    size_t sha = current.rfind("sha1:");
    return std::string(current.substr(0, sha == std::string_view::npos ? 0 : sha)) + "sha1:" + to;
  }
  if (!to.empty() && to.find_first_not_of("0123456789abcdef") != std::string::npos)
    return fail("--to '", to, "': give BRANCH@sha1:HASH, a commit hash or a journal entry ID");
  return revision_from_journal(flags, ns, name, to,
                               object.string_at({"status", "lastAppliedRevision"}));
}

std::string who() {
  const char* user = std::getenv("USER");
  if (user && *user) return user;
  return "uid " + std::to_string(getuid());
}

}  // namespace

int rollback_command(std::span<const std::string_view> args) {
  FlagSpec spec{.values = {"--to", "--timeout", "--journal", "--data-dir"}};
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
    std::string to = TRY(target_revision(flags, ns, name, object, current));
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
