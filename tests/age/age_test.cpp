// age keys, key files, encryption round trips and the typed failures of hand-made files.
#include <gtest/gtest.h>

#include <filesystem>

#include "age/age.hpp"
#include "age/bech32.hpp"
#include "age/test_util.hpp"
#include "support/require.hpp"

namespace plumb::age {
namespace {

namespace fs = std::filesystem;

// The age-keygen files of ../shared/sops-cases/keys/age and the public keys their comments
// give: recipient_of must compute the same key from the secret.
TEST(AgeKeys, RecipientOfMatchesTheKeyFilesPublicKey) {
  fs::path dir = fs::path(PLUMB_SHARED_DIR) / "sops-cases/keys/age";
  PLUMB_REQUIRE(fs::is_directory(dir), dir << " is missing");
  int checked = 0;
  for (const char* name : {"flux-kc-test.agekey", "flux-kc-global.agekey", "plumb-other.agekey"}) {
    std::string text = test::read_file(dir / name);
    size_t at = text.find("# public key: ");
    ASSERT_NE(at, std::string::npos) << name;
    std::string want = text.substr(at + 14, text.find('\n', at) - at - 14);
    auto ids = parse_identities(text);
    ASSERT_TRUE(ids) << ids.error().message();
    ASSERT_EQ(ids->size(), 1u);
    EXPECT_EQ(recipient_of((*ids)[0]), want) << name;
    // to_string gives back the line of the file.
    EXPECT_NE(text.find(to_string((*ids)[0]) + "\n"), std::string::npos) << name;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(AgeKeys, PostQuantumKeyFileIsRefusedClearly) {
  fs::path file = fs::path(PLUMB_SHARED_DIR) / "sops-cases/keys/age/flux-kc-pq.agekey";
  PLUMB_REQUIRE(fs::exists(file), file << " is missing");
  auto ids = parse_identities(test::read_file(file));
  ASSERT_FALSE(ids);
  EXPECT_NE(ids.error().message().find("line 3: post-quantum hybrid keys"), std::string::npos)
      << ids.error().message();
  EXPECT_NE(ids.error().message().find("not supported"), std::string::npos);
}

TEST(AgeKeys, KeyFileLinesCommentsAndErrors) {
  auto a = generate_identity();
  auto b = generate_identity();
  ASSERT_TRUE(a && b);
  std::string text = "# created: now\r\n\n  " + to_string(*a) + "  \r\n# second\n" + to_string(*b);
  auto ids = parse_identities(text);
  ASSERT_TRUE(ids) << ids.error().message();
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ(recipient_of((*ids)[0]), recipient_of(*a));
  EXPECT_EQ(recipient_of((*ids)[1]), recipient_of(*b));

  auto bad = parse_identities("# key\n" + to_string(*a) + "\nAGE-SECRET-KEY-1QQQQ\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "age: key file line 3: not an X25519 age secret key (AGE-SECRET-KEY-1…)");
  // A changed character breaks the checksum; the message does not print the secret.
  std::string flipped = to_string(*a);
  flipped[20] = flipped[20] == 'Q' ? 'P' : 'Q';
  auto corrupt = parse_identities(flipped);
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().message().find(flipped), std::string::npos);
  EXPECT_NE(corrupt.error().message().find("line 1"), std::string::npos);

  auto empty = parse_identities("# nothing here\n\n");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(), "age: the key file holds no AGE-SECRET-KEY-1… key");
  // A recipient is not an identity.
  EXPECT_FALSE(parse_identities(recipient_of(*a)));
}

TEST(AgeKeys, Bech32) {
  // BIP 173's valid test strings (bech32, not bech32m).
  for (const char* valid : {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
    auto d = bech32_decode(valid);
    ASSERT_TRUE(d) << valid;
  }
  for (const char* invalid : {"A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L", "x1b4n0q5v",
                              "li1dgmt3", "pzry9x0s0muk", "1pzry9x0s0muk", "de1lg7wt\xff"})
    EXPECT_FALSE(bech32_decode(invalid)) << invalid;
  auto d = bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->hrp, "abcdef");
  EXPECT_EQ(bech32_encode(d->hrp, d->data), "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
}

class AgeRoundTrip : public ::testing::TestWithParam<size_t> {};

std::string pattern(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i)
    out[i] = char((i * 131 + i / 7) & 0xff);
  return out;
}

TEST_P(AgeRoundTrip, BinaryAndArmored) {
  auto id = generate_identity();
  ASSERT_TRUE(id);
  std::vector<std::string> recipients = {recipient_of(*id)};
  std::string plaintext = pattern(GetParam());
  for (bool armored : {false, true}) {
    auto file = encrypt(plaintext, recipients, armored);
    ASSERT_TRUE(file) << file.error().message();
    EXPECT_EQ(file->starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"), armored);
    EXPECT_EQ(file->starts_with("age-encryption.org/v1\n-> X25519 "), !armored);
    auto back = decrypt(*file, std::span(&*id, 1));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_TRUE(*back == plaintext) << "size " << plaintext.size() << " armored " << armored;
  }
}

// Sizes around the 64 KiB STREAM chunk: empty, one byte, a full last chunk, one byte more.
INSTANTIATE_TEST_SUITE_P(Sizes, AgeRoundTrip,
                         ::testing::Values(0, 1, 65535, 65536, 65537, 2 * 65536, 1 << 20));

TEST(AgeRoundTrip, PayloadSizeFollowsTheChunking) {
  auto id = generate_identity();
  ASSERT_TRUE(id);
  std::vector<std::string> r = {recipient_of(*id)};
  auto header_size = [&](size_t n) {
    auto f = encrypt(pattern(n), r, false);
    return f->size() - n;
  };
  size_t empty = header_size(0);              // header + nonce + one empty chunk's tag
  EXPECT_EQ(header_size(65536), empty);       // one full final chunk
  EXPECT_EQ(header_size(65537), empty + 16);  // a full chunk and a 1-byte final one
  EXPECT_EQ(header_size(1 << 20), empty + 15 * 16);
}

TEST(AgeRoundTrip, ManyRecipientsEachDecrypts) {
  std::vector<Identity> ids;
  std::vector<std::string> recipients;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(*generate_identity());
    recipients.push_back(recipient_of(ids.back()));
  }
  auto file = encrypt("data key", recipients, true);
  ASSERT_TRUE(file);
  for (const Identity& id : ids) {
    auto back = decrypt(*file, std::span(&id, 1));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, "data key");
  }
}

TEST(AgeDecrypt, WrongIdentityIsNoMatch) {
  auto id = generate_identity();
  auto other = generate_identity();
  std::vector<std::string> recipients = {recipient_of(*id), recipient_of(*id)};
  auto file = encrypt("secret", recipients, true);
  ASSERT_TRUE(file);
  auto result = decrypt(*file, std::span(&*other, 1));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().failure(), Failure::no_match);
  EXPECT_EQ(result.error().message(),
            "age: no identity matched any of the file's 2 recipients (X25519, X25519)");
  std::vector<Identity> two = {*other, passphrase_identity("pw")};
  result = decrypt(*file, two);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "age: no identity matched any of the file's 2 recipients (X25519, X25519)");
  result = decrypt(*file, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().failure(), Failure::no_match);
  // Several identities: the right one anywhere in the list decrypts.
  std::vector<Identity> three = {*other, passphrase_identity("pw"), *id};
  EXPECT_TRUE(decrypt(*file, three));
}

