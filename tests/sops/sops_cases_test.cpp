// Every case of ../shared/sops-cases/sops/ through decrypt_file, with both expectations:
// expect.flux (MAC not verified) and expect.sops (MAC verified). Success must give the tree
// of expected.json (key order included), or expected.bin's bytes (binary), or expected.yaml's
// documents (multi-document YAML), and for JSON, dotenv and binary print_file must give
// expected.<ext> byte for byte; errors must fail at the expected stage.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "age/age.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "sops/corpus.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {
namespace {

using test::format_named;
using test::k_root;
using test::read;

// Equality with map order significant; integers and floats compare as numbers.
bool same_tree(const Node& a, const Node& b, std::string& where) {
  if ((a.is_int() || a.is_float()) && (b.is_int() || b.is_float())) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_float() == b.as_float();
  }
  if (a.type() != b.type()) {
    where += " (type differs)";
    return false;
  }
  if (a.is_map()) {
    auto ea = a.entries();
    auto eb = b.entries();
    if (ea.size() != eb.size()) {
      where += " (map size differs)";
      return false;
    }
    for (size_t i = 0; i < ea.size(); ++i) {
      if (ea[i].key.as_string() != eb[i].key.as_string()) {
        where += "." + std::string(ea[i].key.as_string()) + " (key order)";
        return false;
      }
      std::string inner = where + "." + std::string(ea[i].key.as_string());
      if (!same_tree(ea[i].value, eb[i].value, inner)) {
        where = inner;
        return false;
      }
    }
    return true;
  }
  if (a.is_list()) {
    if (a.size() != b.size()) {
      where += " (list size differs)";
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      std::string inner = where + "[" + std::to_string(i) + "]";
      if (!same_tree(a.items()[i], b.items()[i], inner)) {
        where = inner;
        return false;
      }
    }
    return true;
  }
  return a == b;
}

Keys keys_of(const Node& spec) {
  Keys keys;
  if (const Node* age = spec.find("age"))
    for (const Node& path : age->items()) {
      auto identities = age::parse_identities(read(k_root + std::string(path.as_string())));
      if (identities) keys.age.insert(keys.age.end(), identities->begin(), identities->end());
    }
  if (const Node* pgp = spec.find("pgp"))
    for (const Node& path : pgp->items())
      keys.pgp_armored.push_back(read(k_root + std::string(path.as_string())));
  return keys;
}

// What decrypt_file gives compared with one expectation; "" when it matches.
std::string check(const std::string& dir, const Node& spec, const Node& expect,
                  const DecryptResult<DecryptedFile>& got, int* printed_without_comments) {
  std::string_view result = expect.string_at({"result"});
  if (result == "error") {
    std::string_view stage = expect.string_at({"stage"});
    if (got) return "decrypted, expected an error at stage " + std::string(stage);
    if (stage_name(got.error().stage) != stage)
      return "failed at " + std::string(stage_name(got.error().stage)) + ", expected " +
             std::string(stage) + ": " + got.error().error.message();
    return "";
  }
  if (!got) return "failed: " + got.error().error.message();
  const DecryptedFile& file = *got;
  std::string format(spec.string_at({"format"}));
  // Printing is byte for byte for every format, except YAML and INI files with comments
  // (the readers drop them; counted in *printed_without_comments).
  {
    std::string want = read(dir + "/" + std::string(expect.string_at({"output"})));
    auto printed = print_file(file);
    if (!printed) return "print failed: " + printed.error().error.message();
    bool has_comments = false;
    if (format == "yaml" || format == "ini") {
      std::istringstream lines(want);
      for (std::string line; std::getline(lines, line);) {
        size_t first = line.find_first_not_of(' ');
        if (first != std::string::npos &&
            (line[first] == '#' || (format == "ini" && line[first] == ';')))
          has_comments = true;
      }
    }
    if (has_comments) {
      ++*printed_without_comments;
    } else if (*printed != want) {
      return "printed output differs from " + std::string(expect.string_at({"output"})) + ":\n" +
             *printed;
    }
  }
  if (format == "binary") {
    std::string want = read(dir + "/" + std::string(expect.string_at({"output"})));
    if (file.documents.size() != 1) return "binary: not one document";
    if (file.documents[0].string_at({"data"}) != want) return "binary data differs";
    return "";
  }
  std::string_view json = expect.string_at({"json"});
  if (json.empty() && std::filesystem::exists(dir + "/expected.json") && format != "json")
    json = "expected.json";
  if (format == "json" && json.empty()) json = expect.string_at({"output"});
  if (!json.empty()) {
    auto want = parse_json(read(dir + "/" + std::string(json)), json);
    if (!want) return "cannot read " + std::string(json) + ": " + want.error().message();
    if (file.documents.size() != 1) return "not one document";
    std::string where = "$";
    if (!same_tree(file.documents[0], *want, where)) return "tree differs at " + where;
    return "";
  }
  // Multi-document YAML: the printed documents.
  auto want =
      parse_yaml_stream(read(dir + "/" + std::string(expect.string_at({"output"}))), "expected");
  if (!want) return "cannot read expected output: " + want.error().message();
  if (want->size() != file.documents.size()) return "document count differs";
  for (size_t i = 0; i < want->size(); ++i) {
    std::string where = "doc" + std::to_string(i);
    if (!same_tree(file.documents[i], (*want)[i], where)) return "tree differs at " + where;
  }
  return "";
}

