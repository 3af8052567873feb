// Sync policy as data: which kinds go first, the order kinds are applied in, and which
// objects are never pruned.
#pragma once

#include <string_view>

#include "core/node.hpp"

namespace plumb::sync {

// Objects are applied in stages; everything in one stage is applied before the next starts,
// and CRDs are waited for (Established) before the stage that may use them.
enum class Stage { cluster_definitions = 0, workloads = 1 };

// The stage of a kind (group is "" for the core group).
Stage stage_of(std::string_view group, std::string_view kind);

// The position of a kind in apply order within its stage; lower first. Kinds not in the
// table sort after those in it (and before webhooks), by kind name.
int kind_rank(std::string_view kind);

// True when the object's annotations forbid pruning it
// (kustomize.toolkit.fluxcd.io/prune: disabled, argocd.argoproj.io/sync-options: Prune=false).
bool prune_disabled(const Node& object);

}  // namespace plumb::sync
