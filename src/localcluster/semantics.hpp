// What the API server does to objects of particular kinds, as data-driven rules and small
// functions: defaults (Service clusterIP, Deployment strategy, Namespace phase ...) and what a
// write of a CustomResourceDefinition changes in what is served. Validation is validate.hpp.
#pragma once

#include <vector>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/registry.hpp"

namespace plumb::localcluster {

class ApiServer;

// `before` is null on create.
void apply_defaults(const ResourceInfo& resource, Node& object, const Node& before);

// The first field of `object` the kind's schema does not declare ("spec.foo",
// "spec.containers[0].bar"); "" when all are known or the kind has no schema.
std::string undeclared_field(const ResourceInfo& resource, const Node& object);

// After a stored create or update (CRDs get served and Established).
void after_write(ApiServer& server, const ResourceInfo& resource, const Node& before,
                 const Node& after);
// After an object is removed from the store (a CRD stops being served, its objects go).
void after_delete(ApiServer& server, const ResourceInfo& resource, const Node& removed);

// Serves the kinds of a CRD read back from the store at start-up.
void after_write_restore(Registry& registry, const Node& crd);

// The resources a CRD serves (one per served version).
std::vector<ResourceInfo> crd_resources(const Node& crd);

}  // namespace plumb::localcluster
