#include "age/age.hpp"

#include <charconv>

#include "age/bech32.hpp"
#include "age/crypto.hpp"
#include "age/format.hpp"

namespace plumb::age {

// Reads and builds Identity values for this file (Identity keeps its members private).
class IdentityAccess {
 public:
  static Identity make_x25519(std::string secret) {
    Identity id;
    id.m_kind = IdentityKind::x25519;
    id.m_public = crypto::x25519_public(secret);
    id.m_secret = std::move(secret);
    return id;
  }
  static Identity make_passphrase(std::string passphrase, int max_work_factor) {
    Identity id;
    id.m_kind = IdentityKind::passphrase;
    id.m_passphrase = std::move(passphrase);
    id.m_max_work_factor = max_work_factor;
    return id;
  }
  static const std::string& secret(const Identity& id) { return id.m_secret; }
  static const std::string& public_key(const Identity& id) { return id.m_public; }
  static const std::string& passphrase(const Identity& id) { return id.m_passphrase; }
  static int max_work_factor(const Identity& id) { return id.m_max_work_factor; }
};

namespace {

using format::Stanza;

constexpr std::string_view k_x25519_label = "age-encryption.org/v1/X25519";
constexpr std::string_view k_scrypt_label = "age-encryption.org/v1/scrypt";
constexpr std::string_view k_identity_hrp = "age-secret-key-";
constexpr std::string_view k_pq_identity_hrp = "age-secret-key-pq-";
constexpr std::string_view k_recipient_hrp = "age";
constexpr std::string_view k_pq_recipient_hrp = "age1pq";
constexpr size_t k_file_key_size = 16;
constexpr size_t k_wrapped_key_size = k_file_key_size + crypto::k_tag_size;
constexpr size_t k_chunk_size = 64 * 1024;
constexpr size_t k_sealed_chunk_size = k_chunk_size + crypto::k_tag_size;
constexpr int k_scrypt_salt_size = 16;

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return s;
}

std::unexpected<DecryptError> failure(Failure failure, std::string message) {
  return std::unexpected(DecryptError(failure, "age: " + std::move(message)));
}

// A file key wrapped with ChaCha20-Poly1305 under `key` and the all-zero nonce.
std::string wrap_file_key(std::string_view key, std::string_view file_key) {
  return crypto::seal(key, std::string(12, '\0'), file_key);
}
std::optional<std::string> unwrap_file_key(std::string_view key, std::string_view wrapped) {
  return crypto::open(key, std::string(12, '\0'), wrapped);
}

// What an identity makes of one stanza: the file key, nothing (not this identity's), or an
// error (the stanza is of the identity's type but malformed: a header failure).
using Unwrapped = Result<std::optional<std::string>>;

Unwrapped unwrap_x25519(const Identity& id, const Stanza& s) {
  if (s.type != "X25519") return std::nullopt;
  if (s.args.size() != 1)
    return fail("X25519 stanza with ", std::to_string(s.args.size()),
                " arguments (want 1, the ephemeral share)");
  auto share = format::decode_base64_raw(s.args[0]);
  if (!share || share->size() != 32)
    return fail("X25519 stanza: the share is not 32 bytes in canonical base64");
  if (s.body.size() != k_wrapped_key_size)
    return fail("X25519 stanza: the wrapped file key is ", std::to_string(s.body.size()),
                " bytes (want 32)");
  auto shared = crypto::x25519(IdentityAccess::secret(id), *share);
  if (!shared) return fail("X25519 stanza: the share is a low-order point");
  std::string key =
      crypto::hkdf_sha256(*shared, *share + IdentityAccess::public_key(id), k_x25519_label, 32);
  crypto::cleanse(*shared);
  auto file_key = unwrap_file_key(key, s.body);
  crypto::cleanse(key);
  return file_key;
}

// The work factor argument: a decimal number without sign or leading zeros, 1 or more.
std::optional<int> parse_work_factor(std::string_view text) {
  if (text.empty() || text.size() > 2 || text[0] == '0') return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Unwrapped unwrap_scrypt(const Identity& id, const Stanza& s) {
  if (s.type != "scrypt") return std::nullopt;
  if (s.args.size() != 2)
    return fail("scrypt stanza with ", std::to_string(s.args.size()),
                " arguments (want 2, salt and work factor)");
  auto salt = format::decode_base64_raw(s.args[0]);
  if (!salt || salt->size() != k_scrypt_salt_size)
    return fail("scrypt stanza: the salt is not 16 bytes in canonical base64");
  auto work_factor = parse_work_factor(s.args[1]);
  if (!work_factor)
    return fail("scrypt stanza: the work factor \"", s.args[1],
                "\" is not a decimal number from 1");
  if (*work_factor > IdentityAccess::max_work_factor(id))
    return fail("scrypt stanza: work factor ", s.args[1], " is above the limit ",
                std::to_string(IdentityAccess::max_work_factor(id)));
  if (s.body.size() != k_wrapped_key_size)
    return fail("scrypt stanza: the wrapped file key is ", std::to_string(s.body.size()),
                " bytes (want 32)");
  auto key = crypto::scrypt(IdentityAccess::passphrase(id), std::string(k_scrypt_label) + *salt,
                            *work_factor);
  if (!key) return fail("scrypt stanza: scrypt with work factor ", s.args[1], " failed");
  auto file_key = unwrap_file_key(*key, s.body);
  crypto::cleanse(*key);
  return file_key;
}

Unwrapped unwrap(const Identity& id, const Stanza& s) {
  return id.kind() == IdentityKind::x25519 ? unwrap_x25519(id, s) : unwrap_scrypt(id, s);
}

// "2 recipients (X25519, X25519)"
std::string describe_recipients(const std::vector<Stanza>& stanzas) {
  constexpr size_t k_listed = 8;
  std::string out =
      std::to_string(stanzas.size()) + (stanzas.size() == 1 ? " recipient (" : " recipients (");
  for (size_t i = 0; i < stanzas.size() && i < k_listed; ++i) {
    if (i > 0) out += ", ";
    out += stanzas[i].type.substr(0, 32);
  }
  if (stanzas.size() > k_listed) out += ", ...";
  return out + ")";
}

// The STREAM nonce of chunk `counter`: 11 bytes big-endian counter, then the last-chunk flag.
std::string chunk_nonce(uint64_t counter, bool last) {
  std::string nonce(12, '\0');
  for (int i = 0; i < 8; ++i)
    nonce[size_t(10 - i)] = char(uint8_t(counter >> (8 * i)));
  nonce[11] = last ? 1 : 0;
  return nonce;
}

// Chunk by chunk, releasing each chunk that authenticates as a streaming reader would (the
// released plaintext is what a payload failure's partial_plaintext holds). A full-size chunk
// is the last one if it authenticates with the last-chunk flag; then nothing may follow it.
DecryptResult decrypt_payload(std::string_view payload_key, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() / k_sealed_chunk_size * k_chunk_size + k_chunk_size);
  auto fail_payload = [&](std::string message) {
    auto error = failure(Failure::payload, std::move(message));
    error.error().partial_plaintext = std::move(out);
    return error;
  };
  size_t pos = 0;
  for (uint64_t counter = 0;; ++counter) {
    const std::string name = "payload chunk " + std::to_string(counter + 1);
    size_t remaining = payload.size() - pos;
    if (remaining >= k_sealed_chunk_size) {
      std::string_view chunk = payload.substr(pos, k_sealed_chunk_size);
      pos += chunk.size();
      if (auto plaintext = crypto::open(payload_key, chunk_nonce(counter, false), chunk)) {
        out += *plaintext;
        if (pos == payload.size())
          return fail_payload("the payload ends after " + name + " without a final chunk");
        continue;
      }
      auto plaintext = crypto::open(payload_key, chunk_nonce(counter, true), chunk);
      if (!plaintext) return fail_payload(name + " does not authenticate");
      out += *plaintext;
      if (pos != payload.size()) return fail_payload("data after the final chunk (" + name + ")");
      return out;
    }
    if (remaining == 0 && counter == 0) return fail_payload("the payload is empty (no chunk)");
    if (remaining < crypto::k_tag_size) return fail_payload(name + " is truncated");
    if (remaining == crypto::k_tag_size && counter > 0)
      return fail_payload("the final chunk is empty (only an empty file may end so)");
    auto plaintext = crypto::open(payload_key, chunk_nonce(counter, true), payload.substr(pos));
    if (!plaintext) return fail_payload(name + " (the final one) does not authenticate");
    out += *plaintext;
    return out;
  }
}

Result<std::string> parse_recipient(const std::string& text) {
  auto decoded = bech32_decode(text);
  if (decoded && decoded->hrp == k_pq_recipient_hrp)
    return fail("age: recipient \"", text,
                "\": post-quantum hybrid recipients (age1pq1…) are not supported (OpenSSL 3.0 "
                "has no ML-KEM-768)");
  if (!decoded || decoded->hrp != k_recipient_hrp || decoded->data.size() != 32)
    return fail("age: recipient \"", text, "\" is not an X25519 age recipient (age1…)");
  return std::move(decoded->data);
}

}  // namespace

