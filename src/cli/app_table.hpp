// What the argocd-like commands (`plumb app ...`) print, as pure functions of an Application
// (argoproj.io/v1alpha1, as read from the API): Go's text/tabwriter as the argocd CLI sets it
// up (cells padded to their column plus two spaces, the last cell of a line not aligned), Go's
// time.Time and time.Duration texts, and the layouts of argocd v3 (cmd/argocd/commands/app.go):
// the `app list` table, the `app get` summary, the resource table, the operation summary, the
// `app history` table and the TIMESTAMP rows `app sync` and `app wait` print while they wait.
//
// Thread safety: pure functions (times are shown in the process's local zone, as Go does).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app_operation.hpp"
#include "core/node.hpp"
#include "core/time.hpp"

namespace plumb::cli::app {

// Go's text/tabwriter.NewWriter(out, minwidth, 0, padding, ' ', 0) over text, flushed once.
std::string tabwrite(std::string_view text, size_t minwidth = 0, size_t padding = 2);

// Go's time.Time.String() in the local zone of an RFC 3339 timestamp, as argocd prints a
// metav1.Time: "2026-11-23 20:15:04 +0000 UTC". An empty or unreadable one is Go's zero time
// "0001-01-01 00:00:00 +0000 UTC"; go_time_or_nil prints "<nil>" instead (a *metav1.Time).
std::string go_time(std::string_view rfc3339);
std::string go_time_or_nil(std::string_view rfc3339);
// The TIMESTAMP column: time.Now().Format("2006-01-02T15:04:05-07:00"), local zone.
std::string wait_timestamp(SystemTime now);

// A line of argocd's summaries (printOpFmtStr "%-20s%s\n"): the label padded to 20 columns.
void summary_field(std::string& out, std::string_view label, std::string_view value);
// printAppSourceDetails: "- Repo:", "  Target:", then Path, Ref, Helm Values and Name Prefix
// when set, of one source (an Application's or an ApplicationSet template's).
void source_details(std::string& out, const Node& source);

// "argocd/guestbook": metadata.namespace/metadata.name (the name alone without a namespace).
std::string qualified_name(const Node& app);

// What `app list` shows of the listed apps: those of the projects (-p, any of them), repo (-r),
// cluster (-c: destination server or name) and path (-P) given, sorted by name as Argo's API
// server sorts them.
struct ListFilter {
  std::vector<std::string> projects;
  std::string repo, cluster, path;
};
std::vector<Node> apps_for_list(std::vector<Node> apps, const ListFilter& filter);

// `app list`: NAME CLUSTER NAMESPACE PROJECT STATUS HEALTH SYNCPOLICY CONDITIONS, then REPO
// PATH TARGET when wide (argocd's default output).
enum class ListColumns { narrow, wide };
std::string list_table(std::span<const Node> apps, ListColumns columns);
// SYNCPOLICY: Manual, Auto or Auto-Prune; CONDITIONS: "<none>" or the sorted condition types
// ("SyncError,Warning(2)").
std::string sync_policy_word(const Node& app);
std::string conditions_summary(const Node& app);

// The sync window line of `app get`: "Sync Allowed" when the project assigns no windows.
struct SyncWindows {
  std::string status = "Sync Allowed";
  std::string assigned;  // "allow:* * * * *:1h,..." or empty
};

// `app get`'s summary: Name:, Project:, Server:, Namespace:, Source: (Repo, Target, Path ...),
// SyncWindow:, Sync Policy:, Sync Status:, Health Status:. There is no URL: line (Plumb has no
// Argo CD web UI to link to).
std::string app_summary(const Node& app, const SyncWindows& windows);
// CONDITION MESSAGE LAST TRANSITION, for an app with status.conditions.
std::string conditions_table(const Node& app);
// Operation:, Sync Revision:, Phase:, Start:, Finished:, Duration:, Message: of
// status.operationState; now counts the duration of an unfinished one.
std::string operation_summary(const Node& operation_state, SystemTime now);

// A row of the resource tables: status.resources merged with the last sync's results.
struct ResourceState {
  std::string group, kind, ns, name, status, health, hook, message;
  std::string key() const { return group + "/" + kind + "/" + ns + "/" + name; }
  // Takes new's non-empty status, health, hook and message; true when one changed.
  bool merge(const ResourceState& next);
};
// argocd's order: the last sync's results first (hooks with their phase and result), then the
// other resources sorted by group/kind/namespace/name; only those the filters select.
std::vector<ResourceState> resource_states(const Node& app,
                                           std::span<const ResourceFilter> filters);
// GROUP KIND NAMESPACE NAME STATUS HEALTH HOOK MESSAGE.
std::string resources_table(const Node& app);

// `app history`: a SOURCE line per repository, then ID DATE REVISION ("HEAD (1a2b3c4)").
std::string history_table(const Node& app);
// `app history -o id`.
std::string history_ids(const Node& app);

// The rows `app sync` / `app wait` print while waiting (argocd's waitFormatString, tabwriter
// minimum width 5); the header too when with_header.
std::string wait_rows(std::span<const ResourceState> states, std::string_view timestamp,
                      bool with_header);

}  // namespace plumb::cli::app
