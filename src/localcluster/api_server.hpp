// The Kubernetes API over HTTP: routing of /api and /apis paths to verbs on the store,
// discovery, bearer-token authentication, and the object semantics of each verb (metadata,
// generation, status, optimistic concurrency, finalizers, garbage collection).
//
// The verbs are also callable directly (create/update/patch/remove), so the simulated
// controllers write through the same rules as kubectl does.
//
// Thread safety: handle() and the verbs may be called from many threads at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/flow_control.hpp"
#include "localcluster/metrics.hpp"
#include "localcluster/registry.hpp"
#include "localcluster/store.hpp"
#include "net/http.hpp"

namespace plumb::localcluster {

struct ApiServerOptions {
  std::string token;           // required bearer token; "" accepts any request
  std::string server_address;  // "127.0.0.1:PORT", reported by /api
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(30)};
  FlowControlOptions flow_control;
};

struct WriteOptions {
  bool dry_run = false;
  std::string field_manager;     // "" when none was given
  std::string subresource;       // "", "status" or "scale"
  bool force = false;            // server-side apply: take fields from other managers
  std::string field_validation;  // "Strict": undeclared fields are an error
  // Internal: the object already carries its managedFields (an apply computed them).
  bool managed_fields_done = false;
};

enum class Propagation { background, foreground, orphan };

struct DeleteOptions {
  bool dry_run = false;
  Propagation propagation = Propagation::background;
  std::string precondition_uid;
  std::string precondition_rv;
};

class ApiServer {
 public:
  ApiServer(Registry& registry, Store& store, ApiServerOptions options);

  void handle(const net::HttpRequest& request, net::ResponseWriter& response);

  ApiResult<Node> get(const ResourceInfo& resource, const std::string& ns, const std::string& name,
                      std::string_view subresource = "");
  ApiResult<Node> create(const ResourceInfo& resource, const std::string& ns, Node body,
                         const WriteOptions& options);
  ApiResult<Node> update(const ResourceInfo& resource, const std::string& ns,
                         const std::string& name, Node body, const WriteOptions& options);
  ApiResult<Node> patch(const ResourceInfo& resource, const std::string& ns,
                        const std::string& name, std::string_view content_type,
                        std::string_view body, const WriteOptions& options);
  ApiResult<Node> remove(const ResourceInfo& resource, const std::string& ns,
                         const std::string& name, const DeleteOptions& options);

  // Deletes the contents of a Terminating namespace, then the namespace once it is empty
  // (objects with finalizers hold it); returns the removed namespace.
  std::optional<Node> finalize_namespace(const std::string& name);

  Registry& registry() { return m_registry; }
  // Set once the port is known, before requests arrive.
  void set_server_address(std::string address) { m_options.server_address = std::move(address); }
  Store& store() { return m_store; }

 private:
  struct Route;

  void serve_resource(const net::HttpRequest& request, const Route& route,
                      net::ResponseWriter& response);
  void serve_list(const net::HttpRequest& request, const Route& route,
                  net::ResponseWriter& response);
  void serve_watch(const net::HttpRequest& request, const Route& route,
                   net::ResponseWriter& response);
  void serve_delete_collection(const net::HttpRequest& request, const Route& route,
                               net::ResponseWriter& response);

  // Shared by update and patch: validates and stores `next` as the new state of `current`.
  ApiResult<Node> commit_update(const ResourceInfo& resource, const Node& current, Node next,
                                const WriteOptions& options);
  ApiResult<Node> finish_delete(const ResourceInfo& resource, const Node& current,
                                const DeleteOptions& options);
  void collect_garbage(const Node& owner, Propagation propagation);
  ApiResult<void> check_namespace(const ResourceInfo& resource, const std::string& ns);

  Registry& m_registry;
  Store& m_store;
  ApiServerOptions m_options;
  RequestMetrics m_metrics;
  FlowControl m_flow_control;
};

// Writes `object` as JSON with a status code.
void send_json(net::ResponseWriter& response, int status, const Node& object);
void send_error(net::ResponseWriter& response, const ApiError& error);

}  // namespace plumb::localcluster
