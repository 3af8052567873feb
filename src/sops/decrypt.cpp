// decrypt_file and its stages: the tree walk that decrypts values by the file's rule, and
// the MAC.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "sops/cipher.hpp"
#include "sops/keys.hpp"
#include "sops/rule_regex.hpp"
#include "sops/sops.hpp"
#include "sops/stores.hpp"
#include "sops/tree.hpp"

namespace plumb::sops {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::load:
      return "load";
    case Stage::datakey:
      return "datakey";
    case Stage::decrypt:
      return "decrypt";
    case Stage::mac:
      return "mac";
    case Stage::emit:
      return "emit";
  }
  return "?";
}

Format format_from_path(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto ends = [&](std::string_view ext) { return name.ends_with(ext); };
  if (ends(".yaml") || ends(".yml")) return Format::yaml;
  if (ends(".json")) return Format::json;
  if (ends(".env")) return Format::dotenv;
  if (ends(".ini")) return Format::ini;
  return Format::binary;
}

bool is_sops_encrypted(std::string_view content, Format format) {
  switch (format) {
    case Format::yaml:
      return content.find("mac: ENC[") != std::string_view::npos;
    case Format::json:
    case Format::binary:
      return content.find("\"mac\": \"ENC[") != std::string_view::npos;
    case Format::dotenv:
      return content.find("sops_mac=ENC[") != std::string_view::npos;
    case Format::ini:
      return content.find("[sops]") != std::string_view::npos;
  }
  return false;
}

namespace {

std::unexpected<DecryptError> stage_error(Stage stage, const Error& error) {
  std::string message = "sops: ";
  message += stage_name(stage);
  message += ": ";
  message += error.message();
  return std::unexpected(DecryptError{stage, Error(std::move(message))});
}

struct DigestFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Which values the file's rule encrypts. A key on the path decides (suffix or regex, tested
// against every key from the root). The comment rules depend on comments before a key, which
// the core YAML reader does not keep: there a value is taken as encrypted when it has the
// envelope's shape — the same answer for every file sops wrote.
class Rule {
 public:
  explicit Rule(const Metadata& md) : m_kind(md.rule), m_value(md.rule_value) {
    if (m_kind == RuleKind::unencrypted_regex || m_kind == RuleKind::encrypted_regex) {
      // load_file has compiled it already; a rule that does not compile matches nothing.
      auto regex = RuleRegex::compile(m_value);
      if (regex) m_regex = std::move(*regex);
    }
  }

  bool encrypted(std::span<const std::string_view> path, const Node& value) const {
    auto matches = [&](std::string_view key) { return m_regex && m_regex->search(key); };
    switch (m_kind) {
      case RuleKind::unencrypted_suffix:
        for (auto key : path)
          if (key.ends_with(m_value)) return false;
        return true;
      case RuleKind::encrypted_suffix:
        for (auto key : path)
          if (key.ends_with(m_value)) return true;
        return false;
      case RuleKind::unencrypted_regex:
        for (auto key : path)
          if (matches(key)) return false;
        return true;
      case RuleKind::encrypted_regex:
        for (auto key : path)
          if (matches(key)) return true;
        return false;
      case RuleKind::unencrypted_comment_regex:
      case RuleKind::encrypted_comment_regex:
        return value.is_string() && looks_encrypted(value.as_string());
    }
    return true;
  }

 private:
  RuleKind m_kind;
  std::string m_value;
  std::optional<RuleRegex> m_regex;
};

// The walk sops does in both directions: the values the rule marks are decrypted (or
// encrypted) with the key path as additional data, and the clear values feed the MAC.
class TreeCipher {
 public:
  TreeCipher(const Metadata& md, const DataKey& key, Direction direction, IvStash* record,
             const IvStash* reuse)
      : m_md(md),
        m_key(key),
        m_direction(direction),
        m_record(record),
        m_reuse(reuse),
        m_rule(md),
        m_hash(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(m_hash.get(), EVP_sha512(), nullptr);
    if (md.mac_only_encrypted) {
      unsigned char prefix[32];
      static constexpr std::string_view k_sops = "sops";
      EVP_Digest(k_sops.data(), k_sops.size(), prefix, nullptr, EVP_sha256(), nullptr);
      EVP_DigestUpdate(m_hash.get(), prefix, sizeof prefix);
    }
  }

  Result<void> walk(Node& node) { return walk_node(node); }

