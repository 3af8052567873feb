// The notification observer: queue, rate limit, Alerts and Providers from the cluster,
// commit-status states (notify/observer.hpp).
#include "notify/observer.hpp"

#include <set>

#include "controller/reconcile.hpp"
#include "core/base64.hpp"

namespace plumb::notify {

namespace {

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};

constexpr std::string_view k_dispatch_failed = "NotificationDispatchFailed";

// A Secret's data value, decoded; "" when absent.
std::string secret_value(const Node& secret, std::string_view key) {
  const Node* value = secret.at_path({"data", key});
  if (value == nullptr) return {};
  return base64_decode(value->as_string()).value_or("");
}

}  // namespace

NotificationObserver::NotificationObserver(kube::Client& client, NotifyOptions options)
    : m_client(client),
      m_options(std::move(options)),
      m_events(client, "notification-controller"),
      m_cache(client),
      m_dispatcher([this] {
        DeliveryOptions d = m_options.delivery;
        d.on_failure = [this](const Node& provider, const std::string& error) {
          report_failure(provider, error);
        };
        return d;
      }()) {}

NotificationObserver::~NotificationObserver() {
  stop();
}

Result<void> NotificationObserver::start() {
  TRY_VOID(controller::install_crds(m_client, notification_crds()));
  if (m_options.watch) {
    // Without the cache, each event reads them from the API server.
    for (const kube::Resource* r : {&k_alerts, &k_providers})
      if (auto watched = m_cache.watch(*r); !watched)
        say("notifications: watching " + r->name + ": " + watched.error().message());
  }
  m_thread = std::thread([this] { run(); });
  return {};
}

void NotificationObserver::stop() {
  {
    LockGuard lock(m_mutex);
    m_stopping = true;
    m_changed.notify_all();
  }
  if (m_thread.joinable()) m_thread.join();
  m_cache.stop();
  m_dispatcher.stop();
  if (m_options.record_events) m_events.flush();
}

void NotificationObserver::on_event(const controller::EventRecord& record) {
  enqueue(event_from(record));
}

void NotificationObserver::on_reconcile(const controller::ReconcileRecord& record) {
  if (auto event = status_event_from(record)) enqueue(std::move(*event));
}

void NotificationObserver::enqueue(Event event) {
  LockGuard lock(m_mutex);
  if (m_stopping) return;
  if (m_queue.size() >= m_options.queue_capacity) {
    ++m_dropped;
    return;
  }
  m_queue.push_back(std::move(event));
  m_changed.notify_all();
}

void NotificationObserver::run() {
  while (true) {
    Event event;
    {
      UniqueLock lock(m_mutex);
      m_busy = false;
      m_changed.notify_all();
      while (!m_stopping && m_queue.empty())
        m_changed.wait(lock);
      if (m_stopping) return;
      event = std::move(m_queue.front());
      m_queue.pop_front();
      m_busy = true;
    }
    process(event);
  }
}

void NotificationObserver::drain() {
  {
    UniqueLock lock(m_mutex);
    while (!m_stopping && (m_busy || !m_queue.empty()))
      m_changed.wait(lock);
  }
  m_dispatcher.drain();
}

uint64_t NotificationObserver::dropped() const {
  LockGuard lock(m_mutex);
  return m_dropped + m_dispatcher.dropped();
}

bool NotificationObserver::first_in_window(const Event& event) {
  auto now = m_options.now();
  std::string key = event_key(event);
  auto it = m_last_sent.find(key);
  if (it != m_last_sent.end() && now - it->second < m_options.rate_limit) return false;
  m_last_sent[key] = now;
  if (m_last_sent.size() > 10000) {  // forget what is out of its window
    std::erase_if(m_last_sent,
                  [&](const auto& e) { return now - e.second >= m_options.rate_limit; });
  }
  return true;
}

void NotificationObserver::process(const Event& event) {
  // status_only events are not rate limited: a commit's state is posted once anyway.
  if (!event.status_only && !first_in_window(event)) {
    ++m_rate_limited;
    return;
  }
  auto alerts = read_alerts();
  if (!alerts) {
    say("notifications: listing Alerts: " + alerts.error().message());
    return;
  }
  static thread_local std::set<std::string> told;  // invalid Alerts, said once each
  for (const Node& object : *alerts) {
    auto alert = parse_alert(object);
    if (!alert) {
      if (told.insert(alert.error().message()).second)
        say("notifications: " + alert.error().message());
      continue;
    }
    if (alert_matches(*alert, event)) send(*alert, for_alert(*alert, event));
  }
}

