// kustomize vars: $(NAME) in the varReference fields is replaced by the value of the field a
// var points at (metadata.name by default), after names are final. "$$" escapes a "$"; an
// unknown $(NAME) stays as written. A field that is exactly one $(NAME) takes the value's
// type (an integer port stays an integer).
#pragma once

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "render/field_spec.hpp"
#include "render/resource_set.hpp"
#include "render/target.hpp"

namespace plumb::render {

Result<void> resolve_vars(ResourceSet& resources, const std::vector<Var>& vars,
                          const FieldSpecs& var_reference);

// Reads a field by a dotted path ("spec.ports[0].port", "spec.containers[name=x].image").
const Node* field_by_path(const Node& object, std::string_view path);

}  // namespace plumb::render
