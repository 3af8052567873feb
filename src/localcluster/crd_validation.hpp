// Custom resources against their CustomResourceDefinition's openAPIV3Schema, as the API
// server's decoding and validation treat them: fields the schema does not declare are
// unknown (a 400 under fieldValidation=Strict, pruned otherwise) unless a node keeps them
// (x-kubernetes-preserve-unknown-fields, additionalProperties, an embedded resource's
// header); schema defaults are set; then the schema is checked — type, enum, required,
// pattern, minLength/maxLength, minimum/maximum, multipleOf, minItems/maxItems — with
// Kubernetes' 422 causes (`spec.replicas: Invalid value: "string": spec.replicas in body
// must be of type integer: "string"`).
//
// The schemas are registered per CRD (its served versions) when a CRD is written or read
// back at start-up, and forgotten when it is deleted. Thread safety: all functions may be
// called concurrently; a registration is seen by the calls that start after it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

void register_crd_validation(const Node& crd);
void forget_crd_validation(std::string_view crd_name);

// The fields of a custom resource its schema does not declare ("spec.colour",
// "spec.items[0].x"), in the object's order; empty for built-in kinds and unknown schemas.
std::vector<std::string> crd_unknown_fields(const ResourceInfo& resource, const Node& object);
// What decoding does to a custom resource: unknown fields removed, schema defaults set.
void crd_prune_and_default(const ResourceInfo& resource, Node& object);
// The schema's verdict on a (pruned, defaulted) custom resource.
std::vector<StatusCause> crd_validate(const ResourceInfo& resource, const Node& object);

}  // namespace plumb::localcluster
