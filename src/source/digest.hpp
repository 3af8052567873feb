// Content digests as OCI registries ("sha256:<hex>") and Helm repository indexes (bare hex)
// write them: computed, checked for form, and verified against bytes.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::source {

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);
// Lower-case hex SHA-1 of bytes (not for verifying: Bitbucket's 40-character status keys).
std::string sha1_hex(std::string_view bytes);
// "sha256:" + sha256_hex(bytes).
std::string sha256_digest(std::string_view bytes);
// Whether text is "sha256:" followed by 64 lower-case hex digits (the only algorithm Plumb
// verifies; registries and Helm write no other).
bool is_sha256_digest(std::string_view text);
// The bytes' digest equals `expected` ("sha256:<hex>", or 64 hex digits as in index.yaml);
// otherwise "<what>: digest mismatch: expected E, got G". An expected digest of another
// algorithm or form is an error too.
Result<void> verify_digest(std::string_view expected, std::string_view bytes,
                           std::string_view what);

}  // namespace plumb::source
