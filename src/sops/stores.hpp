// The sops stores: each format parsed into documents plus the `sops` metadata tree, and the
// metadata tree read into Metadata with sops' checks. Private to src/sops.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "core/node.hpp"
#include "sops/file.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

// The plaintext of a file to encrypt, as sops' stores read it: YAML documents (maps; empty
// documents skipped), a JSON object, dotenv lines (comments kept), binary as {"data": bytes},
// INI sections (comments dropped). A file that already has sops metadata is refused.
Result<DecryptedFile> load_plain_store(std::string_view content, Format format);

// Documents and metadata; errors are load-stage errors.
Result<EncryptedFile> load_store(std::string_view content, Format format);

// The metadata map (YAML/JSON form, or unflattened from dotenv/INI) read as sops does:
// one encryption rule at most, lastmodified must parse as RFC 3339.
Result<Metadata> read_metadata(const Node& sops);

// The metadata / .sops.yaml key of an encryption rule ("encrypted_regex" ...).
std::string_view rule_name(RuleKind kind);

// The one encryption rule a map names (sops metadata or a creation rule), nullopt when none;
// two or more are an error ending with `scope` ("in the same file").
Result<std::optional<std::pair<RuleKind, std::string>>> read_encryption_rule(
    const Node& map, std::string_view scope);

// The MAC's additional data for a lastmodified: Go's time.Parse(time.RFC3339) then Format
// (fraction dropped, a zero offset printed as Z); nullopt when it does not parse.
std::optional<std::string> mac_additional_data_of(std::string_view lastmodified);

// dotenv/INI metadata: `age__list_0__map_enc` → {"age": [{"enc": ...}]}.
Node unflatten_metadata(std::span<const MapEntry> flat);

}  // namespace plumb::sops