Identity Identity::x25519(const std::array<uint8_t, 32>& secret) {
  return IdentityAccess::make_x25519(std::string(secret.begin(), secret.end()));
}

Identity::~Identity() {
  crypto::cleanse(m_secret);
  crypto::cleanse(m_passphrase);
}

Result<Identity> parse_identity(std::string_view key) {
  auto decoded = bech32_decode(key);
  if (decoded && decoded->hrp == k_pq_identity_hrp)
    return fail(
        "post-quantum hybrid keys (AGE-SECRET-KEY-PQ-1…) are not supported "
        "(OpenSSL 3.0 has no ML-KEM-768)");
  if (!decoded || decoded->hrp != k_identity_hrp || decoded->data.size() != 32) {
    if (decoded) crypto::cleanse(decoded->data);
    return fail("not an X25519 age secret key (AGE-SECRET-KEY-1…)");
  }
  return IdentityAccess::make_x25519(std::move(decoded->data));
}

Result<std::vector<Identity>> parse_identities(std::string_view text) {
  std::vector<Identity> out;
  size_t number = 0;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    if (line.empty() || line.starts_with('#')) continue;
    auto identity = parse_identity(line);
    if (!identity)
      return fail("age: key file line ", std::to_string(number), ": ", identity.error().message());
    out.push_back(std::move(*identity));
  }
  if (out.empty()) return fail("age: the key file holds no AGE-SECRET-KEY-1… key");
  return out;
}

