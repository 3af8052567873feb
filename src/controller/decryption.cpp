#include "controller/decryption.hpp"

#include <set>
#include <utility>

#include "age/age.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

// Entries of a decryption Secret for key services Plumb has no client for.
constexpr std::pair<std::string_view, std::string_view> k_unusable_entries[] = {
    {"sops.aws-kms", "AWS KMS"},
    {"sops.azure-kv", "Azure Key Vault"},
    {"sops.gcp-kms", "GCP KMS"},
    {"sops.vault-token", "Vault"}};

// age's post-quantum keys need ML-KEM-768, which OpenSSL 3.0 does not have.
constexpr std::string_view k_pq_key_prefix = "AGE-SECRET-KEY-PQ-";

// An age key file without its post-quantum keys; `dropped` tells whether it had any.
std::string without_pq_keys(std::string_view text, bool& dropped) {
  std::string out;
  dropped = false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (trim(line).starts_with(k_pq_key_prefix)) {
      dropped = true;
      continue;
    }
    out += line;
    out += '\n';
  }
  return out;
}

// The store Flux reads and prints a file or Secret key with: sops' choice from the name, and
// JSON for `.dockerconfigjson`.
sops::Format format_for_name(std::string_view name) {
  if (name.ends_with(".dockerconfigjson")) return sops::Format::json;
  return sops::format_from_path(name);
}

// The store of a Secret data value that is a SOPS document, by Flux's markers (binary files
// are JSON envelopes, read with the JSON store).
std::optional<sops::Format> format_by_marker(std::string_view content) {
  for (sops::Format f :
       {sops::Format::json, sops::Format::dotenv, sops::Format::ini, sops::Format::yaml}) {
    if (sops::is_sops_encrypted(content, f)) return f;
  }
  return std::nullopt;
}

// A sops error, with the Secret entries that could not help when no key unwrapped the data key.
Error explain(const sops::DecryptError& e, const DecryptionKeys& keys) {
  std::string message(e.error.message());
  if (e.stage == sops::Stage::datakey && !keys.unusable.empty()) {
    message += " (entries of the decryption Secret Plumb cannot use:";
    for (size_t i = 0; i < keys.unusable.size(); ++i)
      message += (i ? ", " : " ") + keys.unusable[i];
    message += ")";
  }
  return Error(std::move(message));
}

// `content` decrypted with the `in` store and printed with the `out` store.
Result<std::string> decrypt_as(std::string_view content, sops::Format in, sops::Format out,
                               const DecryptionKeys& keys) {
  auto file = sops::decrypt_file(content, in, keys.keys);
  if (!file) return std::unexpected(explain(file.error(), keys));
  file->format = out;
  auto printed = sops::print_file(*file);
  if (!printed) return std::unexpected(explain(printed.error(), keys));
  return std::move(*printed);
}

bool is_remote(std::string_view path) {
  return path.find("://") != std::string_view::npos;
}

std::optional<std::string> kustomization_file(const FileSystem& fs, std::string_view dir) {
  for (std::string_view name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    std::string path = join_path(dir, name);
    if (fs.is_file(path)) return path;
  }
  return std::nullopt;
}

// The walk of kustomize-controller's DecryptSources.
class SourceWalk {
 public:
  SourceWalk(OverlayFileSystem& fs, std::string_view root, const DecryptionKeys& keys)
      : m_fs(fs), m_root(clean_path(root)), m_keys(keys) {}

