#include "cli/app_wait.hpp"

#include <algorithm>
#include <map>

#include "argo/crds.hpp"
#include "cli/app_table.hpp"
#include "cli/flux_wait.hpp"

namespace plumb::cli::app {
namespace {

Node operation_state_of(const Node& app) {
  const Node* state = app.at_path({"status", "operationState"});
  return state ? *state : Node();
}

void print_final(const Node& app, const WaitOptions& options) {
  if (options.output == Output::wide) {
    std::string out = "\n" + app_summary(app, {}) + "\n";
    const Node* state = app.at_path({"status", "operationState"});
    if (options.wait.operation && state && state->is_map()) {
      out += operation_summary(*state, std::chrono::system_clock::now());
    }
    const Node* resources = app.at_path({"status", "resources"});
    if (resources && !resources->empty()) out += "\n" + resources_table(app);
    print(out);
  } else {
    print_object(app, options.output);
  }
}

bool degraded_transition(const ResourceState& before, const ResourceState& now) {
  return before.health != "Unknown" && before.health != "Degraded" && now.health == "Degraded";
}

}  // namespace

Result<Waited> wait_on_application(kube::Client& client, const Node& start,
                                   const WaitOptions& options) {
  const std::string name = qualified_name(start);
  const bool rows = options.output == Output::wide;
  bool header_pending = rows;
  std::map<std::string, ResourceState> seen;
  std::optional<std::string> degraded;
  Waited waited{start, operation_state_of(start)};

  // Each state of the app, from start on: done, or print the resources that changed.
  auto on_state = [&](const Node& app) {
    waited = {app, operation_state_of(app)};
    if (wait_state(app, options.wait, options.filters).done(options.wait)) return true;
    // argocd merges the states of one resource (a hook seen twice) before comparing.
    std::vector<ResourceState> grouped;
    for (const ResourceState& state : resource_states(app, options.filters)) {
      auto same = std::find_if(grouped.begin(), grouped.end(),
                               [&](const ResourceState& g) { return g.key() == state.key(); });
      if (same != grouped.end()) {
        same->merge(state);
      } else {
        grouped.push_back(state);
      }
    }
    std::vector<ResourceState> changed;
    for (const ResourceState& now : grouped) {
      auto [at, added] = seen.try_emplace(now.key(), now);
      if (!added) {
        if (options.wait.health && degraded_transition(at->second, now)) {
          degraded = "application '" + name + "' health state has transitioned from " +
                     at->second.health + " to " + now.health;
          return true;
        }
        if (!at->second.merge(now)) continue;
      }
      changed.push_back(at->second);
    }
    if (rows && (header_pending || !changed.empty())) {
      print(wait_rows(changed, wait_timestamp(std::chrono::system_clock::now()), header_pending));
      header_pending = false;
    }
    return false;
  };

  auto deadline = deadline_after(options.timeout_seconds);
  auto finished =
      TRY(flux::wait_for_object(client, argo::k_applications, start, deadline, on_state));
  if (degraded) {
    print_final(waited.app, options);
    return fail(*degraded);
  }
  if (!finished) {
    if (rows) print("\nThis is the state of the app after wait timed out:\n");
    auto current = client.get(argo::k_applications, start.string_at({"metadata", "namespace"}),
                              start.string_at({"metadata", "name"}));
    if (current && *current) waited.app = **current;
    if (rows) print("\nThe command timed out waiting for the conditions to be met.\n");
    print_final(waited.app, options);
    return fail("timed out (", std::to_string(options.timeout_seconds), "s) waiting for app \"",
                name, "\" match desired state");
  }
  print_final(waited.app, options);
  return waited;
}

}  // namespace plumb::cli::app
