// The SealedSecret controller (issue 21): status and key renewal as pure functions; the
// reconcile and the loop against an embedded API server with real (2048-bit) keys.
#include <gtest/gtest.h>

#include <filesystem>

#include "controller/reconcile.hpp"
#include "controller/sealedsecret.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::controller {
namespace {

using namespace std::chrono_literals;

Node yaml(const std::string& text) {
  return parse_yaml(text, "test").value();
}

SealedOutcome failure(std::string message) {
  return {.reason = SealedReason::unseal_failed,
          .event = "Failed to unseal: " + message,
          .error = message};
}

TEST(SealedStatus, FirstFailureIsWrittenWithItsMessageAndGeneration) {
  Node object = yaml("metadata:\n  name: db\n  namespace: default\n  generation: 3\n");
  auto status =
      sealed_status(object, failure("no key could decrypt secret"), "2026-12-04T10:00:00Z");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->at_path({"observedGeneration"})->as_int(), 3);
  const Node& synced = status->find("conditions")->items()[0];
  EXPECT_EQ(synced.string_at({"type"}), "Synced");
  EXPECT_EQ(synced.string_at({"status"}), "False");
  EXPECT_EQ(synced.string_at({"message"}), "no key could decrypt secret");
  EXPECT_EQ(synced.string_at({"lastTransitionTime"}), "2026-12-04T10:00:00Z");
}

TEST(SealedStatus, NothingWrittenWhenNeitherConditionStatusNorGenerationMoved) {
  Node object = yaml(
      "metadata:\n  generation: 3\nstatus:\n  observedGeneration: 3\n  conditions:\n"
      "  - type: Synced\n    status: \"False\"\n    message: old\n");
  EXPECT_FALSE(sealed_status(object, failure("again"), "2026-12-04T10:00:00Z"));
  // A new generation is written, the transition time kept.
  object["metadata"].set("generation", Node::integer(4));
  auto status = sealed_status(object, failure("again"), "2026-12-04T10:00:00Z");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->at_path({"observedGeneration"})->as_int(), 4);
  EXPECT_EQ(status->find("conditions")->items()[0].string_at({"lastTransitionTime"}), "");
}

TEST(SealedStatus, SuccessTurnsTrueAndDropsTheMessage) {
  Node object = yaml(
      "metadata:\n  generation: 1\nstatus:\n  observedGeneration: 1\n  conditions:\n"
      "  - type: Synced\n    status: \"False\"\n    message: old\n");
  auto status = sealed_status(object, {.event = "SealedSecret unsealed successfully"},
                              "2026-12-04T11:00:00Z");
  ASSERT_TRUE(status);
  const Node& synced = status->find("conditions")->items()[0];
  EXPECT_EQ(synced.string_at({"status"}), "True");
  EXPECT_EQ(synced.find("message"), nullptr);
  EXPECT_EQ(synced.string_at({"lastTransitionTime"}), "2026-12-04T11:00:00Z");
}

TEST(SealedKeys, RenewalDelay) {
  auto now = std::chrono::system_clock::now();
  EXPECT_FALSE(renewal_delay(now, 0s, now));
  EXPECT_EQ(renewal_delay(std::nullopt, 10s, now), 0ms);
  EXPECT_EQ(renewal_delay(now - 4s, 10s, now), 6000ms);
  EXPECT_EQ(renewal_delay(now - 40s, 10s, now), 0ms);
}

TEST(SealedKeys, RingKeepsNewestFirstAndEachKeyOnce) {
  auto now = std::chrono::system_clock::now();
  KeyRing ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_TRUE(ring.add({.name = "a", .private_key_pem = "A", .created = now - 10s}));
  EXPECT_TRUE(ring.add({.name = "c", .private_key_pem = "C", .created = now}));
  EXPECT_TRUE(ring.add({.name = "b", .private_key_pem = "B", .created = now - 5s}));
  EXPECT_FALSE(ring.add({.name = "a-again", .private_key_pem = "A", .created = now}));
  auto keys = ring.keys();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].name, "c");
  EXPECT_EQ(keys[1].name, "b");
  EXPECT_EQ(keys[2].name, "a");
  EXPECT_EQ(ring.newest(), now);
}

TEST(SealedKeys, KeySecretIsLabelledActiveOrTheLegacyName) {
  EXPECT_TRUE(is_key_secret(
      yaml("metadata:\n  name: sealed-secrets-keyabcde\n  namespace: plumb-system\n  labels:\n"
           "    sealedsecrets.bitnami.com/sealed-secrets-key: active\n"),
      "plumb-system"));
  EXPECT_TRUE(
      is_key_secret(yaml("metadata:\n  name: sealed-secrets-key\n  namespace: ns\n"), "ns"));
  EXPECT_FALSE(
      is_key_secret(yaml("metadata:\n  name: k\n  namespace: ns\n  labels:\n"
                         "    sealedsecrets.bitnami.com/sealed-secrets-key: compromised\n"),
                    "ns"));
  EXPECT_FALSE(
      is_key_secret(yaml("metadata:\n  name: sealed-secrets-key\n  namespace: other\n"), "ns"));
}

class SealedSecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = (std::filesystem::temp_directory_path() /
             ("plumb-sealed-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::create_directories(m_dir);
    auto started = localcluster::Cluster::start({.port = 0, .kubeconfig = m_dir + "/kubeconfig"});
    ASSERT_TRUE(started) << started.error().message();
    m_cluster = std::move(*started);
    m_client = kube::Client::connect({.kubeconfig = m_dir + "/kubeconfig"}).value();
    ASSERT_TRUE(install_crds(*m_client, {sealed_secret_crd()}));
    auto key = sealed::generate_key(2048);
    ASSERT_TRUE(key) << key.error().message();
    m_key = *key;
  }
  void TearDown() override {
    m_client.reset();
    if (m_cluster) m_cluster->stop();
    std::filesystem::remove_all(m_dir);
  }

  // A SealedSecret of Secret default/db {password: <value>} sealed with `key`, in the cluster.
  Node sealed_secret(const sealed::KeyPair& key, std::string_view value = "s3cr3t-value") {
    Node secret = yaml(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\n"
        "type: Opaque\ndata:\n  password: " +
        base64(value) + "\n");
    auto sealed = sealed::seal_object(secret, key.certificate_pem, sealed::Scope::strict);
    EXPECT_TRUE(sealed) << (sealed ? "" : sealed.error().message());
    auto applied =
        m_client->apply(k_sealed_secrets, *sealed, "test", kube::Force::yes, kube::DryRun::no);
    EXPECT_TRUE(applied) << (applied ? "" : applied.error().message());
    return applied ? *applied : Node();
  }
  static std::string base64(std::string_view text) { return base64_encode(text); }
  std::optional<Node> secret() { return m_client->get(k_core_secrets, "default", "db").value(); }

  std::string m_dir;
  std::unique_ptr<localcluster::Cluster> m_cluster;
  std::unique_ptr<kube::Client> m_client;
  sealed::KeyPair m_key;
};

TEST_F(SealedSecretTest, UnsealsIntoASecretItOwns) {
  Node object = sealed_secret(m_key);
  SealedSecretReconciler reconciler(*m_client);
  SealedOutcome outcome = reconciler.reconcile(object, {m_key});
  ASSERT_FALSE(outcome.failed()) << outcome.error;
  EXPECT_EQ(outcome.write, SecretWrite::created);
  EXPECT_EQ(outcome.event, "SealedSecret unsealed successfully");
  auto written = secret();
  ASSERT_TRUE(written);
  EXPECT_EQ(written->string_at({"data", "password"}), base64("s3cr3t-value"));
  EXPECT_EQ(written->at_path({"metadata", "ownerReferences"})->items()[0].string_at({"uid"}),
            object.string_at({"metadata", "uid"}));
  EXPECT_EQ(reconciler.reconcile(object, {m_key}).write, SecretWrite::unchanged);
  ASSERT_TRUE(reconciler.write_status(object, outcome).value());
  Node live = m_client->get(k_sealed_secrets, "default", "db").value().value();
  EXPECT_EQ(live.find("status")->find("conditions")->items()[0].string_at({"status"}), "True");
}

TEST_F(SealedSecretTest, AWrongKeyLeavesTheSecretAsItIs) {
  Node object = sealed_secret(m_key);
  SealedSecretReconciler reconciler(*m_client);
  ASSERT_FALSE(reconciler.reconcile(object, {m_key}).failed());
  sealed::KeyPair other = sealed::generate_key(2048).value();
  Node changed = sealed_secret(other, "another-value");
  SealedOutcome outcome = reconciler.reconcile(changed, {m_key});
  EXPECT_EQ(outcome.reason, SealedReason::unseal_failed);
  EXPECT_TRUE(outcome.event.starts_with("Failed to unseal: ")) << outcome.event;
  EXPECT_EQ(outcome.event.find("another-value"), std::string::npos);
  EXPECT_EQ(secret()->string_at({"data", "password"}), base64("s3cr3t-value"));
}

