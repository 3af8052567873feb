// Encryption: every plaintext of ../shared/sops-cases/sops encrypts and decrypts back with the
// MAC verified; files sops 3.13 wrote are printed back byte for byte from their loaded form;
// the rules pick the values sops encrypts; key groups with Shamir; PGP; Debian's `age`
// unwraps the data key plumb wraps.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "age/age.hpp"
#include "core/json.hpp"
#include "sops/cipher.hpp"
#include "sops/corpus.hpp"
#include "sops/sops.hpp"
#include "support/require.hpp"

namespace plumb::sops {
namespace {

namespace fs = std::filesystem;

using test::format_named;
using test::k_root;
using test::read;
const std::string k_recipient = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";

Keys test_keys() {
  Keys keys;
  auto ids = age::parse_identities(read(k_root + "keys/age/flux-kc-test.agekey"));
  EXPECT_TRUE(ids);
  if (ids) keys.age = *ids;
  return keys;
}

EncryptOptions age_options() {
  EncryptOptions options;
  options.key_groups.push_back({.age = {k_recipient}, .pgp = {}});
  return options;
}

std::string ext_of(Format format) {
  switch (format) {
    case Format::yaml:
      return "yaml";
    case Format::json:
      return "json";
    case Format::dotenv:
      return "env";
    case Format::ini:
      return "ini";
    case Format::binary:
      return "bin";
  }
  return "";
}

// Every case sops decrypts: its plaintext (plain.<ext> when generated, else what sops printed)
// encrypted under the case's own rule, decrypted with the MAC checked, equal to the plaintext
// as loaded.
TEST(SopsEncrypt, EveryCorpusPlaintextRoundTrips) {
  Keys keys = test_keys();
  int checked = 0;
  for (const auto& dir : fs::directory_iterator(k_root + "sops")) {
    if (!fs::exists(dir.path() / "case.json")) continue;
    auto c = parse_json(read((dir.path() / "case.json").string()));
    ASSERT_TRUE(c);
    const Node* sops_expect = c->find("expect")->find("sops");
    if (scalar_to_string(*sops_expect->find("result")) != "success") continue;
    Format format = format_named(scalar_to_string(*c->find("format")));
    std::string ext = ext_of(format);
    std::string plain_path = (dir.path() / ("plain." + ext)).string();
    bool printed_by_sops = !fs::exists(plain_path);
    if (printed_by_sops) plain_path = (dir.path() / ("expected." + ext)).string();
    std::string plaintext = read(plain_path);
    auto original =
        load_file(read((dir.path() / scalar_to_string(*c->find("file"))).string()), format);
    ASSERT_TRUE(original) << dir.path();
    EncryptOptions options = age_options();
    if (original->metadata.rule != RuleKind::unencrypted_comment_regex &&
        original->metadata.rule != RuleKind::encrypted_comment_regex) {
      options.rule = original->metadata.rule;
      options.rule_value = original->metadata.rule_value;
    }
    options.mac_only_encrypted = original->metadata.mac_only_encrypted;
    SCOPED_TRACE(dir.path().filename().string());
    auto encrypted = encrypt_file(plaintext, format, options);
    ASSERT_TRUE(encrypted) << encrypted.error().message();
    auto decrypted = decrypt_file(*encrypted, format, keys, {.verify_mac = VerifyMac::yes});
    ASSERT_TRUE(decrypted) << decrypted.error().error.message();
    auto plain = load_plain(plaintext, format);
    ASSERT_TRUE(plain);
    ASSERT_EQ(decrypted->documents.size(), plain->documents.size());
    for (size_t i = 0; i < plain->documents.size(); ++i)
      EXPECT_EQ(to_json(decrypted->documents[i]), to_json(plain->documents[i]));
    bool ini_comments = format == Format::ini &&
                        (plaintext.starts_with(';') || plaintext.find("\n;") != std::string::npos);
    if (format != Format::yaml && printed_by_sops && !ini_comments) {
      auto printed = print_file(*decrypted);
      ASSERT_TRUE(printed);
      EXPECT_EQ(*printed, plaintext);
    }
    ++checked;
  }
  EXPECT_GE(checked, 40);
}

// Files sops 3.13 itself wrote: loaded and printed back unchanged (metadata keys sorted,
// PGP's trimmed armor as a `|-` block, flattened dotenv metadata, tab-indented JSON).
TEST(SopsEncrypt, PrintsFilesAsSops313Wrote) {
  for (std::string name :
       {"sops-ft-format-yaml/encrypted.yaml", "sops-ft-format-json/encrypted.json",
        "sops-ft-format-dotenv/encrypted.env", "sops-ft-format-ini/encrypted.ini"}) {
    std::string text = read(k_root + "sops/" + name);
    auto file = load_file(text, format_from_path(name));
    ASSERT_TRUE(file) << name;
    auto printed = print_encrypted(*file);
    ASSERT_TRUE(printed) << printed.error().message();
    EXPECT_EQ(*printed, text) << name;
  }
}

// The layout of a new YAML file: values encrypted in place, metadata sorted, the age stanza a
// literal block, lastmodified quoted (go-yaml v3 would read it as a timestamp).
TEST(SopsEncrypt, YamlLayout) {
  EncryptOptions options = age_options();
  options.lastmodified = "2026-01-02T03:04:05Z";
  auto out = encrypt_file("a: 1\nb_unencrypted: x\nlist:\n  - s\n", Format::yaml, options);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->starts_with("a: ENC[AES256_GCM,data:")) << *out;
  EXPECT_NE(out->find(",type:int]\nb_unencrypted: x\nlist:\n    - ENC[AES256_GCM,"),
            std::string::npos)
      << *out;
  EXPECT_NE(out->find("sops:\n    age:\n        - enc: |\n            -----BEGIN AGE ENCRYPTED "
                      "FILE-----\n"),
            std::string::npos)
      << *out;
  EXPECT_NE(out->find("          recipient: " + k_recipient +
                      "\n    lastmodified: \"2026-01-02T03:04:05Z\"\n    mac: ENC["),
            std::string::npos)
      << *out;
  EXPECT_TRUE(out->ends_with("\n    unencrypted_suffix: _unencrypted\n    version: 3.13.2\n"))
      << *out;
}

TEST(SopsEncrypt, RulesPickTheValues) {
  struct Case {
    RuleKind rule;
    std::string value;
    std::vector<std::string> encrypted, clear;
  };
  std::vector<Case> cases = {
      {RuleKind::encrypted_regex, "^(data|stringData)$", {"data", "stringData"}, {"kind"}},
      {RuleKind::unencrypted_regex, "^kind$", {"data", "stringData"}, {"kind"}},
      {RuleKind::encrypted_suffix, "Data", {"stringData"}, {"kind", "data"}},
      {RuleKind::unencrypted_suffix, "ind", {"data", "stringData"}, {"kind"}},
  };
  Keys keys = test_keys();
  for (const Case& c : cases) {
    EncryptOptions options = age_options();
    options.rule = c.rule;
    options.rule_value = c.value;
    auto out =
        encrypt_file(R"({"kind": "Secret", "data": {"k": "djE="}, "stringData": {"s": "v"}})",
                     Format::json, options);
    ASSERT_TRUE(out) << out.error().message();
    auto loaded = load_file(*out, Format::json);
    ASSERT_TRUE(loaded);
    const Node& doc = loaded->documents.front();
    auto first_value = [&](const std::string& key) {
      const Node& v = *doc.find(key);
      return std::string(v.is_map() ? v.entries()[0].value.as_string() : v.as_string());
    };
    for (const auto& key : c.encrypted)
      EXPECT_TRUE(looks_encrypted(first_value(key))) << c.value << " " << key;
    for (const auto& key : c.clear)
      EXPECT_FALSE(looks_encrypted(first_value(key))) << c.value << " " << key;
    EXPECT_TRUE(decrypt_file(*out, Format::json, keys, {.verify_mac = VerifyMac::yes}));
  }
  EncryptOptions bad = age_options();
  bad.rule = RuleKind::encrypted_comment_regex;
  bad.rule_value = "sops:enc";
  EXPECT_FALSE(encrypt_file("a: 1\n", Format::yaml, bad));
}

TEST(SopsEncrypt, MacOnlyEncryptedAndTamperedMac) {
  EncryptOptions options = age_options();
  options.mac_only_encrypted = true;
  options.rule = RuleKind::encrypted_regex;
  options.rule_value = "^secret$";
  auto out = encrypt_file("secret: s\npublic: p\n", Format::yaml, options);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_NE(out->find("mac_only_encrypted: true"), std::string::npos);
  Keys keys = test_keys();
  // A clear value is not under the MAC with mac_only_encrypted.
  std::string edited = *out;
  edited.replace(edited.find("public: p"), 9, "public: q");
  EXPECT_TRUE(decrypt_file(edited, Format::yaml, keys, {.verify_mac = VerifyMac::yes}));
  // Without it, the same edit is caught.
  options.mac_only_encrypted = false;
  out = encrypt_file("secret: s\npublic: p\n", Format::yaml, options);
  ASSERT_TRUE(out);
  edited = *out;
  edited.replace(edited.find("public: p"), 9, "public: q");
  auto result = decrypt_file(edited, Format::yaml, keys, {.verify_mac = VerifyMac::yes});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().stage, Stage::mac);
}

