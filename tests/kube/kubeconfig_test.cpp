#include "kube/kubeconfig.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "kube/transport.hpp"

namespace plumb::kube {
namespace {

Node kubeconfig_json(std::string_view text) {
  return parse_json(text).value();
}

TEST(Kubeconfig, ResolvesCurrentContextClusterAndUser) {
  std::string ca = base64_encode("-----BEGIN CERTIFICATE-----\nCA\n");
  Node config = kubeconfig_json(R"({
    "current-context": "dev",
    "contexts": [{"name": "dev", "context": {"cluster": "c1", "user": "u1", "namespace": "apps"}},
                 {"name": "prod", "context": {"cluster": "c2", "user": "u1"}}],
    "clusters": [{"name": "c1", "cluster": {"server": "https://127.0.0.1:6443/",
                                            "certificate-authority-data": ")" +
                                ca + R"("}},
                 {"name": "c2", "cluster": {"server": "https://prod:443"}}],
    "users": [{"name": "u1", "user": {"token": "secret-token"}}]})");
  RestConfig rc = rest_config_from_kubeconfig(config, "", "/tmp").value();
  EXPECT_EQ(rc.server, "https://127.0.0.1:6443");
  EXPECT_EQ(rc.ca_pem, "-----BEGIN CERTIFICATE-----\nCA\n");
  EXPECT_EQ(rc.token, "secret-token");
  EXPECT_EQ(rc.namespace_, "apps");

  RestConfig prod = rest_config_from_kubeconfig(config, "prod", "/tmp").value();
  EXPECT_EQ(prod.server, "https://prod:443");
  EXPECT_EQ(prod.namespace_, "default");
}

TEST(Kubeconfig, ErrorsNameTheMissingPiece) {
  Node config = kubeconfig_json(R"({"current-context": "dev",
    "contexts": [{"name": "dev", "context": {"cluster": "nowhere", "user": "u"}}]})");
  auto rc = rest_config_from_kubeconfig(config, "", "/tmp");
  ASSERT_FALSE(rc);
  EXPECT_EQ(rc.error().message(), "kubeconfig: context \"dev\": cluster \"nowhere\" not found");
  auto missing = rest_config_from_kubeconfig(config, "other", "/tmp");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "kubeconfig: context \"other\" not found");
  Node bad_ca = kubeconfig_json(R"({"current-context": "x",
    "contexts": [{"name": "x", "context": {"cluster": "c"}}],
    "clusters": [{"name": "c", "cluster": {"server": "https://h",
                  "certificate-authority-data": "not base64!"}}]})");
  auto bad = rest_config_from_kubeconfig(bad_ca, "", "/tmp");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("certificate-authority-data: not valid base64"),
            std::string::npos);
}

TEST(Kubeconfig, MergeKeepsFirstFilesEntries) {
  Node a = kubeconfig_json(R"({"current-context": "a",
    "clusters": [{"name": "c", "cluster": {"server": "https://first"}}]})");
  Node b = kubeconfig_json(R"({"current-context": "b",
    "clusters": [{"name": "c", "cluster": {"server": "https://second"}},
                 {"name": "d", "cluster": {"server": "https://other"}}]})");
  Node docs[] = {a, b};
  Node merged = merge_kubeconfigs(docs, 2);
  EXPECT_EQ(merged.string_at({"current-context"}), "a");
  ASSERT_EQ(merged.find("clusters")->size(), 2u);
  EXPECT_EQ(merged.find("clusters")->items()[0].string_at({"cluster", "server"}), "https://first");
  EXPECT_EQ(merged.find("clusters")->items()[1].string_at({"name"}), "d");
}

namespace fs = std::filesystem;

// A temporary directory, and environment variables restored at the end of the test.
class KubeconfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plumb-kubeconfig-test-XXXXXX";
    m_dir = mkdtemp(pattern);
    for (const char* name : {"KUBECONFIG", "HOME", "KUBERNETES_SERVICE_HOST"}) {
      const char* value = std::getenv(name);
      m_saved.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
    }
    ::unsetenv("KUBERNETES_SERVICE_HOST");  // never take the in-cluster configuration
  }
  void TearDown() override {
    for (const auto& [name, value] : m_saved) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
    fs::remove_all(m_dir);
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string m_dir;
  std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

// What `plumb up` writes: its cluster, user and context, the same names each time.
Node plumb_entries(std::string_view server) {
  return kubeconfig_json(R"({"current-context": "plumb",
    "clusters": [{"name": "plumb", "cluster": {"server": ")" +
                         std::string(server) + R"("}}],
    "users": [{"name": "plumb", "user": {"token": "t"}}],
    "contexts": [{"name": "plumb", "context": {"cluster": "plumb", "user": "plumb"}}]})");
}

