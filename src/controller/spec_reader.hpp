// SpecReader: reads fields of a Flux object's spec with errors that name the object and the
// field ("<Kind>/<namespace>/<name>: spec.<field>: <what>"). Shared by the parsers of every
// Flux kind (flux_types.cpp, helmrelease_types.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"

namespace plumb::controller {

using std::chrono::milliseconds;

struct SpecReader {
  const Node& object;
  std::string who;

  explicit SpecReader(const Node& o) : object(o), who(ObjectRef::of(o).display()) {}

  const Node* spec(std::string_view field) const { return object.at_path({"spec", field}); }

  std::unexpected<Error> bad(std::string_view field, std::string_view what) const {
    return fail(who, ": spec.", field, ": ", what);
  }

  Result<std::string> string(std::string_view field, bool required = false) const {
    const Node* n = spec(field);
    if (!n || n->is_null()) {
      if (required) return bad(field, "is required");
      return std::string();
    }
    if (!n->is_string()) return bad(field, "must be a string");
    return std::string(n->as_string());
  }

  Result<bool> boolean(std::string_view field) const {
    const Node* n = spec(field);
    if (!n || n->is_null()) return false;
    if (!n->is_bool()) return bad(field, "must be true or false");
    return n->as_bool();
  }

  Result<std::optional<milliseconds>> duration(std::string_view field, bool required) const {
    std::string text = TRY(string(field, required));
    if (text.empty()) return std::optional<milliseconds>();
    auto d = parse_duration(text);
    if (!d) return bad(field, d.error().message());
    if (d->count() <= 0) return bad(field, "must be positive");
    return std::optional<milliseconds>(*d);
  }

  Result<Node> list(std::string_view field) const {
    const Node* n = spec(field);
    if (!n || n->is_null()) return Node();
    if (!n->is_list()) return bad(field, "must be a list");
    return *n;
  }
};

}  // namespace plumb::controller
