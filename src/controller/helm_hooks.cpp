#include "controller/helm_hooks.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/json.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::array<std::pair<HookEvent, std::string_view>, 9> k_events{{
    {HookEvent::pre_install, "pre-install"},
    {HookEvent::post_install, "post-install"},
    {HookEvent::pre_delete, "pre-delete"},
    {HookEvent::post_delete, "post-delete"},
    {HookEvent::pre_upgrade, "pre-upgrade"},
    {HookEvent::post_upgrade, "post-upgrade"},
    {HookEvent::pre_rollback, "pre-rollback"},
    {HookEvent::post_rollback, "post-rollback"},
    {HookEvent::test, "test"},
}};

// The words of k8s.io/apimachinery's wait.ErrWaitTimeout, which Helm's hook wait returns.
constexpr std::string_view k_timed_out = "timed out waiting for the condition";

bool has_event(const Node& hook, std::string_view event) {
  const Node* events = hook.find("events");
  if (events == nullptr || !events->is_list()) return false;
  return std::ranges::any_of(events->items(),
                             [&](const Node& e) { return e.as_string() == event; });
}

// Whether a Job or Pod is done: nullopt while it runs, an Error when it failed.
std::optional<Result<void>> finished(std::string_view kind, const Node& object) {
  std::string name(object.string_at({"metadata", "name"}));
  if (kind == "Job") {
    const Node* conditions = object.at_path({"status", "conditions"});
    if (conditions == nullptr || !conditions->is_list()) return std::nullopt;
    for (const Node& c : conditions->items()) {
      if (c.string_at({"status"}) != "True") continue;
      if (c.string_at({"type"}) == "Complete") return Result<void>{};
      if (c.string_at({"type"}) == "Failed")
        return fail("job ", name, " failed: ", c.string_at({"reason"}));
    }
    return std::nullopt;
  }
  std::string_view phase = object.string_at({"status", "phase"});
  if (phase == "Succeeded") return Result<void>{};
  if (phase == "Failed") return fail("pod ", name, " failed");
  return std::nullopt;
}

long seconds_left(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::seconds>(deadline - Clock::now()).count();
  return std::max<long>(left, 1);
}

void set_last_run(Node& hook, std::optional<SystemTime> started, std::optional<SystemTime> done,
                  std::string_view phase) {
  Node run = Node::map();
  if (started) run.set("started_at", Node::string(format_rfc3339_nano(*started)));
  if (done) run.set("completed_at", Node::string(format_rfc3339_nano(*done)));
  run.set("phase", Node::string(phase));
  hook.set("last_run", std::move(run));
}

}  // namespace

std::string_view hook_event_name(HookEvent event) {
  for (const auto& [e, name] : k_events) {
    if (e == event) return name;
  }
  return "";
}

std::string_view hook_delete_name(HookDelete when) {
  switch (when) {
    case HookDelete::before_hook_creation:
      return "before-hook-creation";
    case HookDelete::hook_succeeded:
      return "hook-succeeded";
    case HookDelete::hook_failed:
      return "hook-failed";
  }
  return "";
}

std::vector<size_t> hooks_for_event(const Node& hooks, HookEvent event) {
  std::vector<size_t> out;
  if (!hooks.is_list()) return out;
  std::span<const Node> items = hooks.items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (has_event(items[i], hook_event_name(event))) out.push_back(i);
  }
  // Helm's hookByWeight under sort.Stable: weight, then name; the records' kind order stays
  // for hooks equal in both.
  std::ranges::stable_sort(out, [&](size_t a, size_t b) {
    const Node* wa = items[a].find("weight");
    const Node* wb = items[b].find("weight");
    int64_t weight_a = wa ? wa->as_int() : 0, weight_b = wb ? wb->as_int() : 0;
    if (weight_a != weight_b) return weight_a < weight_b;
    return items[a].string_at({"name"}) < items[b].string_at({"name"});
  });
  return out;
}

bool deletes_at(const Node& hook, HookDelete when) {
  if (hook.string_at({"kind"}) == "CustomResourceDefinition") return false;
  const Node* policies = hook.find("delete_policies");
  if (policies == nullptr || !policies->is_list() || policies->empty())
    return when == HookDelete::before_hook_creation;
  return std::ranges::any_of(
      policies->items(), [&](const Node& p) { return p.as_string() == hook_delete_name(when); });
}

Result<HookRunner::HookObject> HookRunner::hook_object(const Node& hook,
                                                       std::string_view release_namespace) {
  std::string path(hook.string_at({"path"}));
  Node object = TRY(parse_yaml(hook.string_at({"manifest"}), path));
  if (!object.is_map())
    return fail("unable to build kubernetes object for hook ", path, ": not an object");
  std::string_view api_version = object.string_at({"apiVersion"});
  std::string_view kind = object.string_at({"kind"});
  auto resource = m_client.resource_for(api_version, kind);
  if (!resource)
    return fail("unable to build kubernetes object for hook ", path, ": ",
                resource.error().message());
  HookObject out{.resource = std::move(*resource),
                 .namespace_ = {},
                 .name = std::string(object.string_at({"metadata", "name"})),
                 .object = std::move(object)};
  if (out.resource.namespaced) {
    out.namespace_ = std::string(out.object.string_at({"metadata", "namespace"}));
    if (out.namespace_.empty()) {
      out.namespace_ = std::string(release_namespace);
      out.object["metadata"].set("namespace", Node::string(out.namespace_));
    }
  }
  return out;
}