// Cases this implementation cannot pass, with the reason.
const std::map<std::string, std::string> k_not_checkable = {
    {"kc-algorithms-age-pq",
     "hybrid age key (ML-KEM-768 + X25519): src/age refuses it, OpenSSL 3.0 has no ML-KEM"},
};

TEST(SopsCases, EveryCaseMeetsBothExpectations) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(k_root + "sops"))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  ASSERT_EQ(names.size(), 63u);

  std::map<std::string, int> counts;  // "<group> <expectation> <result>"
  int failures = 0;
  for (const std::string& name : names) {
    std::string dir = k_root + "sops/" + name;
    auto spec = parse_json(read(dir + "/case.json"), "case.json");
    ASSERT_TRUE(spec) << name << ": " << spec.error().message();
    Format format = format_named(spec->string_at({"format"}));
    std::string content = read(dir + "/" + std::string(spec->string_at({"file"})));
    Keys keys = keys_of(*spec->find("keys"));
    std::string group = name.substr(0, name.find('-'));
    for (std::string_view who : {"flux", "sops"}) {
      const Node& expect = *spec->at_path({"expect", who});
      Options options;
      options.verify_mac = who == "sops" ? VerifyMac::yes : VerifyMac::no;
      if (k_not_checkable.contains(name)) {
        // Listed because it fails: when it passes, the list is out of date.
        if (decrypt_file(content, format, keys, options))
          ADD_FAILURE() << name << " decrypts now: remove it from k_not_checkable";
        ++counts[group + " " + std::string(who) + " not checked"];
        std::printf("  not checked: %s: %s\n", name.c_str(), k_not_checkable.at(name).c_str());
        continue;
      }
      auto got = decrypt_file(content, format, keys, options);
      int not_printed = 0;
      std::string problem = check(dir, *spec, expect, got, &not_printed);
      if (not_printed) ++counts[group + " " + std::string(who) + " (comments: tree only)"];
      std::string outcome(expect.string_at({"result"}));
      if (outcome == "error") outcome += "/" + std::string(expect.string_at({"stage"}));
      if (problem.empty()) {
        ++counts[group + " " + std::string(who) + " " + outcome + " passed"];
      } else {
        ++counts[group + " " + std::string(who) + " " + outcome + " FAILED"];
        ++failures;
        ADD_FAILURE() << name << " (expect." << who << "): " << problem;
      }
    }
  }
  for (const auto& [what, n] : counts)
    std::printf("  %-40s %d\n", what.c_str(), n);
  EXPECT_EQ(failures, 0);
}