  // The upper-case hex SHA-512 of the values seen.
  std::string mac() {
    unsigned char digest[64];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_hash.get(), digest, &len);
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += k_hex[digest[i] >> 4];
      out += k_hex[digest[i] & 15];
    }
    return out;
  }

 private:
  Result<void> walk_node(Node& node) {
    if (node.is_map()) {
      for (auto& entry : node.entries_mut()) {
        m_path.push_back(entry.key.as_string());
        size_t display_size = m_display.size();
        if (!m_display.empty()) m_display += '.';
        m_display += entry.key.as_string();
        TRY_VOID(walk_node(entry.value));
        m_display.resize(display_size);
        m_path.pop_back();
      }
      return {};
    }
    if (node.is_list()) {
      size_t index = 0;
      for (auto& item : node.items_mut()) {
        size_t display_size = m_display.size();
        m_display += '[' + std::to_string(index++) + ']';
        TRY_VOID(walk_node(item));
        m_display.resize(display_size);
      }
      return {};
    }
    if (node.is_null()) return {};
    return leaf(node);
  }

  Result<void> leaf(Node& node) {
    bool encrypted = m_rule.encrypted(m_path, node);
    std::string additional_data;
    if (encrypted) {
      for (auto key : m_path) {
        additional_data += key;
        additional_data += ':';
      }
    }
    if (encrypted && m_direction == Direction::decrypt) {
      if (!node.is_string()) return fail("value at ", display(), ": expected an encrypted string");
      auto clear = decrypt_value(node.as_string(), m_key, additional_data);
      if (!clear) return fail("value at ", display(), ": ", clear.error().message());
      node = std::move(clear->value);
      if (m_record && !clear->iv.empty())
        m_record->put(IvStash::key_of(node, additional_data), std::move(clear->iv));
    }
    if (encrypted || !m_md.mac_only_encrypted) {
      std::string bytes = mac_bytes(node);
      EVP_DigestUpdate(m_hash.get(), bytes.data(), bytes.size());
      OPENSSL_cleanse(bytes.data(), bytes.size());
    }
    if (encrypted && m_direction == Direction::encrypt) {
      std::string_view iv;
      std::string stash_key;
      if (m_reuse) {
        stash_key = IvStash::key_of(node, additional_data);
        iv = m_reuse->find(stash_key);
      }
      auto sealed = encrypt_value(node, m_key, additional_data, iv);
      OPENSSL_cleanse(stash_key.data(), stash_key.size());
      if (!sealed) return fail("value at ", display(), ": ", sealed.error().message());
      node = Node::string(*sealed);
    }
    return {};
  }

  std::string display() const { return m_display.empty() ? "(root)" : m_display; }

  const Metadata& m_md;
  const DataKey& m_key;
  Direction m_direction;
  IvStash* m_record;
  const IvStash* m_reuse;
  Rule m_rule;
  std::unique_ptr<EVP_MD_CTX, DigestFree> m_hash;
  std::vector<std::string_view> m_path;
  std::string m_display;
};

}  // namespace

IvStash::~IvStash() {
  for (auto& [key, iv] : m_entries) {
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(iv.data(), iv.size());
  }
}

std::string IvStash::key_of(const Node& value, std::string_view additional_data) {
  std::string key(1, static_cast<char>(value.type()));
  key += additional_data;
  key += '\0';
  key += mac_bytes(value);
  return key;
}

void IvStash::put(std::string key, std::string iv) {
  auto at = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  if (at != m_entries.end() && at->first == key) return;
  m_entries.insert(at, {std::move(key), std::move(iv)});
}

std::string_view IvStash::find(const std::string& key) const {
  auto at = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  if (at == m_entries.end() || at->first != key) return {};
  return at->second;
}

Result<std::string> cipher_tree(std::span<Node> documents, const Metadata& metadata,
                                const DataKey& key, Direction direction, IvStash* record,
                                const IvStash* reuse) {
  TreeCipher walker(metadata, key, direction, record, reuse);
  for (Node& document : documents)
    TRY_VOID(walker.walk(document));
  return walker.mac();
}

DecryptResult<EncryptedFile> load_file(std::string_view content, Format format) {
  auto file = load_store(content, format);
  if (!file) return stage_error(Stage::load, file.error());
  return std::move(*file);
}

DecryptResult<DecryptedFile> decrypt_with_key(const EncryptedFile& file, const DataKey& key,
                                              const Options& options, IvStash* stash) {
  DecryptedFile out;
  out.format = file.format;
  out.documents = file.documents;
  auto computed = cipher_tree(out.documents, file.metadata, key, Direction::decrypt, stash);
  if (!computed) return stage_error(Stage::decrypt, computed.error());
  for (const LineComment& comment : file.comments) {
    auto clear = decrypt_value(comment.text, key, ":");
    out.comments.push_back(
        {comment.position, clear ? std::string(clear->value.as_string()) : comment.text});
  }
  if (options.verify_mac == VerifyMac::yes) {
    if (file.metadata.mac.empty()) return stage_error(Stage::mac, Error("the file has no MAC"));
    auto stored = decrypt_value(file.metadata.mac, key, file.metadata.mac_additional_data);
    if (!stored)
      return stage_error(Stage::mac, Error("cannot decrypt the MAC: " + stored.error().message()));
    if (stored->value.as_string() != *computed)
      return stage_error(Stage::mac, Error("MAC mismatch: the file was changed after encryption"));
  }
  return out;
}

DecryptResult<DataKey> unwrap_data_key(const EncryptedFile& file, const Keys& keys) {
  auto key = data_key_from_groups(file.metadata, keys);
  if (!key) return stage_error(Stage::datakey, key.error());
  return std::move(*key);
}

DecryptResult<DecryptedFile> decrypt_file(std::string_view content, Format format, const Keys& keys,
                                          const Options& options) {
  auto file = load_file(content, format);
  if (!file) return std::unexpected(std::move(file).error());
  auto key = unwrap_data_key(*file, keys);
  if (!key) return std::unexpected(std::move(key).error());
  return decrypt_with_key(*file, *key, options);
}

}  // namespace plumb::sops
