// LabelTransformer and AnnotationsTransformer: set key/value pairs in the maps the field specs
// select (metadata/labels, selectors, pod templates ...), creating maps where the spec says.
#include "render/plugin.hpp"

namespace plumb::render {

Result<Transform> make_labels(const Node& config, std::string_view field) {
  Node pairs = TRY(string_map_of(config.find(field), field));
  FieldSpecs specs = TRY(field_specs_of(config));
  return Transform([pairs, specs](ResourceSet& set) -> Result<void> {
    if (pairs.empty()) return {};
    for (Resource& r : set.mut()) {
      TRY_VOID(visit_field_specs(r.obj, specs, CreateKind::map, [&](Node& map) -> Result<void> {
        if (map.is_null()) map = Node::map();
        if (!map.is_map()) return {};
        for (const MapEntry& e : pairs.entries())
          map.set(e.key.as_string(), e.value);
        return {};
      }));
    }
    return {};
  });
}

}  // namespace plumb::render
