// libFuzzer target: the sealed-secrets reader (src/sealed). The first byte picks what the rest
// is:
//   even: a sealed value's raw bytes, unsealed for "ns/name" with a fixed key: it can only be
//         refused (nobody forges RSA-OAEP), with a message;
//   odd:  a YAML or JSON document, read as a SealedSecret and unsealed with unseal_object.
//         Before that, each spec.encryptedData value written "@TEXT" is replaced by TEXT sealed
//         for the label of the object's scope, so the fuzzer reaches the templates and the
//         Secret: every such key must then come out as TEXT. The document is also read as a
//         Secret and sealed with seal_object; a SealedSecret made that way must unseal to the
//         Secret's values.
// A crash, leak or undefined behaviour is a bug, and so is a failed check (abort).
// Seeds: fuzz/seeds/sealed_fuzz.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "core/yaml.hpp"
#include "sealed/sealed.hpp"

namespace {

using namespace plumb;
using namespace plumb::sealed;

const KeyPair& fuzz_key() {
  // 1024 bits: enough for RSA-OAEP SHA-256 of a 32-byte key, and fast.
  static const KeyPair k_key = [] {
    auto key = generate_key(1024);
    if (!key) std::abort();
    return *key;
  }();
  return k_key;
}

void check_raw(std::string_view bytes) {
  auto opened = unseal({fuzz_key()}, "ns/name", bytes);
  if (opened || opened.error().message().empty()) std::abort();
}

// Replaces "@TEXT" values by TEXT sealed for the object's label; returns the keys replaced.
Node plant_sealed_values(Node& object, std::vector<std::pair<std::string, std::string>>& planted) {
  Node* spec = object.find_mut("spec");
  Node* encrypted = spec != nullptr && spec->is_map() ? spec->find_mut("encryptedData") : nullptr;
  const Node* metadata = object.find("metadata");
  if (encrypted == nullptr || !encrypted->is_map() || metadata == nullptr || !metadata->is_map())
    return object;
  auto scope = scope_of(*metadata);
  if (!scope) return object;
  std::string label =
      label_of(*scope, metadata->string_at({"namespace"}), metadata->string_at({"name"}));
  for (MapEntry& entry : encrypted->entries_mut()) {
    if (!entry.value.is_string() || !entry.value.as_string().starts_with("@")) continue;
    std::string text(entry.value.as_string().substr(1));
    auto sealed_bytes = seal(fuzz_key().certificate_pem, label, text);
    if (!sealed_bytes) std::abort();
    entry.value = Node::string(base64_encode(*sealed_bytes));
    planted.emplace_back(std::string(entry.key.as_string()), text);
  }
  return object;
}

void check_unseal_object(Node object) {
  std::vector<std::pair<std::string, std::string>> planted;
  plant_sealed_values(object, planted);
  auto secret = unseal_object(object, {fuzz_key()});
  if (!secret) {
    if (!secret.error().message().starts_with("SealedSecret ")) std::abort();
    return;
  }
  const Node* templates = object.at_path({"spec", "template", "data"});
  for (auto& [key, text] : planted) {
    if (templates != nullptr && templates->find(key) != nullptr) continue;  // a template wins
    auto value = base64_decode(secret->string_at({"data", key}));
    if (!value || *value != text) std::abort();
  }
}

void check_seal_object(const Node& object) {
  auto sealed_secret = seal_object(object, fuzz_key().certificate_pem, Scope::strict);
  if (!sealed_secret) return;
  auto secret = unseal_object(*sealed_secret, {fuzz_key()});
  if (!secret) std::abort();
  const Node* data = secret->find("data");
  const Node* encrypted = sealed_secret->at_path({"spec", "encryptedData"});
  if (data == nullptr || encrypted == nullptr || data->size() != encrypted->size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    check_raw(rest);
    return 0;
  }
  auto document = parse_yaml(rest, "fuzz.yaml");
  if (!document || !document->is_map()) return 0;
  check_unseal_object(*document);
  check_seal_object(*document);
  return 0;
}
