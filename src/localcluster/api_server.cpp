#include "localcluster/api_server.hpp"

#include <vector>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "localcluster/discovery.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/openapi.hpp"
#include "localcluster/protobuf.hpp"
#include "localcluster/selectors.hpp"
#include "localcluster/tables.hpp"

namespace plumb::localcluster {

struct ApiServer::Route {
  ResourcePtr resource;
  std::string ns;
  std::string name;
  std::string subresource;
};

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The aggregated discovery version the Accept header asks for, or "" for the legacy form.
std::string_view aggregated_version(std::string_view accept) {
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view type = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
    if (type.find("as=APIGroupDiscoveryList") == std::string_view::npos ||
        type.find("g=apidiscovery.k8s.io") == std::string_view::npos)
      continue;
    if (type.find("v=v2beta1") != std::string_view::npos) return "v2beta1";
    if (type.find("v=v2") != std::string_view::npos) return "v2";
  }
  return "";
}

// A create or update body (or DeleteOptions): JSON, or protobuf for the kinds kubectl's
// generators and client-go's typed clients send so.
ApiResult<Node> read_body(const net::HttpRequest& request, std::string_view what = "request body") {
  if (request.header("content-type").starts_with(k_protobuf_type))
    return decode_protobuf(request.body);
  auto body = parse_json(request.body, what);
  if (!body) return std::unexpected(bad_request(body.error().message()));
  return std::move(*body);
}

bool is_true(std::string_view value) {
  return value == "true" || value == "1";
}

std::string list_kind(const ResourceInfo& resource) {
  return resource.kind + "List";
}

Result<std::pair<uint64_t, std::string>> decode_continue(std::string_view token) {
  auto text = base64_decode(token);
  if (!text) return fail("invalid continue token");
  auto parsed = parse_json(*text, "continue token");
  if (!parsed) return fail("invalid continue token");
  return std::pair<uint64_t, std::string>(
      static_cast<uint64_t>(parsed->find("rv") ? parsed->find("rv")->as_int() : 0),
      std::string(parsed->string_at({"start"})));
}

std::string encode_continue(uint64_t rv, std::string_view key) {
  Node token = Node::map();
  token.set("rv", Node::integer(static_cast<int64_t>(rv)));
  token.set("start", Node::string(key));
  return base64_encode(to_json(token));
}

struct Filters {
  LabelSelector labels;
  FieldSelector fields;
  bool matches(const Node& object) const {
    static const Node k_empty;
    const Node* l = object.at_path({"metadata", "labels"});
    return labels.matches(l ? *l : k_empty) && fields.matches(object);
  }
};

ApiResult<Filters> parse_filters(const net::HttpRequest& request) {
  Filters filters;
  auto labels = LabelSelector::parse(request.param_or("labelSelector", ""));
  if (!labels) return std::unexpected(bad_request(labels.error().message()));
  auto fields = FieldSelector::parse(request.param_or("fieldSelector", ""));
  if (!fields) return std::unexpected(bad_request(fields.error().message()));
  filters.labels = std::move(*labels);
  filters.fields = std::move(*fields);
  return filters;
}

// An object as the client asked for it: apiVersion of the version in the URL.
Node as_version(Node object, const ResourceInfo& resource) {
  object.set("apiVersion", Node::string(resource.group_version()));
  object.set("kind", Node::string(resource.kind));
  return object;
}

Node watch_event(std::string_view type, Node object) {
  Node event = Node::map(2);
  event.set("type", Node::string(type));
  event.set("object", std::move(object));
  return event;
}

}  // namespace

void send_json(net::ResponseWriter& response, int status, const Node& object) {
  std::string body;
  append_json(object, body);
  body += '\n';
  response.send(status, "application/json", body);
}

void send_error(net::ResponseWriter& response, const ApiError& error) {
  send_json(response, error.code, status_object(error));
}

ApiServer::ApiServer(Registry& registry, Store& store, ApiServerOptions options)
    : m_registry(registry),
      m_store(store),
      m_options(std::move(options)),
      m_flow_control(m_options.flow_control) {}

