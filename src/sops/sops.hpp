// Reading and decrypting SOPS files as sops v3.13 and Flux's kustomize-controller do.
//
// A SOPS file is a YAML, JSON, dotenv, INI or binary document whose values are encrypted
// one by one with AES-256-GCM under a random 32-byte data key; the data key itself is
// wrapped for each master key (age recipients, PGP keys) in the file's `sops` metadata.
// decrypt_file runs the whole path: load (parse + metadata) → datakey (unwrap with the keys
// given; age before PGP, as sops) → decrypt (every value the file's rule marks) → mac
// (optional: Flux does not check it, the sops CLI does).
//
// Errors carry the stage and a message that names the file's key path for value errors; no
// message ever holds decrypted plaintext or key material. The data key is wiped from memory
// once the values are decrypted.
//
// Thread safety: pure functions; PGP unwrapping runs gpgme in a private temporary GNUPGHOME
// per call, so calls on different threads do not share keyrings.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "age/age.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "sops/file.hpp"

namespace plumb::sops {

// sops' choice from the file name: .yaml/.yml, .json, .env, .ini; anything else is binary.
Format format_from_path(std::string_view path);

// Where a decryption failed.
enum class Stage { load, datakey, decrypt, mac, emit };
std::string_view stage_name(Stage stage);

struct DecryptError {
  Stage stage;
  Error error;  // "sops: <stage>: ..." — safe to show: never plaintext or keys
};

template <typename T>
using DecryptResult = std::expected<T, DecryptError>;

// The private keys a decryption may use.
struct Keys {
  // age identities (age::parse_identities of Flux's `*.agekey` entries).
  std::vector<age::Identity> age;
  // Armored PGP secret keys, as Flux's `*.asc`.
  std::vector<std::string> pgp_armored;
  // Use the user's GnuPG keyring ($GNUPGHOME or ~/.gnupg) instead, as the sops CLI does
  // (pgp_armored is then not imported).
  bool pgp_user_keyring = false;
};

enum class VerifyMac { no, yes };

struct Options {
  VerifyMac verify_mac = VerifyMac::no;  // Flux's default; the sops CLI verifies
};

struct DecryptedFile {
  Format format;
  // The decrypted documents without their `sops` metadata: one for every format except
  // multi-document YAML. dotenv is a map of strings, INI a map of sections (each a map of
  // strings), binary a map {"data": string of the raw bytes}.
  std::vector<Node> documents;
  // dotenv only: the comment lines, decrypted (a comment that does not decrypt is kept as
  // written, as sops does for files from versions that left comments in clear).
  std::vector<LineComment> comments;
};

// The file decrypted. `content` is the whole file.
DecryptResult<DecryptedFile> decrypt_file(std::string_view content, Format format, const Keys& keys,
                                          const Options& options = {});

// Whether the content carries kustomize-controller's marker for its format ("mac: ENC[" for
// YAML, "\"mac\": \"ENC[" for JSON and binary, "sops_mac=ENC[" for dotenv, "[sops]" for INI):
// how Flux decides which files to decrypt. A cheap byte search, nothing is parsed.
bool is_sops_encrypted(std::string_view content, Format format);

// The IVs of a file's values as decrypt_with_key found them, by value and key path: encrypting
// with the same data key (encrypt_with_key) reuses the IV of a value that did not change, so
// its ciphertext stays as it was and a diff of an edited file shows only what was edited (as
// `sops edit` does). It holds plaintext; wiped when destroyed.
class IvStash {
 public:
  IvStash() = default;
  IvStash(const IvStash&) = delete;
  IvStash& operator=(const IvStash&) = delete;
  ~IvStash();
  // The key of a value: its type, its additional data, its bytes (mac_bytes).
  static std::string key_of(const Node& value, std::string_view additional_data);
  void put(std::string key, std::string iv);
  std::string_view find(const std::string& key) const;  // "" when not known

