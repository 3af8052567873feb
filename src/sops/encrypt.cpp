// Encryption as `sops --encrypt` does it: a new data key, wrapped per master key; the values
// the rule marks encrypted through the walk decryption uses (tree.hpp); the MAC; the metadata
// serialized as sops v3.13 does (keys sorted by name, empty lists left out, flattened with
// `__map_` / `__list_` for dotenv).
#include <openssl/crypto.h>

#include <algorithm>

#include "core/time.hpp"
#include "sops/cipher.hpp"
#include "sops/keys.hpp"
#include "sops/print_yaml.hpp"
#include "sops/rule_regex.hpp"
#include "sops/sops.hpp"
#include "sops/stores.hpp"
#include "sops/tree.hpp"

namespace plumb::sops {

namespace {

// The rule must be one encryption can apply here.
Result<void> check_rule(RuleKind kind, std::string_view value) {
  if (kind == RuleKind::unencrypted_comment_regex || kind == RuleKind::encrypted_comment_regex)
    return fail(rule_name(kind),
                " decides by comments, which plumb does not read from YAML: not supported for "
                "encryption");
  if (value.empty()) return fail(rule_name(kind), " is empty");
  if (kind == RuleKind::unencrypted_regex || kind == RuleKind::encrypted_regex)
    TRY(RuleRegex::compile(value));
  return {};
}

Node age_list(const KeyGroup& group) {
  Node list = Node::list();
  for (const AgeStanza& stanza : group.age) {
    Node entry = Node::map();
    entry.set("enc", Node::string(stanza.enc));
    entry.set("recipient", Node::string(stanza.recipient));
    list.push_back(std::move(entry));
  }
  return list;
}

Node pgp_list(const KeyGroup& group) {
  Node list = Node::list();
  for (const PgpStanza& stanza : group.pgp) {
    Node entry = Node::map();
    entry.set("created_at", Node::string(stanza.created_at));
    entry.set("enc", Node::string(stanza.enc));
    entry.set("fp", Node::string(stanza.fingerprint));
    list.push_back(std::move(entry));
  }
  return list;
}

// sops' metadata map: mapstructure's struct → map, then sorted by key. A single key group
// is written as top-level lists (omitted when empty); several as key_groups, where `age` and
// `hc_vault` have no omitempty and are written even when empty.
Node metadata_node(const Metadata& md) {
  std::vector<std::pair<std::string, Node>> entries;
  if (md.key_groups.size() == 1) {
    const KeyGroup& group = md.key_groups.front();
    if (!group.age.empty()) entries.emplace_back("age", age_list(group));
    if (!group.pgp.empty()) entries.emplace_back("pgp", pgp_list(group));
  } else {
    Node groups = Node::list();
    for (const KeyGroup& group : md.key_groups) {
      Node entry = Node::map();
      entry.set("age", age_list(group));
      entry.set("hc_vault", Node::list());
      if (!group.pgp.empty()) entry.set("pgp", pgp_list(group));
      groups.push_back(std::move(entry));
    }
    entries.emplace_back("key_groups", std::move(groups));
  }
  entries.emplace_back(std::string(rule_name(md.rule)), Node::string(md.rule_value));
  entries.emplace_back("lastmodified", Node::string(md.lastmodified));
  entries.emplace_back("mac", Node::string(md.mac));
  if (md.mac_only_encrypted) entries.emplace_back("mac_only_encrypted", Node::boolean(true));
  if (md.shamir_threshold != 0)
    entries.emplace_back("shamir_threshold", Node::integer(md.shamir_threshold));
  entries.emplace_back("version", Node::string(md.version));
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Node out = Node::map();
  for (auto& [key, value] : entries)
    out.set(key, std::move(value));
  return out;
}

// stores/flatten.go: `key__map_sub`, `key__list_0`; scalars as the dotenv store prints them
// (Go's FormatBool and decimal integers).
void flatten(const std::string& prefix, const Node& node, Node& out) {
  if (node.is_map()) {
    for (const auto& e : node.entries())
      flatten(prefix + "__map_" + std::string(e.key.as_string()), e.value, out);
  } else if (node.is_list()) {
    size_t index = 0;
    for (const Node& item : node.items())
      flatten(prefix + "__list_" + std::to_string(index++), item, out);
  } else if (node.is_bool()) {
    out.append_entry(Node::string(prefix), Node::string(node.as_bool() ? "true" : "false"));
  } else {
    out.append_entry(Node::string(prefix), Node::string(scalar_to_string(node)));
  }
}

// `prefix`: "sops_" for dotenv (MetadataFlattenFull), "" for INI's [sops] section.
Node flatten_metadata(const Node& metadata, std::string_view prefix) {
  Node out = Node::map();
  for (const auto& e : metadata.entries())
    flatten(std::string(prefix) + std::string(e.key.as_string()), e.value, out);
  return out;
}

// Whether the rule encrypts a value whose path is empty: dotenv comments (sops encrypts a
// comment under its container's path, which at the top level has no key).
bool encrypts_top_level_comments(RuleKind kind) {
  return kind == RuleKind::unencrypted_suffix || kind == RuleKind::unencrypted_regex;
}

}  // namespace

Result<DecryptedFile> load_plain(std::string_view content, Format format) {
  return load_plain_store(content, format);
}

Result<void> wrap_data_key(Metadata& metadata, std::span<const RecipientGroup> groups,
                           int64_t shamir_threshold, const DataKey& key, const PgpPublicKeys& pgp) {
  if (groups.empty()) return fail("no master keys given: name age recipients or PGP keys");
  for (const RecipientGroup& group : groups)
    if (group.empty()) return fail("a key group has no keys");
  std::string data_key(reinterpret_cast<const char*>(key.data()), DataKey::size());
  std::vector<std::string> parts;
  struct Wipe {
    std::string& key;
    std::vector<std::string>& parts;
    ~Wipe() {
      OPENSSL_cleanse(key.data(), key.size());
      for (auto& part : parts)
        OPENSSL_cleanse(part.data(), part.size());
    }
  } wipe{data_key, parts};
  int64_t threshold = shamir_threshold;
  if (groups.size() == 1) {
    parts.push_back(data_key);
  } else {
    if (threshold == 0) threshold = static_cast<int64_t>(groups.size());
    if (threshold < 0 || threshold > static_cast<int64_t>(groups.size()))
      return fail("shamir_threshold ", std::to_string(threshold), " is not between 1 and ",
                  std::to_string(groups.size()), " key groups");
    parts = TRY(shamir_split(data_key, groups.size(), static_cast<size_t>(threshold)));
  }
  PgpKeyring keyring(pgp.armored, pgp.armored.empty() ? GnupgHome::user : GnupgHome::temporary);
  std::vector<KeyGroup> wrapped;
  for (size_t i = 0; i < groups.size(); ++i) {
    KeyGroup group;
    for (const std::string& recipient : groups[i].age) {
      std::string one[] = {recipient};
      auto enc = age::encrypt(parts[i], one, true);
      if (!enc) return fail("age recipient ", recipient, ": ", enc.error().message());
      group.age.push_back({recipient, std::move(*enc)});
    }
    for (const std::string& fingerprint : groups[i].pgp) {
      auto enc = keyring.encrypt(fingerprint, parts[i]);
      if (!enc) return std::unexpected(enc.error());
      group.pgp.push_back({fingerprint, std::move(*enc), now_rfc3339()});
    }
    wrapped.push_back(std::move(group));
  }
  metadata.key_groups = std::move(wrapped);
  metadata.shamir_threshold = threshold;
  return {};
}

Result<Metadata> new_metadata(const EncryptOptions& options, const DataKey& key) {
  TRY_VOID(check_rule(options.rule, options.rule_value));
  Metadata md;
  md.rule = options.rule;
  md.rule_value = options.rule_value;
  md.mac_only_encrypted = options.mac_only_encrypted;
  md.version = std::string(k_sops_version);
  TRY_VOID(wrap_data_key(md, options.key_groups, options.shamir_threshold, key, options.pgp));
  return md;
}

Result<EncryptedFile> encrypt_with_key(const DecryptedFile& plain, Metadata metadata,
                                       const DataKey& key, std::string_view lastmodified,
                                       const IvStash* stash) {
  TRY_VOID(check_rule(metadata.rule, metadata.rule_value));
  EncryptedFile file;
  file.format = plain.format;
  file.documents = plain.documents;
  std::string mac = TRY(cipher_tree(file.documents, metadata, key, Direction::encrypt, {}, stash));
  for (const LineComment& comment : plain.comments) {
    if (!encrypts_top_level_comments(metadata.rule)) {
      file.comments.push_back(comment);
      continue;
    }
    file.comments.push_back({comment.position, TRY(encrypt_comment(comment.text, key, ":"))});
  }
  metadata.lastmodified = lastmodified.empty() ? now_rfc3339() : std::string(lastmodified);
  // The MAC's additional data is lastmodified as Go's RFC3339 prints it; read_metadata
  // derives it the same way when the file is loaded back.
  auto additional_data = mac_additional_data_of(metadata.lastmodified);
  if (!additional_data)
    return fail("lastmodified ", metadata.lastmodified, " is not an RFC 3339 time");
  metadata.mac_additional_data = std::move(*additional_data);
  metadata.mac = TRY(encrypt_value(Node::string(mac), key, metadata.mac_additional_data));
  if (metadata.version.empty()) metadata.version = std::string(k_sops_version);
  file.metadata = std::move(metadata);
  return file;
}

Result<std::string> print_encrypted(const EncryptedFile& file) {
  Node sops = metadata_node(file.metadata);
  DecryptedFile out;
  out.format = file.format;
  out.comments = file.comments;
  switch (file.format) {
    case Format::yaml:
      for (Node document : file.documents) {
        document.set("sops", sops);
        out.documents.push_back(std::move(document));
      }
      break;
    case Format::json:
    case Format::binary: {
      if (file.documents.size() != 1) return fail("expected one document");
      Node document = file.documents.front();
      document.set("sops", sops);
      out.documents.push_back(std::move(document));
      out.format = Format::json;  // binary files are stored as JSON
      break;
    }
    case Format::dotenv: {
      if (file.documents.size() != 1) return fail("expected one document");
      Node document = file.documents.front();
      for (const auto& entry : document.entries()) {
        if (entry.key.as_string().starts_with("sops_"))
          return fail("key ", entry.key.as_string(),
                      " starts with sops_, the prefix reserved for SOPS metadata");
        if (entry.value.is_map() || entry.value.is_list())
          return fail("cannot use complex value in dotenv file; offending key ",
                      entry.key.as_string());
      }
      Node flat = flatten_metadata(sops, "sops_");
      for (const auto& entry : flat.entries())
        document.append_entry(entry.key, entry.value);
      out.documents.push_back(std::move(document));
      break;
    }
    case Format::ini: {
      if (file.documents.size() != 1) return fail("expected one document");
      Node sections = file.documents.front();
      for (const auto& section : sections.entries())
        if (!section.value.is_map())
          return fail("INI section ", section.key.as_string(), " is not a map of values");
      // MetadataFlattenBelowTop with EscapeNewlines: newlines written as \n.
      Node flat = Node::map();
      Node flattened = flatten_metadata(sops, "");
      for (const auto& entry : flattened.entries()) {
        std::string value;
        for (char c : entry.value.as_string()) {
          if (c == '\n')
            value += "\\n";
          else
            value += c;
        }
        flat.append_entry(entry.key, Node::string(value));
      }
      sections.set("sops", std::move(flat));
      return print_ini(sections, IniEnd::no_blank_line);
    }
  }
  auto printed = print_file(out);
  if (!printed) return std::unexpected(printed.error().error);
  return std::move(*printed);
}

Result<std::string> encrypt_file(std::string_view content, Format format,
                                 const EncryptOptions& options) {
  return encrypt_plain(TRY(load_plain(content, format)), options);
}

Result<std::string> encrypt_plain(const DecryptedFile& plain, const EncryptOptions& options) {
  DataKey key = TRY(generate_data_key());
  Metadata metadata = TRY(new_metadata(options, key));
  EncryptedFile file = TRY(encrypt_with_key(plain, std::move(metadata), key, options.lastmodified));
  return print_encrypted(file);
}

}  // namespace plumb::sops
