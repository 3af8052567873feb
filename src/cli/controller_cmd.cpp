// plumb controller: reconciles Flux GitRepository and Kustomization objects.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "argo/crds.hpp"
#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "cli/gitops_loop.hpp"
#include "cli/loop_journal.hpp"
#include "cli/signals.hpp"
#include "controller/application.hpp"
#include "controller/applicationset.hpp"
#include "controller/ocirepository.hpp"
#include "controller/reconcile.hpp"
#include "controller/sealedsecret.hpp"
#include "notify/observer.hpp"

namespace plumb::cli {

std::string default_cache_dir() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.cache/plumb/git";
}

namespace {

constexpr const char* k_usage =
    "Usage: plumb controller [--once] [flags]\n\n"
    "Reconciles every GitRepository (source.toolkit.fluxcd.io/v1) and Kustomization\n"
    "(kustomize.toolkit.fluxcd.io/v1) in the cluster: fetches each repository, renders each\n"
    "Kustomization's path at the fetched revision and syncs it (server-side apply, prune,\n"
    "health), and writes their status as Flux does. HelmReleases (helm.toolkit.fluxcd.io/v2,\n"
    "chart from a GitRepository path or an HTTP HelmRepository) are installed, upgraded, rolled "
    "back and uninstalled as\n"
    "helm-controller does, with Helm's release records (helm list sees them). Installs the\n"
    "CRDs when missing.\n"
    "Runs until interrupted: changes to the Flux objects and new commits are applied as they\n"
    "come, at each interval, and a change made to an applied object outside Git (kubectl\n"
    "edit, scale, delete) is undone at once.\n"
    "With --once it makes one pass (dependencies first) and exits 0 when all are Ready.\n\n"
    "Flags:\n"
    "  --once              one pass, then exit\n"
    "  --workers N         reconciles in parallel (default 4)\n"
    "  --webhook-port N    serve webhooks on http://127.0.0.1:N (0: any free port):\n"
    "                      POST /hook/NAMESPACE/NAME fetches that GitRepository now,\n"
    "                      POST /hook/github takes GitHub push events; a bearer token\n"
    "                      from $PLUMB_WEBHOOK_TOKEN and the GitHub secret from\n"
    "                      $PLUMB_GITHUB_SECRET are required when set\n"
    "  --metrics-port N    serve Prometheus metrics on http://127.0.0.1:N/metrics (0: any\n"
    "                      free port, printed); none without it\n"
    "  --cache-dir DIR     where git repositories are cached (default ~/.cache/plumb/git)\n"
    "  --resource-customizations DIR\n"
    "                      Argo CD health scripts laid out as Argo CD's resource_customizations\n"
    "                      (GROUP/KIND/health.lua), after those of argocd-cm; Plumb ships none\n"
    "  --sops-age-secret [NAMESPACE/]NAME\n"
    "                      the age keys (*.agekey entries) of this Secret decrypt SOPS files of\n"
    "                      Kustomizations with spec.decryption but no secretRef (as Flux's flag;\n"
    "                      the namespace defaults to $RUNTIME_NAMESPACE, else flux-system)\n"
    "  --kube-api-qps F, --kube-api-burst N\n"
    "                      client-side rate limit of API requests (0: none). Without them\n"
    "                      500/s, burst 1000, lifted when the API server does flow control\n"
    "                      itself (API Priority and Fairness), as Flux does\n"
    "  --sealed-key-renew-period D\n"
    "                      SealedSecrets (bitnami.com/v1alpha1) are unsealed with keys kept in\n"
    "                      plumb-system; a new key every D (default 720h, 0: never), old\n"
    "                      keys kept for unsealing (sealed-secrets' --key-renew-period)\n"
    "  --sealed-key-size N bits of new sealing keys (default 4096)\n"
    "  --journal PATH      keep the sync journal (plumb history) in the file PATH\n"
    "  --journal-max-age D, --journal-max-size S\n"
    "                      delete journal entries older than D (default 720h), and the\n"
    "                      oldest past S bytes (default 512Mi)\n"
    "  --log-format F      text (default) or json: one object per line with ts, level, kind,\n"
    "                      namespace, name, msg\n"
    "  --log-file PATH     also append every line to PATH as JSON, for plumb logs (default:\n"
    "                      controller.log beside --journal's file; none without --journal)\n"
    "  --kubeconfig FILE, --context NAME\n";

std::vector<std::pair<std::string, std::string>> names_of(kube::Client& client,
                                                          const kube::Resource& resource) {
  std::vector<std::pair<std::string, std::string>> out;
  auto list = client.list(resource, "");
  const Node* items = list ? list->find("items") : nullptr;
  for (const Node& item : items ? items->items() : std::span<const Node>()) {
    out.emplace_back(item.string_at({"metadata", "namespace"}),
                     item.string_at({"metadata", "name"}));
  }
  return out;
}

int run_once(kube::Client& client, const std::string& cache_dir,
             const std::optional<controller::NamespacedName>& sops_age_secret,
             const std::string& resource_customizations);

// The client's rate limit from --kube-api-qps / --kube-api-burst: given, it always applies.
Result<kube::ClientOptions> client_options(const Flags& flags) {
  kube::ClientOptions options;
  if (!flags.has_value("--kube-api-qps") && !flags.has_value("--kube-api-burst")) return options;
  options.server_flow_control = kube::ServerFlowControl::ignored;
  options.qps = TRY(flags.number("--kube-api-qps", 0, options.qps));
  options.burst =
      int(TRY(flags.integer("--kube-api-burst", {.min = 1, .max = 1 << 20}, options.burst)));
  return options;
}

// The SealedSecret controller's keys from --sealed-key-renew-period / --sealed-key-size.
Result<controller::SealedSecretOptions> sealed_options(const Flags& flags) {
  controller::SealedSecretOptions options;
  auto period = TRY(flags.duration("--sealed-key-renew-period", DurationRange::non_negative,
                                   controller::k_default_key_renew_period));
  options.key_renew_period = std::chrono::duration_cast<std::chrono::seconds>(period);
  if (period.count() > 0 && options.key_renew_period.count() == 0)
    options.key_renew_period = std::chrono::seconds(1);
  options.key_bits =
      int(TRY(flags.integer("--sealed-key-size", {.min = 1024, .max = 16384}, 4096)));
  return options;
}

}  // namespace