TEST_F(KubeconfigFileTest, AddingAContextKeepsEveryOtherEntryAndMakesItCurrent) {
  std::string path = m_dir + "/config";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\ncurrent-context: work\n"
                         "clusters:\n- name: work\n  cluster:\n    server: https://work:6443\n"
                         "- name: plumb\n  cluster:\n    server: https://127.0.0.1:1\n"
                         "contexts:\n- name: work\n  context:\n    cluster: work\n"
                         "    user: me\n    namespace: team\n"
                         "users:\n- name: me\n  user:\n    token: mine\n"
                         "preferences: {}\n";
  ASSERT_TRUE(merge_into_kubeconfig(path, plumb_entries("https://127.0.0.1:2"), "plumb"));
  Node config = parse_yaml(read(path), path).value();
  EXPECT_EQ(config.string_at({"current-context"}), "plumb");
  ASSERT_EQ(config.find("clusters")->size(), 2u) << "the old plumb cluster is replaced";
  EXPECT_EQ(config.find("clusters")->items()[0].string_at({"cluster", "server"}),
            "https://work:6443");
  EXPECT_EQ(config.find("clusters")->items()[1].string_at({"cluster", "server"}),
            "https://127.0.0.1:2");
  EXPECT_EQ(config.find("contexts")->size(), 2u);
  EXPECT_EQ(config.find("contexts")->items()[0].string_at({"context", "namespace"}), "team");
  EXPECT_EQ(config.find("users")->items()[0].string_at({"user", "token"}), "mine");
  EXPECT_TRUE(config.find("preferences"));
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // The user's context still resolves as before, and so does plumb's.
  EXPECT_EQ(rest_config_from_kubeconfig(config, "work", m_dir).value().namespace_, "team");
  EXPECT_EQ(rest_config_from_kubeconfig(config, "", m_dir).value().server, "https://127.0.0.1:2");
}

TEST_F(KubeconfigFileTest, AddingAContextCreatesAMissingFile) {
  std::string path = m_dir + "/new/.kube/config";
  ASSERT_TRUE(merge_into_kubeconfig(path, plumb_entries("https://127.0.0.1:3"), "plumb"));
  Node config = parse_yaml(read(path), path).value();
  EXPECT_EQ(config.string_at({"kind"}), "Config");
  EXPECT_EQ(rest_config_from_kubeconfig(config, "", m_dir).value().server, "https://127.0.0.1:3");
  std::ofstream(m_dir + "/list") << "- a\n";
  EXPECT_FALSE(merge_into_kubeconfig(m_dir + "/list", plumb_entries("https://x"), "plumb"));
}

TEST_F(KubeconfigFileTest, UserKubeconfigIsKubeconfigsFirstFileElseHome) {
  ::setenv("KUBECONFIG", (m_dir + "/a:" + m_dir + "/b").c_str(), 1);
  EXPECT_EQ(user_kubeconfig_path(), m_dir + "/a");
  ::unsetenv("KUBECONFIG");
  ::setenv("HOME", m_dir.c_str(), 1);
  EXPECT_EQ(user_kubeconfig_path(), m_dir + "/.kube/config");
}

TEST_F(KubeconfigFileTest, MissingFilesAreNamed) {
  std::string missing = m_dir + "/nowhere/config";
  ::setenv("KUBECONFIG", missing.c_str(), 1);
  auto from_env = load_rest_config({});
  ASSERT_FALSE(from_env);
  EXPECT_NE(
      from_env.error().message().find("$KUBECONFIG names " + missing + ", which does not exist"),
      std::string::npos)
      << from_env.error().message();
  ::unsetenv("KUBECONFIG");
  ::setenv("HOME", m_dir.c_str(), 1);
  auto from_home = load_rest_config({});
  ASSERT_FALSE(from_home);
  EXPECT_NE(from_home.error().message().find(m_dir + "/.kube/config does not exist"),
            std::string::npos)
      << from_home.error().message();
  EXPECT_NE(from_home.error().message().find("`plumb up`"), std::string::npos);
  auto flag = load_rest_config({.kubeconfig = missing, .context = ""});
  ASSERT_FALSE(flag);
  EXPECT_EQ(flag.error().message(), "--kubeconfig " + missing + ": no such file");
}

// Nothing listens on the port: the error names the server and the context, and for a server
// on this machine says how to start one.
TEST(CurlTransport, ConnectionRefusedNamesTheServerAndSuggestsPlumbUp) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);  // bound, never listened: connections to it are refused
  RestConfig config;
  config.server = "https://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  config.context = "plumb";
  auto response = make_curl_transport(config)->send({.target = "/api"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message(), "cannot connect to the API server " + config.server +
                                            " (kubeconfig context \"plumb\"): Connection "
                                            "refused; is the cluster running? `plumb up` starts "
                                            "one (`plumb cluster` an API server alone)");
}

}  // namespace
}  // namespace plumb::kube