// The unwrapped key is the one case.json records (its debug aid), for every success case.
TEST(SopsCases, UnwrappedDataKeyMatchesTheRecordedOne) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(k_root + "sops")) {
    if (!entry.is_directory()) continue;
    std::string dir = entry.path().string();
    auto spec = parse_json(read(dir + "/case.json"), "case.json");
    ASSERT_TRUE(spec);
    std::string_view hex = spec->string_at({"data_key"});
    if (hex.empty()) continue;
    if (k_not_checkable.contains(entry.path().filename().string())) continue;
    auto file = load_file(read(dir + "/" + std::string(spec->string_at({"file"}))),
                          format_named(spec->string_at({"format"})));
    ASSERT_TRUE(file) << dir;
    auto key = unwrap_data_key(*file, keys_of(*spec->find("keys")));
    ASSERT_TRUE(key) << dir << ": " << key.error().error.message();
    std::string got;
    static constexpr char k_hex[] = "0123456789abcdef";
    for (size_t i = 0; i < DataKey::size(); ++i) {
      got += k_hex[key->data()[i] >> 4];
      got += k_hex[key->data()[i] & 15];
    }
    EXPECT_EQ(got, hex) << dir;
    ++checked;
  }
  EXPECT_GE(checked, 45);
}

}  // namespace
}  // namespace plumb::sops

namespace plumb::sops {
namespace {

size_t gnupg_homes() {
  size_t n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
    if (entry.path().filename().string().starts_with("plumb-gnupg-")) ++n;
  return n;
}

// TMPDIR pointed at a directory of this test's own for its lifetime: tests running in
// parallel make and remove their own GNUPGHOMEs in the shared one.
class PrivateTmpdir {
 public:
  PrivateTmpdir() {
    if (const char* old = std::getenv("TMPDIR")) m_old = old;
    std::string pattern = std::filesystem::temp_directory_path().string() + "/plumb-tmpdir-XXXXXX";
    if (mkdtemp(pattern.data())) m_path = pattern;
    if (!m_path.empty()) setenv("TMPDIR", m_path.c_str(), 1);
  }
  ~PrivateTmpdir() {
    if (m_old)
      setenv("TMPDIR", m_old->c_str(), 1);
    else
      unsetenv("TMPDIR");
    std::error_code ec;
    if (!m_path.empty()) std::filesystem::remove_all(m_path, ec);
  }
  PrivateTmpdir(const PrivateTmpdir&) = delete;
  PrivateTmpdir& operator=(const PrivateTmpdir&) = delete;
  bool ok() const { return !m_path.empty(); }

 private:
  std::optional<std::string> m_old;
  std::string m_path;
};

// The temporary GNUPGHOME goes after a PGP unwrap, whether it worked or not.
TEST(SopsPgp, TemporaryKeyringIsRemoved) {
  std::string dir = k_root + "sops/";
  PrivateTmpdir tmp;
  ASSERT_TRUE(tmp.ok());
  size_t before = gnupg_homes();
  ASSERT_EQ(before, 0u);
  Keys right;
  right.pgp_armored.push_back(read(k_root + "keys/pgp/flux-kc-test.asc"));
  auto ok = decrypt_file(read(dir + "gen-yaml-pgp/encrypted.yaml"), Format::yaml, right);
  ASSERT_TRUE(ok) << ok.error().error.message();
  EXPECT_EQ(gnupg_homes(), before);
  Keys wrong;
  wrong.pgp_armored.push_back(read(k_root + "keys/pgp/sops-functional-tests.asc"));
  auto bad = decrypt_file(read(dir + "gen-yaml-pgp/encrypted.yaml"), Format::yaml, wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().stage, Stage::datakey);
  EXPECT_EQ(gnupg_homes(), before);
  Keys garbage;
  garbage.pgp_armored.push_back("-----BEGIN PGP PRIVATE KEY BLOCK-----\nnot a key\n");
  EXPECT_FALSE(decrypt_file(read(dir + "gen-yaml-pgp/encrypted.yaml"), Format::yaml, garbage));
  EXPECT_EQ(gnupg_homes(), before);
}

// Error messages never carry plaintext: a value that fails names its path only.
TEST(SopsErrors, ValueErrorsNameThePathNotTheValue) {
  std::string dir = k_root + "sops/neg-value-moved-to-other-key/";
  auto spec = parse_json(read(dir + "case.json"));
  ASSERT_TRUE(spec);
  auto got = decrypt_file(read(dir + "encrypted.yaml"), Format::yaml, keys_of(*spec->find("keys")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().stage, Stage::decrypt);
  EXPECT_NE(got.error().error.message().find("sops: decrypt: value at "), std::string::npos)
      << got.error().error.message();
}

}  // namespace
}  // namespace plumb::sops

namespace plumb::sops {
namespace {

uint8_t gf_mul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) p ^= a;
    bool hi = a & 0x80;
    a = static_cast<uint8_t>(a << 1);
    if (hi) a ^= 0x1b;
    b >>= 1;
  }
  return p;
}

