// NamespaceTransformer: sets metadata.namespace on namespaced objects, the name of a v1
// Namespace, the namespace of "default" ServiceAccount subjects of role bindings, and the
// other namespace field specs.
#include <unordered_set>

#include "render/plugin.hpp"

namespace plumb::render {

Result<Transform> make_namespace(const Node& config) {
  std::string ns(config.string_at({"metadata", "namespace"}));
  FieldSpecs specs = TRY(field_specs_of(config));
  bool unset_only = false;
  if (const Node* v = config.find("unsetOnly")) unset_only = v->as_bool();
  std::string subjects_mode(config.string_at({"setRoleBindingSubjects"}));
  return Transform([=](ResourceSet& set) -> Result<void> {
    if (ns.empty()) return {};
    auto setter = [&](Node& field) -> Result<void> {
      if (unset_only && field.is_string() && !field.as_string().empty()) return {};
      if (!field.is_string() && !field.is_null()) {
        return fail("namespace field specs must target scalar nodes");
      }
      field = Node::string(ns);
      return {};
    };
    for (Resource& r : set.mut()) {
      if (r.obj.empty()) continue;
      r.store_previous_id();
      Gvk gvk = Gvk::of(r.obj);
      std::string_view api_version = r.obj.string_at({"apiVersion"});
      if (!gvk.cluster_scoped()) {
        Node& md = r.obj["metadata"];
        if (!md.is_map()) md = Node::map();
        Node* field = md.find_mut("namespace");
        if (field == nullptr) {
          md.set("namespace", Node::string(""));
          field = md.find_mut("namespace");
        }
        TRY_VOID(setter(*field));
      }
      bool binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
      if (binding && subjects_mode != "none") {
        if (Node* subjects = r.obj.find_mut("subjects"); subjects && subjects->is_list()) {
          for (Node& s : subjects->items_mut()) {
            if (!s.is_map()) continue;
            bool all = subjects_mode == "allServiceAccounts";
            bool is_sa = s.string_at({"kind"}) == "ServiceAccount";
            if (all ? !is_sa : s.string_at({"name"}) != "default") continue;
            Node* field = s.find_mut("namespace");
            if (field == nullptr) {
              s.set("namespace", Node::string(""));
              field = s.find_mut("namespace");
            }
            TRY_VOID(setter(*field));
          }
        }
      }
      for (const FieldSpec& spec : specs) {
        if (spec.path == "metadata/namespace") continue;
        if (spec.path == "metadata/name" && api_version != "v1") continue;
        if (binding && spec.path.starts_with("subjects")) continue;
        TRY_VOID(visit_field_spec(r.obj, spec, CreateKind::scalar, setter));
      }
    }
    std::unordered_set<std::string> seen;
    for (const Resource& r : set.items()) {
      if (!seen.insert(r.cur_id().key()).second) {
        return fail("namespace transformation produces ID conflict: ", r.cur_id().str());
      }
    }
    return {};
  });
}

}  // namespace plumb::render
