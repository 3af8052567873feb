#include "sops/keys.hpp"

#include <fcntl.h>
#include <gpgme.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/lazy_library.hpp"

extern char** environ;

namespace plumb::sops {

// GnuPG's gpgme, loaded on first use (core/lazy_library.hpp says why): only files with PGP
// keys need it.
static LazyLibrary& gpgme_library() {
  static LazyLibrary library({"libgpgme.so.11"}, "PGP data keys (gpgme)");
  return library;
}

#define PLUMB_GPGME(fn) PLUMB_LAZY_FUNCTION(gpgme_library(), fn)
#define gpgme_check_version_internal PLUMB_GPGME(gpgme_check_version_internal)
#define gpgme_ctx_set_engine_info PLUMB_GPGME(gpgme_ctx_set_engine_info)
#define gpgme_data_new PLUMB_GPGME(gpgme_data_new)
#define gpgme_data_new_from_mem PLUMB_GPGME(gpgme_data_new_from_mem)
#define gpgme_data_release PLUMB_GPGME(gpgme_data_release)
#define gpgme_data_release_and_get_mem PLUMB_GPGME(gpgme_data_release_and_get_mem)
#define gpgme_free PLUMB_GPGME(gpgme_free)
#define gpgme_new PLUMB_GPGME(gpgme_new)
#define gpgme_get_key PLUMB_GPGME(gpgme_get_key)
#define gpgme_key_unref PLUMB_GPGME(gpgme_key_unref)
#define gpgme_op_decrypt PLUMB_GPGME(gpgme_op_decrypt)
#define gpgme_op_encrypt PLUMB_GPGME(gpgme_op_encrypt)
#define gpgme_set_armor PLUMB_GPGME(gpgme_set_armor)
#define gpgme_op_import PLUMB_GPGME(gpgme_op_import)
#define gpgme_release PLUMB_GPGME(gpgme_release)
#define gpgme_set_offline PLUMB_GPGME(gpgme_set_offline)
#define gpgme_set_pinentry_mode PLUMB_GPGME(gpgme_set_pinentry_mode)
#define gpgme_strerror_r PLUMB_GPGME(gpgme_strerror_r)

namespace {

void wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
}

std::string gpg_error_text(gpgme_error_t err) {
  char buf[256];
  gpgme_strerror_r(err, buf, sizeof buf);
  return buf;
}

struct Data {
  gpgme_data_t data = nullptr;
  ~Data() {
    if (data) gpgme_data_release(data);
  }
};

}  // namespace

