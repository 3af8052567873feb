// The age file format (https://age-encryption.org/v1): decryption and encryption of whole
// files held in memory, binary or ASCII-armored, with X25519 keys (`age1…` recipients,
// `AGE-SECRET-KEY-1…` identities) and scrypt passphrases. SOPS uses it to wrap data keys.
//
// Strict as the spec and the C2SP test vectors: non-canonical base64, CRLF headers, stray
// whitespace in the armor, a low-order X25519 share, a truncated or extended STREAM payload
// are all refused, each with a typed Failure. Bounded against hostile input: header at most
// 1 MiB and 1024 stanzas, scrypt work factor at most 2^20 by default (1 GiB of memory), the
// payload decrypted chunk by chunk in 64 KiB STREAM chunks (the output is at most the input).
// Post-quantum hybrid keys (`age1pq1…`, `AGE-SECRET-KEY-PQ-1…`, ML-KEM-768 + X25519) are
// refused with a clear error: OpenSSL 3.0 has no ML-KEM. Their stanzas in a file are skipped
// like any stanza type no identity here understands.
//
// Every primitive is OpenSSL's. Functions are pure and may be called from any thread;
// Identity values are immutable and may be shared.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::age {

enum class IdentityKind { x25519, passphrase };

// The work factor (log2 of scrypt's N) a passphrase identity accepts by default: age
// encrypts with 18; 20 costs ~1 GiB and about a second. Larger ones are a header failure.
inline constexpr int k_default_max_work_factor = 20;

// One identity that can unwrap a file key: an X25519 secret key or an scrypt passphrase.
// The secret is overwritten when the value is destroyed.
class Identity {
 public:
  // An X25519 identity from its 32-byte secret (what AGE-SECRET-KEY-1… encodes).
  static Identity x25519(const std::array<uint8_t, 32>& secret);

  Identity(const Identity&) = default;
  Identity(Identity&&) = default;
  Identity& operator=(const Identity&) = default;
  Identity& operator=(Identity&&) = default;
  ~Identity();

  IdentityKind kind() const { return m_kind; }

 private:
  Identity() = default;
  friend class IdentityAccess;

  IdentityKind m_kind = IdentityKind::x25519;
  std::string m_secret;      // x25519: 32 bytes
  std::string m_public;      // x25519: 32 bytes
  std::string m_passphrase;  // passphrase
  int m_max_work_factor = k_default_max_work_factor;
};

// An age-keygen key file: '#' comment lines, blank lines, one AGE-SECRET-KEY-1… per line
// (several allowed; spaces around a key and CRLF line ends are tolerated). Errors name the
// line ("age: key file line 3: ..."); a file without a key is an error, as in age.
Result<std::vector<Identity>> parse_identities(std::string_view text);

// One AGE-SECRET-KEY-1… string.
Result<Identity> parse_identity(std::string_view key);

Identity passphrase_identity(std::string passphrase,
                             int max_work_factor = k_default_max_work_factor);

// The "age1…" public key of an X25519 identity; empty for a passphrase identity.
std::string recipient_of(const Identity& x25519);

// A new random X25519 identity.
Result<Identity> generate_identity();

// "AGE-SECRET-KEY-1…" (upper case) of an X25519 identity; empty for a passphrase identity.
std::string to_string(const Identity& identity);

// Why a file did not decrypt, as the C2SP vectors classify it.
enum class Failure {
  no_match,  // the header is fine, no identity unwraps any stanza
  header,    // the header (or a stanza an identity tried) is malformed
  hmac,      // a file key was unwrapped, the header MAC does not match
  payload,   // the STREAM payload does not authenticate to its end
  armor,     // the ASCII armor is malformed
};

// An Error that also says which Failure. It converts to Error (TRY works into Result<T>).
class DecryptError : public Error {
 public:
  DecryptError(Failure failure, std::string message)
      : Error(std::move(message)), m_failure(failure) {}
  Failure failure() const { return m_failure; }

  // For Failure::payload: the plaintext of the chunks that authenticated before the bad one.
  // Only for checking test vectors — a truncated plaintext is not the file's content.
  std::string partial_plaintext;

 private:
  Failure m_failure;
};

using DecryptResult = std::expected<std::string, DecryptError>;

// Decrypts a whole age file, binary (starts with "age-encryption.org/") or ASCII-armored
// (anything else; whitespace around the armor is allowed). Each identity is tried on each
// stanza in order. Messages start with "age: ", e.g. "age: no identity matched any of the
// file's 2 recipients (X25519, X25519)", "age: header MAC mismatch".
DecryptResult decrypt(std::string_view file, std::span<const Identity> identities);

// Encrypts to X25519 recipients ("age1…"), ASCII-armored (`armor`) or binary. At least one
// recipient; a bad recipient string is an error naming it.
Result<std::string> encrypt(std::string_view plaintext, std::span<const std::string> recipients,
                            bool armor);

std::string_view to_string(Failure failure);

}  // namespace plumb::age
