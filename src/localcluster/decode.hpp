// Decoding a built-in object into its Go type, as the API server does before anything else:
// a value of the wrong JSON type for its field (`replicas: "two"`, a number as a ConfigMap
// value), a malformed quantity or base64 string is rejected. Each way an object comes in has
// its own decoder, and each words the problem its own way:
//
//   DecodeWay::body         create / update bodies, JSON and merge patches (encoding/json):
//                           `json: cannot unmarshal string into Go struct field
//                           DeploymentSpec.spec.replicas of type int32` (the first problem)
//   DecodeWay::unstructured strategic merge patches (the unstructured converter):
//                           `unrecognized type: int32` (the first problem)
//   DecodeWay::apply        server-side apply (structured-merge-diff), every problem:
//                           `.spec.replicas: expected numeric (int or float), got string`
//
// Only built-in types are checked (their fields carry ScalarType and Go type facts); fields
// the schema does not declare are left to the strict-field check.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/node.hpp"
#include "merge/schema.hpp"

namespace plumb::localcluster {

enum class DecodeWay { body, unstructured, apply };

// The first problem of `object` (a `kind` of root type `root`) for the body and unstructured
// ways; "" when it decodes.
std::string decode_problem(SchemaType root, const Node& object, DecodeWay way);

// Every problem server-side apply finds, each as `<path>: <what>`; empty when none.
std::vector<std::string> apply_problems(SchemaType root, const Node& object);

// structured-merge-diff's way of joining problems: one as it is, several as
// "errors:\n  a\n  b".
std::string join_apply_problems(const std::vector<std::string>& problems);

}  // namespace plumb::localcluster
