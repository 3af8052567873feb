#include "localcluster/tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "net/tls.hpp"

namespace plumb::localcluster {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Bio = std::unique_ptr<BIO, BioFree>;

constexpr long k_validity_seconds = 10L * 365 * 24 * 3600;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio.get());
}

std::string cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_text(bio.get());
}

Result<void> add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return fail("certificate extension ", value, ": ", net::openssl_errors());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return {};
}

Result<Cert> new_certificate(EVP_PKEY* key, const char* common_name) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate small clock skew
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), k_validity_seconds);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("plumb"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  return cert;
}

Result<std::string> random_token() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return fail("token: ", net::openssl_errors());
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += k_hex[b >> 4];
    token += k_hex[b & 15];
  }
  return token;
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path.string(), ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text, bool secret) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(tmp.string(), ": cannot write");
    out << text;
    if (!out.flush()) return fail(tmp.string(), ": write failed");
  }
  if (secret) ::chmod(tmp.c_str(), 0600);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return fail(path.string(), ": ", ec.message());
  return {};
}

}  // namespace

Result<Credentials> generate_credentials() {
  Pkey ca_key(EVP_EC_gen("P-256"));
  Pkey server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return fail("generating keys: ", net::openssl_errors());

  Cert ca = TRY(new_certificate(ca_key.get(), "plumb-cluster-ca"));
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  TRY_VOID(add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE"));
  TRY_VOID(add_extension(ca.get(), ca.get(), NID_key_usage,
                         "critical,digitalSignature,keyCertSign,cRLSign"));
  TRY_VOID(add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0)
    return fail("signing the CA certificate: ", net::openssl_errors());

  Cert server = TRY(new_certificate(server_key.get(), "plumb-cluster"));
  X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get()));
  TRY_VOID(add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE"));
  TRY_VOID(add_extension(server.get(), ca.get(), NID_key_usage,
                         "critical,digitalSignature,keyEncipherment"));
  TRY_VOID(add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth"));
  TRY_VOID(add_extension(server.get(), ca.get(), NID_subject_alt_name,
                         "IP:127.0.0.1,IP:::1,DNS:localhost"));
  TRY_VOID(add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) == 0)
    return fail("signing the serving certificate: ", net::openssl_errors());

  Credentials out;
  out.ca_cert_pem = cert_pem(ca.get());
  out.ca_key_pem = key_pem(ca_key.get());
  out.server_cert_pem = cert_pem(server.get());
  out.server_key_pem = key_pem(server_key.get());
  out.token = TRY(random_token());
  return out;
}

Result<Credentials> load_or_create_credentials(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path base(dir);
  const char* names[] = {"ca.crt", "ca.key", "server.crt", "server.key", "token"};
  int present = 0;
  for (const char* name : names)
    present += fs::exists(base / name) ? 1 : 0;
  if (present == 0) {
    Credentials fresh = TRY(generate_credentials());
    std::error_code ec;
    fs::create_directories(base, ec);
    if (ec) return fail(dir, ": ", ec.message());
    TRY_VOID(write_file(base / "ca.crt", fresh.ca_cert_pem, false));
    TRY_VOID(write_file(base / "ca.key", fresh.ca_key_pem, true));
    TRY_VOID(write_file(base / "server.crt", fresh.server_cert_pem, false));
    TRY_VOID(write_file(base / "server.key", fresh.server_key_pem, true));
    TRY_VOID(write_file(base / "token", fresh.token + "\n", true));
    return fresh;
  }
  for (const char* name : names) {
    if (!fs::exists(base / name))
      return fail((base / name).string(), ": missing (remove the other credential files to ",
                  "generate a new set)");
  }
  Credentials out;
  out.ca_cert_pem = TRY(read_file(base / "ca.crt"));
  out.ca_key_pem = TRY(read_file(base / "ca.key"));
  out.server_cert_pem = TRY(read_file(base / "server.crt"));
  out.server_key_pem = TRY(read_file(base / "server.key"));
  out.token = TRY(read_file(base / "token"));
  while (!out.token.empty() && (out.token.back() == '\n' || out.token.back() == '\r'))
    out.token.pop_back();
  return out;
}

}  // namespace plumb::localcluster
