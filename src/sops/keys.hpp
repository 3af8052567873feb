// The data key from the file's master keys: per key group, age keys are tried before PGP
// keys (sops' default decryption order) and the first that unwraps gives the group's part;
// several groups are Shamir shares combined once shamir_threshold of them are known.
// Private to src/sops.
//
// Thread safety: each PGP unwrap uses its own temporary GNUPGHOME, removed afterwards.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sops/file.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

Result<DataKey> data_key_from_groups(const Metadata& metadata, const Keys& keys);

// Which GnuPG home a PgpKeyring works in.
enum class GnupgHome {
  temporary,  // a private one holding only the armored keys given (Flux's way)
  user,       // the user's own ($GNUPGHOME or ~/.gnupg), as the sops CLI; nothing imported
};

// A GnuPG keyring: the temporary one holds the armored keys given, made (and the keys
// imported) on first use, removed with its gpg-agent when destroyed — also after errors.
class PgpKeyring {
 public:
  explicit PgpKeyring(std::span<const std::string> armored, GnupgHome home = GnupgHome::temporary);
  ~PgpKeyring();
  PgpKeyring(const PgpKeyring&) = delete;
  PgpKeyring& operator=(const PgpKeyring&) = delete;

  // The raw bytes an armored PGP message holds. The caller wipes the result.
  Result<std::string> decrypt(std::string_view message);

  // plaintext encrypted to the public key with this fingerprint, armored and trimmed as sops
  // stores it (trust model "always", as sops' gpg call).
  Result<std::string> encrypt(std::string_view fingerprint, std::string_view plaintext);

 private:
  class TempGnupgHome;
  struct Context;
  Result<void> open();

  std::span<const std::string> m_armored;
  GnupgHome m_home_kind;
  bool m_opened = false;
  Result<void> m_open_result;
  // Declared home first: the context (and its engine) goes before the directory.
  std::unique_ptr<TempGnupgHome> m_home;
  std::unique_ptr<Context> m_context;
};

// HashiCorp Vault's shamir.Combine (what sops uses): each part is the share's y bytes followed
// by its x coordinate, GF(2^8) with the AES polynomial.
Result<std::string> shamir_combine(std::span<const std::string> parts);

// Vault's shamir.Split: `parts` shares of secret, any `threshold` of which combine back.
Result<std::vector<std::string>> shamir_split(std::string_view secret, size_t parts,
                                              size_t threshold);

}  // namespace plumb::sops
