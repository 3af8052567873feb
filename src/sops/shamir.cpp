#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <set>

#include "sops/keys.hpp"

namespace plumb::sops {

namespace {

uint8_t gf_mul(uint8_t a, uint8_t b) {
  uint8_t product = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) product ^= a;
    bool high = a & 0x80;
    a = static_cast<uint8_t>(a << 1);
    if (high) a ^= 0x1b;
    b >>= 1;
  }
  return product;
}

// a^254 = a^-1 in GF(2^8) (0 stays 0; callers never divide by 0).
uint8_t gf_inverse(uint8_t a) {
  uint8_t result = 1;
  uint8_t base = a;
  for (int e = 254; e > 0; e >>= 1) {
    if (e & 1) result = gf_mul(result, base);
    base = gf_mul(base, base);
  }
  return result;
}

}  // namespace

Result<std::string> shamir_combine(std::span<const std::string> parts) {
  if (parts.size() < 2) return fail("less than two Shamir parts cannot be combined");
  size_t length = parts[0].size();
  if (length < 2) return fail("Shamir parts must be at least two bytes");
  std::set<uint8_t> xs;
  for (const auto& part : parts) {
    if (part.size() != length) return fail("all Shamir parts must be the same length");
    if (!xs.insert(static_cast<uint8_t>(part.back())).second) return fail("duplicate Shamir part");
  }
  std::string secret(length - 1, '\0');
  for (size_t byte = 0; byte + 1 < length; ++byte) {
    uint8_t result = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      uint8_t xi = static_cast<uint8_t>(parts[i].back());
      uint8_t basis = 1;
      for (size_t j = 0; j < parts.size(); ++j) {
        if (i == j) continue;
        uint8_t xj = static_cast<uint8_t>(parts[j].back());
        // (0 - xj) / (xi - xj) with + and - both XOR.
        basis = gf_mul(basis, gf_mul(xj, gf_inverse(static_cast<uint8_t>(xi ^ xj))));
      }
      result ^= gf_mul(static_cast<uint8_t>(parts[i][byte]), basis);
    }
    secret[byte] = static_cast<char>(result);
  }
  return secret;
}

Result<std::vector<std::string>> shamir_split(std::string_view secret, size_t parts,
                                              size_t threshold) {
  if (parts < threshold) return fail("Shamir: parts cannot be less than the threshold");
  if (parts > 255) return fail("Shamir: parts cannot exceed 255");
  if (threshold < 2) return fail("Shamir: the threshold must be at least 2");
  if (secret.empty()) return fail("Shamir: cannot split an empty secret");
  // Distinct non-zero x coordinates, shuffled as Vault does (x = a permutation of 0..254, +1).
  std::array<uint8_t, 255> xs{};
  std::iota(xs.begin(), xs.end(), uint8_t{1});
  for (size_t i = xs.size() - 1; i > 0; --i) {
    uint32_t r = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1)
      return fail("Shamir: no random bytes");
    std::swap(xs[i], xs[r % (i + 1)]);
  }
  std::vector<std::string> out(parts, std::string(secret.size() + 1, '\0'));
  for (size_t i = 0; i < parts; ++i)
    out[i].back() = static_cast<char>(xs[i]);
  std::vector<uint8_t> coefficients(threshold);
  for (size_t byte = 0; byte < secret.size(); ++byte) {
    coefficients[0] = static_cast<uint8_t>(secret[byte]);
    if (RAND_bytes(coefficients.data() + 1, static_cast<int>(threshold - 1)) != 1)
      return fail("Shamir: no random bytes");
    for (size_t i = 0; i < parts; ++i) {
      // Horner's rule over GF(2^8).
      uint8_t y = 0;
      for (size_t c = threshold; c-- > 0;)
        y = static_cast<uint8_t>(gf_mul(y, xs[i]) ^ coefficients[c]);
      out[i][byte] = static_cast<char>(y);
    }
  }
  OPENSSL_cleanse(coefficients.data(), coefficients.size());
  return out;
}

}  // namespace plumb::sops
