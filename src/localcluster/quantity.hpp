// Kubernetes resource quantities ("100m", "1Gi", "1e3") as the API server parses them, and
// Go's standard base64 decoding errors: the two scalar syntaxes a built-in object is
// rejected for while it is decoded.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace plumb::localcluster {

// Why `text` is not a quantity, in the API server's words; nullopt when it is one.
std::optional<std::string_view> quantity_error(std::string_view text);
// The value of a valid quantity (approximate: a double); nullopt when not a quantity.
std::optional<double> quantity_value(std::string_view text);
// A valid quantity as the API server prints it back: decimal values with the largest SI
// suffix that keeps them whole ("2000m" -> "2", "0.5" -> "500m", "2000" -> "2k"), whole
// binary values with the largest binary suffix ("1024Mi" -> "1Gi"); others as given.
std::string canonical_quantity(std::string_view text);

// Go's base64.StdEncoding error for `text` ("illegal base64 data at input byte 3"); nullopt
// when it decodes.
std::optional<std::string> base64_error(std::string_view text);

}  // namespace plumb::localcluster
