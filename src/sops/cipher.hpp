// SOPS values: the ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] envelope, AES-256-GCM with the
// path as additional data, and the bytes a value contributes to the MAC.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"
#include "sops/file.hpp"

namespace plumb::sops {

// The type a value had before encryption.
enum class ValueType { str, int_, float_, bool_, bytes, time, comment };

// A decrypted value: the clear Node (a string for str/bytes/time/comment).
struct ClearValue {
  Node value;
  ValueType type;
  std::string iv;  // the envelope's IV (raw bytes); "" for an empty value
};

// Decrypts one envelope. "" stays "" (sops leaves empty strings unencrypted). Errors never
// include the plaintext: "does not match sops' data format", "authentication failed",
// "unknown type ...", "invalid int" and so on.
Result<ClearValue> decrypt_value(std::string_view envelope, const DataKey& key,
                                 std::string_view additional_data);

// Encrypts one clear scalar as sops does: a fresh random 32-byte IV, type str/int/float/bool
// from the Node, the plaintext bytes of mac_bytes. "" stays "" (sops leaves empty strings
// clear). Lists, maps and null are not scalars to encrypt (an error).
// `iv`: 32 bytes to use instead of a random IV — only ever the IV this same value (same
// plaintext, same additional data) was encrypted with under this key (IvStash), so the
// ciphertext comes out identical and no IV is reused for different plaintext.
Result<std::string> encrypt_value(const Node& value, const DataKey& key,
                                  std::string_view additional_data, std::string_view iv = {});

// A comment line's text encrypted with type comment ("" stays "").
Result<std::string> encrypt_comment(std::string_view text, const DataKey& key,
                                    std::string_view additional_data);

// A new random data key (OpenSSL's RAND_bytes).
Result<DataKey> generate_data_key();

// Whether text has the envelope's shape (no decryption attempted).
bool looks_encrypted(std::string_view text);

// The bytes sops' ToBytes gives a clear scalar: strings as is, integers in decimal, floats as
// Go's FormatFloat(f, 'f', -1, 64), booleans "True"/"False", null as nothing.
std::string mac_bytes(const Node& value);

}  // namespace plumb::sops