int controller_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--once", "--help"},
                .values = {"--kubeconfig", "--context", "--cache-dir", "--workers",
                           "--webhook-port", "--metrics-port", "--kube-api-qps", "--kube-api-burst",
                           "--sops-age-secret", "--resource-customizations", "--journal",
                           "--journal-max-age", "--journal-max-size", "--log-format", "--log-file"},
                .aliases = {{"-h", "--help"}}};
  spec.values.insert({"--sealed-key-renew-period", "--sealed-key-size"});
  auto flags = parse_flags(args, spec);
  if (!flags || flags->has("--help") || !flags->positional.empty()) {
    if (!flags) std::fprintf(stderr, "plumb controller: %s\n\n", flags.error().message().c_str());
    bool help = flags && flags->has("--help");
    std::fprintf(help ? stdout : stderr, "%s", k_usage);
    return help ? 0 : 2;
  }
  auto workers_flag = flags->integer("--workers", {.min = 1, .max = 1024}, 4);
  if (!workers_flag) {
    std::fprintf(stderr, "plumb controller: %s\n", workers_flag.error().message().c_str());
    return 2;
  }
  int workers = int(*workers_flag);
  std::string journal_file = flags->value("--journal");
  std::string log_file =
      journal_file.empty()
          ? std::string()
          : (std::filesystem::path(journal_file).parent_path() / "controller.log").string();
  if (auto logging = configure_log_from(*flags, log_file); !logging) {
    std::fprintf(stderr, "plumb controller: %s\n", logging.error().message().c_str());
    return 2;
  }
  auto sealed = sealed_options(*flags);
  if (!sealed) {
    std::fprintf(stderr, "plumb controller: %s\n", sealed.error().message().c_str());
    return 2;
  }
  auto limits = client_options(*flags);
  if (!limits) {
    std::fprintf(stderr, "plumb controller: %s\n", limits.error().message().c_str());
    return 2;
  }
  auto client = kube::Client::connect(
      {.kubeconfig = flags->value("--kubeconfig"), .context = flags->value("--context")}, *limits);
  if (!client) {
    std::fprintf(stderr, "plumb controller: %s\n", client.error().message().c_str());
    return 1;
  }
  std::string cache_dir = flags->value("--cache-dir", default_cache_dir());
  std::optional<controller::NamespacedName> age_secret;
  if (flags->has_value("--sops-age-secret")) {
    std::string value = flags->value("--sops-age-secret");
    size_t slash = value.find('/');
    const char* runtime = std::getenv("RUNTIME_NAMESPACE");
    age_secret =
        slash == std::string::npos
            ? controller::NamespacedName{runtime && *runtime ? runtime : "flux-system", value}
            : controller::NamespacedName{value.substr(0, slash), value.substr(slash + 1)};
  }
  std::string customizations = flags->value("--resource-customizations");
  if (flags->has("--once")) return run_once(**client, cache_dir, age_secret, customizations);

  LoopJournal journal;
  if (flags->has_value("--journal")) {
    auto opened = open_loop_journal(flags->value("--journal"), *flags);
    if (!opened) {
      std::fprintf(stderr, "plumb controller: %s\n", opened.error().message().c_str());
      return 1;
    }
    journal = std::move(*opened);
  }
  StopSignals signals;
  // Alerts and commit statuses (Flux's notification-controller); outlives the loop.
  std::atomic<GitOpsLoop*> deliveries_counted_by{nullptr};
  notify::NotificationObserver notifications(
      **client, {.delivery = counted_deliveries(deliveries_counted_by), .log = log_line});
  if (auto started = notifications.start(); !started)
    log_line("notifications off: " + started.error().message());
  std::vector<controller::Observer*> observers = journal.observers();
  observers.push_back(&notifications);
  GitOpsLoop loop(**client, {.cache_dir = cache_dir,
                             .workers = workers,
                             .sops_age_secret = age_secret,
                             .resource_customizations = customizations,
                             .observers = std::move(observers),
                             .metrics_port = flags->value("--metrics-port"),
                             .journal = journal.journal.get(),
                             .sealed = std::move(*sealed)});
  DeliveriesCountedIn counting(deliveries_counted_by, loop, notifications);
  if (auto started = loop.start(flags->value("--webhook-port")); !started) {
    std::fprintf(stderr, "plumb controller: %s\n", started.error().message().c_str());
    return 1;
  }
  log_line("controller started (" + std::to_string(workers) + " workers)");
  signals.wait();
  log_line("stopping");
  loop.stop();
  journal.close();
  flush_log(std::chrono::seconds(2));
  return 0;
}

