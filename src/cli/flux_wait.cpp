#include "cli/flux_wait.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "cli/flux_table.hpp"
#include "cli/progress.hpp"
#include "controller/reconcile.hpp"
#include "core/conditions.hpp"
#include "core/duration.hpp"
#include "core/object_ref.hpp"
#include "core/time.hpp"

namespace plumb::cli::flux {
namespace {

const kube::Resource k_crds{"apiextensions.k8s.io", "v1", "CustomResourceDefinition",
                            "customresourcedefinitions", false};

// Raises a flag at the deadline, so that a watch waiting on a quiet stream returns.
class CancelAt {
 public:
  explicit CancelAt(Clock::time_point deadline)
      : m_thread([this, deadline](std::stop_token stop) {
          std::mutex mutex;
          std::condition_variable_any wake;
          std::unique_lock lock(mutex);
          wake.wait_until(lock, stop, deadline, [] { return false; });
          if (!stop.stop_requested()) m_flag = true;
        }) {}
  const std::atomic<bool>* flag() const { return &m_flag; }

 private:
  std::atomic<bool> m_flag{false};
  std::jthread m_thread;  // last: started after the flag exists, stopped first
};

bool is_established(const Node& crd) {
  const Node* c = condition_of(crd, "Established");
  return c && c->string_at({"status"}) == "True";
}

std::string describe(const kube::Resource& resource, const Node& object) {
  ObjectRef ref = ObjectRef::of(object);
  ref.kind = resource.kind;
  return ref.display();
}

std::string duration_text(Clock::duration d) {
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

}  // namespace

Result<std::optional<Node>> wait_for_object(kube::Client& client, const kube::Resource& resource,
                                            const Node& start, Clock::time_point deadline,
                                            const std::function<bool(const Node&)>& done) {
  if (done(start)) return std::optional<Node>(start);
  std::string ns(start.string_at({"metadata", "namespace"}));
  std::string name(start.string_at({"metadata", "name"}));
  std::string version(start.string_at({"metadata", "resourceVersion"}));
  CancelAt cancel(deadline);
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::seconds>(deadline - Clock::now());
    if (left.count() <= 0 || cancel.flag()->load()) return std::optional<Node>();
    std::optional<Node> hit;
    bool deleted = false;
    auto last = client.watch(
        resource, ns, version,
        [&](const kube::WatchEvent& event) {
          if (event.object.string_at({"metadata", "name"}) != name) return true;
          if (event.type == "DELETED") deleted = true;
          if (event.type == "ADDED" || event.type == "MODIFIED") {
            if (done(event.object)) hit = event.object;
          }
          return !deleted && !hit;
        },
        left.count(), cancel.flag());
    if (hit) return hit;
    if (deleted) return fail(describe(resource, start), " was deleted");
    if (last) {
      version = *last;
      continue;
    }
    if (last.error().code() != 410) return std::unexpected(last.error());
    // The watch fell behind the server's history: read the object again, go on from there.
    auto current = TRY(client.get(resource, ns, name));
    if (!current) return fail(describe(resource, start), " was deleted");
    if (done(*current)) return current;
    version = std::string(current->string_at({"metadata", "resourceVersion"}));
  }
}

Result<void> ensure_flux_crds(kube::Client& client, Clock::time_point deadline) {
  const kube::Resource* kinds[] = {kustomization_kind().resource, git_repository_kind().resource};
  bool installed = false;
  TRY_VOID(ensure_crds(client, kinds, controller::flux_crds(), deadline, [&] {
    say(Mark::action, "installing the GitRepository and Kustomization CRDs");
    installed = true;
  }));
  if (installed) say(Mark::success, "CRDs installed");
  return {};
}

Result<void> ensure_crds(kube::Client& client, std::span<const kube::Resource* const> kinds,
                         const std::vector<Node>& definitions, Clock::time_point deadline,
                         const std::function<void()>& installing) {
  bool missing = false;
  for (const kube::Resource* kind : kinds) {
    auto served = client.resource_for(kind->api_version(), kind->kind);
    if (served) continue;
    if (served.error().code() != 404) return std::unexpected(served.error());
    missing = true;
  }
  if (!missing) return {};
  installing();
  for (const Node& crd : definitions) {
    // The same field manager as the controller's: the definitions are Plumb's.
    Node applied = TRY(client.apply(k_crds, crd, "plumb", kube::Force::yes, kube::DryRun::no));
    auto established = TRY(wait_for_object(client, k_crds, applied, deadline, is_established));
    if (!established) {
      return fail("timed out waiting for ", describe(k_crds, applied), " to be established");
    }
  }
  client.invalidate_discovery();
  return {};
}

Result<void> reconcile_object(kube::Client& client, const FluxKind& kind, const std::string& ns,
                              const std::string& name, Clock::duration timeout, Announce announce) {
  Clock::time_point deadline = Clock::now() + timeout;
  Node object = TRY(get_object(client, kind, ns, name));
  if (is_suspended(object)) return fail(object_name(kind, ns, name), ": resource is suspended");
  std::string kind_name(kind.kind);
  if (announce == Announce::yes) {
    say(Mark::action, "annotating " + kind_name + " " + name + " in " + ns + " namespace");
  }
  std::string token = format_rfc3339_nano(std::chrono::system_clock::now());
  Node request = apply_stub(kind, ns, name);
  request["metadata"]["annotations"].set(k_requested_at, Node::string(token));
  Node applied = TRY(client.apply(*kind.resource, request, k_manager_reconcile, kube::Force::yes,
                                  kube::DryRun::no));
  if (announce == Announce::yes) say(Mark::success, kind_name + " annotated");
  Progress progress(kind_name + " reconciliation", PlainEnd::no);
  auto handled = TRY(wait_for_object(client, *kind.resource, applied, deadline, [&](const Node& o) {
    return o.string_at({"status", "lastHandledReconcileAt"}) == token;
  }));
  progress.finish(handled ? "done" : "timed out");
  if (!handled) {
    return fail("timed out after ", duration_text(timeout), " waiting for ",
                object_name(kind, ns, name),
                " to be reconciled (status.lastHandledReconcileAt); is the controller running?");
  }
  Readiness ready = readiness_of(*handled);
  if (ready.found && ready.status == "False") {
    return fail(ready.message.empty() ? object_name(kind, ns, name) + " reconciliation failed"
                                      : ready.message);
  }
  say(Mark::success, std::string(kind.success) + " " + revision_of(kind, *handled));
  return {};
}

}  // namespace plumb::cli::flux
