// Server-side printing: the `Table` (meta.k8s.io/v1) kubectl asks for in `get`, with the
// columns a v1.32 API server prints for the common kinds (priority 1 columns appear with
// `-o wide`) and NAME/AGE for the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "localcluster/registry.hpp"
#include "net/http.hpp"

namespace plumb::localcluster {

// Whether an Accept header asks for a Table.
bool wants_table(std::string_view accept);

Node to_table(const ResourceInfo& resource, const std::vector<Node>& objects, uint64_t rv,
              const std::string& continue_token, const net::HttpRequest& request);

// Seconds since an RFC 3339 timestamp; -1 when it does not parse.
int64_t seconds_since(std::string_view timestamp);

}  // namespace plumb::localcluster
