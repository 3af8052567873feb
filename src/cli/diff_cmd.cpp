// plumb diff PATH: what `plumb apply PATH --prune` would change.
#include <cstdio>

#include "cli/cli.hpp"
#include "cli/sync_common.hpp"
#include "sync/diff.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb diff PATH [flags]\n\n"
    "Shows, per object, a unified diff of the live object against what applying PATH would\n"
    "make of it (a server-side dry run), with server-managed fields left out and Secret\n"
    "values masked; objects that would be created or pruned too.\n"
    "Exit status: 0 no differences, 1 differences, 2 or more an error.\n\n"
    "Flags:\n"
    "  -n, --namespace NS  namespace for objects without one (default: the context's)\n"
    "  --applyset NAME     ApplySet whose members would be pruned (default plumb-<PATH name>)\n"
    "  --kubeconfig FILE, --context NAME\n";

}  // namespace

int diff_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--help"}, .values = {}, .aliases = {{"-h", "--help"}}};
  add_connection_flags(spec);
  auto flags = parse_flags(args, spec);
  std::optional<std::string> wrong_path =
      flags ? path_argument_error("diff", *flags) : std::nullopt;
  if (!flags || flags->has("--help") || wrong_path) {
    if (!flags) std::fprintf(stderr, "plumb diff: %s\n\n", flags.error().message().c_str());
    if (flags && !flags->has("--help"))
      std::fprintf(stderr, "plumb diff: %s\n\n", wrong_path->c_str());
    std::fprintf(flags && flags->has("--help") ? stdout : stderr, "%s", k_usage);
    return flags && flags->has("--help") ? 0 : 2;
  }
  auto input = prepare_sync(*flags, flags->positional[0]);
  if (!input) {
    std::fprintf(stderr, "plumb diff: %s\n", input.error().message().c_str());
    return 2;
  }
  auto members = sync::load_members(*input->client, input->applyset);
  if (!members) {
    std::fprintf(stderr, "plumb diff: inventory: %s\n", members.error().message().c_str());
    return 2;
  }
  std::vector<sync::PlannedObject> pruned;
  for (sync::PlannedObject& m : *members) {
    bool kept = false;
    for (const auto* stage : {&input->plan.definitions, &input->plan.workloads}) {
      for (const sync::PlannedObject& o : *stage)
        kept = kept || o.ref.same_object(m.ref);
    }
    if (!kept) pruned.push_back(std::move(m));
  }
  auto diffs = sync::diff_plan(*input->client, input->plan, pruned, "plumb");
  if (!diffs) {
    std::fprintf(stderr, "plumb diff: %s\n", diffs.error().message().c_str());
    return 2;
  }
  for (const sync::ObjectDiff& d : *diffs)
    std::fwrite(d.diff.data(), 1, d.diff.size(), stdout);
  return diffs->empty() ? 0 : 1;
}

}  // namespace plumb::cli
