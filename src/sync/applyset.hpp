// The inventory of `plumb apply`, kept in the cluster with Kubernetes' ApplySet convention
// (KEP-3659), so kubectl sees it too: a parent Secret labelled applyset.kubernetes.io/id
// and annotated with the group-kinds it contains; each member labelled
// applyset.kubernetes.io/part-of=<id>.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "kube/client.hpp"
#include "sync/plan.hpp"
#include "sync/sync.hpp"

namespace plumb::sync {

struct ApplySet {
  std::string name;
  std::string namespace_;
  std::string id;  // applyset-<base64url(sha256(name.namespace.Secret.))>-v1

  static ApplySet for_parent(std::string name, std::string namespace_);
};

// "Deployment.apps", "Service": how ApplySet writes a group-kind.
std::string group_kind(const ObjectRef& ref);

// Labels every object of the plan as a member.
void label_members(Plan& plan, const ApplySet& set);

// The members that exist in the cluster now (from the parent's group-kinds, by label).
Result<std::vector<PlannedObject>> load_members(kube::Client& client, const ApplySet& set);

// Creates or updates the parent, recording the group-kinds its members may have.
Result<void> write_parent(kube::Client& client, const ApplySet& set,
                          const std::set<std::string>& group_kinds, kube::DryRun dry_run);

// The sync of `plumb apply` with its ApplySet: records the kinds of the old and the new
// members in the parent first (so an interrupted apply can still be pruned later, as the
// ApplySet protocol asks), runs the sync with the current members as `previous`, and narrows
// the parent to the new kinds after a successful prune. An error means nothing was applied.
Result<SyncResult> sync_applyset(Syncer& syncer, kube::Client& client, const ApplySet& set,
                                 const Plan& plan, const RunOptions& options, kube::DryRun dry_run);

}  // namespace plumb::sync
