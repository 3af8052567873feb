// Standard base64 (RFC 4648, with padding), as Kubernetes uses for Secret data and
// kubeconfig certificate fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plumb {

std::string base64_encode(std::string_view bytes);

// Nothing when the input is not valid padded base64. Line breaks and spaces are ignored.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace plumb
