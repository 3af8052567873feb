// plumb create source git|helm|oci | kustomization | helmrelease NAME ...: print the object
// as `flux create --export` does, or apply it (server-side apply) and wait until it is Ready.
#include <cstdio>
#include <set>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_manifests.hpp"
#include "cli/flux_wait.hpp"
#include "controller/helmrelease_types.hpp"
#include "core/conditions.hpp"
#include "core/duration.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb create source git NAME --url URL (--branch B | --tag T | --tag-semver R |\n"
    "                                    --ref-name REF | --commit C) [flags]\n"
    "       plumb create source helm NAME --url URL [flags]\n"
    "       plumb create source oci NAME --url oci://... (--tag T | --tag-semver R | --digest D)\n"
    "       plumb create kustomization|ks NAME --source [GitRepository/]NAME[.NAMESPACE] "
    "[flags]\n"
    "       plumb create helmrelease|hr NAME (--source KIND/NAME[.NAMESPACE] --chart CHART |\n"
    "                                         --chart-ref KIND/NAME[.NAMESPACE]) [flags]\n"
    "       plumb create secret generic|tls|docker-registry NAME ... (plumb create secret "
    "--help)\n\n"
    "Makes a GitRepository, HelmRepository, OCIRepository, Kustomization or HelmRelease as\n"
    "`flux create` does. With --export prints its YAML; otherwise applies it (server-side\n"
    "apply; installs Plumb's Flux CRDs when the cluster lacks them) and waits until the\n"
    "controller reports it Ready. A HelmRepository of type oci is not waited for: it has no\n"
    "status (a static object, as in Flux).\n\n"
    "Flags of source git:\n"
    "  --url URL                  ssh://, http://, https:// or file:// address\n"
    "  --branch, --tag, --tag-semver, --ref-name, --commit   the git reference\n"
    "  --secret-ref NAME          Secret with the credentials\n"
    "Flags of source helm:\n"
    "  --url URL                  http://, https:// or oci:// (spec.type oci) address\n"
    "  --secret-ref NAME          Secret with the credentials\n"
    "  --pass-credentials         send the credentials to hosts other than the URL's\n"
    "Flags of source oci:\n"
    "  --url URL                  oci:// address of the artifact\n"
    "  --tag, --tag-semver, --digest   the artifact reference\n"
    "  --secret-ref NAME          image pull Secret\n"
    "  --insecure                 plain HTTP registry\n"
    "Flags of kustomization:\n"
    "  --source SRC               [GitRepository/]NAME[.NAMESPACE]\n"
    "  --path PATH                directory in the source (default ./)\n"
    "  --prune                    delete what the source no longer has\n"
    "  --wait                     wait for every object applied to become healthy\n"
    "  --health-check-timeout D   spec.timeout with --wait (default 2m)\n"
    "  --retry-interval D         interval after a failure\n"
    "Flags of helmrelease:\n"
    "  --source SRC               HelmRepository|GitRepository|Bucket/NAME[.NAMESPACE]\n"
    "  --chart CHART              chart name (HelmRepository) or path in the source\n"
    "  --chart-version RANGE      semver range (HelmRepository charts)\n"
    "  --chart-ref REF            OCIRepository|HelmChart/NAME[.NAMESPACE], instead of\n"
    "                             --source and --chart\n"
    "  --release-name NAME        default [TARGET_NAMESPACE-]NAME\n"
    "  --values FILE,...          values files, merged in order into spec.values (repeatable)\n"
    "  --values-from KIND/NAME,...  Secret or ConfigMap with a values.yaml key (repeatable)\n"
    "Flags of kustomization and helmrelease:\n"
    "  --target-namespace NS      namespace of the objects applied\n"
    "  --depends-on NAME,...      objects of the same kind ([NAMESPACE/]NAME) Ready first\n"
    "Flags of all:\n"
    "  --interval D               how often to reconcile (default 1m)\n"
    "  --export                   print the YAML, touch nothing\n"
    "  --timeout D                how long to wait for Ready (default 5m)\n"
    "  --no-wait                  apply and return at once\n"
    "  -n, --namespace NS         the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  for (size_t start = 0; start < text.size();) {
    size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// A string-slice flag as pflag reads one: every value given, each split on commas.
std::vector<std::string> slice(const Flags& flags, std::string_view name) {
  std::vector<std::string> out;
  for (const std::string& value : flags.all(name))
    for (std::string& part : split_commas(value))
      out.push_back(std::move(part));
  return out;
}

Result<milliseconds> interval_of(const Flags& flags) {
  return flags.duration("--interval", DurationRange::positive, std::chrono::minutes(1));
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
  o.interval = TRY(interval_of(flags));
  return git_repository_manifest(o);
}

