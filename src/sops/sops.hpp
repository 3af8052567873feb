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
#include <string>
#include <string_view>
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

// The file as `sops --decrypt` prints it: JSON (tab indent, Go's escaping), dotenv and
// binary (the raw bytes). YAML and INI printing are not implemented (stage emit).
DecryptResult<std::string> print_file(const DecryptedFile& file);

// ---- lower level, for tests and tools ------------------------------------------------

// Parses the file and its metadata (stage load).
DecryptResult<EncryptedFile> load_file(std::string_view content, Format format);

// Unwraps the data key with the given keys (stage datakey).
DecryptResult<DataKey> unwrap_data_key(const EncryptedFile& file, const Keys& keys);

// Decrypts the values with a known data key and checks the MAC when asked (stages decrypt,
// mac).
DecryptResult<DecryptedFile> decrypt_with_key(const EncryptedFile& file, const DataKey& key,
                                              const Options& options = {});

}  // namespace plumb::sops
