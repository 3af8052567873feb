#include "core/object_ref.hpp"

namespace plumb {

ObjectRef ObjectRef::of(const Node& object) {
  ObjectRef ref;
  std::string_view api_version = object.string_at({"apiVersion"});
  if (size_t slash = api_version.find('/'); slash != std::string_view::npos) {
    ref.group = std::string(api_version.substr(0, slash));
    ref.version = std::string(api_version.substr(slash + 1));
  } else {
    ref.version = std::string(api_version);
  }
  ref.kind = std::string(object.string_at({"kind"}));
  ref.namespace_ = std::string(object.string_at({"metadata", "namespace"}));
  ref.name = std::string(object.string_at({"metadata", "name"}));
  return ref;
}

std::string ObjectRef::display() const {
  std::string out = kind;
  out += '/';
  if (!namespace_.empty()) out.append(namespace_).append("/");
  out += name;
  return out;
}

std::string ObjectRef::inventory_id() const {
  return namespace_ + "_" + name + "_" + group + "_" + kind;
}

int64_t generation_of(const Node& object) {
  const Node* generation = object.at_path({"metadata", "generation"});
  return generation && generation->is_int() ? generation->as_int() : 0;
}

}  // namespace plumb
