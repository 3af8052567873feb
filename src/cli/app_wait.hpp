// Waiting on an Application as `argocd app wait` / `app sync` do (waitOnApplicationStatus),
// with a watch instead of argocd's API-server stream: while waiting, a TIMESTAMP row for each
// resource whose state changed; at the end, the app's summary, the operation's (when waiting
// for it) and the resource table, or the object for -o yaml|json.
//
// Thread safety: uses the client from the calling thread only (and flux::wait_for_object's
// timer thread).
#pragma once

#include <cstdint>
#include <vector>

#include "cli/app_common.hpp"
#include "cli/app_operation.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::cli::app {

struct WaitOptions {
  WaitFor wait;
  std::vector<ResourceFilter> filters;
  Output output = Output::wide;
  int64_t timeout_seconds = 0;  // 0: no timeout
};

struct Waited {
  Node app;
  // status.operationState as it was when the conditions were met (argocd's
  // finalOperationState): what decides a sync's outcome.
  Node operation_state;
};

// Follows the application from start (its state at or after the write that started an
// operation) until wait_state(...).done; errors: the timeout ("timed out (30s) waiting for app
// \"argocd/guestbook\" match desired state", after printing the state then), a health that
// turns Degraded while waiting for health, the app deleted.
Result<Waited> wait_on_application(kube::Client& client, const Node& start,
                                   const WaitOptions& options);

}  // namespace plumb::cli::app
