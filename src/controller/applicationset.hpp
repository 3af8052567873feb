// The reconcile of an Argo CD ApplicationSet, as Argo CD's applicationset controller does it
// (argo-cd applicationset/controllers): generate the Applications (argo/appset.hpp), check
// them (a name, no duplicates, an existing project), create or update each as the set's
// controller (owner reference), delete those no longer generated, and write the set's
// conditions (ParametersGenerated, ErrorOccurred, ResourcesUpToDate) and resources.
//
//   AppSetOutcome out = reconciler.reconcile(application_set);
//   reconciler.write_status(application_set, out);
//
// What the set owns of an Application is what Argo's controller owns: its spec, labels,
// annotations and finalizers (and the owner reference). An edit of those by hand is undone at
// the next reconcile; annotations and labels named in spec.preservedFields, the refresh and
// notification annotations, and Argo's pre/post-delete finalizers are kept. The policy
// (spec.syncPolicy.applicationsSync) decides what is done: `sync` (the default) creates,
// updates and deletes; `create-only` only creates; `create-update` does not delete;
// `create-delete` does not update. A generation that fails changes no Application.
//
// Deleting a set: the API server's garbage collector deletes its Applications through their
// owner references (and each Application's resources finalizer its resources, unless
// syncPolicy.preserveResourcesOnDeletion left the finalizer out). A set whose policy does not
// allow deletion, seen while being deleted, first lets its Applications go (owner references
// removed), as Argo does.
//
// Thread safety: reconcile may run on several workers at once for different sets.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/appset.hpp"
#include "controller/reconcile.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

// The reasons of an ApplicationSet's conditions (Argo's ApplicationSetReason*).
enum class AppSetReason {
  up_to_date,               // ApplicationSetUpToDate
  params_generation_error,  // ApplicationGenerationFromParamsError
  render_template_error,    // RenderTemplateParamsError
  validation_error,         // ApplicationValidationError
  create_error,             // CreateApplicationError
  update_error,             // UpdateApplicationError
  delete_error,             // DeleteApplicationError
};
std::string_view to_string(AppSetReason reason);

// What one reconcile of a set did.
struct AppSetOutcome {
  bool generated = false;  // parameters were generated for every Application
  // The error the set's conditions tell (ErrorOccurred); none: ResourcesUpToDate.
  std::optional<AppSetReason> error;
  std::string message;
  std::vector<std::string> created, updated, deleted;  // Application names, in order
  // When to reconcile again (the shortest of its generators' requeue times); zero: only
  // when something changes.
  std::chrono::seconds requeue_after{0};
};

class ApplicationSetReconciler {
 public:
  // cache: the controller's; cluster Secrets are read from it (and so followed) when given.
  ApplicationSetReconciler(kube::Client& client, SourceCache& sources,
                           kube::WatchCache* cache = nullptr)
      : m_client(client), m_sources(sources), m_cache(cache) {}

  AppSetOutcome reconcile(const Node& application_set);
  // Writes status.conditions and status.resources as Argo's controller does; false when
  // nothing would change.
  Result<bool> write_status(const Node& application_set, const AppSetOutcome& outcome);
  // A set being deleted: when its policy does not allow deleting Applications, their owner
  // references to it are removed so that the garbage collector leaves them; then the resources
  // finalizer, if the set carries it, is removed.
  Result<void> finalize(const Node& application_set);

  // Whether a Secret is labelled as one of Argo CD's cluster Secrets (its change may change what a
  // clusters generator makes).
  static bool is_cluster_secret(const Node& object);
  // The repository URLs of a set's git generators (the webhook's index).
  static std::vector<std::string> repositories(const Node& application_set);
  // The set that controls an Application (its controller owner reference), if any.
  static std::optional<std::string> owner_of(const Node& application);
  // Whether a change of an owned Application asks its set to reconcile again: its spec,
  // labels, annotations or finalizers changed (what the set owns), as Argo's controller asks.
  static bool owned_changed(const Node& before, const Node& after);

 private:
  enum class Written { created, updated, unchanged };
  // The Applications the set generates, or why not (the reason its condition gives).
  std::expected<argo::Generated, std::pair<AppSetReason, std::string>> generate(
      const argo::ApplicationSet& spec);
  // Why Argo would refuse to create a generated Application (its project does not exist).
  std::optional<std::string> check_application(const Node& application);
  Result<Written> create_or_update(const Node& application_set, const argo::ApplicationSet& spec,
                                   const Node& generated);
  // Removes the owner references of the Applications the set controls.
  Result<void> release_applications(const Node& application_set);
  // The Applications the set controls now, in name order.
  Result<std::vector<Node>> current(const Node& application_set);

  kube::Client& m_client;
  SourceCache& m_sources;
  kube::WatchCache* m_cache;
};

}  // namespace plumb::controller