  Result<void> visit_dir(const std::string& dir) {
    if (!within_root(dir) || !m_visited.insert(dir).second || !m_fs.is_dir(dir)) return {};
    // A directory without a kustomization is the build's to report.
    std::optional<std::string> file = kustomization_file(m_fs, dir);
    if (!file) return {};
    std::string text = TRY(m_fs.read_file(*file));
    Node k = TRY(parse_yaml(text, relative(*file), DuplicateKeys::last_wins));
    if (const Node* generators = k.find("secretGenerator"); generators && generators->is_list()) {
      for (const Node& generator : generators->items()) {
        for (const Node& source : list_of(generator, "files")) {
          std::string_view spec = source.as_string();
          size_t eq = spec.find('=');
          std::string_view key = spec.substr(0, eq);
          std::string_view path = eq == std::string_view::npos ? spec : spec.substr(eq + 1);
          TRY_VOID(visit_file(dir, path, format_for_name(key)));
        }
        for (const Node& source : list_of(generator, "envs")) {
          sops::Format format = format_for_name(source.as_string());
          if (format == sops::Format::binary) format = sops::Format::dotenv;
          TRY_VOID(visit_file(dir, source.as_string(), format));
        }
      }
    }
    if (const Node* patches = k.find("patches"); patches && patches->is_list()) {
      for (const Node& patch : patches->items()) {
        std::string_view path = patch.is_map() ? patch.string_at({"path"}) : "";
        if (path.empty() || is_remote(path)) continue;
        TRY_VOID(visit_file(dir, path, format_for_name(path)));
      }
    }
    for (std::string_view field : {"resources", "components"}) {
      for (const Node& entry : list_of(k, field)) {
        if (!entry.is_string() || is_remote(entry.as_string())) continue;
        TRY_VOID(visit_dir(resolve(dir, entry.as_string())));
      }
    }
    return {};
  }

  size_t decrypted() const { return m_decrypted.size(); }

 private:
  static std::vector<Node> list_of(const Node& map, std::string_view key) {
    const Node* list = map.is_map() ? map.find(key) : nullptr;
    std::vector<Node> out;
    if (!list || !list->is_list()) return out;
    for (const Node& item : list->items()) {
      if (item.is_string()) out.push_back(item);
    }
    return out;
  }

  std::string resolve(std::string_view dir, std::string_view path) const {
    if (!path.empty() && path.front() == '/') return clean_path(m_root + std::string(path));
    return clean_path(join_path(dir, path));
  }

  bool within_root(std::string_view path) const {
    return m_root == "/" || path == m_root ||
           (path.size() > m_root.size() && path.substr(0, m_root.size()) == m_root &&
            path[m_root.size()] == '/');
  }

  std::string relative(std::string_view path) const {
    if (path.size() > m_root.size() && within_root(path)) {
      return std::string(path.substr(m_root == "/" ? 1 : m_root.size() + 1));
    }
    return std::string(path);
  }

  // A missing file is the build's to report; a file outside the source is never read.
  Result<void> visit_file(std::string_view dir, std::string_view reference, sops::Format format) {
    std::string path = resolve(dir, reference);
    if (!within_root(path) || m_decrypted.count(path) || !m_fs.is_file(path)) return {};
    std::string content = TRY(m_fs.read_file(path));
    if (content.size() > k_max_encrypted_file_size) {
      return fail(relative(path), ": cannot decrypt file with size (",
                  std::to_string(content.size()), " bytes) exceeding limit (",
                  std::to_string(k_max_encrypted_file_size), ")");
    }
    if (!sops::is_sops_encrypted(content, format)) return {};
    auto plain = decrypt_as(content, format, format, m_keys);
    if (!plain) return fail(relative(path), ": ", plain.error().message());
    m_fs.add_file(path, std::move(*plain));
    m_decrypted.insert(path);
    return {};
  }

  OverlayFileSystem& m_fs;
  std::string m_root;
  const DecryptionKeys& m_keys;
  std::set<std::string> m_visited;
  std::set<std::string> m_decrypted;
};

