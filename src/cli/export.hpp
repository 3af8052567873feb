// `plumb export`'s tidying, as `flux export` tidies: of a live Flux object only what a user
// commits is kept — apiVersion, kind, metadata name, namespace, labels and annotations (the
// kubectl last-applied annotation dropped), and spec — so status, managedFields, uid,
// resourceVersion, creationTimestamp, generation, finalizers and ownerReferences are gone.
// Keys sorted, as sigs.k8s.io/yaml writes them.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "core/node.hpp"

namespace plumb::cli::flux {

Node exportable(const Node& live);

}  // namespace plumb::cli::flux
