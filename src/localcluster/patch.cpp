#include "localcluster/patch.hpp"

#include "core/json.hpp"
#include "localcluster/ssa.hpp"
#if __has_include("merge/merge.hpp")
#include "merge/merge.hpp"
#define PLUMB_HAVE_MERGE 1
#endif

namespace plumb::localcluster {

ApiResult<Node> apply_patch(const ResourceInfo& resource, const Node& current,
                            std::string_view content_type, std::string_view body) {
  auto patch = parse_json(body, "patch");
  if (!patch) return api_fail(400, "BadRequest", patch.error().message());
#ifdef PLUMB_HAVE_MERGE
  if (content_type == "application/json-patch+json") {
    if (!patch->is_list())
      return api_fail(400, "BadRequest", "json patch: the body must be a list of operations");
    auto patched = json_patch(current, *patch);
    if (!patched) return api_fail(422, "Invalid", patched.error().message());
    return *patched;
  }
  if (content_type == "application/merge-patch+json") {
    if (!patch->is_map()) return api_fail(400, "BadRequest", "merge patch: not an object");
    return merge_patch(current, *patch);
  }
  if (content_type == "application/strategic-merge-patch+json") {
    if (!resource.crd.empty())
      return api_fail(415, "UnsupportedMediaType",
                      "strategic merge patch is not supported for custom resources; use a "
                      "merge patch");
    if (!patch->is_map())
      return api_fail(400, "BadRequest", "strategic merge patch: not an object");
    auto patched = strategic_merge(current, *patch, schema_type(resource));
    if (!patched) return api_fail(422, "Invalid", patched.error().message());
    return *patched;
  }
#else
  (void)resource;
  (void)current;
  (void)content_type;
#endif
  return api_fail(415, "UnsupportedMediaType",
                  "the body of the request was in an unknown format - accepted media types "
                  "include: application/json-patch+json, application/merge-patch+json, "
                  "application/apply-patch+yaml, application/strategic-merge-patch+json");
}

}  // namespace plumb::localcluster
