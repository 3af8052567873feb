// Small string helpers shared by modules: ASCII whitespace trimming and case-insensitive
// comparison (Kubernetes kinds and flag values are ASCII).
//
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace plumb {

// text without leading and trailing whitespace.
inline std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// a == b, ignoring ASCII case (Go's strings.EqualFold for ASCII).
inline bool equal_fold(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace plumb
