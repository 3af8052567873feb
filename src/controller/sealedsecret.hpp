// Bitnami's SealedSecret (bitnami.com/v1alpha1) unsealed in the cluster, as the sealed-secrets
// controller does it (issue 21): every SealedSecret — applied from Git by a Kustomization or by
// `kubectl apply` — becomes its Secret, owned by the SealedSecret.
//
//   reconcile: unseal (sealed::unseal_object with every key, newest first)
//              → existing (the Secret of that name, read from the API server)
//              → may_replace (ours, or annotated sealedsecrets.bitnami.com/managed: "true";
//                an unowned Secret is never overwritten)
//              → write (created, updated when it differs, or left as it is)
//   report:    status (condition Synced, observedGeneration, written when the condition's
//              status or the generation moved, as the controller does), event, log line
//
// Outcomes carry the controller's event reasons (Unsealed, ErrUnsealFailed, ErrUpdateFailed)
// and messages. A failure changes no Secret. Secret values never reach a log line, event,
// status or error: the errors come from sealed/ (which never echoes data) and the API server.
//
// SealedSecretController is the loop: the SealedSecret CRD installed when missing, the keys
// (sealed_keys.hpp: loaded, the first generated, renewed every key_renew_period in its own
// thread), watches of SealedSecrets (a new object or a changed spec queues it: unsealed within
// a second) and of Secrets (a new key Secret joins the ring at once and queues the
// SealedSecrets not Synced; a deleted Secret of a SealedSecret is made again).
//
// Thread safety: SealedSecretReconciler::reconcile may run on several threads for different
// objects. SealedSecretController: start/stop from one thread; no callback runs under its lock.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "controller/events.hpp"
#include "controller/sealed_keys.hpp"
#include "controller/work_queue.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

extern const kube::Resource k_sealed_secrets;  // bitnami.com/v1alpha1 SealedSecret

// The CustomResourceDefinition of SealedSecret as the sealed-secrets project ships it (schema,
// status subresource, printer columns), installed when missing.
Node sealed_secret_crd();

// The reasons of the controller's events (its SuccessUnsealed, ErrUnsealFailed, ErrUpdateFailed).
enum class SealedReason { unsealed, unseal_failed, update_failed };
std::string_view to_string(SealedReason reason);

// What happened to the Secret.
enum class SecretWrite { none, created, updated, unchanged };

// What one reconcile of a SealedSecret did.
struct SealedOutcome {
  SealedReason reason = SealedReason::unsealed;
  std::string event;  // the event's message
  std::string error;  // the Synced condition's message when it failed; "" when unsealed
  SecretWrite write = SecretWrite::none;

  bool failed() const { return reason != SealedReason::unsealed; }
};

// The status the controller writes after `outcome` (conditions[Synced], observedGeneration),
// from the object's current status; nullopt when nothing is to be written (the condition's
// status and the observed generation did not move). now: RFC 3339.
std::optional<Node> sealed_status(const Node& sealed_secret, const SealedOutcome& outcome,
                                  std::string_view now);

class SealedSecretReconciler {
 public:
  explicit SealedSecretReconciler(kube::Client& client) : m_client(client) {}

  SealedOutcome reconcile(const Node& sealed_secret, const std::vector<sealed::KeyPair>& keys);
  // Writes sealed_status (merge patch of the status subresource); false when nothing changed.
  Result<bool> write_status(const Node& sealed_secret, const SealedOutcome& outcome);

 private:
  template <class T>
  using Step = std::expected<T, SealedOutcome>;

  static Step<Node> unseal(const Node& sealed_secret, const std::vector<sealed::KeyPair>& keys);
  Step<std::optional<Node>> existing(const Node& sealed_secret, const Node& secret);
  static Step<void> may_replace(const Node& sealed_secret, const std::optional<Node>& existing);
  Step<SecretWrite> write(const Node& sealed_secret, const Node& secret,
                          const std::optional<Node>& existing);

  kube::Client& m_client;
};

struct SealedSecretOptions {
  std::string key_namespace = "plumb-system";                          // where the key Secrets are
  std::chrono::seconds key_renew_period = k_default_key_renew_period;  // 0: never renewed
  int key_bits = 4096;
  int workers = 2;
  // Progress lines ("SealedSecret/default/db: unsealed (Secret created)"); from any thread.
  std::function<void(const std::string& line)> log;
};

class SealedSecretController {
 public:
  SealedSecretController(kube::Client& client, SealedSecretOptions options);
  ~SealedSecretController();
  SealedSecretController(const SealedSecretController&) = delete;
  SealedSecretController& operator=(const SealedSecretController&) = delete;

  // Installs the CRD when missing, reads (or makes) the keys, starts the watches and threads.
  Result<void> start();
  void stop();

  // The sealing keys now (tests).
  std::vector<sealed::KeyPair> keys() const { return m_keys.keys(); }

 private:
  void on_event(const kube::WatchEvent& event, const kube::Resource& resource);
  void on_sealed_secret(const kube::WatchEvent& event) EXCLUDES(m_mutex);
  void on_secret(const kube::WatchEvent& event);
  // Adds the key of a key Secret; when it is new, queues the SealedSecrets not Synced.
  void take_key(const Node& secret);
  void queue_unsynced();

  void worker();
  void renewal_loop() EXCLUDES(m_mutex);
  // The whole reconcile of one SealedSecret ("namespace/name") in the loop.
  void run(const std::string& key);
  void report(const Node& sealed_secret, const SealedOutcome& outcome);
  void say(const std::string& line) const;

  kube::Client& m_client;
  SealedSecretOptions m_options;
  KeyRing m_keys;
  SealedSecretReconciler m_reconciler;
  EventRecorder m_events;
  kube::WatchCache m_cache;
  WorkQueue<std::string> m_queue;  // "namespace/name"

  mutable Mutex m_mutex;
  CondVar m_wake;  // stopping (the renewal thread waits on it)
  std::map<std::string, Node> m_specs GUARDED_BY(m_mutex);  // last spec seen, by key

  std::atomic<bool> m_stopping{false};
  std::vector<std::thread> m_threads;
};

}  // namespace plumb::controller