// A private GNUPGHOME, removed (and its gpg-agent stopped) when destroyed.
class PgpKeyring::TempGnupgHome {
 public:
  TempGnupgHome() {
    std::string base = std::filesystem::temp_directory_path().string();
    std::string pattern = base + "/plumb-gnupg-XXXXXX";
    if (mkdtemp(pattern.data())) m_path = pattern;
  }
  ~TempGnupgHome() {
    if (m_path.empty()) return;
    // gpg starts an agent for secret-key operations; stop it before removing its home.
    const char* argv[] = {"gpgconf", "--homedir", m_path.c_str(), "--kill", "all", nullptr};
    pid_t pid = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid, "gpgconf", &actions, nullptr, const_cast<char**>(argv), environ) == 0) {
      int status = 0;
      waitpid(pid, &status, 0);
    }
    posix_spawn_file_actions_destroy(&actions);
    // The agent may still be writing while it stops: a removal that races it is repeated.
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::error_code ec;
      std::filesystem::remove_all(m_path, ec);
      if (!std::filesystem::exists(m_path, ec)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
    }
  }
  TempGnupgHome(const TempGnupgHome&) = delete;
  TempGnupgHome& operator=(const TempGnupgHome&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

struct PgpKeyring::Context {
  gpgme_ctx_t ctx = nullptr;
  ~Context() {
    if (ctx) gpgme_release(ctx);
  }
};

PgpKeyring::PgpKeyring(std::span<const std::string> armored, GnupgHome home)
    : m_armored(armored), m_home_kind(home) {}

PgpKeyring::~PgpKeyring() = default;

Result<void> PgpKeyring::open() {
  static std::once_flag once;
  std::call_once(once, [] { gpgme_check_version(nullptr); });
  m_context = std::make_unique<Context>();
  if (auto err = gpgme_new(&m_context->ctx)) return fail("gpgme: ", gpg_error_text(err));
  gpgme_set_offline(m_context->ctx, 1);
  // The user's keyring: gpg's own home ($GNUPGHOME or ~/.gnupg) and its pinentry, untouched.
  if (m_home_kind == GnupgHome::user) return {};
  m_home = std::make_unique<TempGnupgHome>();
  if (m_home->path().empty()) return fail("cannot create a temporary GNUPGHOME");
  if (auto err = gpgme_ctx_set_engine_info(m_context->ctx, GPGME_PROTOCOL_OpenPGP, nullptr,
                                           m_home->path().c_str()))
    return fail("gpgme: ", gpg_error_text(err));
  gpgme_set_pinentry_mode(m_context->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
  for (const std::string& key : m_armored) {
    Data in;
    if (gpgme_data_new_from_mem(&in.data, key.data(), key.size(), 0))
      return fail("gpgme: out of memory");
    if (auto err = gpgme_op_import(m_context->ctx, in.data))
      return fail("importing a PGP key: ", gpg_error_text(err));
  }
  return {};
}

Result<std::string> PgpKeyring::encrypt(std::string_view fingerprint, std::string_view plaintext) {
  if (!m_opened) {
    m_opened = true;
    m_open_result = open();
  }
  if (!m_open_result) return std::unexpected(m_open_result.error());
  std::string fpr(fingerprint);
  gpgme_key_t key = nullptr;
  if (auto err = gpgme_get_key(m_context->ctx, fpr.c_str(), &key, 0))
    return fail("PGP key ", fpr, ": ", gpg_error_text(err));
  struct KeyRef {
    gpgme_key_t key;
    ~KeyRef() { gpgme_key_unref(key); }
  } key_ref{key};
  gpgme_key_t recipients[] = {key, nullptr};
  Data in, out;
  if (gpgme_data_new_from_mem(&in.data, plaintext.data(), plaintext.size(), 0) ||
      gpgme_data_new(&out.data))
    return fail("gpgme: out of memory");
  gpgme_set_armor(m_context->ctx, 1);
  auto flags =
      static_cast<gpgme_encrypt_flags_t>(GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO);
  if (auto err = gpgme_op_encrypt(m_context->ctx, recipients, flags, in.data, out.data))
    return fail("PGP key ", fpr, ": ", gpg_error_text(err));
  size_t length = 0;
  char* bytes = gpgme_data_release_and_get_mem(out.data, &length);
  out.data = nullptr;
  std::string armored(bytes ? bytes : "", bytes ? length : 0);
  if (bytes) gpgme_free(bytes);
  // sops keeps gpg's output with surrounding whitespace trimmed.
  while (!armored.empty() && std::isspace(static_cast<unsigned char>(armored.back())))
    armored.pop_back();
  return armored;
}

Result<std::string> PgpKeyring::decrypt(std::string_view message) {
  if (m_armored.empty() && m_home_kind == GnupgHome::temporary) return fail("no PGP keys given");
  if (!m_opened) {
    m_opened = true;
    m_open_result = open();
  }
  if (!m_open_result) return std::unexpected(m_open_result.error());
  Data in, out;
  if (gpgme_data_new_from_mem(&in.data, message.data(), message.size(), 0) ||
      gpgme_data_new(&out.data))
    return fail("gpgme: out of memory");
  if (auto err = gpgme_op_decrypt(m_context->ctx, in.data, out.data))
    return fail("PGP: ", gpg_error_text(err));
  size_t length = 0;
  char* bytes = gpgme_data_release_and_get_mem(out.data, &length);
  out.data = nullptr;
  std::string plain(bytes ? bytes : "", bytes ? length : 0);
  if (bytes) {
    OPENSSL_cleanse(bytes, length);
    gpgme_free(bytes);
  }
  return plain;
}

namespace {

// The group's part: the first master key that unwraps it, age keys first.
Result<std::string> group_part(const KeyGroup& group, const Keys& keys, PgpKeyring& pgp) {
  std::string errors;
  auto note = [&](std::string_view what, const Error& error) {
    if (!errors.empty()) errors += "; ";
    errors += what;
    errors += ": ";
    errors += error.message();
  };
  for (const AgeStanza& stanza : group.age) {
    if (keys.age.empty()) continue;
    auto part = age::decrypt(stanza.enc, keys.age);
    if (part) return std::move(*part);
    note("age " + stanza.recipient, part.error());
  }
  for (const PgpStanza& stanza : group.pgp) {
    if (keys.pgp_armored.empty() && !keys.pgp_user_keyring) continue;
    auto part = pgp.decrypt(stanza.enc);
    if (part) return part;
    note("pgp " + stanza.fingerprint, part.error());
  }
  if (errors.empty()) return fail("no key given matches the file's master keys");
  return fail(errors);
}

}  // namespace

Result<DataKey> data_key_from_groups(const Metadata& metadata, const Keys& keys) {
  if (metadata.key_groups.empty()) return fail("the file has no key groups");
  PgpKeyring pgp(keys.pgp_armored, keys.pgp_user_keyring ? GnupgHome::user : GnupgHome::temporary);
  std::vector<std::string> parts;
  std::string errors;
  size_t threshold =
      metadata.key_groups.size() == 1
          ? 1
          : (metadata.shamir_threshold > 0 ? static_cast<size_t>(metadata.shamir_threshold)
                                           : metadata.key_groups.size());
  for (size_t i = 0; i < metadata.key_groups.size() && parts.size() < threshold; ++i) {
    auto part = group_part(metadata.key_groups[i], keys, pgp);
    if (part) {
      parts.push_back(std::move(*part));
    } else {
      if (!errors.empty()) errors += "; ";
      errors += "group " + std::to_string(i + 1) + ": " + part.error().message();
    }
  }
  struct WipeAll {
    std::vector<std::string>& v;
    ~WipeAll() {
      for (auto& s : v)
        wipe(s);
    }
  } wipe_parts{parts};
  if (parts.size() < threshold)
    return fail("cannot get the data key: ", std::to_string(parts.size()), " of ",
                std::to_string(threshold), " key groups unwrapped (", errors, ")");
  std::string key;
  if (metadata.key_groups.size() == 1) {
    key = parts[0];
  } else {
    key = TRY(shamir_combine(parts));
  }
  if (key.size() != DataKey::size()) {
    wipe(key);
    return fail("the unwrapped data key is not 32 bytes");
  }
  DataKey out(std::span<const uint8_t, 32>(reinterpret_cast<const uint8_t*>(key.data()), 32));
  wipe(key);
  return out;
}

}  // namespace plumb::sops
