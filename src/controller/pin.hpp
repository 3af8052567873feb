// A Kustomization pinned to an earlier revision by `plumb rollback`: three annotations the
// CLI writes (server-side apply, its own field manager) and the reconcile reads.
//
//   plumb.dev/rollback-to:   the revision to apply ("main@sha1:<hex>")
//   plumb.dev/rollback-from: the source's revision when the rollback was asked; once the
//                            source moves past it (a new commit), the pin is cleared
//   plumb.dev/rollback-by:   who asked, for the journal and the status
//
// `plumb resume` removes them too. Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"

namespace plumb::controller {

inline constexpr std::string_view k_rollback_to = "plumb.dev/rollback-to";
inline constexpr std::string_view k_rollback_from = "plumb.dev/rollback-from";
inline constexpr std::string_view k_rollback_by = "plumb.dev/rollback-by";

struct Pin {
  std::string to;
  std::string from;
  std::string by;

  // "pinned to main@sha1:… by alice (rolled back from main@sha1:…); a new commit or
  // `plumb resume` moves on"
  std::string describe() const;
};

// The pin an object carries; none without a rollback-to annotation.
std::optional<Pin> pin_of(const Node& object);

// The JSON patch operations that remove the pin annotations the object has.
std::vector<Node> unpin_operations(const Node& object);

}  // namespace plumb::controller
