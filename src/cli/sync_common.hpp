// What `plumb apply` and `plumb diff` share: flags for the cluster connection, rendering a
// path, planning it, and the ApplySet that records what was applied.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/flags.hpp"
#include "core/error.hpp"
#include "kube/client.hpp"
#include "sync/applyset.hpp"
#include "sync/plan.hpp"

namespace plumb::cli {

// Adds --kubeconfig, --context, -n/--namespace and --applyset to a command's flags.
void add_connection_flags(FlagSpec& spec);

// What is wrong with a command line of `plumb apply|diff` (command: "apply" or "diff") that does
// not name exactly one PATH (a sentence for the user); nothing when it does.
std::optional<std::string> path_argument_error(std::string_view command, const Flags& flags);

struct SyncInput {
  std::unique_ptr<kube::Client> client;
  sync::Plan plan;
  sync::ApplySet applyset;
};

// Renders path, connects, validates and plans; members of the plan are labelled for the
// apply set (named by --applyset, default "plumb-<directory name>", in the namespace).
Result<SyncInput> prepare_sync(const Flags& flags, const std::string& path);

}  // namespace plumb::cli
