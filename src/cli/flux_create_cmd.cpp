// plumb create source git | kustomization NAME ...: print the object as `flux create
// --export` does, or apply it (server-side apply) and wait until it is Ready.
#include <cstdio>
#include <set>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_manifests.hpp"
#include "cli/flux_wait.hpp"
#include "core/conditions.hpp"
#include "core/duration.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb create source git NAME --url URL (--branch B | --tag T | --tag-semver R |\n"
    "                                    --ref-name REF | --commit C) [flags]\n"
    "       plumb create kustomization|ks NAME --source [GitRepository/]NAME[.NAMESPACE] "
    "[flags]\n"
    "       plumb create secret generic|tls|docker-registry NAME ... (plumb create secret --help)\n\n"
    "Makes a GitRepository or a Kustomization as `flux create` does. With --export prints its\n"
    "YAML; otherwise applies it (server-side apply; installs the Flux CRDs when the cluster\n"
    "lacks them) and waits until the controller reports it Ready.\n\n"
    "Flags of source git:\n"
    "  --url URL                  ssh://, http://, https:// or file:// address\n"
    "  --branch, --tag, --tag-semver, --ref-name, --commit   the git reference\n"
    "  --secret-ref NAME          Secret with the credentials\n"
    "Flags of kustomization:\n"
    "  --source SRC               [GitRepository/]NAME[.NAMESPACE]\n"
    "  --path PATH                directory in the source (default ./)\n"
    "  --prune                    delete what the source no longer has\n"
    "  --target-namespace NS      namespace of the objects applied\n"
    "  --depends-on NAME,...      Kustomizations ([NAMESPACE/]NAME) that must be Ready first\n"
    "  --wait                     wait for every object applied to become healthy\n"
    "  --health-check-timeout D   spec.timeout with --wait (default 2m)\n"
    "  --retry-interval D         interval after a failure\n"
    "Flags of both:\n"
    "  --interval D               how often to reconcile (default 1m)\n"
    "  --export                   print the YAML, touch nothing\n"
    "  --timeout D                how long to wait for Ready (default 5m)\n"
    "  --no-wait                  apply and return at once\n"
    "  -n, --namespace NS         the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

const std::set<std::string, std::less<>> k_source_flags = {
    "--url", "--branch", "--tag", "--tag-semver", "--ref-name", "--commit", "--secret-ref"};