// key_groups with shamir_threshold, end to end: a corpus file whose data key is split into
// three shares (f(x) = key + c·x per byte, Vault's layout: y bytes then x), each wrapped with
// age to one recipient; two groups' keys are enough, one is not.
TEST(SopsShamir, KeyGroupsWithThresholdUnwrapTheDataKey) {
  std::string dir = k_root + "sops/gen-yaml-types-comments/";
  auto spec = parse_json(read(dir + "case.json"));
  ASSERT_TRUE(spec);
  std::string hex(spec->string_at({"data_key"}));
  ASSERT_EQ(hex.size(), 64u);
  std::string key;
  for (size_t i = 0; i < 32; ++i)
    key += static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));

  auto documents = parse_yaml_stream(read(dir + "encrypted.yaml"), "encrypted.yaml");
  ASSERT_TRUE(documents);
  Node document = documents->front();
  Node sops = *document.find("sops");
  sops.erase("age");

  const std::string recipients[] = {
      "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29",  // flux-kc-test
      "age10ezc94fh9v3mzyvcg95h6y9t8kk7ee6zrjy6yh5xtz0k3ahdeaxs8wd0hk",  // plumb-other
      "age1henwn645drkd3fa34t27t2w2x0nsgw3w4h62gmg5x5xflyjpy38s5cncph",  // flux-kc-global
  };
  Node groups = Node::list();
  for (uint8_t x = 1; x <= 3; ++x) {
    std::string share;
    for (size_t i = 0; i < 32; ++i)
      share += static_cast<char>(static_cast<uint8_t>(key[i]) ^
                                 gf_mul(static_cast<uint8_t>(17 * i + 5), x * 37));
    share += static_cast<char>(x * 37);
    std::string recipient = recipients[x - 1];
    auto wrapped = age::encrypt(share, std::span<const std::string>(&recipient, 1), true);
    ASSERT_TRUE(wrapped) << wrapped.error().message();
    Node stanza = Node::map();
    stanza.set("recipient", Node::string(recipient));
    stanza.set("enc", Node::string(*wrapped));
    Node age_list = Node::list();
    age_list.push_back(stanza);
    Node group = Node::map();
    group.set("age", age_list);
    groups.push_back(group);
  }
  sops.set("key_groups", groups);
  sops.set("shamir_threshold", Node::integer(2));
  document.set("sops", sops);
  // core's writer sorts keys: the values keep their paths (so they decrypt), but the order
  // the MAC covers changes — the MAC is not this test's subject.
  std::string content = to_yaml(document);

  auto identities = [&](std::initializer_list<const char*> files) {
    Keys keys;
    for (const char* f : files) {
      auto parsed = age::parse_identities(read(k_root + "keys/age/" + f));
      EXPECT_TRUE(parsed);
      if (parsed) keys.age.insert(keys.age.end(), parsed->begin(), parsed->end());
    }
    return keys;
  };
  auto got = decrypt_file(content, Format::yaml,
                          identities({"flux-kc-test.agekey", "flux-kc-global.agekey"}),
                          Options{VerifyMac::no});
  ASSERT_TRUE(got) << got.error().error.message();
  auto want = parse_json(read(dir + "expected.json"));
  ASSERT_TRUE(want);
  EXPECT_EQ(got->documents.front(), *want);

  auto one = decrypt_file(content, Format::yaml, identities({"flux-kc-global.agekey"}));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().stage, Stage::datakey);
}

}  // namespace
}  // namespace plumb::sops