namespace {

// One pass: every source fetched, then every Kustomization reconciled with its health
// waited for inline, dependencies first (passes until nothing more becomes ready).
int run_once(kube::Client& client, const std::string& cache_dir,
             const std::optional<controller::NamespacedName>& sops_age_secret,
             const std::string& resource_customizations) {
  using controller::Outcome;
  auto installed = controller::install_flux_crds(client);
  if (installed) installed = controller::install_crds(client, argo::argo_crds());
  if (installed) installed = controller::install_crds(client, {controller::sealed_secret_crd()});
  if (!installed) {
    std::fprintf(stderr, "plumb controller: installing CRDs: %s\n",
                 installed.error().message().c_str());
    return 1;
  }
  controller::SourceCache sources(cache_dir);
  controller::Reconcilers reconcilers(client, sources);
  if (sops_age_secret) reconcilers.set_sops_age_secret(*sops_age_secret);
  // Reads the object, reconciles it and writes its status; nullopt when it is gone.
  auto reconcile = [&](const kube::Resource& resource, const std::string& ns,
                       const std::string& name) -> std::optional<Outcome> {
    auto object = reconcilers.read(resource, ns, name);
    if (!object) return Outcome::failure(controller::Reason::reconciliation_failed, object.error());
    if (!*object) return std::nullopt;
    auto failed = [](Error error) {
      return Outcome::failure(controller::Reason::reconciliation_failed, std::move(error));
    };
    Outcome outcome;
    if (&resource == &controller::k_git_repositories) {
      outcome = reconcilers.reconcile_source(**object);
    } else if (&resource == &controller::k_oci_repositories) {
      outcome = reconcilers.reconcile_oci_repository(**object);
    } else if (&resource == &controller::k_helm_repositories) {
      outcome = reconcilers.reconcile_helm_repository(**object);
    } else if (&resource == &controller::k_helm_releases) {
      if ((*object)->at_path({"metadata", "deletionTimestamp"})) {
        auto uninstalled = reconcilers.finalize_helm_release(**object);
        return uninstalled ? *uninstalled : failed(uninstalled.error());
      }
      if (auto added = reconcilers.add_finalizer(**object); !added) return failed(added.error());
      outcome = reconcilers.reconcile_helm_release(**object, controller::HealthMode::inline_wait);
    } else {
      outcome = reconcilers.reconcile_kustomization(**object, controller::HealthMode::inline_wait);
    }
    if (auto written = reconcilers.write_status(resource, **object, outcome); !written)
      return failed(written.error());
    return outcome;
  };
  bool ok = true;
  for (const kube::Resource* r : {&controller::k_git_repositories, &controller::k_oci_repositories,
                                  &controller::k_helm_repositories}) {
    for (auto& [ns, name] : names_of(client, *r)) {
      auto outcome = reconcile(*r, ns, name);
      if (!outcome || outcome->reason == controller::Reason::suspended) continue;
      if (outcome->failed()) {
        ok = false;
        std::printf("%s/%s/%s: failed: %s\n", r->kind.c_str(), ns.c_str(), name.c_str(),
                    outcome->error.message().c_str());
      } else {
        std::printf("%s/%s/%s: %s\n", r->kind.c_str(), ns.c_str(), name.c_str(),
                    outcome->revision.c_str());
      }
    }
  }
  // Kustomizations, then HelmReleases (whose namespaces they often make), in passes until
  // nothing more becomes ready (dependsOn).
  struct Pending {
    const kube::Resource* resource;
    std::string ns, name, error;
  };
  std::vector<Pending> pending;
  for (const kube::Resource* r : {&controller::k_kustomizations, &controller::k_helm_releases}) {
    for (auto& [ns, name] : names_of(client, *r))
      pending.push_back(Pending{r, ns, name, ""});
  }
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    for (size_t i = 0; i < pending.size();) {
      Pending& p = pending[i];
      auto outcome = reconcile(*p.resource, p.ns, p.name);
      if (!outcome || !outcome->failed()) {
        if (outcome && outcome->reason != controller::Reason::suspended) {
          std::string what = outcome->revision;
          if (outcome->release)
            what = std::string(controller::to_string(outcome->reason)) + " revision " +
                   std::to_string(outcome->release->version);
          else if (outcome->reason == controller::Reason::uninstall_succeeded)
            what = "uninstalled";
          std::printf("%s/%s/%s: %s (%s)\n", p.resource->kind.c_str(), p.ns.c_str(), p.name.c_str(),
                      what.c_str(), outcome->sync.summary().c_str());
        }
        pending.erase(pending.begin() + long(i));
        progress = true;
      } else {
        p.error = outcome->error.message();
        ++i;
      }
    }
  }
  for (const Pending& p : pending) {
    ok = false;
    std::printf("%s/%s/%s: failed: %s\n", p.resource->kind.c_str(), p.ns.c_str(), p.name.c_str(),
                p.error.c_str());
  }
  // Argo CD ApplicationSets, then Applications (Kustomizations often apply them, and sets
  // make Applications): each set generates its Applications once; each Application is
  // compared, and synced when asked or automated, once.
  controller::ApplicationSetReconciler sets(client, sources);
  for (auto& [ns, name] : names_of(client, argo::k_application_sets)) {
    auto object = client.get(argo::k_application_sets, ns, name);
    if (!object || !*object || (*object)->at_path({"metadata", "deletionTimestamp"})) continue;
    std::string id = "ApplicationSet/" + ns + "/" + name;
    controller::AppSetOutcome outcome = sets.reconcile(**object);
    if (auto written = sets.write_status(**object, outcome); !written) {
      ok = false;
      std::printf("%s: writing status: %s\n", id.c_str(), written.error().message().c_str());
      continue;
    }
    if (outcome.error) {
      ok = false;
      std::printf("%s: %s: %s\n", id.c_str(),
                  std::string(controller::to_string(*outcome.error)).c_str(),
                  outcome.message.c_str());
      continue;
    }
    std::printf("%s: %zu created, %zu updated, %zu deleted\n", id.c_str(), outcome.created.size(),
                outcome.updated.size(), outcome.deleted.size());
  }
  controller::ApplicationReconciler applications(client, sources);
  applications.set_customization_dir(resource_customizations);
  for (auto& [ns, name] : names_of(client, argo::k_applications)) {
    auto object = client.get(argo::k_applications, ns, name);
    if (!object || !*object) continue;
    std::string id = "Application/" + ns + "/" + name;
    if ((*object)->at_path({"metadata", "deletionTimestamp"})) {
      if (auto deleted = applications.finalize(**object); !deleted) {
        ok = false;
        std::printf("%s: deleting: %s\n", id.c_str(), deleted.error().message().c_str());
      }
      continue;
    }
    controller::ApplicationOutcome outcome = applications.reconcile(**object);
    if (auto written = applications.write_status(**object, outcome); !written) {
      ok = false;
      std::printf("%s: writing status: %s\n", id.c_str(), written.error().message().c_str());
      continue;
    }
    bool failed =
        !outcome.conditions.empty() ||
        (outcome.operation && outcome.operation->phase != controller::OperationPhase::succeeded);
    ok = ok && !failed;
    std::string what = outcome.compared ? (outcome.synced ? "Synced" : "OutOfSync") : "Unknown";
    what += std::string(" ") + std::string(argo::to_string(outcome.health));
    if (outcome.operation)
      what += "; sync " + std::string(controller::to_string(outcome.operation->phase)) + ": " +
              outcome.operation->message;
    for (const auto& [type, message] : outcome.conditions)
      what += "; " + std::string(controller::to_string(type)) + ": " + message;
    std::printf("%s: %s %s\n", id.c_str(), outcome.revision.c_str(), what.c_str());
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace plumb::cli
