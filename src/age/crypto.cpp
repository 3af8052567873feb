#include "age/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

namespace plumb::age::crypto {
namespace {

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct KdfFree {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// OpenSSL failing on well-formed input (allocation) leaves nothing sensible to return.
[[noreturn]] void openssl_broken() {
  std::abort();
}

Pkey private_key(std::string_view secret) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, bytes(secret), secret.size()));
  if (!key) openssl_broken();
  return key;
}

}  // namespace

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(bytes(out), int(n)) != 1) openssl_broken();
  return out;
}

std::string x25519_public(std::string_view secret) {
  Pkey key = private_key(secret);
  std::string out(32, '\0');
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), bytes(out), &len) != 1 || len != 32) openssl_broken();
  return out;
}

std::optional<std::string> x25519(std::string_view secret, std::string_view peer) {
  Pkey key = private_key(secret);
  Pkey peer_key(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, bytes(peer), peer.size()));
  if (!peer_key) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  std::string out(32, '\0');
  size_t len = out.size();
  // OpenSSL refuses an all-zero result itself; the check below says so without relying on it.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer_key.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), bytes(out), &len) != 1 || len != 32) {
    ERR_clear_error();
    return std::nullopt;
  }
  if (equal(out, std::string(32, '\0'))) return std::nullopt;
  return out;
}

std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        size_t length) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) openssl_broken();
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) openssl_broken();
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("digest", digest, 0),
      OSSL_PARAM_construct_octet_string("key", const_cast<char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string("salt", const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string("info", const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), bytes(out), out.size(), params) != 1) openssl_broken();
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::string out(32, '\0');
  unsigned len = 32;
  if (!HMAC(EVP_sha256(), key.data(), int(key.size()), bytes(message), message.size(), bytes(out),
            &len) ||
      len != 32)
    openssl_broken();
  return out;
}

std::string seal(std::string_view key, std::string_view nonce, std::string_view plaintext) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + k_tag_size, '\0');
  int len = 0, final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, bytes(key), bytes(nonce)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out), &len, bytes(plaintext), int(plaintext.size())) !=
          1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, int(k_tag_size),
                          bytes(out) + plaintext.size()) != 1)
    openssl_broken();
  return out;
}

std::optional<std::string> open(std::string_view key, std::string_view nonce,
                                std::string_view sealed) {
  if (sealed.size() < k_tag_size) return std::nullopt;
  size_t n = sealed.size() - k_tag_size;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(n, '\0');
  std::string tag(sealed.substr(n));
  int len = 0, final_len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, bytes(key), bytes(nonce)) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(sealed), int(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, int(k_tag_size), tag.data()) != 1)
    openssl_broken();
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(out) + len, &final_len) != 1) {
    cleanse(out);
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> scrypt(std::string_view passphrase, std::string_view salt, int log2_n) {
  const uint64_t n = uint64_t(1) << log2_n;
  constexpr uint64_t r = 8, p = 1;
  // scrypt needs 128·r·N bytes for V plus 256·r·p for B and XY; leave room for both.
  const uint64_t max_memory = 128 * r * n + 256 * r * p + (1 << 20);
  std::string out(32, '\0');
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), bytes(salt), salt.size(), n, r, p,
                     max_memory, bytes(out), out.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return out;
}

bool equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void cleanse(std::string& bytes) {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

}  // namespace plumb::age::crypto