Result<Node> helm_source_from(const Flags& flags, const std::string& name) {
  HelmRepositoryOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.url = flags.value("--url");
  o.secret_ref = flags.value("--secret-ref");
  o.pass_credentials = flags.has("--pass-credentials");
  o.interval = TRY(interval_of(flags));
  return helm_repository_manifest(o);
}

Result<Node> oci_source_from(const Flags& flags, const std::string& name) {
  OciRepositoryOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.url = flags.value("--url");
  o.tag = flags.value("--tag");
  o.semver = flags.value("--tag-semver");
  o.digest = flags.value("--digest");
  o.secret_ref = flags.value("--secret-ref");
  o.insecure = flags.has("--insecure");
  o.interval = TRY(interval_of(flags));
  return oci_repository_manifest(o);
}

Result<Node> kustomization_from(const Flags& flags, const std::string& name) {
  KustomizationOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.source = flags.value("--source");
  o.path = flags.value("--path", "./");
  o.prune = flags.has("--prune");
  o.wait = flags.has("--wait");
  o.interval = TRY(interval_of(flags));
  o.retry_interval = TRY(flags.duration("--retry-interval", DurationRange::non_negative, {}));
  o.health_check_timeout = TRY(flags.duration("--health-check-timeout", DurationRange::non_negative,
                                              std::chrono::minutes(2)));
  o.target_namespace = flags.value("--target-namespace");
  o.depends_on = slice(flags, "--depends-on");
  return kustomization_manifest(o);
}

// --values files as flux reads them: each a YAML map, merged over the ones before it.
Result<Node> values_files(const std::vector<std::string>& files) {
  auto fs = make_disk_fs();
  Node values = Node::map();
  for (const std::string& file : files) {
    auto text = fs->read_file(file);
    if (!text) return fail("reading values from ", file, " failed: ", text.error().message());
    Node doc = TRY(parse_yaml(*text, file));
    if (doc.is_null()) continue;
    if (!doc.is_map()) return fail("unmarshaling values from ", file, " failed: not a map");
    values = controller::merge_maps(std::move(values), doc);
  }
  return values;
}

Result<Node> helm_release_from(const Flags& flags, const std::string& name) {
  HelmReleaseOptions o;
  o.name = name;
  o.ns = namespace_of(flags);
  o.source = flags.value("--source");
  o.chart = flags.value("--chart");
  o.chart_version = flags.value("--chart-version");
  o.chart_ref = flags.value("--chart-ref");
  o.target_namespace = flags.value("--target-namespace");
  o.release_name = flags.value("--release-name");
  if (std::vector<std::string> files = slice(flags, "--values"); !files.empty())
    o.values = TRY(values_files(files));
  o.values_from = slice(flags, "--values-from");
  o.depends_on = slice(flags, "--depends-on");
  o.interval = TRY(interval_of(flags));
  return helm_release_manifest(o);
}

// What `create` knows of each kind: how its progress lines name it, its own flags (any
// other kind's flag is refused), and how its object is made from the flags.
struct CreateKind {
  const FluxKind& (*kind)();
  std::string_view what;  // "GitRepository source"
  std::set<std::string, std::less<>> flags;
  Result<Node> (*make)(const Flags&, const std::string&);
};

const CreateKind k_create_kinds[] = {
    {git_repository_kind,
     "GitRepository source",
     {"--url", "--branch", "--tag", "--tag-semver", "--ref-name", "--commit", "--secret-ref"},
     git_source_from},
    {helm_repository_kind,
     "HelmRepository source",
     {"--url", "--secret-ref", "--pass-credentials"},
     helm_source_from},
    {oci_repository_kind,
     "OCIRepository",
     {"--url", "--tag", "--tag-semver", "--digest", "--secret-ref", "--insecure"},
     oci_source_from},
    {kustomization_kind,
     "Kustomization",
     {"--source", "--path", "--prune", "--target-namespace", "--depends-on", "--wait",
      "--retry-interval", "--health-check-timeout"},
     kustomization_from},
    {helm_release_kind,
     "HelmRelease",
     {"--source", "--chart", "--chart-version", "--chart-ref", "--target-namespace",
      "--release-name", "--values", "--values-from", "--depends-on"},
     helm_release_from},
};

// Whether the controller is still working on the object (kstatus' "in progress").
bool in_progress(const Node& object, const Readiness& ready) {
  const Node* reconciling = condition_of(object, "Reconciling");
  if (reconciling && reconciling->string_at({"status"}) == "True") return true;
  return ready.reason == "Progressing" || ready.reason == "ProgressingWithRetry" ||
         ready.reason == "DependencyNotReady";
}

