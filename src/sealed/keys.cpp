// Sealing keys: generated as the sealed-secrets controller generates them (RSA, a self-signed
// certificate with an empty subject, 10 years, CA, key usage encipher-only) and kept in Secrets
// of type kubernetes.io/tls in its format, so keys move between it and Plumb unchanged.
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "core/base64.hpp"
#include "sealed/openssl.hpp"
#include "sealed/sealed.hpp"

namespace plumb::sealed {

using namespace detail;

namespace {

constexpr int k_valid_days = 10 * 365;  // the controller's --key-ttl default
constexpr int k_serial_bits = 128;
constexpr std::string_view k_tls_key = "tls.key";
constexpr std::string_view k_tls_crt = "tls.crt";
constexpr std::string_view k_tls_type = "kubernetes.io/tls";
// The alphabet and length of the API server's generateName suffix.
constexpr std::string_view k_name_alphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr size_t k_name_suffix = 5;

struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};

std::string generated_name() {
  std::string name(k_key_prefix);
  for (unsigned char byte : random_bytes(k_name_suffix))
    name += k_name_alphabet[byte % k_name_alphabet.size()];
  return name;
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr || X509_add_ext(cert, ext, -1) != 1) openssl_broken();
  X509_EXTENSION_free(ext);
}

Certificate self_signed(EVP_PKEY* key) {
  Certificate cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) openssl_broken();
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), k_serial_bits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr)
    openssl_broken();
  std::time_t now = std::time(nullptr);
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), now) == nullptr ||
      ASN1_TIME_adj(X509_getm_notAfter(cert.get()), now, k_valid_days, 0) == nullptr)
    openssl_broken();
  // Subject and issuer: the controller's default --my-cn is empty, so both are empty names.
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1)
    openssl_broken();
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,encipherOnly");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) openssl_broken();
  return cert;
}

template <typename Write>
std::string pem_text(Write write) {
  std::unique_ptr<BIO, void (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free_all);
  if (!bio || write(bio.get()) != 1) openssl_broken();
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<std::string> data_field(const Node& secret, std::string_view field) {
  const Node* value = secret.at_path({"data", field});
  if (value == nullptr || !value->is_string()) return fail("data.", field, ": missing");
  auto decoded = base64_decode(value->as_string());
  if (!decoded) return fail("data.", field, ": not base64");
  return std::move(*decoded);
}

Result<KeyPair> read_key_pair(const Node& secret) {
  KeyPair key;
  key.name = std::string(secret.string_at({"metadata", "name"}));
  key.private_key_pem = TRY(data_field(secret, k_tls_key));
  key.certificate_pem = TRY(data_field(secret, k_tls_crt));
  Pkey private_key = TRY(in_context(read_private_key(key.private_key_pem), "data.tls.key"));
  Certificate cert = TRY(in_context(read_certificate(key.certificate_pem), "data.tls.crt"));
  int matches = EVP_PKEY_eq(private_key.get(), X509_get0_pubkey(cert.get()));
  ERR_clear_error();
  if (matches != 1) return fail("data.tls.crt: the certificate is not for data.tls.key");
  key.created = not_before(cert.get());
  return key;
}

}  // namespace

Result<KeyPair> generate_key(int bits) {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) {
    ERR_clear_error();
    return fail("cannot generate an RSA key of ", std::to_string(bits), " bits");
  }
  Certificate cert = self_signed(key.get());
  KeyPair pair;
  pair.name = generated_name();
  pair.private_key_pem = pem_text([&](BIO* bio) {
    return PEM_write_bio_PrivateKey_traditional(bio, key.get(), nullptr, nullptr, 0, nullptr,
                                                nullptr);
  });
  pair.certificate_pem = pem_text([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  pair.created = not_before(cert.get());
  return pair;
}

Result<KeyPair> key_from_secret(const Node& secret) {
  return in_context(read_key_pair(secret),
                    "Secret " + std::string(secret.string_at({"metadata", "namespace"})) + "/" +
                        std::string(secret.string_at({"metadata", "name"})));
}

Node key_secret(const KeyPair& key, std::string_view ns) {
  Node labels = Node::map();
  labels.set(k_key_label, Node::string("active"));
  Node metadata = Node::map();
  if (key.name.empty())
    metadata.set("generateName", Node::string(k_key_prefix));
  else
    metadata.set("name", Node::string(key.name));
  metadata.set("namespace", Node::string(ns));
  metadata.set("labels", labels);
  Node data = Node::map();
  data.set(k_tls_crt, Node::string(base64_encode(key.certificate_pem)));
  data.set(k_tls_key, Node::string(base64_encode(key.private_key_pem)));
  Node secret = Node::map();
  secret.set("apiVersion", Node::string("v1"));
  secret.set("kind", Node::string("Secret"));
  secret.set("metadata", metadata);
  secret.set("type", Node::string(k_tls_type));
  secret.set("data", data);
  return secret;
}

}  // namespace plumb::sealed
