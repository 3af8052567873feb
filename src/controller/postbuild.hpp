// Flux's postBuild variable substitution, applied to the rendered objects before they are
// planned (as kustomize-controller does after its kustomize build):
//
//   auto vars = TRY(postbuild_variables(spec, "apps-ns", lookup));
//   objects = TRY(substitute_objects(std::move(objects), vars, spec.always, Unset::error));
//
// Variables come from each substituteFrom in order (a ConfigMap's data, a Secret's data
// decoded; later ones win; a missing object is an error unless optional), then substitute
// (wins over all); newlines are removed from every value. Each object is written as YAML,
// substituted with render::envsubst, and read back as sigs.k8s.io/yaml reads it (so `yes`
// becomes true); an object labelled or annotated kustomize.toolkit.fluxcd.io/substitute:
// disabled is left alone. Without variables nothing runs unless `always`. Errors use
// kustomize-controller's words, name the object, and never carry a variable's value (values
// may come from Secrets).
//
// Thread safety: pure functions; `lookup` is called on the caller's thread.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "controller/flux_types.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "render/envsubst.hpp"

namespace plumb::controller {

inline constexpr std::string_view k_substitute_key = "kustomize.toolkit.fluxcd.io/substitute";

// Reads a ConfigMap or Secret ("ConfigMap", namespace, name); nullopt when it does not exist.
using ObjectLookup = std::function<Result<std::optional<Node>>(
    std::string_view kind, std::string_view ns, std::string_view name)>;

Result<render::Variables> postbuild_variables(const PostBuildSpec& spec, std::string_view ns,
                                              const ObjectLookup& lookup);

Result<std::vector<Node>> substitute_objects(std::vector<Node> objects,
                                             const render::Variables& vars, bool always,
                                             render::Unset unset);

}  // namespace plumb::controller
