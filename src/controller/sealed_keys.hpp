// The sealing keys of the SealedSecret controller (issue 21), kept as the sealed-secrets
// controller keeps them: kubernetes.io/tls Secrets in the controller's namespace labelled
// `sealedsecrets.bitnami.com/sealed-secrets-key: active` (named `sealed-secrets-key` + five
// random characters), plus the legacy Secret named exactly `sealed-secrets-key`. Keys the real
// controller made are read as they are; new ones are generated on first start and renewed on
// its schedule, old ones kept for unsealing.
//
//   KeyRing ring;                                  // what unseals: every key, newest first
//   for (auto& key : TRY(load_keys(client, ns))) ring.add(key);
//   if (ring.empty()) ring.add(TRY(create_key(client, ns, 4096)));
//   auto wait = renewal_delay(ring.newest(), period, now);   // when the next key is due
//
// Thread safety: KeyRing may be used from any thread (one short lock, never held while
// calling out). The free functions are safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "sealed/sealed.hpp"

namespace plumb::controller {

extern const kube::Resource k_core_secrets;  // v1 Secret
inline constexpr std::string_view k_sealed_key_label =
    "sealedsecrets.bitnami.com/sealed-secrets-key";
inline constexpr std::string_view k_sealed_key_prefix = "sealed-secrets-key";
// The sealed-secrets controller's --key-renew-period default.
inline constexpr std::chrono::seconds k_default_key_renew_period{30 * 24 * 3600};

class KeyRing {
 public:
  // Adds a key unless the ring holds it already (the same private key); true when added.
  bool add(sealed::KeyPair key) EXCLUDES(m_mutex);
  // Every key, newest (certificate notBefore) first: the order unsealing tries them in.
  std::vector<sealed::KeyPair> keys() const EXCLUDES(m_mutex);
  // When the newest key was made; nullopt when there is none.
  std::optional<std::chrono::system_clock::time_point> newest() const EXCLUDES(m_mutex);
  bool empty() const EXCLUDES(m_mutex);

 private:
  mutable Mutex m_mutex;
  std::vector<sealed::KeyPair> m_keys GUARDED_BY(m_mutex);  // newest first
};

// Whether a Secret in `key_namespace` holds a sealing key the controller uses: labelled
// active, or the legacy one named `sealed-secrets-key`.
bool is_key_secret(const Node& secret, std::string_view key_namespace);

// The key pairs of the key Secrets in `ns` (a Secret that does not read is left out, named
// in `skipped`).
Result<std::vector<sealed::KeyPair>> load_keys(kube::Client& client, std::string_view ns,
                                               std::vector<std::string>* skipped = nullptr);

// A new key pair of `bits` written as a new key Secret in `ns` (generateName
// `sealed-secrets-key`); the pair returned carries the Secret's name.
Result<sealed::KeyPair> create_key(kube::Client& client, std::string_view ns, int bits);

// How long until the next key is due: `period` after the newest key was made (now when there
// is none or it is overdue); nullopt when renewal is off (period 0).
std::optional<std::chrono::milliseconds> renewal_delay(
    std::optional<std::chrono::system_clock::time_point> newest, std::chrono::seconds period,
    std::chrono::system_clock::time_point now);

// Creates namespace `ns` unless it exists.
Result<void> ensure_namespace(kube::Client& client, std::string_view ns);

}  // namespace plumb::controller
