#include <gtest/gtest.h>

#include "sops/cipher.hpp"
#include "sops/keys.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {
namespace {

TEST(SopsFormat, FromPath) {
  EXPECT_EQ(format_from_path("a/b/secret.yaml"), Format::yaml);
  EXPECT_EQ(format_from_path("x.yml"), Format::yaml);
  EXPECT_EQ(format_from_path("x.json"), Format::json);
  EXPECT_EQ(format_from_path(".env"), Format::dotenv);
  EXPECT_EQ(format_from_path("a.ini"), Format::ini);
  EXPECT_EQ(format_from_path("a.yaml.bak"), Format::binary);
}

TEST(SopsMac, BytesAsGoPrintsThem) {
  EXPECT_EQ(mac_bytes(Node::floating(3.0)), "3");
  EXPECT_EQ(mac_bytes(Node::floating(1e-9)), "0.000000001");
  EXPECT_EQ(mac_bytes(Node::floating(1e21)), "1000000000000000000000");
  EXPECT_EQ(mac_bytes(Node::boolean(true)), "True");
  EXPECT_EQ(mac_bytes(Node::integer(-42)), "-42");
}

TEST(SopsValue, MalformedEnvelopesAreRefused) {
  DataKey key;
  EXPECT_FALSE(decrypt_value("ENC[AES256_GCM,data:,iv:,tag:,type:str]", key, "a:"));
  EXPECT_FALSE(decrypt_value("plain", key, "a:"));
  EXPECT_FALSE(decrypt_value("ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]", key, "a:"));
  auto empty = decrypt_value("", key, "a:");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->value.as_string(), "");
}

// Vault's shamir: 2-of-3 shares of "ab" made by hand with f(x) = s + c·x over GF(2^8).
TEST(SopsShamir, CombinesTwoParts) {
  // s = 'a' (0x61), c = 0x05 for byte 0; s = 'b' (0x62), c = 0x07 for byte 1.
  auto mul = [](uint8_t a, uint8_t b) {
    uint8_t p = 0;
    for (int i = 0; i < 8; ++i) {
      if (b & 1) p ^= a;
      bool hi = a & 0x80;
      a = static_cast<uint8_t>(a << 1);
      if (hi) a ^= 0x1b;
      b >>= 1;
    }
    return p;
  };
  auto share = [&](uint8_t x) {
    std::string s;
    s += static_cast<char>(0x61 ^ mul(0x05, x));
    s += static_cast<char>(0x62 ^ mul(0x07, x));
    s += static_cast<char>(x);
    return s;
  };
  std::vector<std::string> parts = {share(3), share(200)};
  auto secret = shamir_combine(parts);
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(*secret, "ab");
  std::vector<std::string> same_x = {share(3), share(3)};
  EXPECT_FALSE(shamir_combine(same_x));
}

TEST(SopsLoad, ErrorsNameTheStage) {
  auto got = decrypt_file("a: 1\n", Format::yaml, Keys{});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().stage, Stage::load);
  EXPECT_NE(got.error().error.message().find("sops: load: "), std::string::npos);
}

}  // namespace
}  // namespace plumb::sops

namespace plumb::sops {
namespace {

Result<std::string> mac_data_of(std::string_view lastmodified) {
  std::string text =
      "a: b\nsops:\n    mac: x\n    lastmodified: \"" + std::string(lastmodified) + "\"\n";
  auto file = load_file(text, Format::yaml);
  if (!file) return fail(file.error().error.message());
  return file->metadata.mac_additional_data;
}

// The MAC's additional data is lastmodified as Go's time.RFC3339 prints it after parsing.
TEST(SopsMetadata, LastModifiedAsGoReprintsIt) {
  EXPECT_EQ(mac_data_of("2026-01-15T10:20:30.123456+02:00").value_or("?"),
            "2026-01-15T10:20:30+02:00");
  EXPECT_EQ(mac_data_of("2026-01-15T10:20:30-00:00").value_or("?"), "2026-01-15T10:20:30Z");
  // Regression (sops_fuzz): a year far from 1970 overflowed a nanosecond time_point.
  EXPECT_EQ(mac_data_of("1013-01-15T10:20:30Z").value_or("?"), "1013-01-15T10:20:30Z");
  EXPECT_FALSE(mac_data_of("2026-02-30T10:20:30Z"));
  EXPECT_FALSE(mac_data_of("2026-01-15 10:20:30Z"));
  EXPECT_FALSE(mac_data_of("2026-01-15T10:20:30"));
  EXPECT_FALSE(mac_data_of(""));
}

}  // namespace
}  // namespace plumb::sops

#include <chrono>

#include "sops/rule_regex.hpp"

namespace plumb::sops {
namespace {

bool matches(std::string_view pattern, std::string_view key) {
  auto re = RuleRegex::compile(pattern);
  EXPECT_TRUE(re) << pattern << ": " << re.error().message();
  return re && re->search(key);
}

// Go's regexp.MatchString on the RE2 syntax SOPS users write.
TEST(SopsRuleRegex, MatchesAsGoDoes) {
  EXPECT_TRUE(matches("^(data|stringData)$", "stringData"));
  EXPECT_FALSE(matches("^(data|stringData)$", "metadata"));
  EXPECT_TRUE(matches("data", "metadata"));  // unanchored
  EXPECT_TRUE(matches("^pass\\d+$", "pass12"));
  EXPECT_FALSE(matches("^pass\\d+$", "passx"));
  EXPECT_TRUE(matches("(?i)^PASSWORD$", "password"));
  EXPECT_TRUE(matches("^(?:a|b)\\.c$", "b.c"));
  EXPECT_FALSE(matches("^(?:a|b)\\.c$", "bxc"));
  EXPECT_TRUE(matches("^a.*?z$", "abcz"));
  EXPECT_TRUE(matches("^x\\??$", "x?"));
  EXPECT_TRUE(matches("^[\\w.-]+$", "my-key.name_1"));
  EXPECT_FALSE(matches("^[\\w.-]+$", "a b"));
  EXPECT_TRUE(matches("^(?P<name>key)$", "key"));
  // Regression (sops_fuzz): the subject is a view into a longer buffer, not NUL-terminated.
  std::string buffer = "prefix-password-suffix-long-enough-for-the-heap";
  EXPECT_TRUE(matches("^password$", std::string_view(buffer).substr(7, 8)));
  EXPECT_FALSE(RuleRegex::compile("\\p{L}"));
  EXPECT_FALSE(RuleRegex::compile("a(?i)b"));
  EXPECT_FALSE(RuleRegex::compile("(unclosed"));
  EXPECT_FALSE(RuleRegex::compile(std::string(2000, 'a')));
}

// The pattern comes from the file: a pattern that makes a backtracking matcher exponential
// (and std::regex overflow the stack on a long key) is matched in linear time.
TEST(SopsRuleRegex, HostilePatternsStayLinear) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(matches("^(a|aa)*c$", std::string(5000, 'a')));
  EXPECT_TRUE(matches("(a|b)*$", std::string(100000, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace plumb::sops
