// SealedSecretController: the loop around SealedSecretReconciler (see sealedsecret.hpp).
#include <algorithm>

#include "controller/reconcile.hpp"
#include "controller/sealedsecret.hpp"

namespace plumb::controller {

namespace {

std::string key_of(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

const Node& spec_of(const Node& object) {
  static const Node none;
  const Node* spec = object.find("spec");
  return spec ? *spec : none;
}

// Synced True for its current generation.
bool synced(const Node& sealed_secret) {
  const Node* generation = sealed_secret.at_path({"metadata", "generation"});
  const Node* observed = sealed_secret.at_path({"status", "observedGeneration"});
  if (!generation || !observed || generation->as_int() != observed->as_int()) return false;
  const Node* conditions = sealed_secret.at_path({"status", "conditions"});
  if (!conditions) return false;
  for (const Node& condition : conditions->items()) {
    if (condition.string_at({"type"}) == "Synced") return condition.string_at({"status"}) == "True";
  }
  return false;
}

// The SealedSecret a Secret belongs to: its controller owner reference of that kind.
bool owned_by_sealed_secret(const Node& secret) {
  const Node* refs = secret.at_path({"metadata", "ownerReferences"});
  if (!refs) return false;
  return std::any_of(refs->items().begin(), refs->items().end(), [](const Node& ref) {
    return ref.string_at({"kind"}) == "SealedSecret" &&
           ref.string_at({"apiVersion"}).starts_with("bitnami.com/");
  });
}

std::string_view to_string(SecretWrite write) {
  switch (write) {
    case SecretWrite::created:
      return "Secret created";
    case SecretWrite::updated:
      return "Secret updated";
    case SecretWrite::unchanged:
      return "Secret unchanged";
    case SecretWrite::none:
      break;
  }
  return "no Secret written";
}

}  // namespace

SealedSecretController::SealedSecretController(kube::Client& client, SealedSecretOptions options)
    : m_client(client),
      m_options(std::move(options)),
      m_reconciler(client),
      m_events(client, "sealed-secrets"),
      m_cache(client) {}

SealedSecretController::~SealedSecretController() {
  stop();
}

Result<void> SealedSecretController::start() {
  TRY_VOID(install_crds(m_client, {sealed_secret_crd()}));
  TRY_VOID(ensure_namespace(m_client, m_options.key_namespace));
  std::vector<std::string> skipped;
  for (sealed::KeyPair& key : TRY(load_keys(m_client, m_options.key_namespace, &skipped))) {
    say("sealing key " + m_options.key_namespace + "/" + key.name + " registered");
    m_keys.add(std::move(key));
  }
  for (const std::string& why : skipped)
    say("sealing key skipped: " + why);
  // With no key yet, the key thread makes the first one (RSA 4096 takes seconds: the loop's
  // start does not wait for it); the workers wait for it.
  m_cache.subscribe([this](const kube::WatchEvent& event, const kube::Resource& resource) {
    on_event(event, resource);
  });
  TRY_VOID(m_cache.watch(k_core_secrets));
  // A key Secret made between the list above and the watch's list.
  for (const Node& secret : m_cache.list(k_core_secrets, m_options.key_namespace)) {
    if (is_key_secret(secret, m_options.key_namespace)) take_key(secret);
  }
  TRY_VOID(m_cache.watch(k_sealed_secrets));
  for (const Node& sealed_secret : m_cache.list(k_sealed_secrets)) {
    {
      LockGuard lock(m_mutex);
      m_specs[key_of(sealed_secret)] = spec_of(sealed_secret);
    }
    m_queue.add(key_of(sealed_secret));
  }
  for (int i = 0; i < std::max(1, m_options.workers); ++i)
    m_threads.emplace_back([this] { worker(); });
  m_threads.emplace_back([this] { renewal_loop(); });
  return {};
}

void SealedSecretController::stop() {
  {
    LockGuard lock(m_mutex);
    if (m_stopping.exchange(true)) return;
  }
  m_wake.notify_all();
  m_queue.shut_down();
  m_cache.stop();
  for (std::thread& thread : m_threads)
    thread.join();
  m_threads.clear();
  m_events.flush();
}

void SealedSecretController::on_event(const kube::WatchEvent& event,
                                      const kube::Resource& resource) {
  if (resource.name == k_sealed_secrets.name && resource.group == k_sealed_secrets.group)
    on_sealed_secret(event);
  else if (resource.name == k_core_secrets.name && resource.group.empty())
    on_secret(event);
}

// As the controller's informer: a new object, or a spec that changed (a status write alone
// does not queue it again).
void SealedSecretController::on_sealed_secret(const kube::WatchEvent& event) {
  std::string key = key_of(event.object);
  {
    LockGuard lock(m_mutex);
    if (event.type == "DELETED") {
      m_specs.erase(key);
      return;
    }
    const Node& spec = spec_of(event.object);
    auto [at, added] = m_specs.try_emplace(key, spec);
    if (!added && at->second == spec) return;
    at->second = spec;
  }
  m_queue.add(key);
}

void SealedSecretController::on_secret(const kube::WatchEvent& event) {
  if (event.type != "DELETED") {
    if (is_key_secret(event.object, m_options.key_namespace)) take_key(event.object);
    return;
  }
  // A deleted Secret of a SealedSecret (or one it adopted) is unsealed again.
  std::string key = key_of(event.object);
  bool ours = owned_by_sealed_secret(event.object);
  if (const Node* annotations = event.object.at_path({"metadata", "annotations"})) {
    const Node* managed = annotations->find("sealedsecrets.bitnami.com/managed");
    ours = ours || (managed && managed->as_string() == "true");
  }
  if (!ours) return;
  {
    LockGuard lock(m_mutex);
    if (!m_specs.contains(key)) return;
  }
  m_queue.add(key);
}

void SealedSecretController::take_key(const Node& secret) {
  auto key = sealed::key_from_secret(secret);
  if (!key) {
    say("sealing key skipped: " + key.error().message());
    return;
  }
  std::string name =
      key->name.empty() ? std::string(secret.string_at({"metadata", "name"})) : key->name;
  if (!m_keys.add(std::move(*key))) return;
  {
    LockGuard lock(m_mutex);  // the workers check for a key under it
  }
  m_wake.notify_all();
  say("sealing key " + m_options.key_namespace + "/" + name + " registered");
  queue_unsynced();
}

// A new key may open what no key could: the SealedSecrets not Synced for their generation
// are tried again (one being reconciled now is queued again by the queue).
void SealedSecretController::queue_unsynced() {
  for (const Node& sealed_secret : m_cache.list(k_sealed_secrets)) {
    if (!synced(sealed_secret)) m_queue.add(key_of(sealed_secret));
  }
}

void SealedSecretController::worker() {
  {
    UniqueLock lock(m_mutex);
    while (!m_stopping && m_keys.empty())
      m_wake.wait(lock);
  }
  while (auto key = m_queue.get()) {
    run(*key);
    m_queue.done(*key);
  }
}

void SealedSecretController::run(const std::string& key) {
  size_t slash = key.find('/');
  std::optional<Node> sealed_secret =
      m_cache.get(k_sealed_secrets, key.substr(0, slash), key.substr(slash + 1));
  if (!sealed_secret) return;  // deleted: the garbage collector takes its Secret
  if (sealed_secret->at_path({"metadata", "deletionTimestamp"})) return;
  SealedOutcome outcome = m_reconciler.reconcile(*sealed_secret, m_keys.keys());
  report(*sealed_secret, outcome);
}

void SealedSecretController::report(const Node& sealed_secret, const SealedOutcome& outcome) {
  std::string id = "SealedSecret/" + key_of(sealed_secret);
  if (auto written = m_reconciler.write_status(sealed_secret, outcome); !written)
    say(id + ": writing status: " + written.error().message());
  m_events.record(sealed_secret, outcome.failed() ? EventType::warning : EventType::normal,
                  to_string(outcome.reason), outcome.event);
  if (outcome.failed())
    say(id + ": " + std::string(to_string(outcome.reason)) + ": " + outcome.error);
  else if (outcome.write != SecretWrite::unchanged)
    say(id + ": unsealed (" + std::string(to_string(outcome.write)) + ")");
}

void SealedSecretController::renewal_loop() {
  constexpr std::chrono::seconds k_retry{30};
  while (!m_stopping) {
    bool first = m_keys.empty();
    auto delay = first ? std::chrono::milliseconds(0)
                       : renewal_delay(m_keys.newest(), m_options.key_renew_period,
                                       std::chrono::system_clock::now());
    if (!delay) return;
    if (delay->count() > 0) {
      UniqueLock lock(m_mutex);
      if (!m_stopping) m_wake.wait_for(lock, *delay);
      continue;  // woken early, or a newer key came meanwhile: ask again
    }
    auto key = create_key(m_client, m_options.key_namespace, m_options.key_bits);
    if (key) {
      say("sealing key " + m_options.key_namespace + "/" + key->name +
          (first ? " generated" : " generated (renewal)"));
      m_keys.add(std::move(*key));
      {
        LockGuard lock(m_mutex);  // the workers check for a key under it
      }
      m_wake.notify_all();
      continue;
    }
    say("sealing key renewal failed: " + key.error().message());
    UniqueLock lock(m_mutex);
    if (!m_stopping)
      m_wake.wait_for(lock, m_options.key_renew_period.count() > 0
                                ? std::min(k_retry, m_options.key_renew_period)
                                : k_retry);
  }
}

void SealedSecretController::say(const std::string& line) const {
  if (m_options.log) m_options.log(line);
}

}  // namespace plumb::controller