std::string object_id(const Node& object) {
  return std::string(object.string_at({"apiVersion"})) +
         ", Kind=" + std::string(object.string_at({"kind"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

std::string namespaced_name(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

bool has_sops_mac(const Node& object) {
  const Node* sops = object.find("sops");
  if (!sops || !sops->is_map()) return false;
  const Node* mac = sops->find("mac");
  return mac && mac->is_string() && !mac->as_string().empty();
}

Result<Node> decrypt_object(Node object, const DecryptionKeys& keys) {
  if (has_sops_mac(object)) {
    auto file = sops::decrypt_file(to_json(object), sops::Format::json, keys.keys);
    if (!file) {
      return fail("failed to decrypt and format '", namespaced_name(object), "' ",
                  object.string_at({"kind"}), " data: ", explain(file.error(), keys).message());
    }
    return std::move(file->documents.front());
  }
  if (object.string_at({"kind"}) != "Secret" || object.string_at({"apiVersion"}) != "v1") {
    return object;
  }
  const Node* found = object.find("data");
  if (!found || !found->is_map()) return object;
  Node& data = object["data"];
  for (MapEntry& entry : data.entries_mut()) {
    if (!entry.value.is_string()) continue;
    // A value that is not base64 is the API server's to refuse.
    std::optional<std::string> bytes = base64_decode(entry.value.as_string());
    if (!bytes) continue;
    std::optional<sops::Format> in = format_by_marker(*bytes);
    if (!in) continue;
    std::string_view key = entry.key.as_string();
    auto plain = decrypt_as(*bytes, *in, format_for_name(key), keys);
    if (!plain) {
      return fail("failed to decrypt and format '", namespaced_name(object), "' Secret field '",
                  key, "': ", plain.error().message());
    }
    entry.value = Node::string(base64_encode(*plain));
  }
  return object;
}

}  // namespace

Result<DecryptionKeys> keys_from_secret(const Node& secret, std::string_view secret_id,
                                        KeyEntries entries) {
  DecryptionKeys out;
  std::vector<std::pair<std::string, std::string>> values;
  if (const Node* data = secret.find("data"); data && data->is_map()) {
    for (const MapEntry& entry : data->entries()) {
      std::optional<std::string> value = base64_decode(entry.value.as_string());
      if (!value) {
        return fail("decryption Secret '", secret_id, "': data entry '", entry.key.as_string(),
                    "' is not base64");
      }
      values.emplace_back(std::string(entry.key.as_string()), std::move(*value));
    }
  }
  if (const Node* data = secret.find("stringData"); data && data->is_map()) {
    for (const MapEntry& entry : data->entries()) {
      values.emplace_back(std::string(entry.key.as_string()), std::string(entry.value.as_string()));
    }
  }
  for (auto& [name, value] : values) {
    if (name.ends_with(".agekey")) {
      bool dropped = false;
      std::string usable = without_pq_keys(value, dropped);
      if (dropped) {
        out.unusable.push_back("'" + name + "' (post-quantum age keys: not supported)");
        if (usable.find("AGE-SECRET-KEY-") == std::string::npos) continue;
      }
      auto parsed = age::parse_identities(usable);
      if (!parsed) {
        return fail("failed to import '", name, "' data from sops decryption Secret '", secret_id,
                    "': ", parsed.error().message());
      }
      for (age::Identity& identity : *parsed)
        out.keys.age.push_back(std::move(identity));
    } else if (entries == KeyEntries::all && name.ends_with(".asc")) {
      out.keys.pgp_armored.push_back(std::move(value));
    } else if (entries == KeyEntries::all) {
      for (auto [entry, service] : k_unusable_entries) {
        if (name == entry) out.unusable.push_back("'" + name + "' (" + std::string(service) + ")");
      }
    }
  }
  return out;
}

Result<size_t> decrypt_sources(OverlayFileSystem& overlay, std::string_view root,
                               std::string_view dir, const DecryptionKeys& keys) {
  SourceWalk walk(overlay, root, keys);
  if (auto visited = walk.visit_dir(clean_path(dir)); !visited) {
    return fail("error decrypting sources: ", visited.error().message());
  }
  return walk.decrypted();
}

Result<std::vector<Node>> decrypt_objects(std::vector<Node> objects, const DecryptionKeys& keys) {
  for (Node& object : objects) {
    const Node* annotations = object.at_path({"metadata", "annotations"});
    if (annotations && annotations->is_map()) {
      const Node* value = annotations->find(k_decrypt_key);
      if (value && value->is_string() && equal_fold(value->as_string(), "disabled")) continue;
    }
    auto decrypted = decrypt_object(object, keys);
    if (!decrypted) {
      return fail("decryption failed for '", object_id(object), "': ", decrypted.error().message());
    }
    object = std::move(*decrypted);
  }
  return objects;
}

}  // namespace plumb::controller
