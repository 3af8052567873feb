#include <cstdint>
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

}  // namespace plumb::sops