TEST(SopsEncrypt, DotenvCommentsAndBinary) {
  Keys keys = test_keys();
  std::string env = "# a comment\nA=1\nB=two\\nlines\n";
  auto out = encrypt_file(env, Format::dotenv, age_options());
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_TRUE(out->starts_with("#ENC[AES256_GCM,")) << *out;
  EXPECT_NE(out->find("\nsops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n"),
            std::string::npos);
  auto back = decrypt_file(*out, Format::dotenv, keys, {.verify_mac = VerifyMac::yes});
  ASSERT_TRUE(back);
  EXPECT_EQ(*print_file(*back), env);

  std::string bytes("\x00\xff\x01zz\n", 6);
  out = encrypt_file(bytes, Format::binary, age_options());
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->starts_with("{\n\t\"data\": \"ENC[AES256_GCM,")) << *out;
  back = decrypt_file(*out, Format::binary, keys, {.verify_mac = VerifyMac::yes});
  ASSERT_TRUE(back);
  EXPECT_EQ(*print_file(*back), bytes);
}

// An edit: values that did not change keep their ciphertext (their IV is reused), changed
// ones and values moved to another key get new ones; the file still decrypts with its MAC.
TEST(SopsEncrypt, UnchangedValuesKeepTheirCiphertext) {
  auto out = encrypt_file("a: one\nb: 2\nc: three\n", Format::yaml, age_options());
  ASSERT_TRUE(out);
  auto loaded = load_file(*out, Format::yaml);
  ASSERT_TRUE(loaded);
  Keys keys = test_keys();
  auto key = unwrap_data_key(*loaded, keys);
  ASSERT_TRUE(key);
  IvStash stash;
  auto clear = decrypt_with_key(*loaded, *key, {}, &stash);
  ASSERT_TRUE(clear);
  DecryptedFile edited = *clear;
  edited.documents[0].set("c", Node::string("changed"));
  edited.documents[0].set("d", Node::string("one"));  // a's value under another key
  auto again = encrypt_with_key(edited, loaded->metadata, *key, "", &stash);
  ASSERT_TRUE(again) << again.error().message();
  const Node& before = loaded->documents[0];
  const Node& after = again->documents[0];
  EXPECT_EQ(after.find("a")->as_string(), before.find("a")->as_string());
  EXPECT_EQ(after.find("b")->as_string(), before.find("b")->as_string());
  EXPECT_NE(after.find("c")->as_string(), before.find("c")->as_string());
  EXPECT_NE(after.find("d")->as_string(), before.find("a")->as_string());
  auto printed = print_encrypted(*again);
  ASSERT_TRUE(printed);
  auto back = decrypt_file(*printed, Format::yaml, keys, {.verify_mac = VerifyMac::yes});
  ASSERT_TRUE(back) << back.error().error.message();
  EXPECT_EQ(back->documents[0].find("c")->as_string(), "changed");
}

