// Bech32 (BIP 173 checksum, not bech32m) as age spells its keys: `age1…` recipients and
// `AGE-SECRET-KEY-1…` identities. Unlike BIP 173 there is no 90-character limit (age's
// post-quantum keys are ~2000 characters); a string is all lower or all upper case, and
// decoding reports the human-readable part in lower case. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plumb::age {

struct Bech32 {
  std::string hrp;   // lower case
  std::string data;  // the bytes (8-bit groups), padding bits checked to be zero
};

// Nothing when the string is not valid Bech32 (mixed case, characters outside the charset,
// bad checksum, non-zero padding, no separator, empty human-readable part).
std::optional<Bech32> bech32_decode(std::string_view text);

// Lower case; the caller upper-cases identities.
std::string bech32_encode(std::string_view hrp, std::string_view data);

}  // namespace plumb::age