// Applies the object and waits for its verdict: Ready=True, or Ready=False once the
// controller is done with the current generation. A HelmRepository of type oci is only
// applied: it has no status.
Result<void> apply_and_wait(kube::Client& client, const CreateKind& create, const Node& object,
                            const Flags& flags, Clock::duration timeout) {
  const FluxKind& kind = create.kind();
  Clock::time_point deadline = Clock::now() + timeout;
  std::string_view ns = object.string_at({"metadata", "namespace"});
  std::string_view name = object.string_at({"metadata", "name"});
  bool source = kind.revision_in == "artifact";
  std::string what(create.what);
  TRY_VOID(ensure_flux_crds(client, deadline));
  if (auto served = client.resource_for(kind.resource->api_version(), kind.kind); !served) {
    if (served.error().code() != 404) return std::unexpected(served.error());
    return fail("the cluster does not serve ", kind.kind, " (", kind.resource->api_version(),
                "): Plumb's controller does not reconcile it yet; --export prints it");
  }
  auto existing = TRY(client.get(*kind.resource, ns, name));
  say(Mark::action, "applying " + what);
  Node applied = TRY(
      client.apply(*kind.resource, object, k_manager_create, kube::Force::yes, kube::DryRun::no));
  say(Mark::success, what + (existing ? " updated" : " created"));
  if (flags.has("--no-wait")) return {};
  if (&kind == &helm_repository_kind() && object.string_at({"spec", "type"}) == "oci") {
    say(Mark::success, "not waiting: a HelmRepository of type oci has no status");
    return {};
  }
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
    say(Mark::success, std::string(kind.kind) + " " + std::string(name) + " is ready");
    say(Mark::success, "applied revision " + revision);
  }
  return {};
}

// The kind words of `create`: `source git|helm|oci`, and the other commands' words for
// Kustomization and HelmRelease.
Result<const CreateKind*> create_kind(std::vector<std::string>& positional) {
  const FluxKind* kind = nullptr;
  if (positional.size() >= 2 && positional[0] == "source" &&
      (positional[1] == "helm" || positional[1] == "oci")) {
    kind = positional[1] == "helm" ? &helm_repository_kind() : &oci_repository_kind();
    positional.erase(positional.begin(), positional.begin() + 2);
  } else {
    auto selection = select_kind(positional, AllSources::refused);
    if (!selection) {
      if (!positional.empty() && positional[0] == "source")
        return fail("unknown source kind; source kinds: git, helm, oci");
      return std::unexpected(selection.error());
    }
    kind = selection->kind;
    positional = std::move(selection->names);
  }
  for (const CreateKind& c : k_create_kinds)
    if (&c.kind() == kind) return &c;
  return fail("cannot create ", kind->noun);
}

}  // namespace

int create_command(std::span<const std::string_view> args) {
  if (!args.empty() && args[0] == "secret") return create_secret_command(args.subspan(1));
  FlagSpec spec{
      .booleans = {"--export", "--no-wait", "--prune", "--wait", "--pass-credentials",
                   "--insecure"},
      .values = {"--interval", "--timeout", "--url", "--branch", "--tag", "--tag-semver",
                 "--ref-name", "--commit", "--digest", "--secret-ref", "--source", "--path",
                 "--target-namespace", "--retry-interval", "--health-check-timeout", "--chart",
                 "--chart-version", "--chart-ref", "--release-name"},
      .repeated = {"--depends-on", "--values", "--values-from"}};
  add_flux_flags(spec);
  Parsed parsed = parse_or_usage(args, spec, "create", k_usage);
  if (!parsed.flags) return parsed.exit;
  Flags& flags = *parsed.flags;
  auto create = create_kind(flags.positional);
  if (!create) return usage("create", create.error().message(), k_usage);
  const CreateKind& kind = **create;
  if (flags.positional.size() != 1) return usage("create", "one NAME is required", k_usage);
  std::set<std::string, std::less<>> own = {"--interval",  "--timeout",    "--export", "--no-wait",
                                            "--namespace", "--kubeconfig", "--context"};
  own.insert(kind.flags.begin(), kind.flags.end());
  std::vector<std::string_view> given(flags.set.begin(), flags.set.end());
  for (const auto& entry : flags.values)
    given.push_back(entry.first);
  for (const auto& entry : flags.lists)
    given.push_back(entry.first);
  for (std::string_view flag : given) {
    if (!own.contains(flag)) {
      return usage("create",
                   "flag " + std::string(flag) + " is not for " + std::string(kind.kind().noun),
                   k_usage);
    }
  }
  auto timeout = flags.duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) return usage("create", timeout.error().message(), k_usage);
  auto object = kind.make(flags, flags.positional[0]);
  if (!object) return usage("create", object.error().message(), k_usage);
  if (flags.has("--export")) {
    std::string text = export_yaml(*object);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  say(Mark::generate, "generating " + std::string(kind.what));
  auto session = connect(flags);
  if (!session) return failed(session.error());
  auto done = apply_and_wait(*session->client, kind, *object, flags, *timeout);
  return done ? 0 : failed(done.error());
}

}  // namespace plumb::cli