void ApiServer::handle(const net::HttpRequest& request, net::ResponseWriter& response) {
  const std::string& path = request.path;
  response.add_header(std::string(k_flow_schema_header), m_flow_control.flow_schema_uid());
  response.add_header(std::string(k_priority_level_header), m_flow_control.priority_level_uid());
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    response.send(200, "text/plain; charset=utf-8", "ok");
    return;
  }
  if (path == "/version" || path == "/version/") {
    send_json(response, 200, version_document());
    return;
  }
  if (!m_options.token.empty() && request.header("authorization") != "Bearer " + m_options.token) {
    ApiError error;
    error.code = 401;
    error.reason = "Unauthorized";
    error.message = "Unauthorized";
    send_error(response, error);
    return;
  }
  const bool long_running = is_true(request.param_or("watch", ""));  // watches take no seat
  std::optional<FlowControl::Seat> seat = long_running ? std::nullopt : m_flow_control.admit();
  if (!long_running && !seat) {
    ApiError error;
    error.code = 429;
    error.reason = "TooManyRequests";
    error.message = "Too many requests, please try again later.";
    response.add_header("Retry-After", "1");
    send_error(response, error);
    return;
  }

  if (path == "/metrics") {
    response.send(200, "text/plain; version=0.0.4", m_metrics.text());
    return;
  }
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    send_json(response, 200, openapi_v3_root(m_registry));
    return;
  }
  if (path.starts_with("/openapi/v3/")) {
    Node doc = openapi_v3_group_version(m_registry, std::string_view(path).substr(12));
    if (!doc.is_null()) {
      send_json(response, 200, doc);
      return;
    }
  }
  std::vector<std::string_view> parts = split_path(path);
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) {
    ApiError error;
    error.code = 404;
    error.reason = "NotFound";
    error.message = "the server could not find the requested resource";
    send_error(response, error);
    return;
  }
  const bool core = parts[0] == "api";
  if (parts.size() == 1) {
    std::string_view version = aggregated_version(request.header("accept"));
    if (!version.empty()) {
      std::string body;
      append_json(aggregated_discovery(m_registry, core,
                                       std::string("apidiscovery.k8s.io/") + std::string(version)),
                  body);
      response.send(200,
                    "application/json;g=apidiscovery.k8s.io;v=" + std::string(version) +
                        ";as=APIGroupDiscoveryList",
                    body);
      return;
    }
    send_json(response, 200,
              core ? api_versions(m_options.server_address) : api_group_list(m_registry));
    return;
  }

  // /api/v1/... or /apis/GROUP/VERSION/...
  std::string group = core ? "" : std::string(parts[1]);
  size_t version_index = core ? 1 : 2;
  if (!core && parts.size() == 2) {
    Node doc = api_group(m_registry, group);
    if (doc.is_null()) {
      send_error(response, not_found("groups", "", group));
    } else {
      send_json(response, 200, doc);
    }
    return;
  }
  std::string version(parts[version_index]);
  std::vector<std::string_view> rest(parts.begin() + static_cast<long>(version_index) + 1,
                                     parts.end());
  if (rest.empty()) {
    Node doc = api_resource_list(m_registry, group, version);
    if (doc.is_null()) {
      ApiError error;
      error.code = 404;
      error.reason = "NotFound";
      error.message = "the server could not find the requested resource";
      send_error(response, error);
    } else {
      send_json(response, 200, doc);
    }
    return;
  }

  Route route;
  // namespaces/NS/RESOURCE/..., except namespaces/NAME/status|finalize.
  if (rest[0] == "namespaces" && rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
    route.ns = std::string(rest[1]);
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  route.resource = m_registry.find(group, version, rest[0]);
  if (rest.size() >= 2) route.name = std::string(rest[1]);
  if (rest.size() >= 3) route.subresource = std::string(rest[2]);
  if (!route.resource || rest.size() > 3 ||
      (!route.subresource.empty() && !route.resource->has_subresource(route.subresource))) {
    ApiError error;
    error.code = 404;
    error.reason = "NotFound";
    error.message = "the server could not find the requested resource";
    send_error(response, error);
    return;
  }
  serve_resource(request, route, response);
}

