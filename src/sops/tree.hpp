// The walk over a SOPS tree that decryption and encryption share, private to src/sops:
// the values the file's rule marks (suffix or regex tested on every key from the root) are
// decrypted or encrypted with the mapping keys joined by ':' plus a trailing ':' as
// additional data (list indices are not part of it), and every clear scalar (or only the
// encrypted ones, with mac_only_encrypted) feeds sops' SHA-512 MAC in document order.
//
// Thread safety: pure function.
#pragma once

#include <span>
#include <string>

#include "core/error.hpp"
#include "core/node.hpp"
#include "sops/file.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

enum class Direction { encrypt, decrypt };

// Rewrites the documents in place; returns the MAC as sops prints it (upper-case hex).
// Errors name the value's path ("value at a.b[0]: ..."), never its content.
// `record`: decrypting puts each value's IV there; `reuse`: encrypting takes the IV it holds
// for a value that did not change.
Result<std::string> cipher_tree(std::span<Node> documents, const Metadata& metadata,
                                const DataKey& key, Direction direction, IvStash* record = nullptr,
                                const IvStash* reuse = nullptr);

}  // namespace plumb::sops
