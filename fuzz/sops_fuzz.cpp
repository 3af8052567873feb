// libFuzzer target: the SOPS reader (src/sops). The first line names the store (yaml, json,
// dotenv, ini, binary; anything else is yaml), the rest is the file. It is loaded (stores and
// metadata), then its values are decrypted with a fixed data key, with and without the MAC
// check. Errors are expected (the key is wrong for real files); a crash, leak or undefined
// behaviour is a bug, and so are: an error without the "sops: <stage>: " prefix or at the
// wrong stage, a MAC-checked decryption that succeeds where the unchecked one fails, and
// YAML/JSON printing of the loaded documents that does not read back as the same documents,
// and encryption (the loaded documents taken as plaintext, under the file's own rule) that
// does not decrypt back to them with the MAC verified.
// Seeds: the encrypted files of ../shared/sops-cases/sops with their format line.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "sops/sops.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb::sops;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view name = input.substr(0, nl);
  std::string_view content = nl == std::string_view::npos ? "" : input.substr(nl + 1);
  Format format = name == "json"     ? Format::json
                  : name == "dotenv" ? Format::dotenv
                  : name == "ini"    ? Format::ini
                  : name == "binary" ? Format::binary
                                     : Format::yaml;
  (void)is_sops_encrypted(content, format);
  auto file = load_file(content, format);
  if (!file) {
    if (file.error().stage != Stage::load) std::abort();
    if (!file.error().error.message().starts_with("sops: load: ")) std::abort();
    return 0;
  }
  static const uint8_t k_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  DataKey key{std::span<const uint8_t, 32>(k_key)};
  auto plain = decrypt_with_key(*file, key, Options{VerifyMac::no});
  auto checked = decrypt_with_key(*file, key, Options{VerifyMac::yes});
  if (plain && plain->documents.size() != file->documents.size()) std::abort();
  if (!plain && plain.error().stage != Stage::decrypt) std::abort();
  if (checked && !plain) std::abort();
  if (!checked && checked.error().stage != Stage::decrypt && checked.error().stage != Stage::mac)
    std::abort();
  // Printing: YAML output must read back as the same documents (JSON too).
  if (format == Format::yaml || format == Format::json) {
    DecryptedFile loaded{format, file->documents, {}};
    auto printed = print_file(loaded);
    if (!printed) std::abort();
    if (format == Format::yaml) {
      auto again = plumb::parse_yaml_stream(*printed, "printed");
      if (!again || *again != file->documents) std::abort();
    } else {
      auto again = plumb::parse_json(*printed, "printed");
      if (!again || *again != file->documents.front()) std::abort();
    }
  }
  // Round trip: the loaded documents as plaintext, encrypted and decrypted with the key.
  if (file->metadata.rule != RuleKind::unencrypted_comment_regex &&
      file->metadata.rule != RuleKind::encrypted_comment_regex) {
    DecryptedFile clear{format, file->documents, {}};
    auto sealed = encrypt_with_key(clear, file->metadata, key, file->metadata.lastmodified);
    if (!sealed) std::abort();
    auto opened = decrypt_with_key(*sealed, key, Options{VerifyMac::yes});
    if (!opened) std::abort();
    // Compared as printed YAML: NaN is equal to itself there.
    auto want = print_file(DecryptedFile{Format::yaml, file->documents, {}});
    auto got = print_file(DecryptedFile{Format::yaml, opened->documents, {}});
    if (!want || !got || *want != *got) std::abort();
  }
  // No keys: the data key cannot be unwrapped.
  auto none = unwrap_data_key(*file, Keys{});
  if (none) std::abort();
  return 0;
}
