#include "controller/pin.hpp"

#include "controller/json_patch.hpp"
#include "core/json.hpp"

namespace plumb::controller {
namespace {

constexpr std::string_view k_pin_annotations[] = {k_rollback_to, k_rollback_from, k_rollback_by};

}  // namespace

std::string Pin::describe() const {
  std::string out = "pinned to " + to;
  if (!by.empty()) out += " by " + by;
  if (!from.empty()) out += " (rolled back from " + from + ")";
  return out + "; a new commit or `plumb resume` moves on";
}

std::optional<Pin> pin_of(const Node& object) {
  std::string_view to = object.string_at({"metadata", "annotations", k_rollback_to});
  if (to.empty()) return std::nullopt;
  return Pin{std::string(to),
             std::string(object.string_at({"metadata", "annotations", k_rollback_from})),
             std::string(object.string_at({"metadata", "annotations", k_rollback_by}))};
}

std::vector<Node> unpin_operations(const Node& object) {
  std::vector<Node> out;
  const Node* annotations = object.at_path({"metadata", "annotations"});
  if (!annotations || !annotations->is_map()) return out;
  for (std::string_view key : k_pin_annotations) {
    if (annotations->find(key))
      out.push_back(json_op("remove", "/metadata/annotations/" + json_pointer_segment(key)));
  }
  return out;
}

}  // namespace plumb::controller