// A caller returning Result<T> propagates a DecryptError with TRY; the message survives.
Result<size_t> decrypted_size(std::string_view file, const Identity& id) {
  std::string plaintext = TRY(decrypt(file, std::span(&id, 1)));
  return plaintext.size();
}

TEST(AgeDecrypt, DecryptErrorPropagatesThroughTry) {
  auto id = generate_identity();
  auto other = generate_identity();
  std::vector<std::string> r = {recipient_of(*id)};
  auto file = encrypt("12345", r, true);
  ASSERT_TRUE(file);
  auto ok = decrypted_size(*file, *id);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5u);
  auto no = decrypted_size(*file, *other);
  ASSERT_FALSE(no);
  EXPECT_EQ(no.error().message(), "age: no identity matched the file's 1 recipient (X25519)");
}

TEST(AgeDecrypt, TamperingIsTyped) {
  auto id = generate_identity();
  std::vector<std::string> r = {recipient_of(*id)};
  auto file = encrypt(pattern(70000), r, false);
  ASSERT_TRUE(file);
  auto span = std::span(&*id, 1);
  size_t mac_line = file->find("\n--- ");
  ASSERT_NE(mac_line, std::string::npos);

  std::string payload = *file;
  payload[payload.size() - 20] ^= 1;  // inside the last chunk
  auto r1 = decrypt(payload, span);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().failure(), Failure::payload);
  EXPECT_EQ(r1.error().partial_plaintext, pattern(65536));  // the first chunk authenticated

  std::string truncated = file->substr(0, file->size() - (70000 - 65536) - 16);
  auto r2 = decrypt(truncated, span);  // ends after a full chunk that was not the last
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().failure(), Failure::payload);

  std::string mac = *file;
  mac[mac_line + 6] = mac[mac_line + 6] == 'A' ? 'B' : 'A';
  auto r3 = decrypt(mac, span);
  ASSERT_FALSE(r3);
  EXPECT_TRUE(r3.error().failure() == Failure::hmac || r3.error().failure() == Failure::header);

  std::string header = *file;
  header.insert(mac_line + 1, "-> grease x\n\n");  // a stanza added after the MAC was made
  auto r4 = decrypt(header, span);
  ASSERT_FALSE(r4);
  EXPECT_EQ(r4.error().failure(), Failure::hmac);
  EXPECT_EQ(r4.error().message(), "age: header MAC mismatch (the header was altered)");

  auto r5 = decrypt("not an age file", span);
  ASSERT_FALSE(r5);
  EXPECT_EQ(r5.error().failure(), Failure::armor);
  auto r6 = decrypt("age-encryption.org/v1\n-> X25519\n\n--- x\n", span);
  ASSERT_FALSE(r6);
  EXPECT_EQ(r6.error().failure(), Failure::header);
}

