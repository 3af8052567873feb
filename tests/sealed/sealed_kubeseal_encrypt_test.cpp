// An independent implementation check: values sealed by npm's @linode/kubeseal-encrypt
// (installed by scripts/install-deps into .deps/kubeseal-encrypt, pinned in
// tools/kubeseal-encrypt) under a certificate Plumb generated unseal with Plumb to the
// plaintext. The package seals for a namespace only (its label is the namespace: the
// namespace-wide scope), so that is the scope checked. Missing node or package: skipped
// locally, failed in CI (tests/support/require.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "sealed/sealed.hpp"
#include "sealed/sealed_test_keys.hpp"
#include "support/require.hpp"

namespace plumb::sealed {
namespace {

namespace fs = std::filesystem;

const std::string k_package = std::string(PLUMB_SOURCE_DIR) +
                              "/.deps/kubeseal-encrypt/node_modules/@linode/kubeseal-encrypt/"
                              "dist/index.cjs";

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

class KubesealEncrypt : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("node"), "node not installed");
    PLUMB_REQUIRE(fs::exists(k_package),
                  "@linode/kubeseal-encrypt is not installed in .deps (scripts/install-deps)");
    m_dir = fs::temp_directory_path() / ("plumb-kubeseal-encrypt-" + std::to_string(getpid()));
    fs::create_directories(m_dir);
  }
  void TearDown() override {
    std::error_code ec;
    if (!m_dir.empty()) fs::remove_all(m_dir, ec);
  }

  // The values sealed by the package for `ns` under `key`'s certificate, raw bytes.
  std::vector<std::string> seal_with_package(const KeyPair& key, const std::string& ns,
                                             const Node& values) {
    auto public_key = public_key_pem(key.certificate_pem);
    EXPECT_TRUE(public_key);
    std::ofstream(m_dir / "key.pem") << *public_key;
    std::ofstream(m_dir / "values.json") << to_json(values);
    std::string out =
        run("node " + std::string(PLUMB_SOURCE_DIR) + "/tests/sealed/kubeseal_encrypt_check.mjs '" +
            k_package + "' '" + (m_dir / "key.pem").string() + "' '" + ns + "' '" +
            (m_dir / "values.json").string() + "'");
    auto sealed_values = parse_json(out, "kubeseal-encrypt output");
    EXPECT_TRUE(sealed_values) << out;
    std::vector<std::string> raw;
    if (!sealed_values) return raw;
    for (const Node& item : sealed_values->items()) {
      auto bytes = base64_decode(item.as_string());
      EXPECT_TRUE(bytes);
      raw.push_back(bytes ? *bytes : "");
    }
    return raw;
  }

  fs::path m_dir;
};

TEST_F(KubesealEncrypt, PlumbUnsealsWhatItSeals) {
  Node values = *parse_json(R"(["s3cr3t", "", "häßlich ✓ \n multi-line", "x"])");
  values.push_back(Node::string(std::string(3000, 'z')));
  auto sealed_values = seal_with_package(test::key_a(), "prod", values);
  ASSERT_EQ(sealed_values.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    auto opened = unseal({test::key_b(), test::key_a()}, "prod", sealed_values[i]);
    ASSERT_TRUE(opened) << "value " << i << ": " << opened.error().message();
    EXPECT_EQ(*opened, values.items()[i].as_string());
    // Namespace-bound: another namespace's label does not open it.
    EXPECT_FALSE(unseal({test::key_a()}, "staging", sealed_values[i]));
  }
}

TEST_F(KubesealEncrypt, SealedSecretOfTheirValuesUnsealsToTheSecret) {
  Node values = *parse_json(R"(["admin", "pa55word"])");
  auto sealed_values = seal_with_package(test::key_a(), "apps", values);
  ASSERT_EQ(sealed_values.size(), 2u);
  std::string text =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
      "  name: any-name\n  namespace: apps\n  annotations:\n"
      "    sealedsecrets.bitnami.com/namespace-wide: \"true\"\n"
      "spec:\n  encryptedData:\n    user: " +
      base64_encode(sealed_values[0]) + "\n    password: " + base64_encode(sealed_values[1]) + "\n";
  auto secret = unseal_object(*parse_yaml(text, "sealed.yaml"), {test::key_a()});
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(*base64_decode(secret->string_at({"data", "user"})), "admin");
  EXPECT_EQ(*base64_decode(secret->string_at({"data", "password"})), "pa55word");
}

}  // namespace
}  // namespace plumb::sealed
