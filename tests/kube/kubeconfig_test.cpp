#include "kube/kubeconfig.hpp"

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "core/json.hpp"

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

}  // namespace
}  // namespace plumb::kube
