// A Kustomization's spec.decryption (provider sops), as Flux's kustomize-controller applies it:
//
//   DecryptionKeys keys = TRY(keys_from_secret(secret, "apps/sops-keys"));
//   TRY(decrypt_sources(overlay, "/source/apps", keys));      // before the kustomize build
//   objects = TRY(decrypt_objects(std::move(objects), keys));  // after it
//
// Keys come from a Secret's entries by name: `*.agekey` (age key files) and `*.asc` (armored
// PGP secret keys); the controller-wide Secret (`--sops-age-secret`) gives only its age keys.
// Entries for services Plumb cannot reach (cloud KMS, Vault) are remembered so that a file that
// needs them fails naming them; so are age's post-quantum keys (ML-KEM-768 is not in OpenSSL
// 3.0), dropped from the key files that hold them.
//
// Before the build, the files kustomization files refer to for secretGenerator `files` and
// `envs` and for `patches` are decrypted when they carry SOPS metadata (format from the key or
// file name; an env file is dotenv), written back over the tree in an overlay, so generators and
// their name hashes see plaintext. The walk follows `resources` and `components` directories
// from the Kustomization's path and never leaves the source tree. After the build, every object
// with `sops.mac` is decrypted whole, and each Secret `data` value that is itself a SOPS
// document (found by its format's marker) is decrypted and printed in the format its key names.
// An object annotated kustomize.toolkit.fluxcd.io/decrypt: disabled is left as it is.
//
// The MAC is not checked, as Flux does not: kustomize rewrites objects (prefixes, namespaces),
// so a MAC over the clear values would rarely match; the AES-GCM tag of every value still
// refuses a tampered value. Errors use kustomize-controller's words, name the file or object,
// and never hold decrypted data or key material.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/node.hpp"
#include "sops/sops.hpp"

namespace plumb::controller {

inline constexpr std::string_view k_decrypt_key = "kustomize.toolkit.fluxcd.io/decrypt";
// Flux's limit on one encrypted source file.
inline constexpr size_t k_max_encrypted_file_size = size_t(5) << 20;

struct DecryptionKeys {
  sops::Keys keys;
  // Entries Plumb cannot decrypt with, each named with why: "'sops.vault-token' (Vault)".
  std::vector<std::string> unusable;
};

enum class KeyEntries { all, age_only };

// The keys of a decryption Secret (`data` base64 as the API gives it, or `stringData`);
// `secret_id` is "namespace/name" for errors. A key file that does not parse is an error naming
// its entry.
Result<DecryptionKeys> keys_from_secret(const Node& secret, std::string_view secret_id,
                                        KeyEntries entries = KeyEntries::all);

// Decrypts, into `overlay`, the generator sources and patch files of the kustomization in
// `dir` and of every directory its resources and components reach, under `root` only.
// Returns how many files it decrypted.
Result<size_t> decrypt_sources(OverlayFileSystem& overlay, std::string_view root,
                               std::string_view dir, const DecryptionKeys& keys);

// Decrypts the rendered objects that carry SOPS data.
Result<std::vector<Node>> decrypt_objects(std::vector<Node> objects, const DecryptionKeys& keys);

}  // namespace plumb::controller