void ApiServer::serve_resource(const net::HttpRequest& request, const Route& route,
                               net::ResponseWriter& response) {
  const ResourceInfo& resource = *route.resource;
  const std::string& method = request.method;
  m_metrics.count(
      RequestMetrics::verb_of(method, !route.name.empty(), is_true(request.param_or("watch", ""))),
      request.param_or("dryRun", "") == "All");
  if (!route.ns.empty() && !resource.namespaced) {
    send_error(response, not_found(resource.plural, resource.group, route.name));
    return;
  }
  if (route.subresource == "log" && request.method == "GET" && resource.kind == "Pod") {
    // Simulated pods run nothing, so their log says so (kubectl logs works).
    auto pod = get(resource, route.ns, route.name);
    if (!pod) return send_error(response, pod.error());
    response.send(200, "text/plain",
                  "plumb: pod " + route.name + " is simulated by plumb cluster; it has no logs\n");
    return;
  }
  if (route.subresource != "" && route.subresource != "status" && route.subresource != "scale") {
    ApiError error;
    error.code = 405;
    error.reason = "MethodNotAllowed";
    error.message = "the subresource " + route.subresource + " is not served by plumb";
    send_error(response, error);
    return;
  }
  WriteOptions write;
  write.dry_run = request.param_or("dryRun", "") == "All";
  write.field_manager = std::string(request.param_or("fieldManager", ""));
  write.subresource = route.subresource;
  write.force = is_true(request.param_or("force", ""));
  write.field_validation = std::string(request.param_or("fieldValidation", ""));
  if (write.field_manager.empty()) {
    // Kubernetes names the manager after the client's user agent ("kubectl/v1.32 ...").
    std::string_view agent = request.header("user-agent");
    write.field_manager = std::string(agent.substr(0, agent.find('/')));
  }

  auto reply = [&](const ApiResult<Node>& result, int success) {
    if (!result) {
      send_error(response, result.error());
    } else {
      send_json(response, success, result->string_at({"kind"}) == "Status" ? *result : *result);
    }
  };

  if (route.name.empty()) {
    if (method == "GET") {
      if (is_true(request.param_or("watch", ""))) {
        serve_watch(request, route, response);
      } else {
        serve_list(request, route, response);
      }
    } else if (method == "POST") {
      auto body = read_body(request);
      if (!body) return send_error(response, body.error());
      reply(create(resource, route.ns, std::move(*body), write), 201);
    } else if (method == "DELETE") {
      serve_delete_collection(request, route, response);
    } else {
      ApiError error;
      error.code = 405;
      error.reason = "MethodNotAllowed";
      error.message = "the server does not allow this method on the requested resource";
      send_error(response, error);
    }
    return;
  }

  if (method == "GET") {
    auto object = get(resource, route.ns, route.name, route.subresource);
    if (object && wants_table(request.header("accept")) && route.subresource.empty()) {
      send_json(response, 200, to_table(resource, {*object}, object_rv(*object), "", request));
      return;
    }
    reply(object, 200);
  } else if (method == "PUT") {
    auto body = read_body(request);
    if (!body) return send_error(response, body.error());
    reply(update(resource, route.ns, route.name, std::move(*body), write), 200);
  } else if (method == "PATCH") {
    reply(
        patch(resource, route.ns, route.name, request.header("content-type"), request.body, write),
        200);
  } else if (method == "DELETE") {
    DeleteOptions options;
    options.dry_run = write.dry_run;
    std::string policy(request.param_or("propagationPolicy", ""));  // outlives the body below
    if (!request.body.empty()) {
      // client-go's typed clients (helm's storage) send DeleteOptions in protobuf.
      auto body = read_body(request, "delete options");
      if (!body) return send_error(response, body.error());
      if (policy.empty()) policy = std::string(body->string_at({"propagationPolicy"}));
      if (const Node* dry = body->find("dryRun")) {
        for (const Node& d : dry->items())
          options.dry_run |= d.as_string() == "All";
      }
      options.precondition_uid = std::string(body->string_at({"preconditions", "uid"}));
      options.precondition_rv = std::string(body->string_at({"preconditions", "resourceVersion"}));
      if (const Node* orphan = body->find("orphanDependents"); orphan && orphan->as_bool())
        options.propagation = Propagation::orphan;
    }
    if (policy == "Foreground") options.propagation = Propagation::foreground;
    if (policy == "Orphan") options.propagation = Propagation::orphan;
    reply(remove(resource, route.ns, route.name, options), 200);
  } else {
    ApiError error;
    error.code = 405;
    error.reason = "MethodNotAllowed";
    error.message = "the server does not allow this method on the requested resource";
    send_error(response, error);
  }
}