void NotificationObserver::send(const AlertSpec& alert, const Event& event) {
  auto object = read_provider(alert.namespace_, alert.provider_ref);
  if (!object || !*object) {
    say("notifications: Alert/" + alert.namespace_ + "/" + alert.name + ": Provider '" +
        alert.provider_ref + "' " + (object ? "not found" : object.error().message()));
    return;
  }
  const Node& provider_object = **object;
  auto provider = parse_provider(provider_object);
  if (!provider) return report_failure(provider_object, provider.error().message());
  if (provider->suspend) return;
  ProviderSecret secret;
  std::vector<std::string> secrets;
  if (!provider->secret_ref.empty()) {
    auto found = m_client.get(k_secrets, provider->namespace_, provider->secret_ref);
    if (!found || !*found)
      return report_failure(provider_object, "secretRef '" + provider->secret_ref + "': " +
                                                 (found ? "not found" : found.error().message()));
    auto read = parse_provider_secret(**found);
    if (!read) return report_failure(provider_object, read.error().message());
    secret = std::move(*read);
    for (const auto* v : {&secret.token, &secret.password, &secret.address})
      if (*v) secrets.push_back(**v);
    for (const auto& [k, v] : secret.headers)
      secrets.push_back(v);
  }
  std::string ca_pem;
  if (!provider->cert_secret_ref.empty()) {
    auto found = m_client.get(k_secrets, provider->namespace_, provider->cert_secret_ref);
    if (!found || !*found)
      return report_failure(provider_object, "certSecretRef '" + provider->cert_secret_ref + "': " +
                                                 (found ? "not found" : found.error().message()));
    ca_pem = secret_value(**found, "ca.crt");
    if (ca_pem.empty()) ca_pem = secret_value(**found, "caFile");
  }
  Target target = target_of(*provider, secret);
  auto request = build_request(target, event);
  if (!request)
    return report_failure(provider_object, mask_secrets(request.error().message(), secrets));
  if (!*request) return;
  if (is_commit_status(target.type) && !commit_state_changed(target, event)) return;
  m_dispatcher.submit(Delivery{.lane = provider->namespace_ + "/" + provider->name,
                               .provider = provider_object,
                               .type = target.type,
                               .request = std::move(**request),
                               .timeout = provider->timeout,
                               .ca_pem = std::move(ca_pem),
                               .proxy = secret.proxy.value_or(provider->proxy),
                               .secrets = std::move(secrets)});
}

Result<std::vector<Node>> NotificationObserver::read_alerts() {
  if (m_cache.follows(k_alerts, "")) return m_cache.list(k_alerts);
  Node list = TRY(m_client.list(k_alerts, ""));
  const Node* items = list.find("items");
  if (items == nullptr) return std::vector<Node>();
  return std::vector<Node>(items->items().begin(), items->items().end());
}

Result<std::optional<Node>> NotificationObserver::read_provider(const std::string& ns,
                                                                const std::string& name) {
  if (m_cache.follows(k_providers, ns)) return m_cache.get(k_providers, ns, name);
  return m_client.get(k_providers, ns, name);
}

bool NotificationObserver::commit_state_changed(const Target& target, const Event& event) {
  auto revision = event.metadata.find("revision");
  std::string key = target.provider_uid + " " + commit_status_context(target.provider_uid, event) +
                    " " + (revision == event.metadata.end() ? "" : commit_sha(revision->second));
  CommitState state = commit_state(event);
  auto [it, inserted] = m_commit_states.try_emplace(key, state);
  if (!inserted && it->second == state) return false;
  it->second = state;
  if (m_commit_states.size() > 10000) m_commit_states.clear();  // bounded; a repeat re-posts
  return true;
}

void NotificationObserver::report_failure(const Node& provider, const std::string& error) {
  std::string name = "Provider/" + std::string(provider.string_at({"metadata", "namespace"})) +
                     "/" + std::string(provider.string_at({"metadata", "name"}));
  say("notifications: " + name + ": " + error);
  if (m_options.record_events && provider.is_map())
    m_events.record(provider, controller::EventType::warning, k_dispatch_failed,
                    "failed to send notification: " + error);
}

void NotificationObserver::say(const std::string& line) const {
  if (m_options.log) m_options.log(line);
}

}  // namespace plumb::notify
