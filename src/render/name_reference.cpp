// Name references: after prefixes, suffixes, namespaces and hashes changed object names, the
// fields that refer to those objects by name (nameReference field specs: a Deployment's
// configMapKeyRef, a RoleBinding's roleRef and subjects ...) are pointed at the new names.
//
// Candidates for a referred name are found through the set's name index (any past name), so
// the pass costs O(fields that hold references), not O(referrers x resources).
#include <algorithm>
#include <unordered_set>

#include "render/plugin.hpp"

namespace plumb::render {
namespace {

bool same_ending(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::vector<std::string>& shortest = a.size() <= b.size() ? a : b;
  const std::vector<std::string>& longest = a.size() <= b.size() ? b : a;
  size_t diff = longest.size() - shortest.size();
  if (shortest.empty()) return diff == 0;
  for (size_t i = 0; i < shortest.size(); ++i) {
    if (longest[i + diff] != shortest[i]) return false;
  }
  return true;
}

class Fixer {
 public:
  Fixer(ResourceSet& set, size_t referrer, const Gvk& target, const FieldSpec& spec)
      : m_set(set), m_referrer(referrer), m_target(target), m_spec(spec) {
    const Resource& r = set[referrer];
    m_referrer_id = r.cur_id();
    if (r.kind() == "RoleBinding") {
      if (const Node* subjects = r.obj.find("subjects"); subjects && subjects->is_list()) {
        for (const Node& s : subjects->items()) {
          const Node* ns = s.find("namespace");
          if (ns && ns->is_string() && s.string_at({"kind"}) == "ServiceAccount") {
            m_binding_namespaces.insert(std::string(ns->as_string()));
          }
        }
      }
    }
    if (spec.path.ends_with("roleRef/name")) {
      const Node* role_ref = r.obj.find("roleRef");
      if (role_ref && role_ref->find("apiGroup") && role_ref->find("kind")) {
        m_role_ref = Gvk{std::string(role_ref->string_at({"apiGroup"})), "",
                         std::string(role_ref->string_at({"kind"}))};
        m_has_role_ref = true;
      }
    }
  }

  Result<void> visit(Node& field) {
    if (field.is_null()) return {};
    if (field.is_string()) return set_scalar(field);
    if (field.is_map()) return set_mapping(field);
    if (field.is_list()) {
      for (Node& item : field.items_mut()) {
        if (item.is_string()) {
          TRY_VOID(set_scalar(item));
        } else if (item.is_map()) {
          TRY_VOID(set_mapping(item));
        }
      }
    }
    return {};
  }

 private:
  // Whether a resource could be referred to by the referrer (kustomize's
  // SubsetThatCouldBeReferencedByResource).
  bool reachable(const Resource& candidate) const {
    if (m_referrer_id.gvk.cluster_scoped()) return true;
    ResId id = candidate.cur_id();
    if (id.gvk.cluster_scoped()) return true;
    if (id.effective_namespace() == m_referrer_id.effective_namespace()) return true;
    return m_binding_namespaces.contains(std::string(candidate.ns()));
  }

  std::vector<size_t> candidates_named(const std::string& old_name) const {
    std::vector<size_t> out;
    for (size_t i : m_set.by_any_name(old_name)) {
      const Resource& r = m_set[i];
      bool name_hit = false;
      bool gvk_hit = false;
      bool role_hit = !m_has_role_ref;
      for (const ResId& prev : r.previous) {
        if (prev.name == old_name) name_hit = true;
        if (prev.gvk.is_selected_by(m_target)) gvk_hit = true;
        if (m_has_role_ref && prev.gvk.is_selected_by(m_role_ref)) role_hit = true;
      }
      if (!name_hit || !gvk_hit || !role_hit || !reachable(r)) continue;
      if (!m_referrer_id.gvk.cluster_scoped()) {
        ResId id = r.cur_id();
        bool ok = id.gvk.cluster_scoped() || r.kind() == "ServiceAccount" ||
                  id.effective_namespace() == m_referrer_id.effective_namespace();
        if (!ok) continue;
      }
      out.push_back(i);
    }
    return out;
  }

