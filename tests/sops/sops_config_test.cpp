// .sops.yaml creation rules as sops reads them, the config search, and the keys the sops CLI
// finds in the environment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "sops/config.hpp"
#include "sops/corpus.hpp"

namespace plumb::sops {
namespace {

constexpr std::string_view k_config = R"(creation_rules:
  - path_regex: secrets/.*\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: age1aaa, age1bbb
  - path_regex: groups/
    shamir_threshold: 2
    key_groups:
      - age: [age1ccc]
        pgp: ["AAAA BBBB"]
      - merge:
          - age: [age1ddd]
        age: [age1eee]
  - mac_only_encrypted: true
    pgp:
      - FFFF
)";

TEST(SopsConfig, FirstMatchingRuleWins) {
  auto rule = creation_rule_for(k_config, "/repo/.sops.yaml", "/repo/secrets/db.yaml");
  ASSERT_TRUE(rule) << rule.error().message();
  ASSERT_TRUE(rule->has_value());
  const CreationRule& r = **rule;
  ASSERT_EQ(r.key_groups.size(), 1u);
  EXPECT_EQ(r.key_groups[0].age, (std::vector<std::string>{"age1aaa", "age1bbb"}));
  EXPECT_EQ(r.rule, RuleKind::encrypted_regex);
  EXPECT_EQ(r.rule_value, "^(data|stringData)$");
  EXPECT_FALSE(r.mac_only_encrypted);
}

TEST(SopsConfig, KeyGroupsMergeAndThreshold) {
  auto rule = creation_rule_for(k_config, "/repo/.sops.yaml", "/repo/groups/x.env");
  ASSERT_TRUE(rule && rule->has_value());
  const CreationRule& r = **rule;
  ASSERT_EQ(r.key_groups.size(), 2u);
  EXPECT_EQ(r.key_groups[0].age, std::vector<std::string>{"age1ccc"});
  EXPECT_EQ(r.key_groups[0].pgp, std::vector<std::string>{"AAAABBBB"});
  EXPECT_EQ(r.key_groups[1].age, (std::vector<std::string>{"age1ddd", "age1eee"}));
  EXPECT_EQ(r.shamir_threshold, 2);
  EXPECT_FALSE(r.rule.has_value());
}

// The path is matched with the config's directory removed: "^secrets/" matches below it.
TEST(SopsConfig, PathRelativeToTheConfigAndCatchAll) {
  auto rule = creation_rule_for(k_config, "/repo/.sops.yaml", "/elsewhere/secrets/a.json");
  ASSERT_TRUE(rule && rule->has_value());
  EXPECT_TRUE((*rule)->mac_only_encrypted);
  EXPECT_EQ((*rule)->key_groups[0].pgp, std::vector<std::string>{"FFFF"});
  auto anchored = creation_rule_for("creation_rules:\n  - path_regex: ^secrets/\n    age: age1x\n",
                                    "/repo/.sops.yaml", "/repo/secrets/a.yaml");
  ASSERT_TRUE(anchored && anchored->has_value());
}

TEST(SopsConfig, Errors) {
  auto none = creation_rule_for("creation_rules:\n  - path_regex: x$\n    age: age1x\n",
                                "/r/.sops.yaml", "/r/y");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("no matching creation rules"), std::string::npos);
  auto kms =
      creation_rule_for("creation_rules:\n  - kms: arn:aws:kms:x\n", "/r/.sops.yaml", "/r/y");
  ASSERT_FALSE(kms);
  EXPECT_NE(kms.error().message().find("kms"), std::string::npos);
  auto two = creation_rule_for(
      "creation_rules:\n  - age: age1x\n    encrypted_regex: a\n    unencrypted_regex: b\n",
      "/r/.sops.yaml", "/r/y");
  EXPECT_FALSE(two);
  auto empty = creation_rule_for("stores: {}\n", "/r/.sops.yaml", "/r/y");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->has_value());
}

TEST(SopsConfig, FoundWalkingUp) {
  std::set<std::string> files = {"/a/.sops.yaml", "/a/b/c/.sops.yml"};
  auto exists = [&](const std::string& p) { return files.count(p) > 0; };
  EXPECT_EQ(find_config("/a/b/c", exists), "/a/.sops.yaml");
  EXPECT_EQ(find_config("/x/y", exists), std::nullopt);
  files.insert("/.sops.yaml");
  EXPECT_EQ(find_config("/x/y", exists), "/.sops.yaml");
}

TEST(SopsUserKeys, EnvironmentAndKeysFile) {
  namespace fs = std::filesystem;
  std::string key1 = test::read(test::k_root + "keys/age/flux-kc-test.agekey");
  std::string key2 = test::read(test::k_root + "keys/age/plumb-other.agekey");
  auto secret = [](const std::string& file) {
    size_t at = file.find("AGE-SECRET-KEY-");
    return file.substr(at, file.find('\n', at) - at);
  };
  std::map<std::string, std::string> vars = {{"SOPS_AGE_KEY", secret(key1) + "," + secret(key2)}};
  auto getenv = [&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  auto keys = user_keys(getenv);
  ASSERT_TRUE(keys) << keys.error().message();
  EXPECT_EQ(keys->age.size(), 2u);
  EXPECT_TRUE(keys->pgp_user_keyring);

  char pattern[] = "/tmp/plumb-sops-keys-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::path dir = pattern;
  fs::create_directories(dir / "sops/age");
  std::ofstream(dir / "sops/age/keys.txt") << key1;
  vars = {{"XDG_CONFIG_HOME", dir.string()}, {"SOPS_AGE_KEY_FILE", (dir / "missing").string()}};
  auto missing = user_keys(getenv);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("SOPS_AGE_KEY_FILE"), std::string::npos);
  vars.erase("SOPS_AGE_KEY_FILE");
  keys = user_keys(getenv);
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->age.size(), 1u);
  std::ofstream(dir / "bad.txt") << "AGE-SECRET-KEY-1NOTAKEY\n";
  vars["SOPS_AGE_KEY_FILE"] = (dir / "bad.txt").string();
  auto bad = user_keys(getenv);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("bad.txt"), std::string::npos);
  EXPECT_EQ(bad.error().message().find("NOTAKEY"), std::string::npos) << bad.error().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace plumb::sops
