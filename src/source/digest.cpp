#include "source/digest.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace plumb::source {

namespace {

std::string hex_digest(std::string_view bytes, const EVP_MD* algorithm) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, algorithm, nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned i = 0; i < length; ++i)
    out += k_hex[digest[i] >> 4], out += k_hex[digest[i] & 15];
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return hex_digest(bytes, EVP_sha256());
}

std::string sha1_hex(std::string_view bytes) {
  return hex_digest(bytes, EVP_sha1());
}

std::string sha256_digest(std::string_view bytes) {
  return "sha256:" + sha256_hex(bytes);
}

namespace {
bool is_hex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}
}  // namespace

bool is_sha256_digest(std::string_view text) {
  return text.starts_with("sha256:") && is_hex64(text.substr(7));
}

Result<void> verify_digest(std::string_view expected, std::string_view bytes,
                           std::string_view what) {
  std::string_view hex = expected.starts_with("sha256:") ? expected.substr(7) : expected;
  if (!is_hex64(hex)) {
    return fail(what, ": unsupported digest \"", expected, "\" (only sha256 is verified)");
  }
  std::string actual = sha256_hex(bytes);
  if (actual != hex) {
    return fail(what, ": digest mismatch: expected sha256:", hex, ", got sha256:", actual);
  }
  return {};
}

}  // namespace plumb::source
