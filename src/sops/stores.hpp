// The sops stores: each format parsed into documents plus the `sops` metadata tree, and the
// metadata tree read into Metadata with sops' checks. Private to src/sops.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"
#include "sops/file.hpp"

namespace plumb::sops {

// Documents and metadata; errors are load-stage errors.
Result<EncryptedFile> load_store(std::string_view content, Format format);

// The metadata map (YAML/JSON form, or unflattened from dotenv/INI) read as sops does:
// one encryption rule at most, lastmodified must parse as RFC 3339.
Result<Metadata> read_metadata(const Node& sops);

// dotenv/INI metadata: `age__list_0__map_enc` → {"age": [{"enc": ...}]}.
Node unflatten_metadata(std::span<const MapEntry> flat);

}  // namespace plumb::sops
