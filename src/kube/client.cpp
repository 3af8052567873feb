#include "kube/client.hpp"

#include <algorithm>
#include <thread>

#include "core/json.hpp"
#include "metrics/families.hpp"

namespace plumb::kube {
namespace {

constexpr std::string_view k_aggregated_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

bool retryable_status(long status) {
  return status == 429 || status >= 500;
}

std::string object_label(const Resource& resource, std::string_view ns, std::string_view name) {
  std::string label = resource.kind + "/";
  if (!ns.empty()) label.append(ns).append("/");
  label.append(name);
  return label;
}

// Resources of one group from an aggregated discovery document (apidiscovery.k8s.io/v2).
void add_aggregated_group(const Node& group, std::vector<Resource>& out) {
  std::string_view group_name = group.string_at({"metadata", "name"});
  for (const Node& version :
       group.find("versions") ? group.find("versions")->items() : std::span<const Node>()) {
    const Node* resources = version.find("resources");
    if (!resources) continue;
    for (const Node& r : resources->items()) {
      Resource res;
      res.group = std::string(group_name);
      res.version = std::string(version.string_at({"version"}));
      res.name = std::string(r.string_at({"resource"}));
      res.kind = std::string(r.string_at({"responseKind", "kind"}));
      res.namespaced = r.string_at({"scope"}) == "Namespaced";
      out.push_back(std::move(res));
    }
  }
}

// Resources of one group/version from a legacy APIResourceList.
void add_resource_list(const Node& list, std::vector<Resource>& out) {
  auto [group, version] = split_api_version(list.string_at({"groupVersion"}));
  const Node* resources = list.find("resources");
  if (!resources) return;
  for (const Node& r : resources->items()) {
    std::string_view name = r.string_at({"name"});
    if (name.find('/') != std::string_view::npos) continue;  // a subresource
    Resource res{std::string(group), std::string(version), std::string(r.string_at({"kind"})),
                 std::string(name), r.find("namespaced") && r.find("namespaced")->as_bool()};
    out.push_back(std::move(res));
  }
}

}  // namespace

std::pair<std::string_view, std::string_view> split_api_version(std::string_view api_version) {
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return {std::string_view(), api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

std::string resource_path(const Resource& resource, std::string_view ns, std::string_view name) {
  std::string path = resource.group.empty() ? "/api/" + resource.version
                                            : "/apis/" + resource.group + "/" + resource.version;
  if (resource.namespaced && !ns.empty()) path.append("/namespaces/").append(ns);
  path.append("/").append(resource.name);
  if (!name.empty()) path.append("/").append(name);
  return path;
}

Error api_error(const HttpResponse& response, std::string_view what) {
  std::string message;
  if (auto status = parse_json(response.body, "response")) {
    message = std::string(status->string_at({"message"}));
  }
  if (message.empty()) {
    message = "HTTP " + std::to_string(response.status);
    std::string_view body = response.body;
    if (!body.empty()) message.append(": ").append(body.substr(0, 200));
  }
  std::string full(what);
  if (!full.empty()) full.append(": ");
  full.append(message);
  return Error(std::move(full), int(response.status));
}

Client::Client(RestConfig config, std::unique_ptr<Transport> transport, ClientOptions options)
    : m_config(std::move(config)),
      m_transport(std::move(transport)),
      m_options(options),
      m_tokens(options.burst),
      m_last_refill(std::chrono::steady_clock::now()) {}

Result<std::unique_ptr<Client>> Client::connect(const KubeconfigOptions& options,
                                                ClientOptions client_options) {
  RestConfig config = TRY(load_rest_config(options));
  auto transport = make_curl_transport(config);
  return std::make_unique<Client>(std::move(config), std::move(transport), client_options);
}

void Client::wait_for_rate_limit() {
  if (m_options.qps <= 0 || m_limit_lifted) return;
  UniqueLock lock(m_rate_mutex);
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - m_last_refill).count();
    m_tokens = std::min<double>(m_options.burst, m_tokens + elapsed * m_options.qps);
    m_last_refill = now;
    if (m_tokens >= 1) {
      m_tokens -= 1;
      return;
    }
    auto wait = std::chrono::duration<double>((1 - m_tokens) / m_options.qps);
    lock.unlock();
    std::this_thread::sleep_for(wait);
    lock.lock();
  }
}

Result<HttpResponse> Client::send_with_retries(const HttpRequest& request) {
  auto backoff = m_options.first_backoff;
  for (int attempt = 0;; ++attempt) {
    wait_for_rate_limit();
    auto sent = std::chrono::steady_clock::now();
    auto response = m_transport->send(request);
    if (metrics::RestClientMetrics* metrics = m_metrics)
      metrics->record(request.method, response ? response->status : 0,
                      std::chrono::steady_clock::now() - sent);
    if (response && response->flow_control &&
        m_options.server_flow_control == ServerFlowControl::lifts_limit)
      m_limit_lifted = true;
    bool last = attempt >= m_options.max_retries;
    if (response && (!retryable_status(response->status) || last)) return response;
    if (!response && last) return response;
    m_counts.retries++;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

Result<Node> Client::request(HttpRequest request, std::string_view what) {
  bool dry_run = request.target.find("dryRun=All") != std::string::npos;
  if (request.method == "GET") {
    m_counts.reads++;
  } else if (dry_run) {
    m_counts.dry_runs++;
  } else {
    m_counts.writes++;
  }
  HttpResponse response = TRY(send_with_retries(request));
  if (response.status < 200 || response.status >= 300)
    return std::unexpected(api_error(response, what));
  if (response.body.empty()) return Node();
  return parse_json(response.body, what);
}

Result<std::vector<Resource>> Client::discover() {
  std::vector<Resource> resources;
  HttpRequest core{.target = "/api", .accept = std::string(k_aggregated_accept)};
  Node core_doc = TRY(request(core, "discovery /api"));
  if (core_doc.string_at({"kind"}) == "APIGroupDiscoveryList") {
    for (const Node& g : core_doc.find("items")->items())
      add_aggregated_group(g, resources);
    HttpRequest groups{.target = "/apis", .accept = std::string(k_aggregated_accept)};
    Node doc = TRY(request(groups, "discovery /apis"));
    if (const Node* items = doc.find("items")) {
      for (const Node& g : items->items())
        add_aggregated_group(g, resources);
    }
  } else {
    for (const Node& v :
         core_doc.find("versions") ? core_doc.find("versions")->items() : std::span<const Node>()) {
      Node list = TRY(request({.target = "/api/" + std::string(v.as_string())}, "discovery"));
      add_resource_list(list, resources);
    }
    Node groups = TRY(request({.target = "/apis"}, "discovery /apis"));
    for (const Node& g :
         groups.find("groups") ? groups.find("groups")->items() : std::span<const Node>()) {
      for (const Node& v :
           g.find("versions") ? g.find("versions")->items() : std::span<const Node>()) {
        std::string target = "/apis/" + std::string(v.string_at({"groupVersion"}));
        Node list = TRY(request({.target = target}, "discovery"));
        add_resource_list(list, resources);
      }
    }
  }
  return resources;
}

void Client::invalidate_discovery() {
  LockGuard lock(m_discovery_mutex);
  m_valid_from = m_discoveries + 1;
}

// A cached answer is searched outside the lock; a discovery runs outside it, one at a time.
// A kind missing from the cache is looked up again in a discovery that began after this call
// (it sees every CRD created before the call), whether this caller or another one runs it.
Result<Resource> Client::find_resource(const std::function<bool(const Resource&)>& match,
                                       std::string_view what) {
  UniqueLock lock(m_discovery_mutex);
  const uint64_t fresh = m_discoveries + 1;  // discoveries numbered from here are fresh
  uint64_t searched = 0;                     // the discovery whose answer was searched last
  for (;;) {
    if (m_resources_from >= m_valid_from && m_resources_from != searched) {
      searched = m_resources_from;
      std::shared_ptr<const std::vector<Resource>> resources = m_resources;
      lock.unlock();
      auto found = std::find_if(resources->begin(), resources->end(), match);
      if (found != resources->end()) return *found;
      if (searched >= fresh) return std::unexpected(Error(std::string(what), 404));
      lock.lock();
      continue;
    }
    if (m_failed_from >= fresh) return std::unexpected(*m_discovery_error);
    if (m_discovering) {
      m_discovery_done.wait(lock);
      continue;
    }
    const uint64_t number = ++m_discoveries;
    m_discovering = true;
    lock.unlock();
    auto discovered = discover();
    lock.lock();
    m_discovering = false;
    if (discovered) {
      m_resources = std::make_shared<const std::vector<Resource>>(std::move(*discovered));
      m_resources_from = number;
    } else {
      m_discovery_error = std::move(discovered).error();
      m_failed_from = number;
    }
    m_discovery_done.notify_all();
  }
}

Result<Resource> Client::resource_for(std::string_view api_version, std::string_view kind) {
  auto [group, version] = split_api_version(api_version);
  return find_resource(
      [&](const Resource& r) { return r.kind == kind && r.group == group && r.version == version; },
      "no kind \"" + std::string(kind) + "\" is served in version \"" + std::string(api_version) +
          "\"");
}

Result<Resource> Client::resource_for_group_kind(std::string_view group, std::string_view kind) {
  return find_resource(
      [&](const Resource& r) { return r.kind == kind && r.group == group; },
      "no kind \"" + std::string(kind) + "\" is served in group \"" + std::string(group) + "\"");
}

Result<std::optional<Node>> Client::get(const Resource& resource, std::string_view ns,
                                        std::string_view name) {
  auto object =
      request({.target = resource_path(resource, ns, name)}, object_label(resource, ns, name));
  if (!object) {
    if (object.error().code() == 404) return std::optional<Node>();
    return std::unexpected(std::move(object).error());
  }
  return std::optional<Node>(std::move(*object));
}

Result<Node> Client::list(const Resource& resource, std::string_view ns,
                          std::string_view label_selector) {
  Node all;
  std::string continue_token;
  for (;;) {
    std::string target = resource_path(resource, ns, "") + "?limit=500";
    if (!label_selector.empty()) target += "&labelSelector=" + percent_encode(label_selector);
    if (!continue_token.empty()) target += "&continue=" + percent_encode(continue_token);
    Node page = TRY(request({.target = target}, "list " + resource.name));
    continue_token = std::string(page.string_at({"metadata", "continue"}));
    if (all.is_null()) {
      all = page;
    } else if (const Node* items = page.find("items")) {
      for (const Node& item : items->items())
        all["items"].push_back(item);
    }
    if (continue_token.empty()) {
      if (const Node* meta = page.find("metadata")) all.set("metadata", *meta);
      return all;
    }
  }
}

Result<Node> Client::apply(const Resource& resource, const Node& object,
                           std::string_view field_manager, Force force, DryRun dry_run) {
  std::string_view ns = object.string_at({"metadata", "namespace"});
  std::string_view name = object.string_at({"metadata", "name"});
  std::string target =
      resource_path(resource, ns, name) + "?fieldManager=" + percent_encode(field_manager);
  if (force == Force::yes) target += "&force=true";
  if (dry_run == DryRun::yes) target += "&dryRun=All";
  HttpRequest req{.method = "PATCH",
                  .target = std::move(target),
                  .body = to_json(object),
                  .content_type = "application/apply-patch+yaml"};
  return request(std::move(req), object_label(resource, ns, name));
}

Result<Node> Client::apply_status(const Resource& resource, const Node& object,
                                  std::string_view field_manager) {
  std::string_view ns = object.string_at({"metadata", "namespace"});
  std::string_view name = object.string_at({"metadata", "name"});
  HttpRequest req{.method = "PATCH",
                  .target = resource_path(resource, ns, name) +
                            "/status?fieldManager=" + percent_encode(field_manager) + "&force=true",
                  .body = to_json(object),
                  .content_type = "application/apply-patch+yaml"};
  return request(std::move(req), object_label(resource, ns, name) + " status");
}

Result<bool> Client::remove(const Resource& resource, std::string_view ns, std::string_view name,
                            Propagation propagation) {
  static constexpr std::string_view k_policies[] = {"Background", "Foreground", "Orphan"};
  std::string body = R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":")" +
                     std::string(k_policies[int(propagation)]) + "\"}";
  auto done = request({.method = "DELETE",
                       .target = resource_path(resource, ns, name),
                       .body = std::move(body),
                       .content_type = "application/json"},
                      object_label(resource, ns, name));
  if (!done) {
    if (done.error().code() == 404) return false;
    return std::unexpected(std::move(done).error());
  }
  return true;
}

Result<std::string> Client::watch(const Resource& resource, std::string_view ns,
                                  std::string_view resource_version,
                                  const std::function<bool(const WatchEvent&)>& on_event,
                                  long timeout_seconds, const std::atomic<bool>* cancel) {
  std::string target =
      resource_path(resource, ns, "") +
      "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(timeout_seconds);
  if (!resource_version.empty()) {
    target += "&resourceVersion=" + percent_encode(resource_version);
  }
  m_counts.watches++;
  wait_for_rate_limit();
  std::string pending;
  std::string last_version(resource_version);
  std::optional<Error> failure;
  auto handle_line = [&](std::string_view line) -> bool {
    auto event = parse_json(line, "watch event");
    if (!event) {
      failure = event.error();
      return false;
    }
    WatchEvent ev{std::string(event->string_at({"type"})),
                  event->find("object") ? *event->find("object") : Node()};
    if (ev.type == "ERROR") {
      int code = int(ev.object.find("code") ? ev.object.find("code")->as_int() : 500);
      failure = Error(
          "watch " + resource.name + ": " + std::string(ev.object.string_at({"message"})), code);
      return false;
    }
    std::string_view rv = ev.object.string_at({"metadata", "resourceVersion"});
    if (!rv.empty()) last_version = std::string(rv);
    return on_event(ev);
  };
  HttpRequest req{.target = std::move(target), .timeout_seconds = 0, .cancel = cancel};
  HttpResponse response = TRY(m_transport->stream(req, [&](std::string_view chunk) {
    pending.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (!line.empty() && !handle_line(line)) return false;
    }
    pending.erase(0, start);
    return true;
  }));
  if (failure) return std::unexpected(*failure);
  if (response.status < 200 || response.status >= 300) {
    return std::unexpected(api_error(response, "watch " + resource.name));
  }
  return last_version;
}

}  // namespace plumb::kube