TEST(SopsEncrypt, AlreadyEncryptedIsRefused) {
  auto out = encrypt_file("a: b\n", Format::yaml, age_options());
  ASSERT_TRUE(out);
  auto again = encrypt_file(*out, Format::yaml, age_options());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("already encrypted"), std::string::npos);
}

// Three key groups, any two unwrap: the data key is split with Shamir.
TEST(SopsEncrypt, KeyGroupsWithShamir) {
  auto other = age::generate_identity();
  auto third = age::generate_identity();
  ASSERT_TRUE(other && third);
  EncryptOptions options;
  options.key_groups = {{.age = {k_recipient}, .pgp = {}},
                        {.age = {age::recipient_of(*other)}, .pgp = {}},
                        {.age = {age::recipient_of(*third)}, .pgp = {}}};
  options.shamir_threshold = 2;
  auto out = encrypt_file("a: secret\n", Format::yaml, options);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_NE(out->find("    key_groups:\n        - age:\n"), std::string::npos) << *out;
  EXPECT_NE(out->find("          hc_vault: []\n"), std::string::npos) << *out;
  EXPECT_NE(out->find("    shamir_threshold: 2\n"), std::string::npos) << *out;
  Keys two;
  two.age = {*other, *third};
  auto back = decrypt_file(*out, Format::yaml, two, {.verify_mac = VerifyMac::yes});
  ASSERT_TRUE(back) << back.error().error.message();
  EXPECT_EQ(back->documents[0].find("a")->as_string(), "secret");
  Keys one;
  one.age = {*third};
  EXPECT_FALSE(decrypt_file(*out, Format::yaml, one));
}

