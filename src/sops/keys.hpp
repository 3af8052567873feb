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

#include "core/error.hpp"
#include "sops/file.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

Result<DataKey> data_key_from_groups(const Metadata& metadata, const Keys& keys);

// A temporary GnuPG keyring holding the armored secret keys given: made (and the keys
// imported) on the first decrypt, removed with its gpg-agent when destroyed — also after
// errors.
class PgpKeyring {
 public:
  explicit PgpKeyring(std::span<const std::string> armored);
  ~PgpKeyring();
  PgpKeyring(const PgpKeyring&) = delete;
  PgpKeyring& operator=(const PgpKeyring&) = delete;

  // The raw bytes an armored PGP message holds. The caller wipes the result.
  Result<std::string> decrypt(std::string_view message);

 private:
  class TempGnupgHome;
  struct Context;
  Result<void> open();

  std::span<const std::string> m_armored;
  bool m_opened = false;
  Result<void> m_open_result;
  // Declared home first: the context (and its engine) goes before the directory.
  std::unique_ptr<TempGnupgHome> m_home;
  std::unique_ptr<Context> m_context;
};

// HashiCorp Vault's shamir.Combine (what sops uses): each part is the share's y bytes followed
// by its x coordinate, GF(2^8) with the AES polynomial.
Result<std::string> shamir_combine(std::span<const std::string> parts);

}  // namespace plumb::sops