void ApiServer::serve_list(const net::HttpRequest& request, const Route& route,
                           net::ResponseWriter& response) {
  const ResourceInfo& resource = *route.resource;
  auto filters = parse_filters(request);
  if (!filters) return send_error(response, filters.error());
  size_t limit = 0;
  if (auto l = request.param("limit")) limit = static_cast<size_t>(parse_rv(*l));
  std::string after;
  if (auto token = request.param("continue"); token && !token->empty()) {
    auto decoded = decode_continue(*token);
    if (!decoded) return send_error(response, bad_request(decoded.error().message()));
    after = decoded->second;
  }
  ListPage page = m_store.list(resource.storage_key(), route.ns, after, limit,
                               [&](const Node& o) { return filters->matches(o); });
  std::string next = page.next_key.empty() ? "" : encode_continue(page.rv, page.next_key);
  if (wants_table(request.header("accept"))) {
    send_json(response, 200, to_table(resource, page.items, page.rv, next, request));
    return;
  }
  Node list = Node::map();
  list.set("kind", Node::string(list_kind(resource)));
  list.set("apiVersion", Node::string(resource.group_version()));
  Node metadata = Node::map();
  metadata.set("resourceVersion", Node::string(std::to_string(page.rv)));
  if (!next.empty()) metadata.set("continue", Node::string(next));
  list.set("metadata", std::move(metadata));
  Node items = Node::list(page.items.size());
  for (Node& item : page.items)
    items.push_back(as_version(std::move(item), resource));
  list.set("items", std::move(items));
  send_json(response, 200, list);
}

