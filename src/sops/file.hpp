// A SOPS file as loaded: its documents (values still encrypted) and its metadata, and the
// data key type. Built by load_file (sops.hpp, stores.cpp), consumed by unwrap_data_key and
// decrypt_with_key.
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"

namespace plumb::sops {

// The sops store a file is read with.
enum class Format { yaml, json, dotenv, ini, binary };

// One wrapped copy of the data key (or of its Shamir share) for an age recipient.
struct AgeStanza {
  std::string recipient;
  std::string enc;  // an armored age file
};

// The same for a PGP key.
struct PgpStanza {
  std::string fingerprint;
  std::string enc;         // an armored PGP message
  std::string created_at;  // RFC 3339, when the data key was wrapped
};

// The master keys of one group; any one of them unwraps the group's share. Keys of other
// services (KMS, Vault ...) are only counted: they cannot be used here.
struct KeyGroup {
  std::vector<AgeStanza> age;
  std::vector<PgpStanza> pgp;
  size_t other_keys = 0;
};

// Which values are encrypted: exactly one rule (the default is unencrypted_suffix
// "_unencrypted").
enum class RuleKind {
  unencrypted_suffix,
  encrypted_suffix,
  unencrypted_regex,
  encrypted_regex,
  unencrypted_comment_regex,
  encrypted_comment_regex,
};

struct Metadata {
  // The top-level key lists form one group when the file has no `key_groups`.
  std::vector<KeyGroup> key_groups;
  int64_t shamir_threshold = 0;
  std::string lastmodified;  // as written
  // lastmodified re-printed as Go's time.RFC3339 (no fraction): the MAC's additional data.
  std::string mac_additional_data;
  std::string mac;  // the ENC[...] envelope; "" when absent
  RuleKind rule = RuleKind::unencrypted_suffix;
  std::string rule_value = "_unencrypted";
  bool mac_only_encrypted = false;
  std::string version;
};

// A dotenv comment line (`#...`, without the `#`): encrypted by sops like a value (additional
// data ":"), kept for printing. `position` is the number of entries before it.
struct LineComment {
  size_t position = 0;
  std::string text;
};

struct EncryptedFile {
  Format format = Format::yaml;
  // Without their `sops` entries; see DecryptedFile for the shape per format.
  std::vector<Node> documents;
  Metadata metadata;
  std::vector<LineComment> comments;  // dotenv only
};

// A 32-byte AES key, wiped (OPENSSL_cleanse) when destroyed or overwritten.
class DataKey {
 public:
  DataKey() = default;
  explicit DataKey(std::span<const uint8_t, 32> bytes);
  DataKey(const DataKey& other) : m_bytes(other.m_bytes) {}
  DataKey& operator=(const DataKey& other);
  ~DataKey();
  const uint8_t* data() const { return m_bytes.data(); }
  static constexpr size_t size() { return 32; }

 private:
  std::array<uint8_t, 32> m_bytes{};
};

}  // namespace plumb::sops
