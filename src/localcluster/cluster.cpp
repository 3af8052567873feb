#include "localcluster/cluster.hpp"

#include "localcluster/api_server.hpp"
#include "localcluster/controllers.hpp"
#include "localcluster/kubeconfig.hpp"
#include "localcluster/registry.hpp"
#include "localcluster/semantics.hpp"
#include "localcluster/store.hpp"
#include "localcluster/tls.hpp"
#include "net/http.hpp"

namespace plumb::localcluster {

struct Cluster::State {
  ClusterOptions options;
  Credentials credentials;
  Registry registry;
  std::unique_ptr<Store> store;
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<Controllers> controllers;
  std::unique_ptr<net::HttpServer> http;
  std::string kubeconfig;
};

namespace {

// What a fresh cluster holds: the system namespaces and one node.
void bootstrap(ApiServer& api) {
  Registry& registry = api.registry();
  ResourcePtr namespaces = registry.find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (api.get(*namespaces, "", name)) continue;
    Node ns = Node::map();
    ns.set("apiVersion", Node::string("v1"));
    ns.set("kind", Node::string("Namespace"));
    ns["metadata"].set("name", Node::string(name));
    (void)api.create(*namespaces, "", std::move(ns), WriteOptions{});
  }
  ResourcePtr nodes = registry.find("", "v1", "nodes");
  if (!api.get(*nodes, "", k_node_name)) {
    Node node = Node::map();
    node.set("apiVersion", Node::string("v1"));
    node.set("kind", Node::string("Node"));
    node["metadata"].set("name", Node::string(k_node_name));
    node["metadata"]["labels"].set("kubernetes.io/hostname", Node::string(k_node_name));
    node["metadata"]["labels"].set("kubernetes.io/os", Node::string("linux"));
    Node ready = Node::map();
    ready.set("type", Node::string("Ready"));
    ready.set("status", Node::string("True"));
    ready.set("reason", Node::string("KubeletReady"));
    Node conditions = Node::list();
    conditions.push_back(std::move(ready));
    node["status"].set("conditions", std::move(conditions));
    (void)api.create(*nodes, "", std::move(node), WriteOptions{});
  }
}

}  // namespace

Result<std::unique_ptr<Cluster>> Cluster::start(const ClusterOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  if (options.data_dir.empty()) {
    state->credentials = TRY(generate_credentials());
  } else {
    state->credentials = TRY(load_or_create_credentials(options.data_dir + "/pki"));
  }
  StoreOptions store_options;
  store_options.data_dir = options.data_dir;
  store_options.event_window = options.event_window;
  state->store = TRY(Store::open(store_options));
  // Kinds served by CRDs stored earlier come back before anything is served.
  ResourcePtr crds =
      state->registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  for (const Node& crd : state->store->list(crds->storage_key(), "", "", 0, nullptr).items) {
    after_write_restore(state->registry, crd);
  }

  auto tls =
      net::ServerTls::create(state->credentials.server_cert_pem, state->credentials.server_key_pem);
  if (!tls) return std::unexpected(tls.error().context("server.crt/server.key"));
  ApiServerOptions api_options;
  api_options.token = state->credentials.token;
  state->api = std::make_unique<ApiServer>(state->registry, *state->store, api_options);
  bootstrap(*state->api);

  net::HttpServerOptions http_options;
  http_options.port = options.port;
  ApiServer* api = state->api.get();
  state->http = TRY(
      net::HttpServer::start(http_options, std::move(*tls),
                             [api](const net::HttpRequest& request, net::ResponseWriter& response) {
                               api->handle(request, response);
                             }));
  api->set_server_address("127.0.0.1:" + std::to_string(state->http->port()));

  ControllerOptions controller_options;
  controller_options.fail_images = options.fail_images;
  state->controllers = TRY(Controllers::start(*api, controller_options));

  state->kubeconfig = kubeconfig_text("https://127.0.0.1:" + std::to_string(state->http->port()),
                                      state->credentials.ca_cert_pem, state->credentials.token);
  if (!options.kubeconfig.empty())
    TRY_VOID(write_kubeconfig(options.kubeconfig, state->kubeconfig));
  return std::unique_ptr<Cluster>(new Cluster(std::move(state)));
}

Cluster::Cluster(std::unique_ptr<State> state) : m_state(std::move(state)) {}

Cluster::~Cluster() {
  stop();
}

int Cluster::port() const {
  return m_state->http->port();
}

std::string Cluster::server_url() const {
  return "https://127.0.0.1:" + std::to_string(port());
}

const std::string& Cluster::kubeconfig() const {
  return m_state->kubeconfig;
}

void Cluster::stop() {
  if (!m_state) return;
  if (m_state->controllers) m_state->controllers->stop();
  m_state->store->close();
  if (m_state->http) m_state->http->stop();
}

}  // namespace plumb::localcluster