Identity passphrase_identity(std::string passphrase, int max_work_factor) {
  return IdentityAccess::make_passphrase(std::move(passphrase), max_work_factor);
}

std::string recipient_of(const Identity& x25519) {
  if (x25519.kind() != IdentityKind::x25519) return {};
  return bech32_encode(k_recipient_hrp, IdentityAccess::public_key(x25519));
}

Result<Identity> generate_identity() {
  return IdentityAccess::make_x25519(crypto::random_bytes(32));
}

std::string to_string(const Identity& identity) {
  if (identity.kind() != IdentityKind::x25519) return {};
  return upper(bech32_encode(k_identity_hrp, IdentityAccess::secret(identity)));
}

std::string_view to_string(Failure failure) {
  switch (failure) {
    case Failure::no_match:
      return "no match";
    case Failure::header:
      return "header failure";
    case Failure::hmac:
      return "HMAC failure";
    case Failure::payload:
      return "payload failure";
    case Failure::armor:
      return "armor failure";
  }
  return "?";
}

DecryptResult decrypt(std::string_view file, std::span<const Identity> identities) {
  std::string dearmored;
  if (format::looks_armored(file)) {
    auto binary = format::dearmor(file);
    if (!binary) return failure(Failure::armor, "armor: " + binary.error().message());
    dearmored = std::move(*binary);
    file = dearmored;
  }
  auto header = format::parse_header(file);
  if (!header) return failure(Failure::header, "header: " + header.error().message());

  std::optional<std::string> file_key;
  for (const Identity& id : identities) {
    for (const Stanza& stanza : header->stanzas) {
      auto unwrapped = unwrap(id, stanza);
      if (!unwrapped) return failure(Failure::header, "header: " + unwrapped.error().message());
      if (*unwrapped) {
        file_key = std::move(*unwrapped);
        break;
      }
    }
    if (file_key) break;
  }
  if (!file_key) {
    if (identities.empty())
      return failure(Failure::no_match,
                     "no identities to try on the file's " + describe_recipients(header->stanzas));
    return failure(Failure::no_match, std::string("no identity matched ") +
                                          (header->stanzas.size() == 1 ? "" : "any of ") +
                                          "the file's " + describe_recipients(header->stanzas));
  }
  // The wrapped key decrypted to 16 bytes: the stanza parsers check the body size.
  std::string mac_key = crypto::hkdf_sha256(*file_key, "", "header", 32);
  bool mac_ok = crypto::equal(crypto::hmac_sha256(mac_key, header->mac_input), header->mac);
  crypto::cleanse(mac_key);
  if (!mac_ok) {
    crypto::cleanse(*file_key);
    return failure(Failure::hmac, "header MAC mismatch (the header was altered)");
  }
  std::string payload_key = crypto::hkdf_sha256(*file_key, header->nonce, "payload", 32);
  crypto::cleanse(*file_key);
  auto plaintext = decrypt_payload(payload_key, header->payload);
  crypto::cleanse(payload_key);
  return plaintext;
}