TEST_F(SealedSecretTest, AnUnownedSecretIsNotOverwrittenUnlessManaged) {
  m_client
      ->apply(k_core_secrets,
              yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\n"
                   "data:\n  password: " +
                   base64("mine") + "\n"),
              "test", kube::Force::yes, kube::DryRun::no)
      .value();
  Node object = sealed_secret(m_key);
  SealedSecretReconciler reconciler(*m_client);
  SealedOutcome outcome = reconciler.reconcile(object, {m_key});
  EXPECT_EQ(outcome.reason, SealedReason::update_failed);
  EXPECT_EQ(outcome.event, "Resource \"db\" already exists and is not managed by SealedSecret");
  EXPECT_EQ(outcome.error,
            "failed update: Resource \"db\" already exists and is not managed by SealedSecret");
  EXPECT_EQ(secret()->string_at({"data", "password"}), base64("mine"));
  // Annotated managed: adopted.
  m_client
      ->apply(k_core_secrets,
              yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\n"
                   "  annotations:\n    sealedsecrets.bitnami.com/managed: \"true\"\n"),
              "test", kube::Force::yes, kube::DryRun::no)
      .value();
  outcome = reconciler.reconcile(object, {m_key});
  ASSERT_FALSE(outcome.failed()) << outcome.error;
  EXPECT_EQ(outcome.write, SecretWrite::updated);
  EXPECT_EQ(secret()->string_at({"data", "password"}), base64("s3cr3t-value"));
  EXPECT_TRUE(secret()->at_path({"metadata", "ownerReferences"})) << to_json(*secret());
}

TEST_F(SealedSecretTest, TheLoopUnsealsWhatIsAppliedAndTakesNewKeysAtOnce) {
  std::vector<std::string> lines;
  Mutex lines_mutex;
  SealedSecretController loop(*m_client, {.key_namespace = "plumb-system",
                                          .key_renew_period = 0s,
                                          .key_bits = 2048,
                                          .log = [&](const std::string& line) {
                                            LockGuard lock(lines_mutex);
                                            lines.push_back(line);
                                          }});
  // A key Secret in the controller's format, there before the start, is used as it is.
  ASSERT_TRUE(ensure_namespace(*m_client, "plumb-system"));
  m_client
      ->apply(k_core_secrets, sealed::key_secret(m_key, "plumb-system"), "test", kube::Force::yes,
              kube::DryRun::no)
      .value();
  ASSERT_TRUE(loop.start());
  ASSERT_EQ(loop.keys().size(), 1u);  // none generated: there was one
  kube::WatchCache cache(*m_client);
  ASSERT_TRUE(cache.watch(k_core_secrets, "default"));
  sealed_secret(m_key);
  auto holds = [&](std::string_view value) {
    return [&cache, value] {
      auto s = cache.get(k_core_secrets, "default", "db");
      return s && s->string_at({"data", "password"}) == base64(value);
    };
  };
  EXPECT_TRUE(cache.wait_until(holds("s3cr3t-value"), std::chrono::steady_clock::now() + 5s));
  // Sealed with a key the controller does not have yet: fails, then unseals once the key
  // Secret appears.
  sealed::KeyPair next = sealed::generate_key(2048).value();
  next.name = "sealed-secrets-keynext1";
  sealed_secret(next, "second-value");
  m_client
      ->apply(k_core_secrets, sealed::key_secret(next, "plumb-system"), "test", kube::Force::yes,
              kube::DryRun::no)
      .value();
  EXPECT_TRUE(cache.wait_until(holds("second-value"), std::chrono::steady_clock::now() + 5s));
  EXPECT_EQ(loop.keys().size(), 2u);
  loop.stop();
  LockGuard lock(lines_mutex);
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("s3cr3t-value"), std::string::npos) << line;
    EXPECT_EQ(line.find("second-value"), std::string::npos) << line;
  }
}

TEST_F(SealedSecretTest, TheFirstStartMakesAKeySecretInTheControllersFormat) {
  SealedSecretController loop(
      *m_client, {.key_namespace = "plumb-system", .key_renew_period = 0s, .key_bits = 2048});
  ASSERT_TRUE(loop.start());
  kube::WatchCache cache(*m_client);
  ASSERT_TRUE(cache.watch(k_core_secrets, "plumb-system"));
  auto one_key = [&] { return cache.list(k_core_secrets, "plumb-system").size() == 1; };
  ASSERT_TRUE(cache.wait_until(one_key, std::chrono::steady_clock::now() + 20s));
  Node secret = cache.list(k_core_secrets, "plumb-system")[0];
  EXPECT_TRUE(secret.string_at({"metadata", "name"}).starts_with("sealed-secrets-key"));
  EXPECT_EQ(
      secret.string_at({"metadata", "labels", "sealedsecrets.bitnami.com/sealed-secrets-key"}),
      "active");
  EXPECT_EQ(secret.string_at({"type"}), "kubernetes.io/tls");
  auto key = sealed::key_from_secret(secret);
  ASSERT_TRUE(key) << key.error().message();
  // What is sealed with its certificate unseals.
  sealed_secret(*key);
  kube::WatchCache secrets(*m_client);
  ASSERT_TRUE(secrets.watch(k_core_secrets, "default"));
  EXPECT_TRUE(
      secrets.wait_until([&] { return secrets.get(k_core_secrets, "default", "db").has_value(); },
                         std::chrono::steady_clock::now() + 5s));
  loop.stop();
}

}  // namespace
}  // namespace plumb::controller
