// The sealed value: the sealed-secrets controller's hybrid format.
//
//   bytes 0-1    length L of the RSA part, big-endian
//   bytes 2..L+1 RSA-OAEP (SHA-256, MGF1 SHA-256, the scope's label) of a random session key
//   the rest     AES-GCM of the value under the session key: a zero 12-byte nonce (each key
//                seals one value), no additional data, the 16-byte tag last
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <numeric>

#include "sealed/openssl.hpp"
#include "sealed/sealed.hpp"

namespace plumb::sealed {
namespace detail {

void openssl_broken() {
  std::abort();
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(bytes(out), static_cast<int>(n)) != 1) openssl_broken();
  return out;
}

namespace {

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

Bio memory_bio(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) openssl_broken();
  return bio;
}

bool is_rsa(const EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") == 1;
}

std::chrono::system_clock::time_point time_of(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

Result<Certificate> read_certificate(std::string_view pem) {
  Bio bio = memory_bio(pem);
  Certificate cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!cert) return fail("no PEM certificate found");
  return cert;
}

Result<Pkey> read_public_key(std::string_view pem) {
  Pkey key;
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    Certificate cert = TRY(read_certificate(pem));
    key.reset(X509_get_pubkey(cert.get()));
  } else {
    Bio bio = memory_bio(pem);
    key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  }
  ERR_clear_error();
  if (!key) return fail("no PEM certificate or public key found");
  if (!is_rsa(key.get())) return fail("the certificate's key is not an RSA key");
  return key;
}

Result<Pkey> read_private_key(std::string_view pem) {
  Bio bio = memory_bio(pem);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) return fail("no PEM private key found");
  if (!is_rsa(key.get())) return fail("the private key is not an RSA key");
  return key;
}

std::chrono::system_clock::time_point not_before(const X509* cert) {
  return time_of(X509_get0_notBefore(cert));
}
std::chrono::system_clock::time_point not_after(const X509* cert) {
  return time_of(X509_get0_notAfter(cert));
}

}  // namespace detail

using namespace detail;

namespace {

constexpr size_t k_session_key_bytes = 32;
constexpr size_t k_gcm_nonce_bytes = 12;
constexpr size_t k_gcm_tag_bytes = 16;

// RSA-OAEP with SHA-256 for both the digest and MGF1, as Go's rsa.EncryptOAEP(sha256.New()).
Result<PkeyCtx> oaep_context(EVP_PKEY* key, std::string_view label, bool encrypt) {
  PkeyCtx ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx) openssl_broken();
  int init = encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get());
  if (init != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1) {
    ERR_clear_error();
    return fail("the key cannot do RSA-OAEP");
  }
  if (!label.empty()) {
    // OpenSSL takes ownership of the label buffer.
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
    if (copy == nullptr) openssl_broken();
    if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) != 1) {
      OPENSSL_free(copy);
      openssl_broken();
    }
  }
  return ctx;
}

const EVP_CIPHER* gcm_for(size_t key_bytes) {
  switch (key_bytes) {
    case 16:
      return EVP_aes_128_gcm();
    case 24:
      return EVP_aes_192_gcm();
    case 32:
      return EVP_aes_256_gcm();
    default:
      return nullptr;
  }
}

std::string gcm_seal(std::string_view key, std::string_view plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) openssl_broken();
  const unsigned char nonce[k_gcm_nonce_bytes] = {};
  std::string out(plaintext.size() + k_gcm_tag_bytes, '\0');
  int len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), gcm_for(key.size()), nullptr, bytes(key), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out), &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, k_gcm_tag_bytes,
                          bytes(out) + plaintext.size()) != 1)
    openssl_broken();
  return out;
}

// Nothing when the tag does not verify.
std::optional<std::string> gcm_open(std::string_view key, std::string_view sealed) {
  const EVP_CIPHER* cipher = gcm_for(key.size());
  if (cipher == nullptr || sealed.size() < k_gcm_tag_bytes) return std::nullopt;
  std::string_view body = sealed.substr(0, sealed.size() - k_gcm_tag_bytes);
  std::string tag(sealed.substr(body.size()));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) openssl_broken();
  const unsigned char nonce[k_gcm_nonce_bytes] = {};
  std::string out(body.size(), '\0');
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, bytes(key), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(body), static_cast<int>(body.size())) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, k_gcm_tag_bytes, bytes(tag)) != 1)
    openssl_broken();
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &final_len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

