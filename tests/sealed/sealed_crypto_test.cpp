// The sealed value and the keys: round trips per scope, the byte layout, clear errors for a
// wrong key, label, tampered or truncated bytes, and the key Secret format.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>

#include "core/base64.hpp"
#include "sealed/sealed.hpp"
#include "sealed/sealed_test_keys.hpp"

namespace plumb::sealed {
namespace {

using test::key_a;
using test::key_b;

constexpr std::string_view k_plaintext = "s3cr3t-Pa55\nwith a second line";

TEST(SealedValue, RoundTripsPerScope) {
  for (Scope scope : {Scope::strict, Scope::namespace_wide, Scope::cluster_wide}) {
    std::string label = label_of(scope, "prod", "db");
    auto sealed_bytes = seal(key_a().certificate_pem, label, k_plaintext);
    ASSERT_TRUE(sealed_bytes) << sealed_bytes.error().message();
    auto opened = unseal({key_a()}, label, *sealed_bytes);
    ASSERT_TRUE(opened) << scope_name(scope) << ": " << opened.error().message();
    EXPECT_EQ(*opened, k_plaintext);
  }
}

TEST(SealedValue, LabelsPerScope) {
  EXPECT_EQ(label_of(Scope::strict, "prod", "db"), "prod/db");
  EXPECT_EQ(label_of(Scope::namespace_wide, "prod", "db"), "prod");
  EXPECT_EQ(label_of(Scope::cluster_wide, "prod", "db"), "");
}

TEST(SealedValue, ByteLayoutIsLengthRsaPartThenGcm) {
  auto sealed_bytes = seal(key_a().certificate_pem, "prod/db", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  // 2048-bit key: a 256-byte RSA part; GCM adds a 16-byte tag and no nonce.
  ASSERT_GE(sealed_bytes->size(), 2u);
  size_t rsa_len = (static_cast<unsigned char>((*sealed_bytes)[0]) << 8) |
                   static_cast<unsigned char>((*sealed_bytes)[1]);
  EXPECT_EQ(rsa_len, 256u);
  EXPECT_EQ(sealed_bytes->size(), 2 + 256 + k_plaintext.size() + 16);
  // A fresh session key each time: sealing twice differs.
  EXPECT_NE(*sealed_bytes, *seal(key_a().certificate_pem, "prod/db", k_plaintext));
}

TEST(SealedValue, EmptyValueRoundTrips) {
  auto sealed_bytes = seal(key_a().certificate_pem, "", "");
  ASSERT_TRUE(sealed_bytes);
  auto opened = unseal({key_a()}, "", *sealed_bytes);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(*opened, "");
}

TEST(SealedValue, SealsWithABarePublicKey) {
  auto public_key = public_key_pem(key_a().certificate_pem);
  ASSERT_TRUE(public_key) << public_key.error().message();
  EXPECT_NE(public_key->find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  auto sealed_bytes = seal(*public_key, "prod", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  EXPECT_EQ(*unseal({key_a()}, "prod", *sealed_bytes), k_plaintext);
}

void expect_clear_error(const Result<std::string>& result, std::string_view words) {
  ASSERT_FALSE(result) << "unsealed to " << *result;
  EXPECT_NE(result.error().message().find(words), std::string::npos) << result.error().message();
  EXPECT_EQ(result.error().message().find("s3cr3t"), std::string::npos);
}

TEST(SealedValue, WrongLabelIsAClearError) {
  auto sealed_bytes = seal(key_a().certificate_pem, "prod/db", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  expect_clear_error(unseal({key_a()}, "prod/other", *sealed_bytes), "no key could decrypt");
  expect_clear_error(unseal({key_a()}, "staging/db", *sealed_bytes), "another name, namespace");
  expect_clear_error(unseal({key_a()}, "", *sealed_bytes), "no key could decrypt");
}

TEST(SealedValue, WrongKeyIsAClearError) {
  auto sealed_bytes = seal(key_a().certificate_pem, "prod/db", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  expect_clear_error(unseal({key_b()}, "prod/db", *sealed_bytes), "another key");
  expect_clear_error(unseal({}, "prod/db", *sealed_bytes), "no sealing keys");
}

TEST(SealedValue, TamperedBytesAreAClearError) {
  auto sealed_bytes = seal(key_a().certificate_pem, "prod/db", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  std::string body = *sealed_bytes;
  body[2 + 256 + 3] ^= 0x01;  // in the AES-GCM part
  expect_clear_error(unseal({key_a()}, "prod/db", body), "does not authenticate");
  std::string tag = *sealed_bytes;
  tag.back() ^= 0x80;
  expect_clear_error(unseal({key_a()}, "prod/db", tag), "does not authenticate");
  std::string rsa = *sealed_bytes;
  rsa[10] ^= 0x01;  // in the RSA part
  expect_clear_error(unseal({key_a()}, "prod/db", rsa), "no key could decrypt");
}

TEST(SealedValue, TruncatedBytesAreAClearError) {
  auto sealed_bytes = seal(key_a().certificate_pem, "prod/db", k_plaintext);
  ASSERT_TRUE(sealed_bytes);
  expect_clear_error(unseal({key_a()}, "prod/db", ""), "too short");
  expect_clear_error(unseal({key_a()}, "prod/db", sealed_bytes->substr(0, 1)), "too short");
  expect_clear_error(unseal({key_a()}, "prod/db", sealed_bytes->substr(0, 100)), "truncated");
  expect_clear_error(unseal({key_a()}, "prod/db", sealed_bytes->substr(0, 2 + 256 + 10)),
                     "does not authenticate");
  expect_clear_error(
      unseal({key_a()}, "prod/db", sealed_bytes->substr(0, sealed_bytes->size() - 1)),
      "does not authenticate");
}

TEST(SealedValue, EveryKeyIsTriedOldAndNew) {
  KeyPair old_key = key_a();
  KeyPair new_key = key_b();
  old_key.created = std::chrono::system_clock::now() - std::chrono::hours(24 * 60);
  auto sealed_old = seal(old_key.certificate_pem, "prod", "old");
  auto sealed_new = seal(new_key.certificate_pem, "prod", "new");
  ASSERT_TRUE(sealed_old && sealed_new);
  EXPECT_EQ(*unseal({old_key, new_key}, "prod", *sealed_old), "old");
  EXPECT_EQ(*unseal({old_key, new_key}, "prod", *sealed_new), "new");
  EXPECT_EQ(*unseal({new_key, old_key}, "prod", *sealed_old), "old");
}

TEST(SealedValue, BadCertificateIsAnError) {
  EXPECT_FALSE(seal("not a certificate", "x", "v"));
  EXPECT_FALSE(seal("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "x", "v"));
}

// --- keys -------------------------------------------------------------------------------

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};

std::unique_ptr<X509, X509Free> parse_certificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

TEST(SealingKey, GeneratedAsTheControllerDoes) {
  auto key = generate_key();  // 4096 bits by default
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_TRUE(key->name.starts_with("sealed-secrets-key"));
  EXPECT_EQ(key->name.size(), std::string_view("sealed-secrets-key").size() + 5);
  EXPECT_NE(key->private_key_pem.find("-----BEGIN RSA PRIVATE KEY-----"), std::string::npos);
  auto cert = parse_certificate(key->certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 4096);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert.get())), 0);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  // basicConstraints CA:TRUE, as Go writes IsCA (OpenSSL's X509_check_ca also wants keyCertSign).
  EXPECT_NE(X509_get_extension_flags(cert.get()) & EXFLAG_CA, 0u);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_ENCIPHER_ONLY));
  int critical = -1;
  void* usage = X509_get_ext_d2i(cert.get(), NID_key_usage, &critical, nullptr);
  EXPECT_EQ(critical, 1);
  ASN1_BIT_STRING_free(static_cast<ASN1_BIT_STRING*>(usage));
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 3650);
  auto age = std::chrono::system_clock::now() - key->created;
  EXPECT_LT(std::chrono::abs(age), std::chrono::minutes(5));
  auto sealed_bytes = seal(key->certificate_pem, "a/b", "v");
  ASSERT_TRUE(sealed_bytes);
  EXPECT_EQ(sealed_bytes->size(), 2 + 512 + 1 + 16u);
  EXPECT_EQ(*unseal({*key}, "a/b", *sealed_bytes), "v");
}

TEST(SealingKey, SecretRoundTrips) {
  Node secret = key_secret(key_a(), "plumb-system");
  EXPECT_EQ(secret.string_at({"kind"}), "Secret");
  EXPECT_EQ(secret.string_at({"type"}), "kubernetes.io/tls");
  EXPECT_EQ(secret.string_at({"metadata", "name"}), key_a().name);
  EXPECT_EQ(secret.string_at({"metadata", "namespace"}), "plumb-system");
  EXPECT_EQ(
      secret.string_at({"metadata", "labels", "sealedsecrets.bitnami.com/sealed-secrets-key"}),
      "active");
  EXPECT_EQ(*base64_decode(secret.string_at({"data", "tls.crt"})), key_a().certificate_pem);
  auto read = key_from_secret(secret);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->name, key_a().name);
  EXPECT_EQ(read->private_key_pem, key_a().private_key_pem);
  EXPECT_EQ(read->certificate_pem, key_a().certificate_pem);
  EXPECT_EQ(read->created, key_a().created);
}

TEST(SealingKey, UnnamedKeyGetsTheGenerateNamePrefix) {
  KeyPair key = key_a();
  key.name.clear();
  Node secret = key_secret(key, "ns");
  EXPECT_EQ(secret.string_at({"metadata", "generateName"}), "sealed-secrets-key");
  EXPECT_EQ(secret.at_path({"metadata", "name"}), nullptr);
}

void expect_secret_error(const Node& secret, std::string_view words) {
  auto read = key_from_secret(secret);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message().find("Secret plumb-system/"), std::string::npos)
      << read.error().message();
  EXPECT_NE(read.error().message().find(words), std::string::npos) << read.error().message();
  EXPECT_EQ(read.error().message().find("PRIVATE KEY"), std::string::npos);
}

TEST(SealingKey, BadSecretsAreErrorsNamingSecretAndField) {
  Node missing = key_secret(key_a(), "plumb-system");
  missing.find_mut("data")->erase("tls.key");
  expect_secret_error(missing, "data.tls.key: missing");

  Node not_base64 = key_secret(key_a(), "plumb-system");
  (*not_base64.find_mut("data"))["tls.crt"] = Node::string("%%%");
  expect_secret_error(not_base64, "data.tls.crt: not base64");

  Node not_pem = key_secret(key_a(), "plumb-system");
  (*not_pem.find_mut("data"))["tls.key"] = Node::string(base64_encode("garbage"));
  expect_secret_error(not_pem, "data.tls.key: no PEM private key");

  Node mismatched = key_secret(key_a(), "plumb-system");
  (*mismatched.find_mut("data"))["tls.crt"] = Node::string(base64_encode(key_b().certificate_pem));
  expect_secret_error(mismatched, "not for data.tls.key");
}

TEST(SealingKey, Pkcs8PrivateKeysAreRead) {
  // keyutil.ParsePrivateKeyPEM reads PKCS#8 too: a key Secret written by other tools.
  BIO* in = BIO_new_mem_buf(key_a().private_key_pem.data(),
                            static_cast<int>(key_a().private_key_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  ASSERT_NE(pkey, nullptr);
  BIO* out = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(out, &data);
  KeyPair key = key_a();
  key.private_key_pem.assign(data, static_cast<size_t>(len));
  BIO_free(out);
  EVP_PKEY_free(pkey);
  ASSERT_NE(key.private_key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  auto read = key_from_secret(key_secret(key, "ns"));
  ASSERT_TRUE(read) << read.error().message();
  auto sealed_bytes = seal(key.certificate_pem, "ns/x", "v");
  EXPECT_EQ(*unseal({*read}, "ns/x", *sealed_bytes), "v");
}

}  // namespace
}  // namespace plumb::sealed
