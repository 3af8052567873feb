#include "localcluster/write_checks.hpp"

#include "core/json.hpp"
#include "localcluster/crd_validation.hpp"
#include "localcluster/decode.hpp"
#include "localcluster/go_format.hpp"
#include "localcluster/semantics.hpp"
#include "localcluster/ssa.hpp"

namespace plumb::localcluster {
namespace {

// "<namespace>/<name>; <gvk>" as the field manager names the object it was given.
std::string object_gvknn(const ResourceInfo& resource, const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"})) + "; " + gvk_text(resource);
}

std::string cannot_be_handled(const ResourceInfo& resource, std::string_view why) {
  return resource.kind + " in version \"" + resource.version + "\" cannot be handled as a " +
         resource.kind + ": " + std::string(why);
}

// Kubernetes answers errors it did not turn into a Status with 500 and no reason.
std::unexpected<ApiError> internal(std::string message) {
  return api_fail(500, "", std::move(message));
}

// Fields the kind's schema does not declare: the first one for built-in kinds (as the strict
// decoder stops there), every one for custom resources.
std::vector<std::string> unknown_fields(const ResourceInfo& resource, const Node& object) {
  if (!resource.crd.empty()) return crd_unknown_fields(resource, object);
  std::string field = undeclared_field(resource, object);
  if (field.empty()) return {};
  return {field};
}

}  // namespace

std::string gvk_text(const ResourceInfo& resource) {
  return resource.group + "/" + resource.version + ", Kind=" + resource.kind;
}

ApiResult<void> check_body_decodes(const ResourceInfo& resource, const Node& object) {
  if (!resource.crd.empty()) return {};
  std::string problem = decode_problem(schema_type(resource), object, DecodeWay::body);
  if (problem.empty()) return {};
  return api_fail(400, "BadRequest", cannot_be_handled(resource, problem));
}

ApiResult<void> check_patch_decodes(const ResourceInfo& resource, const Node& patched,
                                    std::string_view patch_type, std::string_view patch) {
  if (!resource.crd.empty()) return {};
  const bool strategic = patch_type == "application/strategic-merge-patch+json";
  std::string problem = decode_problem(schema_type(resource), patched,
                                       strategic ? DecodeWay::unstructured : DecodeWay::body);
  if (problem.empty()) return {};
  // The strategic patch is shown as Go prints the patch map, the others as the patched JSON.
  std::string shown = strategic ? go_value(parse_json(patch).value_or(Node())) : to_json(patched);
  return std::unexpected(invalid(
      "", "", "",
      {{"FieldValueInvalid", "Invalid value: " + go_quote(shown) + ": " + problem, "patch"}}));
}

ApiResult<void> check_apply_config(const ResourceInfo& resource, const Node& config,
                                   const WriteOptions& options) {
  std::vector<std::string> problems = apply_problems(schema_type(resource), config);
  if (options.field_validation == "Strict")
    for (const std::string& field : unknown_fields(resource, config))
      problems.push_back("." + field + ": field not declared in schema");
  if (problems.empty()) return {};
  return internal("failed to create typed patch object (" + object_gvknn(resource, config) +
                  "): " + join_apply_problems(problems));
}

ApiResult<void> check_apply_result(const ResourceInfo& resource, const Node& config,
                                   const Node& result) {
  if (!resource.crd.empty()) return {};
  std::string problem = decode_problem(schema_type(resource), result, DecodeWay::unstructured);
  if (problem.empty()) return {};
  return internal("failed to convert new object (" + object_gvknn(resource, config) +
                  ") to proper version: unable to convert unstructured object to " +
                  gvk_text(resource) + ": " + problem);
}

ApiResult<void> check_declared(const ResourceInfo& resource, const Node& object,
                               const WriteOptions& options) {
  if (options.field_validation != "Strict") return {};
  std::string why;
  for (const std::string& field : unknown_fields(resource, object))
    why += (why.empty() ? "strict decoding error: " : ", ") + ("unknown field \"" + field + "\"");
  if (why.empty()) return {};
  return api_fail(400, "BadRequest", cannot_be_handled(resource, why));
}

}  // namespace plumb::localcluster