const std::set<std::string, std::less<>> k_ks_flags = {
    "--source",     "--path", "--prune",          "--target-namespace",
    "--depends-on", "--wait", "--retry-interval", "--health-check-timeout"};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  for (size_t start = 0; start < text.size();) {
    size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<Node> git_source_from(const Flags& flags, const std::string& name) {
  GitSourceOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.url = flags.value("--url");
  o.branch = flags.value("--branch");
  o.tag = flags.value("--tag");
  o.semver = flags.value("--tag-semver");
  o.ref_name = flags.value("--ref-name");
  o.commit = flags.value("--commit");
  o.secret_ref = flags.value("--secret-ref");
  o.interval = TRY(flags.duration("--interval", DurationRange::positive, std::chrono::minutes(1)));
  return git_repository_manifest(o);
}

Result<Node> kustomization_from(const Flags& flags, const std::string& name) {
  KustomizationOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.source = flags.value("--source");
  o.path = flags.value("--path", "./");
  o.prune = flags.has("--prune");
  o.wait = flags.has("--wait");
  o.interval = TRY(flags.duration("--interval", DurationRange::positive, std::chrono::minutes(1)));
  o.retry_interval = TRY(flags.duration("--retry-interval", DurationRange::non_negative, {}));
  o.health_check_timeout = TRY(flags.duration("--health-check-timeout", DurationRange::non_negative,
                                              std::chrono::minutes(2)));
  o.target_namespace = flags.value("--target-namespace");
  o.depends_on = split_commas(flags.value("--depends-on"));
  return kustomization_manifest(o);
}

// Whether the controller is still working on the object (kstatus' "in progress").
bool in_progress(const Node& object, const Readiness& ready) {
  const Node* reconciling = condition_of(object, "Reconciling");
  if (reconciling && reconciling->string_at({"status"}) == "True") return true;
  return ready.reason == "Progressing" || ready.reason == "ProgressingWithRetry" ||
         ready.reason == "DependencyNotReady";
}

// Applies the object and waits for its verdict: Ready=True, or Ready=False once the
// controller is done with the current generation.
Result<void> apply_and_wait(kube::Client& client, const FluxKind& kind, const Node& object,
                            const Flags& flags, Clock::duration timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  std::string_view ns = object.string_at({"metadata", "namespace"});
  std::string_view name = object.string_at({"metadata", "name"});
  bool source = &kind == &git_repository_kind();
  std::string what = std::string(kind.kind) + (source ? " source" : "");
  TRY_VOID(ensure_flux_crds(client, deadline));
  auto existing = TRY(client.get(*kind.resource, ns, name));
  say(Mark::action, "applying " + what);
  Node applied = TRY(
      client.apply(*kind.resource, object, k_manager_create, kube::Force::yes, kube::DryRun::no));
  say(Mark::success, what + (existing ? " updated" : " created"));
  if (flags.has("--no-wait")) return {};
  say(Mark::waiting, "waiting for " + what + " reconciliation");
  auto verdict = TRY(wait_for_object(client, *kind.resource, applied, deadline, [](const Node& o) {
    Readiness r = readiness_of(o);
    return r.found && r.current &&
           (r.status == "True" || (r.status == "False" && !in_progress(o, r)));
  }));
  std::string object_text = object_name(kind, ns, name);
  if (!verdict) {
    return fail("timed out after ",
                format_duration(std::chrono::duration_cast<milliseconds>(timeout)), " waiting for ",
                object_text, " to become ready");
  }
  Readiness ready = readiness_of(*verdict);
  if (ready.status != "True") return fail(object_text, ": ", ready.message);
  std::string revision = revision_of(kind, *verdict);
  if (source) {
    say(Mark::success, what + " reconciliation completed");
    if (revision.empty()) return fail(what, " reconciliation completed but no artifact was found");
    say(Mark::success, "fetched revision: " + revision);
  } else {
    say(Mark::success, what + " " + std::string(name) + " is ready");
    say(Mark::success, "applied revision " + revision);
  }
  return {};
}

}  // namespace

int create_command(std::span<const std::string_view> args) {
  if (!args.empty() && args[0] == "secret") return create_secret_command(args.subspan(1));
  FlagSpec spec{.booleans = {"--export", "--no-wait", "--prune", "--wait"},
                .values = {"--interval", "--timeout", "--url", "--branch", "--tag", "--tag-semver",
                           "--ref-name", "--commit", "--secret-ref", "--source", "--path",
                           "--target-namespace", "--depends-on", "--retry-interval",
                           "--health-check-timeout"}};
  KindCommand command =
      parse_kind_command(args, spec, "create", k_usage, AllSources::refused, Names::one);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const KindSelection& selection = command.selection;
  const FluxKind& kind = *selection.kind;
  bool source = &kind == &git_repository_kind();
  for (const std::string& flag : source ? k_ks_flags : k_source_flags) {
    if (flags.has(flag) || flags.values.count(flag)) {
      return usage("create", "flag " + flag + " is not for " + std::string(kind.noun), k_usage);
    }
  }
  auto timeout = flags.duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) return usage("create", timeout.error().message(), k_usage);
  const std::string& name = selection.names[0];
  auto object = source ? git_source_from(flags, name) : kustomization_from(flags, name);
  if (!object) return usage("create", object.error().message(), k_usage);
  if (flags.has("--export")) {
    std::string text = export_yaml(*object);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  say(Mark::generate, source ? "generating GitRepository source" : "generating Kustomization");
  auto session = connect(flags);
  if (!session) return failed(session.error());
  auto done = apply_and_wait(*session->client, kind, *object, flags, *timeout);
  return done ? 0 : failed(done.error());
}

}  // namespace plumb::cli
