// The primitives age is made of, each a thin call into OpenSSL 3.0 (no cipher is written
// here): X25519, HKDF-SHA256, HMAC-SHA256, ChaCha20-Poly1305, scrypt, random bytes.
// Private to src/age. Byte strings are std::string; functions are pure (any thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plumb::age::crypto {

inline constexpr size_t k_tag_size = 16;

// Cryptographically random bytes; aborts if the system has no randomness (never expected).
std::string random_bytes(size_t n);

// The X25519 public key of a 32-byte secret.
std::string x25519_public(std::string_view secret);

// X25519(secret, peer); nothing when the result is all zeros (peer is a low-order point).
std::optional<std::string> x25519(std::string_view secret, std::string_view peer);

std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        size_t length);
std::string hmac_sha256(std::string_view key, std::string_view message);

// ChaCha20-Poly1305 with a 32-byte key and a 12-byte nonce, no associated data; `seal`
// returns ciphertext || tag, `open` nothing when the tag does not authenticate.
std::string seal(std::string_view key, std::string_view nonce, std::string_view plaintext);
std::optional<std::string> open(std::string_view key, std::string_view nonce,
                                std::string_view sealed);

// scrypt with r = 8, p = 1, N = 2^log2_n, a 32-byte key. Nothing if OpenSSL refuses (memory).
std::optional<std::string> scrypt(std::string_view passphrase, std::string_view salt, int log2_n);

// Constant-time comparison of equal-length strings (false when the lengths differ).
bool equal(std::string_view a, std::string_view b);

// Overwrites the bytes (secrets about to be freed).
void cleanse(std::string& bytes);

}  // namespace plumb::age::crypto