  Result<const Resource*> select(const std::string& old_name, std::vector<size_t> candidates,
                                 bool compare_namespaces) const {
    if (candidates.size() == 1) return &m_set[candidates[0]];
    const Resource& referrer = m_set[m_referrer];
    std::vector<size_t> same_affixes;
    for (size_t i : candidates) {
      const Resource& r = m_set[i];
      if (same_ending(r.prefixes, referrer.prefixes) &&
          same_ending(r.suffixes, referrer.suffixes)) {
        same_affixes.push_back(i);
      }
    }
    if (same_affixes.size() == 1) return &m_set[same_affixes[0]];
    if (same_affixes.empty()) return nullptr;
    const Resource& first = m_set[same_affixes[0]];
    bool identical = std::all_of(same_affixes.begin(), same_affixes.end(), [&](size_t i) {
      return m_set[i].name() == first.name() &&
             (!compare_namespaces || m_set[i].ns() == first.ns());
    });
    if (identical) return &first;
    std::string ids;
    for (size_t i : same_affixes)
      ids += (ids.empty() ? "" : ", ") + m_set[i].cur_id().str();
    return fail("updating name reference in '", m_spec.path, "' field of '", m_referrer_id.str(),
                "': found multiple possible referrals for '", old_name, "': ", ids);
  }

  Result<void> set_scalar(Node& field) {
    std::string old_name(field.as_string());
    const Resource* referral = TRY(select(old_name, candidates_named(old_name), false));
    if (referral == nullptr || referral->name() == old_name) return {};
    field = Node::string(referral->name());
    return {};
  }

  Result<void> set_mapping(Node& field) {
    const Node* name_node = field.find("name");
    if (name_node == nullptr) {
      return fail("updating name reference in '", m_spec.path, "' field of '", m_referrer_id.str(),
                  "': path config error; no 'name' field in node");
    }
    std::string old_name(name_node->as_string());
    std::vector<size_t> candidates = candidates_named(old_name);
    if (const Node* ns_node = field.find("namespace")) {
      // kustomize groups candidates by original namespace first, then by current one
      // (effective namespaces: "" is "default").
      ResId probe{Gvk{}, "", std::string(ns_node->as_string())};
      std::string_view ns = probe.effective_namespace();
      std::vector<size_t> by_original;
      std::vector<size_t> by_current;
      for (size_t i : candidates) {
        if (m_set[i].org_id().effective_namespace() == ns) by_original.push_back(i);
        if (m_set[i].cur_id().effective_namespace() == ns) by_current.push_back(i);
      }
      candidates = by_original.empty() ? by_current : by_original;
    }
    const Resource* referral = TRY(select(old_name, candidates, true));
    if (referral == nullptr) return {};
    if (referral->name() == old_name && referral->ns().empty()) return {};
    field.set("name", Node::string(referral->name()));
    if (referral->ns().empty()) return {};
    field.set("namespace", Node::string(referral->ns()));
    return {};
  }

  ResourceSet& m_set;
  size_t m_referrer;
  Gvk m_target;
  const FieldSpec& m_spec;
  ResId m_referrer_id;
  std::unordered_set<std::string> m_binding_namespaces;
  Gvk m_role_ref;
  bool m_has_role_ref = false;
};

}  // namespace

Result<void> fix_name_references(ResourceSet& resources, const TransformerConfig& config) {
  // kustomize refuses a RoleBinding whose ServiceAccount subject has a blank namespace.
  for (const Resource& r : resources.items()) {
    if (r.kind() != "RoleBinding") continue;
    const Node* subjects = r.obj.find("subjects");
    if (subjects == nullptr || !subjects->is_list()) continue;
    for (const Node& s : subjects->items()) {
      const Node* ns = s.find("namespace");
      if (ns != nullptr && !ns->is_string() && s.string_at({"kind"}) == "ServiceAccount") {
        return fail("Invalid Input: namespace is blank for resource ", r.cur_id().str());
      }
    }
  }
  // Only renamed objects can need a reference update.
  bool any_renamed = std::any_of(resources.items().begin(), resources.items().end(),
                                 [](const Resource& r) { return !r.previous.empty(); });
  if (!any_renamed) return {};
  for (size_t i = 0; i < resources.size(); ++i) {
    ResId org = resources[i].org_id();
    for (const NameBackRef& back : config.name_reference) {
      for (const FieldSpec& spec : back.referrers) {
        if (!org.gvk.is_selected_by(spec.gvk)) continue;
        Fixer fixer(resources, i, back.gvk, spec);
        FieldSpec any_kind = spec;
        any_kind.gvk = Gvk{};
        // Referrer fields never change ids, so the name index stays valid.
        Node& obj = resources.same_id(i).obj;
        TRY_VOID(visit_field_spec(obj, any_kind, CreateKind::none,
                                  [&](Node& field) { return fixer.visit(field); }));
      }
    }
  }
  return {};
}

}  // namespace plumb::render