TEST(AgeDecrypt, HeaderIsBounded) {
  auto id = generate_identity();
  auto span = std::span(&*id, 1);
  std::string many = "age-encryption.org/v1\n";
  for (int i = 0; i < 1025; ++i)
    many += "-> grease\n\n";
  many += "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" + std::string(32, 'x');
  auto r = decrypt(many, span);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().failure(), Failure::header);
  EXPECT_NE(r.error().message().find("more than 1024"), std::string::npos) << r.error().message();

  std::string huge = "age-encryption.org/v1\n-> grease " + std::string(2 << 20, 'a');
  r = decrypt(huge, span);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("header larger than"), std::string::npos)
      << r.error().message();
}

TEST(AgeDecrypt, ScryptWorkFactorAboveTheLimitIsRefusedBeforeWork) {
  // salt "AAAAAAAAAAAAAAAAAAAAAA" (16 zero bytes), work factor 21 > the default 20.
  std::string file =
      "age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 21\n"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- "
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" +
      std::string(32, 'x');
  auto id = passphrase_identity("pw");
  auto r = decrypt(file, std::span(&id, 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().failure(), Failure::header);
  EXPECT_NE(r.error().message().find("work factor 21 is above the limit 20"), std::string::npos)
      << r.error().message();
}

TEST(AgeEncrypt, BadRecipientsAreNamed) {
  auto id = generate_identity();
  std::vector<std::string> r = {recipient_of(*id), "age1notakey"};
  auto f = encrypt("x", r, false);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message(),
            "age: recipient \"age1notakey\" is not an X25519 age recipient (age1…)");
  std::vector<std::string> secret = {to_string(*id)};
  EXPECT_FALSE(encrypt("x", secret, false));
  EXPECT_FALSE(encrypt("x", {}, false));
  fs::path pq = fs::path(PLUMB_SHARED_DIR) / "sops-cases/keys/age/flux-kc-pq.agekey";
  if (fs::exists(pq)) {
    std::string text = test::read_file(pq);
    size_t at = text.find("age1pq1");
    std::vector<std::string> hybrid = {text.substr(at, text.find('\n', at) - at)};
    auto h = encrypt("x", hybrid, false);
    ASSERT_FALSE(h);
    EXPECT_NE(h.error().message().find("post-quantum hybrid recipients"), std::string::npos)
        << h.error().message();
  }
}

}  // namespace
}  // namespace plumb::age