void ApiServer::serve_watch(const net::HttpRequest& request, const Route& route,
                            net::ResponseWriter& response) {
  const ResourceInfo& resource = *route.resource;
  auto filters = parse_filters(request);
  if (!filters) return send_error(response, filters.error());
  std::string name_filter = route.name;
  const bool table = wants_table(request.header("accept"));
  const bool bookmarks = is_true(request.param_or("allowWatchBookmarks", ""));
  auto deadline = std::chrono::steady_clock::time_point::max();
  if (auto t = request.param("timeoutSeconds"); t && parse_rv(*t) > 0)
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(parse_rv(*t));

  std::string_view rv_param = request.param_or("resourceVersion", "");
  uint64_t cursor = parse_rv(rv_param);
  // A watch-list (sendInitialEvents=true; kubectl and client-go from v1.35 on) gets the
  // current objects as ADDED and then a BOOKMARK annotated k8s.io/initial-events-end.
  const bool initial_events = is_true(request.param_or("sendInitialEvents", ""));
  std::vector<Node> initial;
  if (rv_param.empty() || rv_param == "0" || initial_events) {
    ListPage page = m_store.list(resource.storage_key(), route.ns, "", 0,
                                 [&](const Node& o) { return filters->matches(o); });
    initial = std::move(page.items);
    cursor = page.rv;
  }
  const std::string content_type = "application/json";
  if (!response.begin_stream(200, content_type)) return;
  bool first_table = true;
  auto emit = [&](std::string_view type, const Node& object) {
    Node payload = as_version(object, resource);
    if (table) {
      payload = to_table(resource, {payload}, object_rv(payload), "", request);
      if (!first_table) payload.erase("columnDefinitions");
      first_table = false;
    }
    std::string line;
    append_json(watch_event(type, std::move(payload)), line);
    line += '\n';
    return response.write_chunk(line);
  };
  enum class Bookmark { periodic, initial_events_end };
  auto bookmark = [&](Bookmark what) {
    Node object = Node::map();
    object.set("kind", Node::string(resource.kind));
    object.set("apiVersion", Node::string(resource.group_version()));
    Node metadata = Node::map();
    metadata.set("resourceVersion", Node::string(std::to_string(cursor)));
    if (what == Bookmark::initial_events_end) {
      Node annotations = Node::map();
      annotations.set("k8s.io/initial-events-end", Node::string("true"));
      metadata.set("annotations", std::move(annotations));
    }
    object.set("metadata", std::move(metadata));
    std::string line;
    append_json(watch_event("BOOKMARK", std::move(object)), line);
    line += '\n';
    return response.write_chunk(line);
  };
  for (const Node& object : initial) {
    if (!emit("ADDED", object)) return;
  }
  if (initial_events && !bookmark(Bookmark::initial_events_end)) return;
  auto last_sent = std::chrono::steady_clock::now();
  std::vector<WatchEvent> events;
  for (;;) {
    if (response.client_gone() || std::chrono::steady_clock::now() >= deadline) return;
    events.clear();
    WaitStatus status = m_store.wait_events(resource.storage_key(), route.ns, cursor,
                                            std::chrono::milliseconds(500), events);
    if (status == WaitStatus::closed) return;
    if (status == WaitStatus::gone) {
      ApiError error;
      error.code = 410;
      error.reason = "Expired";
      error.message = "too old resource version: " + std::string(rv_param) + " (" +
                      std::to_string(cursor) + ")";
      std::string line;
      append_json(watch_event("ERROR", status_object(error)), line);
      line += '\n';
      response.write_chunk(line);
      return;
    }
    for (const WatchEvent& event : events) {
      if (!name_filter.empty() && event.object.string_at({"metadata", "name"}) != name_filter)
        continue;
      // With a selector, an object that starts matching is ADDED for this watcher and one
      // that stops matching is DELETED, as the Kubernetes watch cache reports them.
      const bool now = filters->matches(event.object);
      const bool before = event.type == EventType::modified && filters->matches(event.previous);
      std::string_view type = event_type_name(event.type);
      if (event.type == EventType::modified && now != before) type = now ? "ADDED" : "DELETED";
      if (!now && !before) continue;
      if (!emit(type, event.object)) return;
      last_sent = std::chrono::steady_clock::now();
    }
    if (bookmarks && std::chrono::steady_clock::now() - last_sent >= m_options.bookmark_interval) {
      if (!bookmark(Bookmark::periodic)) return;
      last_sent = std::chrono::steady_clock::now();
    }
  }
}

void ApiServer::serve_delete_collection(const net::HttpRequest& request, const Route& route,
                                        net::ResponseWriter& response) {
  const ResourceInfo& resource = *route.resource;
  if (!resource.has_verb("deletecollection")) {
    ApiError error;
    error.code = 405;
    error.reason = "MethodNotAllowed";
    error.message = "the server does not allow this method on the requested resource";
    return send_error(response, error);
  }
  auto filters = parse_filters(request);
  if (!filters) return send_error(response, filters.error());
  DeleteOptions options;
  options.dry_run = request.param_or("dryRun", "") == "All";
  ListPage page = m_store.list(resource.storage_key(), route.ns, "", 0,
                               [&](const Node& o) { return filters->matches(o); });
  Node items = Node::list();
  for (const Node& object : page.items) {
    auto removed = remove(resource, std::string(object.string_at({"metadata", "namespace"})),
                          std::string(object.string_at({"metadata", "name"})), options);
    if (removed) items.push_back(as_version(*removed, resource));
  }
  Node list = Node::map();
  list.set("kind", Node::string(list_kind(resource)));
  list.set("apiVersion", Node::string(resource.group_version()));
  Node metadata = Node::map();
  metadata.set("resourceVersion", Node::string(std::to_string(m_store.current_rv())));
  list.set("metadata", std::move(metadata));
  list.set("items", std::move(items));
  send_json(response, 200, list);
}

}  // namespace plumb::localcluster
