// libFuzzer target: the raw input as an age file (binary or armored) for age::decrypt, with a
// fixed X25519 identity and a passphrase identity (work factor at most 4, so that scrypt
// stanzas stay cheap to try). Errors are expected; a crash, a leak, undefined behaviour, or
// any of these is a bug: an error message not starting with "age: "; a plaintext longer than
// the file; the input, encrypted to the fixed identity's recipient (armored and binary), not
// decrypting back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "age/age.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb::age;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::vector<Identity> identities = [] {
    std::array<uint8_t, 32> secret{};
    for (size_t i = 0; i < secret.size(); ++i)
      secret[i] = uint8_t(i * 37 + 1);
    return std::vector<Identity>{Identity::x25519(secret), passphrase_identity("password", 4)};
  }();
  static const std::vector<std::string> recipients = {recipient_of(identities[0])};

  auto result = decrypt(input, identities);
  if (result && result->size() > input.size()) std::abort();
  if (!result && !result.error().message().starts_with("age: ")) std::abort();

  auto file = encrypt(input, recipients, size % 2 == 0);
  if (!file) std::abort();
  auto back = decrypt(*file, identities);
  if (!back || *back != input) std::abort();
  return 0;
}
