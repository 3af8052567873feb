// plumb reconcile ks|hr|source git|helm|oci NAME: ask the controller to reconcile now, and wait for
// the result (the Flux requestedAt / lastHandledReconcileAt protocol).
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb reconcile kustomization|ks NAME [--with-source] [flags]\n"
    "       plumb reconcile helmrelease|hr NAME [flags]\n"
    "       plumb reconcile source git|helm|oci NAME [flags]\n\n"
    "Asks the controller to reconcile the object now: sets the annotation\n"
    "reconcile.fluxcd.io/requestedAt, waits until the controller reports it handled in\n"
    "status.lastHandledReconcileAt, then prints the outcome from the Ready condition and\n"
    "exits 0 (Ready) or 1 (Ready=False, timeout, suspended object).\n\n"
    "Flags:\n"
    "  --with-source        reconcile the Kustomization's GitRepository first\n"
    "  --timeout D          how long to wait for each object (default 5m)\n"
    "  -n, --namespace NS   the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

struct SourceOf {
  std::string ns;
  std::string name;
};

// The GitRepository a Kustomization reads (spec.sourceRef).
Result<SourceOf> source_of(kube::Client& client, const std::string& ns, const std::string& name) {
  Node ks = TRY(get_object(client, kustomization_kind(), ns, name));
  const Node* ref = ks.at_path({"spec", "sourceRef"});
  std::string_view kind = ref ? ref->string_at({"kind"}) : "";
  if (!kind.empty() && kind != "GitRepository") {
    return fail(object_name(kustomization_kind(), ns, name), ": source kind ", kind,
                " is not supported, only GitRepository");
  }
  SourceOf source{std::string(ref ? ref->string_at({"namespace"}) : ""),
                  std::string(ref ? ref->string_at({"name"}) : "")};
  if (source.name.empty()) {
    return fail(object_name(kustomization_kind(), ns, name), ": spec.sourceRef.name is empty");
  }
  if (source.ns.empty()) source.ns = ns;
  return source;
}

}  // namespace

int reconcile_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--with-source"}, .values = {"--timeout"}};
  KindCommand command =
      parse_kind_command(args, spec, "reconcile", k_usage, AllSources::refused, Names::one);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const KindSelection& selection = command.selection;
  const FluxKind& kind = *selection.kind;
  bool with_source = flags.has("--with-source");
  if (with_source && &kind != &kustomization_kind()) {
    return usage("reconcile", "--with-source is for Kustomizations", k_usage);
  }
  auto timeout = flags.duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) return usage("reconcile", timeout.error().message(), k_usage);

  auto session = connect(flags);
  if (!session) return failed(session.error());
  kube::Client& client = *session->client;
  const std::string& name = selection.names[0];
  if (&kind == &helm_repository_kind()) {
    // Static in Flux: nothing would ever report it handled.
    auto repository = get_object(client, kind, session->ns, name);
    if (!repository) return failed(repository.error());
    if (repository->string_at({"spec", "type"}) == "oci") {
      return failed(Error(object_name(kind, session->ns, name) +
                          " is of type oci: a static object, nothing to reconcile (the "
                          "HelmReleases pull its charts)"));
    }
  }
  if (with_source) {
    auto source = source_of(client, session->ns, name);
    if (!source) return failed(source.error());
    auto fetched =
        reconcile_object(client, git_repository_kind(), source->ns, source->name, *timeout);
    if (!fetched) return failed(fetched.error());
  }
  auto done = reconcile_object(client, kind, session->ns, name, *timeout);
  return done ? 0 : failed(done.error());
}

}  // namespace plumb::cli
