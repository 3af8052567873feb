#include "localcluster/controllers.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <tuple>

#include "core/json.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/workloads.hpp"

namespace plumb::localcluster {

using Clock = std::chrono::steady_clock;

struct Controllers::State {
  ApiServer& api;
  ControllerOptions options;
  std::regex fail_images;
  std::thread thread;
  std::atomic<bool> stopping{false};
  // (storage, namespace, name) -> when to reconcile it.
  std::map<std::tuple<std::string, std::string, std::string>, Clock::time_point> due;

  State(ApiServer& a, ControllerOptions o, std::regex r)
      : api(a), options(std::move(o)), fail_images(std::move(r)) {}

  void run();
  void enqueue(const std::string& storage, std::string_view ns, std::string_view name,
               std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void route(const std::string& storage, const Node& object);
  void reconcile(const std::string& storage, const std::string& ns, const std::string& name);
};

namespace {

// Which storage an owner kind lives in.
std::string owner_storage(std::string_view kind) {
  if (kind == "ReplicaSet") return "apps/replicasets";
  if (kind == "Deployment") return "apps/deployments";
  if (kind == "StatefulSet") return "apps/statefulsets";
  if (kind == "DaemonSet") return "apps/daemonsets";
  if (kind == "Job") return "batch/jobs";
  return "";
}

const std::set<std::string, std::less<>> k_watched = {
    "apps/deployments", "apps/replicasets", "apps/statefulsets",
    "apps/daemonsets",  "batch/jobs",       "/pods",
    "/namespaces",      "/services",        "/persistentvolumeclaims"};

}  // namespace

void Controllers::State::enqueue(const std::string& storage, std::string_view ns,
                                 std::string_view name, std::chrono::milliseconds delay) {
  auto key = std::make_tuple(storage, std::string(ns), std::string(name));
  auto when = Clock::now() + delay;
  auto it = due.find(key);
  if (it == due.end() || when < it->second) due[key] = when;
}

void Controllers::State::route(const std::string& storage, const Node& object) {
  if (!k_watched.contains(storage)) return;
  std::string_view ns = object.string_at({"metadata", "namespace"});
  enqueue(storage, ns, object.string_at({"metadata", "name"}));
  if (const Node* refs = object.at_path({"metadata", "ownerReferences"})) {
    for (const Node& ref : refs->items()) {
      std::string owner = owner_storage(ref.string_at({"kind"}));
      if (!owner.empty()) enqueue(owner, ns, ref.string_at({"name"}));
    }
  }
}

void Controllers::State::run() {
  Store& store = api.store();
  uint64_t cursor = store.current_rv();
  // Everything present at start (after a restart) is looked at once.
  for (const std::string& storage : k_watched) {
    for (const Node& object : store.list(storage, "", "", 0, nullptr).items)
      route(storage, object);
  }
  std::vector<WatchEvent> events;
  while (!stopping) {
    events.clear();
    auto wait = std::chrono::milliseconds(100);
    WaitStatus status = store.wait_events("", "", cursor, wait, events);
    if (status == WaitStatus::closed) return;
    if (status == WaitStatus::gone) cursor = store.current_rv();
    for (const WatchEvent& event : events) {
      if (event.type == EventType::deleted) {
        // Owners notice their dependents going away.
        if (const Node* refs = event.object.at_path({"metadata", "ownerReferences"})) {
          for (const Node& ref : refs->items()) {
            std::string owner = owner_storage(ref.string_at({"kind"}));
            if (!owner.empty()) enqueue(owner, event.ns, ref.string_at({"name"}));
          }
        }
        continue;
      }
      route(event.resource, event.object);
    }
    auto now = Clock::now();
    std::vector<std::tuple<std::string, std::string, std::string>> ready;
    for (auto it = due.begin(); it != due.end();) {
      if (it->second <= now) {
        ready.push_back(it->first);
        it = due.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [storage, ns, name] : ready) {
      if (stopping) return;
      reconcile(storage, ns, name);
    }
  }
}

void Controllers::State::reconcile(const std::string& storage, const std::string& ns,
                                   const std::string& name) {
  WorkloadContext context{api, options, fail_images,
                          [this](const std::string& s, const std::string& n, const std::string& o,
                                 std::chrono::milliseconds d) { enqueue(s, n, o, d); }};
  auto object = api.store().get(storage, ns, name);
  if (!object) return;
  if (storage == "apps/deployments") return reconcile_deployment(context, *object);
  if (storage == "apps/replicasets") return reconcile_replicaset(context, *object);
  if (storage == "apps/statefulsets") return reconcile_statefulset(context, *object);
  if (storage == "apps/daemonsets") return reconcile_daemonset(context, *object);
  if (storage == "batch/jobs") return reconcile_job(context, *object);
  if (storage == "/pods") return reconcile_pod(context, *object);
  if (storage == "/namespaces") {
    if (!object->string_at({"metadata", "deletionTimestamp"}).empty() &&
        !api.finalize_namespace(name))
      enqueue(storage, ns, name, std::chrono::milliseconds(500));
    return;
  }
  if (storage == "/services") return reconcile_service(context, *object);
  if (storage == "/persistentvolumeclaims") return reconcile_pvc(context, *object);
}

Result<std::unique_ptr<Controllers>> Controllers::start(ApiServer& api,
                                                        const ControllerOptions& options) {
  std::regex pattern;
  try {
    pattern = std::regex(options.fail_images, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return fail("--fail-images '", options.fail_images, "': ", e.what());
  }
  auto state = std::make_unique<State>(api, options, std::move(pattern));
  State* raw = state.get();
  state->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<Controllers>(new Controllers(std::move(state)));
}

Controllers::Controllers(std::unique_ptr<State> state) : m_state(std::move(state)) {}

Controllers::~Controllers() {
  stop();
}

void Controllers::stop() {
  if (!m_state || m_state->stopping.exchange(true)) return;
  if (m_state->thread.joinable()) m_state->thread.join();
}

}  // namespace plumb::localcluster