// The two parts of a sealed value; an error when the length prefix does not fit.
struct SealedParts {
  std::string_view rsa;
  std::string_view aes;
};

Result<SealedParts> split_sealed(std::string_view sealed) {
  if (sealed.size() < 2)
    return fail("sealed value is too short (", std::to_string(sealed.size()), " bytes): truncated");
  size_t rsa_len =
      (static_cast<unsigned char>(sealed[0]) << 8) | static_cast<unsigned char>(sealed[1]);
  if (sealed.size() < rsa_len + 2)
    return fail("sealed value is too short: its RSA part declares ", std::to_string(rsa_len),
                " bytes, ", std::to_string(sealed.size() - 2), " follow: truncated");
  return SealedParts{sealed.substr(2, rsa_len), sealed.substr(2 + rsa_len)};
}

// The session key, or nothing when this key and label do not open the RSA part.
std::optional<std::string> open_session_key(EVP_PKEY* key, std::string_view label,
                                            std::string_view rsa_part) {
  auto ctx = oaep_context(key, label, false);
  if (!ctx) return std::nullopt;
  size_t len = 0;
  if (EVP_PKEY_decrypt(ctx->get(), nullptr, &len, bytes(rsa_part), rsa_part.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string out(len, '\0');
  if (EVP_PKEY_decrypt(ctx->get(), bytes(out), &len, bytes(rsa_part), rsa_part.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

// Indexes of `keys`, newest first (the most recent key seals, so it most likely opens).
std::vector<size_t> newest_first(const std::vector<KeyPair>& keys) {
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return keys[a].created > keys[b].created; });
  return order;
}

}  // namespace

Result<std::string> seal(std::string_view certificate_pem, std::string_view label,
                         std::string_view plaintext) {
  Pkey key = TRY(read_public_key(certificate_pem));
  std::string session_key = random_bytes(k_session_key_bytes);
  PkeyCtx ctx = TRY(oaep_context(key.get(), label, true));
  size_t rsa_len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &rsa_len, bytes(session_key), session_key.size()) != 1)
    openssl_broken();
  std::string out(2 + rsa_len, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), bytes(out) + 2, &rsa_len, bytes(session_key),
                       session_key.size()) != 1) {
    ERR_clear_error();
    return fail("RSA-OAEP encryption failed (key too small?)");
  }
  out.resize(2 + rsa_len);
  out[0] = static_cast<char>((rsa_len >> 8) & 0xff);
  out[1] = static_cast<char>(rsa_len & 0xff);
  out += gcm_seal(session_key, plaintext);
  OPENSSL_cleanse(session_key.data(), session_key.size());
  return out;
}

Result<std::string> unseal(const std::vector<KeyPair>& keys, std::string_view label,
                           std::string_view sealed_bytes) {
  if (keys.empty()) return fail("no sealing keys to unseal with");
  SealedParts parts = TRY(split_sealed(sealed_bytes));
  bool session_key_opened = false;
  for (size_t index : newest_first(keys)) {
    auto key = read_private_key(keys[index].private_key_pem);
    if (!key) continue;
    auto session_key = open_session_key(key->get(), label, parts.rsa);
    if (!session_key) continue;
    session_key_opened = true;
    auto plaintext = gcm_open(*session_key, parts.aes);
    OPENSSL_cleanse(session_key->data(), session_key->size());
    if (plaintext) return std::move(*plaintext);
  }
  if (session_key_opened)
    return fail("sealed value does not authenticate (AES-GCM): tampered with or truncated");
  return fail("no key could decrypt the sealed value (", std::to_string(keys.size()),
              " tried): sealed with another key, tampered with, or for another name, namespace "
              "or scope");
}

Result<std::string> public_key_pem(std::string_view certificate_pem) {
  Pkey key = TRY(read_public_key(certificate_pem));
  std::unique_ptr<BIO, void (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free_all);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) openssl_broken();
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<std::chrono::system_clock::time_point> certificate_not_after(
    std::string_view certificate_pem) {
  Certificate cert = TRY(read_certificate(certificate_pem));
  return not_after(cert.get());
}

}  // namespace plumb::sealed