 private:
  std::vector<std::pair<std::string, std::string>> m_entries;  // sorted by key
};

// The file as `sops --decrypt` prints it: JSON (tab indent, Go's escaping), dotenv, binary
// (the raw bytes), YAML (go-yaml v3, without comments) and INI (go-ini, without comments).
DecryptResult<std::string> print_file(const DecryptedFile& file);

// ---- encryption ------------------------------------------------------------------------

// The version sops files written here carry: the sops release this code follows.
inline constexpr std::string_view k_sops_version = "3.13.2";

// The master keys of one key group: each wraps the whole data key (or the group's Shamir
// share when there are several groups).
struct RecipientGroup {
  std::vector<std::string> age;  // "age1…" recipients
  std::vector<std::string> pgp;  // PGP fingerprints
  bool empty() const { return age.empty() && pgp.empty(); }
};

// Where PGP public keys come from when wrapping a data key.
struct PgpPublicKeys {
  // Armored public keys, imported into a temporary keyring; empty: the user's GnuPG keyring
  // ($GNUPGHOME or ~/.gnupg), as sops does.
  std::vector<std::string> armored;
};

struct EncryptOptions {
  std::vector<RecipientGroup> key_groups;  // at least one key; several groups: Shamir
  int64_t shamir_threshold = 0;            // several groups: 0 means all of them
  RuleKind rule = RuleKind::unencrypted_suffix;
  std::string rule_value = "_unencrypted";
  bool mac_only_encrypted = false;
  PgpPublicKeys pgp;
  std::string lastmodified;  // RFC 3339; "" = now (UTC, whole seconds), as sops
};

// A whole `sops --encrypt`: a new random data key wrapped for every master key, every value
// the rule marks encrypted, the MAC, the file printed as sops prints it (YAML as go-yaml v3
// with 4-space indent, JSON and binary tab-indented, dotenv with flattened `sops_` keys).
// Comments in YAML are not kept (core's reader drops them); dotenv comments are encrypted as
// sops does. The *_comment_regex rules are refused: they depend on comments. INI is written
// as go-ini's pretty format (comments dropped).
// Errors never hold plaintext.
Result<std::string> encrypt_file(std::string_view content, Format format,
                                 const EncryptOptions& options);

// The clear documents of a plaintext file, as sops' stores read them (DecryptedFile's shape).
Result<DecryptedFile> load_plain(std::string_view content, Format format);

// encrypt_file after load_plain: the clear documents encrypted and printed in plain.format
// (set it to write another format than the input's, as sops' --output-type).
Result<std::string> encrypt_plain(const DecryptedFile& plain, const EncryptOptions& options);

// Metadata for a new file: the rule, mac_only_encrypted, version, and the key groups with the
// data key wrapped (wrap_data_key). lastmodified and the MAC are set by encrypt_with_key.
Result<Metadata> new_metadata(const EncryptOptions& options, const DataKey& key);

// Replaces metadata's key groups: the data key wrapped by age (armored age file) and PGP
// (armored message, created_at now) for each group's keys, split with Shamir when there are
// several groups (threshold 0 = all groups). What `updatekeys` does.
Result<void> wrap_data_key(Metadata& metadata, std::span<const RecipientGroup> groups,
                           int64_t shamir_threshold, const DataKey& key, const PgpPublicKeys& pgp);

// The clear file encrypted with a known data key under metadata's rule: lastmodified set to
// `lastmodified` ("" = now), the MAC computed and encrypted with it as additional data.
// `stash`: IVs to reuse for values that did not change (from decrypt_with_key, same key).
Result<EncryptedFile> encrypt_with_key(const DecryptedFile& plain, Metadata metadata,
                                       const DataKey& key, std::string_view lastmodified = "",
                                       const IvStash* stash = nullptr);

// An encrypted file (values as they are, metadata re-serialized) printed as sops writes it.
// YAML loses its comments (core's reader does not keep them).
Result<std::string> print_encrypted(const EncryptedFile& file);

// ---- lower level, for tests and tools ------------------------------------------------

// Parses the file and its metadata (stage load).
DecryptResult<EncryptedFile> load_file(std::string_view content, Format format);

// Unwraps the data key with the given keys (stage datakey).
DecryptResult<DataKey> unwrap_data_key(const EncryptedFile& file, const Keys& keys);

// Decrypts the values with a known data key and checks the MAC when asked (stages decrypt,
// mac).
// `stash`, when given, receives the IVs of the values (for encrypt_with_key after an edit).
DecryptResult<DecryptedFile> decrypt_with_key(const EncryptedFile& file, const DataKey& key,
                                              const Options& options = {},
                                              IvStash* stash = nullptr);

}  // namespace plumb::sops
