#include "age/bech32.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace plumb::age {
namespace {

constexpr std::string_view k_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint32_t polymod(const std::vector<uint8_t>& values) {
  constexpr std::array<uint32_t, 5> k_gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                             0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= k_gen[size_t(i)];
  }
  return chk;
}

std::vector<uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp)
    out.push_back(uint8_t(uint8_t(c) >> 5));
  out.push_back(0);
  for (char c : hrp)
    out.push_back(uint8_t(uint8_t(c) & 31));
  return out;
}

}  // namespace

std::optional<Bech32> bech32_decode(std::string_view text) {
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return std::nullopt;
  size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) return std::nullopt;
  std::string hrp(text.substr(0, sep));
  for (char& c : hrp)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  std::vector<uint8_t> values = hrp_expand(hrp);
  size_t data_start = values.size();
  for (char c : text.substr(sep + 1)) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    size_t v = k_charset.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    values.push_back(uint8_t(v));
  }
  if (polymod(values) != 1) return std::nullopt;
  // 5-bit groups to bytes; the checksum's 6 groups are not data.
  Bech32 out{std::move(hrp), {}};
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = data_start; i + 6 < values.size(); ++i) {
    acc = acc << 5 | values[i];
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.data.push_back(char(uint8_t(acc >> bits)));
    }
    acc &= (1u << bits) - 1;
  }
  if (bits >= 5 || acc != 0) return std::nullopt;
  return out;
}

std::string bech32_encode(std::string_view hrp, std::string_view data) {
  std::vector<uint8_t> groups;
  groups.reserve(data.size() * 8 / 5 + 1);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : data) {
    acc = acc << 8 | uint8_t(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      groups.push_back(uint8_t((acc >> bits) & 31));
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) groups.push_back(uint8_t((acc << (5 - bits)) & 31));
  std::vector<uint8_t> values = hrp_expand(hrp);
  values.insert(values.end(), groups.begin(), groups.end());
  values.resize(values.size() + 6, 0);
  uint32_t mod = polymod(values) ^ 1;
  std::string out(hrp);
  out += '1';
  for (uint8_t g : groups)
    out += k_charset[g];
  for (int i = 0; i < 6; ++i)
    out += k_charset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

}  // namespace plumb::age
