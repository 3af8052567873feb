// Server-side apply and field ownership: metadata.managedFields is kept for every write
// (Update entries from create/update/patch, Apply entries from apply patches); an apply
// conflicts (409) when it would change a field another manager owns, unless forced; fields a
// manager applied before and no longer applies are removed unless another manager owns them.
#pragma once

#include <string>
#include <string_view>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/registry.hpp"
#include "merge/schema.hpp"

namespace plumb::localcluster {

// The schema shapes used for a resource (built-in types, or a CRD's schema once registered).
SchemaType schema_type(const ResourceInfo& resource);
// Registers the types of a CustomResourceDefinition (replacing earlier ones of that CRD).
void register_crd_schema(const Node& crd);

// Records in after.metadata.managedFields that `manager` changed `before` into `after`.
void record_update(Node& after, const Node& before, const std::string& manager,
                   const ResourceInfo& resource, std::string_view subresource);

// The object an apply patch (`body`: YAML or JSON) makes of `current` (null: none yet),
// with managedFields updated; a 409 Conflict names the other managers and fields.
ApiResult<Node> server_side_apply(const ResourceInfo& resource, const Node& current,
                                  const std::string& ns, const std::string& name,
                                  std::string_view body, const WriteOptions& options);

}  // namespace plumb::localcluster
