// Kubernetes protobuf request bodies ("k8s\0" + runtime.Unknown) for the kinds kubectl's
// `create` generators send that way: Namespace, ConfigMap and Secret (and the access and
// token reviews `kubectl auth` sends, answered from their kind), and the DeleteOptions
// client-go's typed clients send with a DELETE (helm's release storage). Decoding is driven by
// a small table of field numbers (from k8s.io/api's generated.proto); other kinds are
// refused with 415 so the error says what is missing.
#pragma once

#include <string_view>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"

namespace plumb::localcluster {

inline constexpr std::string_view k_protobuf_type = "application/vnd.kubernetes.protobuf";

// The object as the JSON reader would have produced it (empty fields left out).
ApiResult<Node> decode_protobuf(std::string_view body);

}  // namespace plumb::localcluster
