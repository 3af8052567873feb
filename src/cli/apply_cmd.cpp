// plumb apply PATH: render PATH and make the cluster match it.
#include <cstdio>
#include <optional>

#include "cli/cli.hpp"
#include "cli/progress.hpp"
#include "cli/sync_common.hpp"
#include "sync/sync.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb apply PATH [flags]\n\n"
    "Renders PATH (a kustomization, a directory of YAML files read recursively, or one YAML\n"
    "file) and applies it with server-side apply (field manager \"plumb\"). Objects that\n"
    "already match cost no write. What was applied is recorded as an ApplySet (a Secret in\n"
    "the namespace).\n\n"
    "Flags:\n"
    "  --prune             delete objects applied before that PATH no longer renders\n"
    "  --wait              wait until every object is healthy (Current)\n"
    "  --timeout D         how long --wait waits (default 5m)\n"
    "  --force             delete and recreate objects whose immutable fields changed\n"
    "  --dry-run           ask the server what would happen; change nothing\n"
    "  -n, --namespace NS  namespace for objects without one (default: the context's)\n"
    "  --applyset NAME     name of the ApplySet parent Secret (default plumb-<PATH name>)\n"
    "  --kubeconfig FILE, --context NAME\n"
    "  --stats             print the API requests made, by kind, on stderr\n";

void print_result(const sync::SyncResult& result) {
  for (const sync::ObjectResult& o : result.objects) {
    std::string line = o.ref.display() + " " + std::string(sync::to_string(o.action));
    if (o.health.health != sync::Health::unknown) {
      line += " (" + std::string(sync::to_string(o.health.health)) + ")";
    }
    if (!o.message.empty()) line += ": " + o.message;
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int apply_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--prune", "--wait", "--force", "--dry-run", "--stats", "--help"},
                .values = {"--timeout"},
                .aliases = {{"-h", "--help"}}};
  add_connection_flags(spec);
  auto flags = parse_flags(args, spec);
  std::optional<std::string> wrong_path =
      flags ? path_argument_error("apply", *flags) : std::nullopt;
  if (!flags || flags->has("--help") || wrong_path) {
    if (!flags) std::fprintf(stderr, "plumb apply: %s\n\n", flags.error().message().c_str());
    if (flags && !flags->has("--help"))
      std::fprintf(stderr, "plumb apply: %s\n\n", wrong_path->c_str());
    std::fprintf(flags && flags->has("--help") ? stdout : stderr, "%s", k_usage);
    return flags && flags->has("--help") ? 0 : 2;
  }
  auto timeout = flags->duration("--timeout", DurationRange::positive, std::chrono::minutes(5));
  if (!timeout) {
    std::fprintf(stderr, "plumb apply: %s\n", timeout.error().message().c_str());
    return 2;
  }
  auto input = prepare_sync(*flags, flags->positional[0]);
  if (!input) {
    std::fprintf(stderr, "plumb apply: %s\n", input.error().message().c_str());
    return 1;
  }
  kube::Client& client = *input->client;
  sync::SyncOptions options;
  options.recreate = flags->has("--force") ? sync::Recreate::yes : sync::Recreate::no;
  options.dry_run = flags->has("--dry-run") ? kube::DryRun::yes : kube::DryRun::no;

  sync::RunOptions run{.prune = flags->has("--prune") ? sync::Prune::yes : sync::Prune::no};
  if (flags->has("--wait")) run.wait = sync::HealthWait{sync::all_objects(input->plan), *timeout};
  sync::Syncer syncer(client, options);
  std::optional<Progress> progress;
  if (run.wait) {
    progress.emplace("the apply of " + std::to_string(run.wait->targets.size()) +
                     " objects and their health (Current)");
  }
  auto synced =
      sync::sync_applyset(syncer, client, input->applyset, input->plan, run, options.dry_run);
  if (progress) progress->finish(synced && synced->ok() ? "done" : "failed");
  if (!synced) {
    std::fprintf(stderr, "plumb apply: %s\n", synced.error().message().c_str());
    return 1;
  }
  const sync::SyncResult& result = *synced;
  print_result(result);
  if (flags->has("--stats")) {
    const kube::RequestCounts& c = client.counts();
    std::fprintf(stderr, "requests: %llu reads, %llu writes, %llu dry runs, %llu retries\n",
                 (unsigned long long)c.reads, (unsigned long long)c.writes,
                 (unsigned long long)c.dry_runs, (unsigned long long)c.retries);
  }
  std::string suffix = options.dry_run == kube::DryRun::yes ? " (dry run)" : "";
  if (!result.ok()) {
    std::fprintf(stderr, "plumb apply: %s\n", result.error.message().c_str());
    std::printf("%s%s\n", result.summary().c_str(), suffix.c_str());
    return 1;
  }
  std::printf("%s%s\n", result.summary().c_str(), suffix.c_str());
  return 0;
}

}  // namespace plumb::cli