// PGP: the data key wrapped to a public key given armored, unwrapped with its secret key.
TEST(SopsEncrypt, PgpRecipient) {
  std::string armored = read(k_root + "keys/pgp/flux-kc-test.asc");
  EncryptOptions options;
  options.key_groups.push_back({.age = {}, .pgp = {"35C1A64CD7FC0AB6EB66756B2445463C3234ECE1"}});
  options.pgp.armored = {armored};
  auto out = encrypt_file("{\"a\": true}", Format::json, options);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_NE(out->find("\"fp\": \"35C1A64CD7FC0AB6EB66756B2445463C3234ECE1\""), std::string::npos);
  EXPECT_NE(out->find("-----END PGP MESSAGE-----\",\n"), std::string::npos) << *out;
  Keys keys;
  keys.pgp_armored = {armored};
  auto back = decrypt_file(*out, Format::json, keys, {.verify_mac = VerifyMac::yes});
  ASSERT_TRUE(back) << back.error().error.message();
  EXPECT_TRUE(back->documents[0].find("a")->as_bool());
}

// Debian's age decrypts the data key plumb wraps: 32 bytes, the key the values use.
TEST(SopsEncrypt, DebianAgeUnwrapsTheDataKey) {
  PLUMB_REQUIRE(fs::exists("/usr/bin/age"), "/usr/bin/age is missing (scripts/install-deps)");
  auto key = generate_data_key();
  ASSERT_TRUE(key);
  auto md = new_metadata(age_options(), *key);
  ASSERT_TRUE(md) << md.error().message();
  char pattern[] = "/tmp/plumb-sops-age-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::path dir = pattern;
  std::ofstream(dir / "enc.age") << md->key_groups[0].age[0].enc;
  int status = std::system(("/usr/bin/age -d -i '" + k_root + "keys/age/flux-kc-test.agekey' -o '" +
                            (dir / "key.bin").string() + "' '" + (dir / "enc.age").string() + "'")
                               .c_str());
  ASSERT_EQ(status, 0);
  std::string unwrapped = read((dir / "key.bin").string());
  fs::remove_all(dir);
  ASSERT_EQ(unwrapped.size(), 32u);
  EXPECT_EQ(unwrapped, std::string(reinterpret_cast<const char*>(key->data()), 32));
}

}  // namespace
}  // namespace plumb::sops