Result<void> HookRunner::remove(const Node& hook, std::string_view release_namespace,
                                HookDelete when, milliseconds timeout) {
  if (!deletes_at(hook, when)) return {};
  HookObject object = TRY(hook_object(hook, release_namespace));
  bool deleted = TRY(m_client.remove(object.resource, object.namespace_, object.name));
  if (!deleted) return {};
  return wait_until_gone(object, timeout);
}

Result<void> HookRunner::create(const HookObject& object) {
  TRY(m_client.request({.method = "POST",
                        .target = kube::resource_path(object.resource, object.namespace_, ""),
                        .body = to_json(object.object),
                        .content_type = "application/json"},
                       object.resource.kind + "/" + object.name));
  return {};
}

Result<void> HookRunner::wait_until_gone(const HookObject& object, milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    auto live = TRY(m_client.get(object.resource, object.namespace_, object.name));
    if (!live) return {};
    if (Clock::now() >= deadline) return fail(k_timed_out);
    std::string rv(live->string_at({"metadata", "resourceVersion"}));
    bool gone = false;
    auto watched = m_client.watch(
        object.resource, object.namespace_, rv,
        [&](const kube::WatchEvent& e) {
          if (e.object.string_at({"metadata", "name"}) != object.name) return true;
          gone = e.type == "DELETED";
          return !gone && Clock::now() < deadline;
        },
        seconds_left(deadline));
    if (gone) return {};
    if (!watched && watched.error().code() != 410) return std::unexpected(watched.error());
  }
}

Result<void> HookRunner::wait_until_done(const HookObject& object, milliseconds timeout) {
  const std::string& kind = object.resource.kind;
  if (kind != "Job" || object.resource.group != "batch") {
    if (kind != "Pod" || !object.resource.group.empty()) return {};
  }
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    auto live = TRY(m_client.get(object.resource, object.namespace_, object.name));
    if (!live) return {};  // deleted meanwhile: Helm counts that as done
    if (auto done = finished(kind, *live)) return std::move(*done);
    if (Clock::now() >= deadline) return fail(k_timed_out);
    std::string rv(live->string_at({"metadata", "resourceVersion"}));
    std::optional<Result<void>> result;
    auto watched = m_client.watch(
        object.resource, object.namespace_, rv,
        [&](const kube::WatchEvent& e) {
          if (e.object.string_at({"metadata", "name"}) != object.name) return true;
          if (e.type == "DELETED") {
            result = Result<void>{};
          } else if (e.type == "ADDED" || e.type == "MODIFIED") {
            result = finished(kind, e.object);
          }
          return !result && Clock::now() < deadline;
        },
        seconds_left(deadline));
    if (result) return std::move(*result);
    if (!watched && watched.error().code() != 410) return std::unexpected(watched.error());
  }
}

HookRun HookRunner::run(helm::Release& release, HookEvent event, milliseconds timeout) {
  HookRun out;
  std::vector<size_t> order = hooks_for_event(release.hooks, event);
  std::string_view event_name = hook_event_name(event);
  const std::string& ns = release.namespace_name;
  auto hook_at = [&](size_t i) -> Node& { return release.hooks.items_mut()[i]; };
  for (size_t n = 0; n < order.size(); ++n) {
    Node& hook = hook_at(order[n]);
    std::string path(hook.string_at({"path"}));
    // Helm writes the default policy into the record before it runs the hook.
    if (const Node* p = hook.find("delete_policies"); p == nullptr || p->empty()) {
      Node policies = Node::list();
      policies.push_back(Node::string(hook_delete_name(HookDelete::before_hook_creation)));
      hook.set("delete_policies", std::move(policies));
    }
    auto failed = [&](Error error) {
      out.failed_hook = path;
      out.error = std::move(error);
      return out;
    };
    if (auto removed = remove(hook, ns, HookDelete::before_hook_creation, timeout); !removed)
      return failed(std::move(removed).error());
    auto object = hook_object(hook, ns);
    if (!object) return failed(std::move(object).error());
    SystemTime started_at = std::chrono::system_clock::now();
    set_last_run(hook, started_at, std::nullopt, "Running");
    if (auto recorded = m_record(release); !recorded) return failed(std::move(recorded).error());
    // Recording shares the hooks with the stored copy: the next write unshares them, so the
    // reference is taken again.
    if (auto created = create(*object); !created) {
      set_last_run(hook_at(order[n]), started_at, std::chrono::system_clock::now(), "Failed");
      return failed(Error("warning: Hook " + std::string(event_name) + " " + path +
                          " failed: " + created.error().message()));
    }
    ++out.executed;
    auto waited = wait_until_done(*object, timeout);
    Node& done = hook_at(order[n]);
    set_last_run(done, started_at, std::chrono::system_clock::now(),
                 waited ? "Succeeded" : "Failed");
    if (!waited) {
      // Helm deletes the failed hook (hook-failed) and the ones that succeeded before it
      // (hook-succeeded); errors of those deletes are not the action's error.
      (void)remove(done, ns, HookDelete::hook_failed, timeout);
      for (size_t k = 0; k < n; ++k)
        (void)remove(hook_at(order[k]), ns, HookDelete::hook_succeeded, timeout);
      return failed(std::move(waited).error());
    }
  }
  for (size_t n = order.size(); n-- > 0;) {
    Node& hook = hook_at(order[n]);
    if (auto removed = remove(hook, ns, HookDelete::hook_succeeded, timeout); !removed) {
      out.failed_hook = std::string(hook.string_at({"path"}));
      out.error = std::move(removed).error();
      return out;
    }
  }
  return out;
}

}  // namespace plumb::controller
