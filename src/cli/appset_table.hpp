// What the argocd-like `plumb appset ...` commands print, as pure functions of ApplicationSet
// objects (argoproj.io/v1alpha1, as read from the API) and of generated Applications: the
// layouts of argocd v3 (cmd/argocd/commands/applicationset.go) — the `appset list` table
// (SYNCPOLICY and CONDITIONS as Go's %s prints Argo's types), the `appset get` summary and
// conditions, and `appset generate`'s YAML/JSON (admin.PrintResources: status,
// creationTimestamp and namespace left out; one object alone, several as a list).
//
// Thread safety: pure functions (times are shown in the process's local zone, as Go does).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "cli/app_table.hpp"
#include "core/node.hpp"

namespace plumb::cli::app {

// `appset list`: NAME PROJECT SYNCPOLICY HEALTH CONDITIONS, then REPO PATH TARGET when wide
// (argocd's default). Rows in the order given.
std::string appset_list_table(std::span<const Node> appsets, ListColumns columns);

// The ApplicationSets `appset list` shows: those of the projects given (any of them; all when
// none), sorted by name as Argo's API server sorts them.
std::vector<Node> appsets_for_list(std::vector<Node> appsets,
                                   const std::vector<std::string>& projects);

// SYNCPOLICY: "nil", or "&ApplicationSetSyncPolicy{PreserveResourcesOnDeletion:false,
// ApplicationsSync:*create-only,}" (the generated String of Argo's type).
std::string appset_sync_policy_text(const Node& appset);
// CONDITIONS: the conditions whose status is True, as Go's %s prints the slice:
// "[{ResourcesUpToDate All applications have been generated successfully <time> True
// ApplicationSetUpToDate}]".
std::string appset_conditions_text(const Node& appset);

// `appset get`'s summary: Name:, Project:, Server:, Namespace:, Health Status:, Source: (or
// Sources:), SyncPolicy: (of the template's spec).
std::string appset_summary(const Node& appset);
// CONDITION STATUS MESSAGE LAST TRANSITION, for an ApplicationSet with status.conditions
// (with the blank lines argocd prints around it); "" without conditions.
std::string appset_conditions_table(const Node& appset);

// `appset generate -o yaml|json`: the Applications without status, creationTimestamp and
// namespace; one alone, several as a list, none as null.
Node generated_output(std::span<const Node> applications);

}  // namespace plumb::cli::app
