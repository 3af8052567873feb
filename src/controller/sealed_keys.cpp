#include "controller/sealed_keys.hpp"

#include <algorithm>

#include "core/json.hpp"

namespace plumb::controller {

const kube::Resource k_core_secrets{"", "v1", "Secret", "secrets", true};

namespace {

const kube::Resource k_namespaces{"", "v1", "Namespace", "namespaces", false};

std::string selector() {
  return std::string(k_sealed_key_label) + "=active";
}

}  // namespace

bool KeyRing::add(sealed::KeyPair key) {
  LockGuard lock(m_mutex);
  for (const sealed::KeyPair& held : m_keys) {
    if (held.private_key_pem == key.private_key_pem) return false;
  }
  auto at = std::find_if(m_keys.begin(), m_keys.end(),
                         [&](const sealed::KeyPair& held) { return held.created < key.created; });
  m_keys.insert(at, std::move(key));
  return true;
}

std::vector<sealed::KeyPair> KeyRing::keys() const {
  LockGuard lock(m_mutex);
  return m_keys;
}

std::optional<std::chrono::system_clock::time_point> KeyRing::newest() const {
  LockGuard lock(m_mutex);
  if (m_keys.empty()) return std::nullopt;
  return m_keys.front().created;
}

bool KeyRing::empty() const {
  LockGuard lock(m_mutex);
  return m_keys.empty();
}

bool is_key_secret(const Node& secret, std::string_view key_namespace) {
  if (secret.string_at({"metadata", "namespace"}) != key_namespace) return false;
  if (secret.string_at({"metadata", "name"}) == k_sealed_key_prefix) return true;
  const Node* labels = secret.at_path({"metadata", "labels"});
  const Node* label = labels ? labels->find(k_sealed_key_label) : nullptr;
  return label && label->as_string() == "active";
}

Result<std::vector<sealed::KeyPair>> load_keys(kube::Client& client, std::string_view ns,
                                               std::vector<std::string>* skipped) {
  Node list = TRY(client.list(k_core_secrets, ns, selector()));
  std::vector<Node> secrets;
  if (const Node* items = list.find("items"))
    secrets.assign(items->items().begin(), items->items().end());
  // The legacy key Secret, named exactly as the prefix, counts whatever its labels.
  auto legacy = TRY(client.get(k_core_secrets, ns, k_sealed_key_prefix));
  if (legacy) {
    bool listed = std::any_of(secrets.begin(), secrets.end(), [](const Node& s) {
      return s.string_at({"metadata", "name"}) == k_sealed_key_prefix;
    });
    if (!listed) secrets.push_back(*legacy);
  }
  std::vector<sealed::KeyPair> keys;
  for (const Node& secret : secrets) {
    auto key = sealed::key_from_secret(secret);
    if (!key) {
      if (skipped) skipped->push_back(key.error().message());
      continue;
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

Result<sealed::KeyPair> create_key(kube::Client& client, std::string_view ns, int bits) {
  sealed::KeyPair key = TRY(sealed::generate_key(bits));
  key.name.clear();
  Node secret = sealed::key_secret(key, ns);
  Node& metadata = secret["metadata"];
  metadata.erase("name");
  metadata.set("generateName", Node::string(k_sealed_key_prefix));
  metadata.set("namespace", Node::string(ns));
  Node created = TRY(client.request({.method = "POST",
                                     .target = kube::resource_path(k_core_secrets, ns, ""),
                                     .body = to_json(secret),
                                     .content_type = "application/json"},
                                    "key Secret in " + std::string(ns)));
  key.name = std::string(created.string_at({"metadata", "name"}));
  return key;
}

std::optional<std::chrono::milliseconds> renewal_delay(
    std::optional<std::chrono::system_clock::time_point> newest, std::chrono::seconds period,
    std::chrono::system_clock::time_point now) {
  if (period.count() <= 0) return std::nullopt;
  if (!newest) return std::chrono::milliseconds(0);
  auto due = *newest + period;
  if (due <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(due - now);
}

Result<void> ensure_namespace(kube::Client& client, std::string_view ns) {
  if (TRY(client.get(k_namespaces, "", ns))) return {};
  Node object = Node::map();
  object.set("apiVersion", Node::string("v1"));
  object.set("kind", Node::string("Namespace"));
  Node metadata = Node::map();
  metadata.set("name", Node::string(ns));
  object.set("metadata", std::move(metadata));
  TRY(client.apply(k_namespaces, object, "plumb", kube::Force::no, kube::DryRun::no));
  return {};
}

}  // namespace plumb::controller
