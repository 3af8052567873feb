// The operation contract between `plumb app` and the controller, as Argo CD's API server and
// CLI hold it (server/application/application.go Sync and Rollback, util/argo SetAppOperation,
// cmd/argocd/commands/app.go): the Application's top-level `operation` field a sync or rollback
// writes, the --resource filters, and when a wait is over.
//
// operation = {sync: {revision?, prune?, dryRun?, syncStrategy, resources?: [{group?, kind,
// name, namespace?}], source? | sources?, syncOptions?, revisions?}, initiatedBy: {username},
// info?: [{name, value}], retry: {...}}. It is written together with removing
// status.operationState (one update, refused while `operation` is set: "another operation is
// already in progress"); the controller runs it, writes status.operationState and removes
// `operation`. A wait on the operation is over when `operation` is gone, operationState has
// finishedAt and (unless a dry run) status.reconciledAt is not before it.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::cli::app {

// The default namespace of Applications, as Argo CD installs it.
inline constexpr std::string_view k_default_app_namespace = "argocd";

// A name as argocd takes it: "NAME" (in default_ns) or "NAMESPACE/NAME".
struct AppName {
  std::string ns;
  std::string name;
  std::string text;  // as the user wrote it, for messages
  std::string qualified() const { return ns + "/" + name; }
};
AppName parse_app_name(std::string_view text, std::string_view default_ns);

// --resource GROUP:KIND:NAME, GROUP:KIND:NAMESPACE/NAME, '!' first to exclude; '*' matches
// anything in a field.
struct ResourceFilter {
  std::string group, kind, ns, name;
  bool exclude = false;
};
Result<std::vector<ResourceFilter>> parse_resource_filters(std::span<const std::string> texts);
// Argo's IncludeResource: included by some include filter (or there are none) and by no
// exclude filter.
bool resource_selected(std::string_view group, std::string_view kind, std::string_view ns,
                       std::string_view name, std::span<const ResourceFilter> filters);
// The app's status.resources the filters select, as sync names them: [{group, kind, name,
// namespace}]. Empty without filters.
Node selected_resources(const Node& app, std::span<const ResourceFilter> filters);

enum class SyncStrategy { hook, apply };

// What `app sync` asks for.
struct SyncRequest {
  std::string revision;  // empty: the source's targetRevision
  bool prune = false;
  bool dry_run = false;
  Node resources;                         // from selected_resources; null or empty: all
  std::vector<std::string> sync_options;  // empty: the app's spec.syncPolicy.syncOptions
  SyncStrategy strategy = SyncStrategy::hook;
  bool force = false;
  std::vector<std::pair<std::string, std::string>> infos;  // --info name=value
  std::string username;
};

// The `operation` a sync writes into app: revision (when given), source (a copy of
// spec.source) or sources. Refused as Argo's API server refuses it: an app being deleted, a
// --revision other than the target on an app with automated sync (unless a dry run). (A
// --revision on a multi-source app the command refuses before: argocd's CLI does.)
Result<Node> sync_operation(const Node& app, const SyncRequest& request);

// status.history's entry of a rollback: id, or the one before the last when id < 0.
Result<Node> rollback_target(const Node& app, int64_t id);
// The `operation` of a rollback to that entry: its revision(s) and source(s), the apply
// strategy, the app's sync options.
Result<Node> rollback_operation(const Node& app, const Node& history, bool prune, bool dry_run,
                                std::string_view username);

bool automated_sync_enabled(const Node& app);
bool has_multiple_sources(const Node& app);
bool deleting(const Node& app);

// What `app wait` waits for (argocd's watchOpts; none given: sync, health and operation).
struct WaitFor {
  bool sync = false, health = false, operation = false, suspended = false, degraded = false;
  bool any() const { return sync || health || operation || suspended || degraded; }
};

struct WaitState {
  bool ready = false;                  // the conditions hold
  bool operation_in_progress = false;  // operation set, unfinished, or not reconciled since
  bool done(const WaitFor& w) const { return ready && (!operation_in_progress || !w.operation); }
};
WaitState wait_state(const Node& app, const WaitFor& wait, std::span<const ResourceFilter> filters);

// The number of the last sync's results that still need pruning (PruneSkipped, not "no prune").
int pruning_required(const Node& operation_state);

}  // namespace plumb::cli::app
