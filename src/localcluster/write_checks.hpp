// What a write must pass before it is stored, answered with the status code, reason and
// message the Kubernetes API server answers with for each way a write comes in:
//
//   create / update body   400 BadRequest `Deployment in version "v1" cannot be handled as a
//                          Deployment: json: cannot unmarshal string into Go struct field
//                          DeploymentSpec.spec.replicas of type int32`
//   JSON / merge patch     422 Invalid, field `patch`: `Invalid value: "<patched JSON>":
//                          json: cannot unmarshal ...`
//   strategic merge patch  422 Invalid, field `patch`: `Invalid value: "map[spec:map[...]]":
//                          unrecognized type: int32`
//   server-side apply      500 (no reason, as Kubernetes answers): `failed to create typed
//                          patch object (default/web; apps/v1, Kind=Deployment):
//                          .spec.replicas: expected numeric (int or float), got string`
//
// plus fields the schema does not declare when the request asks for fieldValidation=Strict.
// Only built-in kinds are decoded here; custom resources are checked against their CRD's
// schema (crd_validation.hpp).
//
// Thread safety: pure functions (the CRD schemas are read through ssa.hpp's registry).
#pragma once

#include <string_view>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

// A create or update body.
ApiResult<void> check_body_decodes(const ResourceInfo& resource, const Node& object);
// The object a JSON, merge or strategic merge patch (`patch_type`, `patch`) made.
ApiResult<void> check_patch_decodes(const ResourceInfo& resource, const Node& patched,
                                    std::string_view patch_type, std::string_view patch);
// Server-side apply: the applied configuration (every value of a wrong type and, with
// fieldValidation=Strict, the first undeclared field), then the object it made (what the
// typed decoding of the merged object rejects: quantities, int32 ranges ...).
ApiResult<void> check_apply_config(const ResourceInfo& resource, const Node& config,
                                   const WriteOptions& options);
ApiResult<void> check_apply_result(const ResourceInfo& resource, const Node& config,
                                   const Node& result);

// fieldValidation=Strict on a create or update body or a patched object: the first field
// the kind's schema does not declare is a 400.
ApiResult<void> check_declared(const ResourceInfo& resource, const Node& object,
                               const WriteOptions& options);

// "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap" (Go's GroupVersionKind.String()).
std::string gvk_text(const ResourceInfo& resource);

}  // namespace plumb::localcluster
