// PrefixTransformer, SuffixTransformer, PrefixSuffixTransformer: add a prefix/suffix to the
// fields of the field specs (metadata/name by default), remembering the old id for name
// references. CRDs, APIServices and Namespaces keep their names.
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

bool skips_renaming(const ResId& id) {
  static const Gvk k_skip[] = {
      {"", "", "CustomResourceDefinition"},
      {"apiregistration.k8s.io", "", "APIService"},
      {"", "", "Namespace"},
  };
  for (const Gvk& g : k_skip) {
    if (id.gvk.is_selected_by(g)) return true;
  }
  return false;
}

}  // namespace

Result<Transform> make_prefix_suffix(const Node& config, bool prefix, bool suffix) {
  std::string pre = prefix ? std::string(config.string_at({"prefix"})) : "";
  std::string post = suffix ? std::string(config.string_at({"suffix"})) : "";
  FieldSpecs specs = TRY(field_specs_of(config));
  return Transform([pre, post, specs](ResourceSet& set) -> Result<void> {
    for (Resource& r : set.mut()) {
      ResId org = r.org_id();
      if (skips_renaming(org)) continue;
      for (const FieldSpec& spec : specs) {
        if (!org.gvk.is_selected_by(spec.gvk)) continue;
        if (spec.path == "metadata/name") {
          if (!pre.empty()) r.prefixes.push_back(pre);
          if (!post.empty()) r.suffixes.push_back(post);
          if (!pre.empty() || !post.empty()) r.store_previous_id();
        }
        TRY_VOID(
            visit_field_spec(r.obj, spec, CreateKind::scalar, [&](Node& field) -> Result<void> {
              if (!field.is_string()) return {};
              field = Node::string(pre + std::string(field.as_string()) + post);
              return {};
            }));
      }
    }
    return {};
  });
}

}  // namespace plumb::render
