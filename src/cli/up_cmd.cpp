// `plumb up`: the whole GitOps loop on one machine — the embedded API server, the controller
// and the webhook receiver — bootstrapped from a git repository (the project's examples
// unless --repo names one).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cli.hpp"
#include "cli/examples.hpp"
#include "cli/flags.hpp"
#include "cli/gitops_loop.hpp"
#include "cli/loop_journal.hpp"
#include "cli/signals.hpp"
#include "cli/up_setup.hpp"
#include "controller/reconcile.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"
#include "notify/observer.hpp"
#include "source/git_repo.hpp"

namespace plumb::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
    "Usage: plumb up [--repo URL|PATH [--branch B] [--path P]] [--data-dir DIR] [--port N]\n"
    "                [--webhook-port N] [--metrics-port N] [--no-kubeconfig]\n\n"
    "Runs the GitOps loop on this machine: the embedded Kubernetes API server (state kept in\n"
    "DIR), the controller and the webhook receiver, until interrupted.\n"
    "Without --repo, the first run creates a git repository in DIR/repo from Plumb's examples\n"
    "(apps/base, apps/staging, clusters/local) and bootstraps from it, as `flux bootstrap`\n"
    "does: a GitRepository `flux-system` for the repository and a Kustomization `flux-system`\n"
    "applying clusters/local, which holds the other Kustomizations.\n"
    "With --repo, the GitRepository points at URL, or at the repository in the directory PATH\n"
    "(branch B, default the one its HEAD names, as git clone picks; checked at start) and the\n"
    "Kustomization applies path P (default ./). A repository on this machine (the examples\n"
    "too) gets a post-commit hook that calls the webhook: each commit is applied at once.\n"
    "The cluster is added to your kubeconfig ($KUBECONFIG's first file, else ~/.kube/config) as\n"
    "the context `plumb`, made current, as kind and minikube do.\n\n"
    "Flags:\n"
    "  --data-dir DIR      default $XDG_DATA_HOME/plumb or ~/.local/share/plumb\n"
    "  --port N            the API server's port (default 6443; 0: any free port)\n"
    "  --webhook-port N    the webhook receiver's port (default 0: any free port)\n"
    "  --metrics-port N    Prometheus metrics on http://127.0.0.1:N/metrics (default 0: any\n"
    "                      free port; written to DIR/metrics-port)\n"
    "  --no-kubeconfig     leave your kubeconfig alone (use DIR/kubeconfig)\n"
    "  --log-format F      text (default) or json: one object per line with ts, level, kind,\n"
    "                      namespace, name, msg. Either way the lines are also appended to\n"
    "                      DIR/controller.log as JSON (what plumb logs reads)\n"
    "  --journal-max-age D, --journal-max-size S\n"
    "                      the sync journal (DIR/journal.db, plumb history) deletes entries\n"
    "                      older than D (default 720h), and the oldest past S (default 512Mi)\n";

constexpr std::string_view k_url_placeholder = "PLUMB_REPO_URL";

// Creates DIR/repo from the examples unless it exists; returns its URL.
Result<std::string> ensure_example_repository(const std::string& data_dir) {
  std::string dir = data_dir + "/repo";
  std::string url = "file://" + dir;
  if (fs::exists(dir + "/.git")) return url;
  std::vector<source::RepositoryFile> files;
  for (const EmbeddedFile& f : example_files()) {
    std::string content(f.content);
    for (size_t at; (at = content.find(k_url_placeholder)) != std::string::npos;)
      content.replace(at, k_url_placeholder.size(), url);
    files.push_back({std::string(f.path), std::move(content)});
  }
  TRY(source::create_repository(dir, files, "main", "Plumb examples"));
  return url;
}

Node flux_object(std::string_view text) {
  return parse_yaml(text, "plumb up").value();
}

// What `flux bootstrap` leaves in the cluster: the namespace, a GitRepository for the
// repository and a Kustomization applying its cluster directory.
std::vector<Node> bootstrap_objects(const std::string& url, const std::string& branch,
                                    const std::string& path) {
  return {flux_object("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"),
          flux_object("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                      "metadata:\n  name: flux-system\n  namespace: flux-system\n"
                      "spec:\n  interval: 1m\n  ref:\n    branch: \"" +
                      branch + "\"\n  url: \"" + url + "\"\n"),
          flux_object("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                      "metadata:\n  name: flux-system\n  namespace: flux-system\n"
                      "spec:\n  interval: 10m\n  path: \"" +
                      path +
                      "\"\n  prune: true\n  sourceRef:\n    kind: GitRepository\n"
                      "    name: flux-system\n")};
}

Result<void> bootstrap(kube::Client& client, const std::vector<Node>& objects) {
  TRY_VOID(controller::install_flux_crds(client));
  for (const Node& o : objects) {
    auto resource = TRY(client.resource_for(o.string_at({"apiVersion"}), o.string_at({"kind"})));
    TRY(client.apply(resource, o, "plumb", kube::Force::yes, kube::DryRun::no));
  }
  return {};
}

}  // namespace

std::string default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/plumb";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.local/share/plumb";
}