Result<std::string> encrypt(std::string_view plaintext, std::span<const std::string> recipients,
                            bool armor) {
  if (recipients.empty()) return fail("age: encrypt: no recipients");
  std::vector<std::string> public_keys;
  for (const std::string& r : recipients)
    public_keys.push_back(TRY(parse_recipient(r)));

  std::string file_key = crypto::random_bytes(k_file_key_size);
  std::vector<Stanza> stanzas;
  for (size_t i = 0; i < public_keys.size(); ++i) {
    std::string ephemeral = crypto::random_bytes(32);
    std::string share = crypto::x25519_public(ephemeral);
    auto shared = crypto::x25519(ephemeral, public_keys[i]);
    crypto::cleanse(ephemeral);
    if (!shared)
      return fail("age: recipient \"", recipients[i], "\" is a low-order point, not a public key");
    std::string key = crypto::hkdf_sha256(*shared, share + public_keys[i], k_x25519_label, 32);
    crypto::cleanse(*shared);
    stanzas.push_back({"X25519", {format::encode_base64_raw(share)}, wrap_file_key(key, file_key)});
    crypto::cleanse(key);
  }
  std::string out = format::header_without_mac(stanzas);
  std::string mac_key = crypto::hkdf_sha256(file_key, "", "header", 32);
  std::string mac = crypto::hmac_sha256(mac_key, out);
  out += ' ';
  out += format::encode_base64_raw(mac);
  out += '\n';
  crypto::cleanse(mac_key);

  std::string nonce = crypto::random_bytes(format::k_nonce_size);
  out += nonce;
  std::string payload_key = crypto::hkdf_sha256(file_key, nonce, "payload", 32);
  crypto::cleanse(file_key);
  out.reserve(out.size() + plaintext.size() + (plaintext.size() / k_chunk_size + 1) * 16);
  // Chunks of 64 KiB; the last one may be full, and is empty only for an empty plaintext.
  size_t pos = 0;
  for (uint64_t counter = 0;; ++counter) {
    size_t n = std::min(k_chunk_size, plaintext.size() - pos);
    bool last = pos + n == plaintext.size();
    out += crypto::seal(payload_key, chunk_nonce(counter, last), plaintext.substr(pos, n));
    pos += n;
    if (last) break;
  }
  crypto::cleanse(payload_key);
  return armor ? format::armor(out) : out;
}

}  // namespace plumb::age
