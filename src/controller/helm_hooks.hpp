// Helm's chart hooks, run as `helm install|upgrade|rollback|uninstall|test` run them (helm
// v4.1.4 pkg/action/hooks.go; v3 behaves the same), for the HelmRelease reconcile.
//
// The hooks of one event, taken from a release's hook records (helm::release_hooks), run in
// Helm's order: stably by weight, then by name (the records are already in Helm's
// InstallOrder by kind, so equal weight and name keep that order). For each hook, in turn:
// the object of a previous run is deleted when its delete policies hold before-hook-creation
// (the default when it has none); the object is created (a plain create, not server-side
// apply: hooks are not part of the release's manifest or inventory); its last_run becomes
// {started_at, phase Running} and the release is recorded; then a Job is waited for until
// Complete or Failed, a Pod until Succeeded or Failed, any other kind not at all. The first
// hook that fails ends the event: its object is deleted with hook-failed, and the hooks that
// succeeded before it with hook-succeeded. When all succeed, hook-succeeded deletes run in
// reverse order. CustomResourceDefinitions are never deleted. Errors read as Helm's
// ("job NAME failed: BackoffLimitExceeded", "warning: Hook pre-install PATH failed: ...").
//
//   HookRunner hooks(client, [&](const helm::Release& r) { return storage.update(r, now()); });
//   HookRun run = hooks.run(release, HookEvent::pre_upgrade, timeout);
//   if (run.failed()) ... "pre-upgrade hooks failed: " + run.error.message()
//
// Thread safety: the pure functions are reentrant; a HookRunner is used by one reconcile at a
// time. No lock is held while the record callback or the API is called.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "helm/release.hpp"
#include "kube/client.hpp"

namespace plumb::controller {

enum class HookEvent : uint8_t {
  pre_install,
  post_install,
  pre_delete,
  post_delete,
  pre_upgrade,
  post_upgrade,
  pre_rollback,
  post_rollback,
  test,
};

// "pre-install" ... "test": the words of the helm.sh/hook annotation and of the records.
std::string_view hook_event_name(HookEvent event);

// When a delete policy is asked about (helm.sh/hook-delete-policy values).
enum class HookDelete : uint8_t { before_hook_creation, hook_succeeded, hook_failed };
std::string_view hook_delete_name(HookDelete when);

// The positions in `hooks` (a release's hook records) of the hooks of `event`, in the order
// Helm runs them: stable sort by weight, then name.
std::vector<size_t> hooks_for_event(const Node& hooks, HookEvent event);

// Whether `hook` is deleted at `when`: its delete policies, or before-hook-creation when it
// has none; never for a CustomResourceDefinition.
bool deletes_at(const Node& hook, HookDelete when);

// What one event's hooks did.
struct HookRun {
  size_t executed = 0;      // hooks whose object was created
  std::string failed_hook;  // the path of the hook that failed ("" when none did)
  Error error;              // as Helm words it, without the action's prefix

  bool failed() const { return !failed_hook.empty() || !error.message().empty(); }
};

// Called with the release each time Helm records it during an event (a hook started).
using RecordRelease = std::function<Result<void>(const helm::Release&)>;

class HookRunner {
 public:
  HookRunner(kube::Client& client, RecordRelease record)
      : m_client(client), m_record(std::move(record)) {}

  // Runs the hooks of `event` in `release.hooks`, writing their last_run there. `timeout` is
  // given to each wait (a hook's deletion or completion), as Helm gives it.
  HookRun run(helm::Release& release, HookEvent event, std::chrono::milliseconds timeout);

 private:
  struct HookObject {
    kube::Resource resource;
    std::string namespace_;
    std::string name;
    Node object;
  };
  Result<HookObject> hook_object(const Node& hook, std::string_view release_namespace);
  Result<void> remove(const Node& hook, std::string_view release_namespace, HookDelete when,
                      std::chrono::milliseconds timeout);
  Result<void> create(const HookObject& object);
  // Job until Complete/Failed, Pod until Succeeded/Failed; other kinds at once.
  Result<void> wait_until_done(const HookObject& object, std::chrono::milliseconds timeout);
  Result<void> wait_until_gone(const HookObject& object, std::chrono::milliseconds timeout);

  kube::Client& m_client;
  RecordRelease m_record;
};

}  // namespace plumb::controller