int up_command(std::span<const std::string_view> args) {
  FlagSpec spec{
      .booleans = {"--help", "--no-kubeconfig"},
      .values = {"--repo", "--branch", "--path", "--data-dir", "--port", "--webhook-port",
                 "--metrics-port", "--journal-max-age", "--journal-max-size", "--log-format"},
      .aliases = {{"-h", "--help"}}};
  auto flags = parse_flags(args, spec);
  if (!flags || flags->has("--help") || !flags->positional.empty()) {
    if (!flags) std::fprintf(stderr, "plumb up: %s\n\n", flags.error().message().c_str());
    bool help = flags && flags->has("--help");
    std::fprintf(help ? stdout : stderr, "%s", k_usage);
    return help ? 0 : 2;
  }
  auto port = flags->integer("--port", k_port_range, 6443);
  auto webhook_port = flags->integer("--webhook-port", k_port_range, 0);
  auto metrics_port = flags->integer("--metrics-port", k_port_range, 0);
  for (const auto* p : {&port, &webhook_port, &metrics_port}) {
    if (!*p) {
      std::fprintf(stderr, "plumb up: %s\n", p->error().message().c_str());
      return 2;
    }
  }
  std::string data_dir = fs::absolute(flags->value("--data-dir", default_data_dir())).string();
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (auto logging = configure_log_from(*flags, data_dir + "/controller.log"); !logging) {
    std::fprintf(stderr, "plumb up: %s\n", logging.error().message().c_str());
    return 2;
  }

  std::string url = flags->has_value("--repo") ? repository_url(flags->value("--repo")) : "";
  std::string branch = flags->value("--branch", "main");  // with --repo: the repository's own
  std::string path = flags->value("--path", url.empty() ? "./clusters/local" : "./");
  bool examples = url.empty();
  if (examples) {
    auto created = ensure_example_repository(data_dir);
    if (!created) {
      std::fprintf(stderr, "plumb up: creating the example repository: %s\n",
                   created.error().message().c_str());
      return 1;
    }
    url = *created;
  } else {
    auto checked =
        check_repository(url, flags->has_value("--branch") ? std::optional(branch) : std::nullopt,
                         data_dir + "/git-cache");
    if (!checked) {
      std::fprintf(stderr, "plumb up: %s\n", checked.error().message().c_str());
      return 1;
    }
    branch = *checked;
  }

  StopSignals signals;  // before any thread starts
  localcluster::ClusterOptions options;
  options.data_dir = data_dir + "/cluster";
  options.port = int(*port);
  options.kubeconfig = data_dir + "/kubeconfig";
  auto cluster = localcluster::Cluster::start(options);
  if (!cluster) {
    std::fprintf(stderr, "plumb up: starting the API server: %s\n",
                 listen_error(cluster.error(), "--port", *port).c_str());
    return 1;
  }
  auto client = kube::Client::connect({.kubeconfig = options.kubeconfig, .context = ""});
  if (!client) {
    std::fprintf(stderr, "plumb up: %s\n", client.error().message().c_str());
    return 1;
  }
  if (auto done = bootstrap(**client, bootstrap_objects(url, branch, path)); !done) {
    std::fprintf(stderr, "plumb up: bootstrap: %s\n", done.error().message().c_str());
    return 1;
  }
  auto journal = open_loop_journal(data_dir + "/journal.db", *flags);
  if (!journal) {
    std::fprintf(stderr, "plumb up: %s\n", journal.error().message().c_str());
    return 1;
  }
  // Alerts and commit statuses (Flux's notification-controller); outlives the loop.
  std::atomic<GitOpsLoop*> deliveries_counted_by{nullptr};
  notify::NotificationObserver notifications(
      **client, {.delivery = counted_deliveries(deliveries_counted_by), .log = log_line});
  if (auto started = notifications.start(); !started)
    log_line("notifications off: " + started.error().message());
  std::vector<controller::Observer*> observers = journal->observers();
  observers.push_back(&notifications);
  GitOpsLoop loop(**client, {.cache_dir = data_dir + "/git-cache",
                             .workers = 4,
                             .observers = std::move(observers),
                             .metrics_port = std::to_string(*metrics_port),
                             .journal = journal->journal.get()});
  DeliveriesCountedIn counting(deliveries_counted_by, loop, notifications);
  if (auto started = loop.start(std::to_string(*webhook_port)); !started) {
    std::fprintf(stderr, "plumb up: %s\n",
                 listen_error(started.error(), "--webhook-port", *webhook_port).c_str());
    return 1;
  }
  std::ofstream(data_dir + "/webhook-port") << loop.webhook_port() << "\n";
  std::ofstream(data_dir + "/metrics-port") << loop.metrics_port() << "\n";

  StartupReport report{
      .server = (*cluster)->server_url(),
      .url = url,
      .branch = branch,
      .path = path,
      .data_dir = data_dir,
      .generated_kubeconfig = options.kubeconfig,
      .webhook = "http://127.0.0.1:" + std::to_string(loop.webhook_port()) + "/hook/git",
      .metrics = "http://127.0.0.1:" + std::to_string(loop.metrics_port()) + "/metrics",
      .examples = examples};
  if (std::string dir = local_path(url); !dir.empty()) {
    auto hook = install_post_commit_hook(dir, data_dir, url);
    report.hook = hook ? *hook : "not installed: " + hook.error().message();
  }
  if (flags->has("--no-kubeconfig")) {
    report.kubeconfig_note = "(--no-kubeconfig: your kubeconfig is left alone)";
  } else if (auto added = add_to_user_kubeconfig(options.kubeconfig); added) {
    report.user_kubeconfig = *added;
  } else {
    report.kubeconfig_note = "(not added to your kubeconfig: " + added.error().message() + ")";
  }
  std::fputs(startup_lines(report).c_str(), stdout);
  std::fflush(stdout);
  signals.wait();
  log_line("stopping");
  loop.stop();
  journal->close();
  flush_log(std::chrono::seconds(2));
  (*cluster)->stop();
  fs::remove(data_dir + "/webhook-port", ec);
  fs::remove(data_dir + "/metrics-port", ec);
  return 0;
}

}  // namespace plumb::cli
