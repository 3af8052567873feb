// ImageTagTransformer: rewrites container images that match an `images` entry by name
// (newName, newTag, digest, tagSuffix). Like kustomize it updates every "containers" and
// "initContainers" list anywhere in an object, then the images field specs.
#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "render/kustomization.hpp"
#include "render/plugin.hpp"

namespace plumb::render {

void split_image(std::string_view image, std::string& name, std::string& tag, std::string& digest) {
  size_t slash = image.find('/');
  size_t offset = slash != std::string_view::npos && slash > 0 ? slash : 0;
  std::string_view search = image.substr(offset);
  size_t at = search.find('@');
  size_t colon = search.find(':');
  name = std::string(image);
  tag.clear();
  digest.clear();
  if (at == std::string_view::npos && colon == std::string_view::npos) return;
  if (at != std::string_view::npos && (colon == std::string_view::npos || at < colon)) {
    name = std::string(image.substr(0, at + offset));
    digest = std::string(image.substr(at + offset + 1));
    return;
  }
  if (at != std::string_view::npos) {
    name = std::string(image.substr(0, colon + offset));
    tag = std::string(image.substr(colon + offset + 1, at - colon - 1));
    digest = std::string(image.substr(at + offset + 1));
    return;
  }
  name = std::string(image.substr(0, colon + offset));
  tag = std::string(image.substr(colon + offset + 1));
}

namespace {

struct ImageRule {
  std::string name;
  std::string new_name;
  std::string new_tag;
  std::string digest;
  std::string tag_suffix;
};

std::string text_of(const Node* n) {
  if (n == nullptr) return "";
  if (n->is_string()) return std::string(n->as_string());
  if (n->is_int()) return std::to_string(n->as_int());
  if (n->is_float()) {
    std::string s = std::to_string(n->as_float());
    while (s.size() > 1 && s.back() == '0')
      s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  return "";
}

bool tag_chars(std::string_view s) {
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '{' ||
              c == '}' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// kustomize's "^NAME(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$".
bool image_matches(std::string_view image, std::string_view name) {
  if (!image.starts_with(name)) return false;
  std::string_view rest = image.substr(name.size());
  size_t digest = rest.find("@sha256:");
  if (digest != std::string_view::npos) {
    if (!tag_chars(rest.substr(digest + 8))) return false;
    rest = rest.substr(0, digest);
  }
  if (rest.empty()) return true;
  return rest[0] == ':' && tag_chars(rest.substr(1));
}

void update_image(Node& field, const ImageRule& rule) {
  if (!field.is_string() || !image_matches(field.as_string(), rule.name)) return;
  std::string name, tag, digest;
  split_image(field.as_string(), name, tag, digest);
  if (!rule.new_name.empty()) name = rule.new_name;
  if (!rule.new_tag.empty() && !rule.digest.empty()) {
    tag = rule.new_tag;
    digest = rule.digest;
  } else if (!rule.new_tag.empty()) {
    tag = rule.new_tag;
    digest.clear();
  } else if (!rule.digest.empty()) {
    tag.clear();
    digest = rule.digest;
  }
  if (!rule.tag_suffix.empty()) tag += rule.tag_suffix;
  std::string out = name;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  field = Node::string(out);
}

}  // namespace

namespace {

// The names an image string can match (see image_matches): the string with or without an
// "@sha256:..." digest, each with or without a ":tag".
void candidate_names(std::string_view image, std::vector<std::string_view>& out) {
  out.clear();
  out.push_back(image);
  size_t digest = image.rfind("@sha256:");
  if (digest != std::string_view::npos && tag_chars(image.substr(digest + 8))) {
    out.push_back(image.substr(0, digest));
  }
  size_t n = out.size();
  for (size_t i = 0; i < n; ++i) {
    size_t colon = out[i].rfind(':');
    if (colon != std::string_view::npos && tag_chars(out[i].substr(colon + 1))) {
      out.push_back(out[i].substr(0, colon));
    }
  }
}

// Applies the rules in order to one image field, each at most once, finding the rules that
// can match through the name index instead of trying every rule.
class ImageRules {
 public:
  explicit ImageRules(std::vector<ImageRule> rules) : m_rules(std::move(rules)) {
    for (size_t i = 0; i < m_rules.size(); ++i)
      m_by_name[m_rules[i].name].push_back(i);
  }

  // times: how many of kustomize's two passes (the container walk, the field specs) reach
  // this field; each matching rule acts that often (so a tagSuffix can apply twice).
  void update(Node& field, int times = 1) {
    if (!field.is_string()) return;
    std::vector<std::string_view> names;
    long last = -1;
    while (true) {
      std::string current(field.as_string());
      candidate_names(current, names);
      size_t best = m_rules.size();
      for (std::string_view name : names) {
        auto it = m_by_name.find(std::string(name));
        if (it == m_by_name.end()) continue;
        auto next = std::upper_bound(it->second.begin(), it->second.end(), last,
                                     [](long v, size_t i) { return v < static_cast<long>(i); });
        if (next != it->second.end()) best = std::min(best, *next);
      }
      if (best == m_rules.size()) return;
      for (int i = 0; i < times; ++i)
        update_image(field, m_rules[best]);
      last = static_cast<long>(best);
    }
  }

 private:
  std::vector<ImageRule> m_rules;
  std::unordered_map<std::string, std::vector<size_t>> m_by_name;
};

// The container walk: every "image" of a "containers" or "initContainers" list anywhere;
// fields the field specs also reach get both passes.
void walk_containers(Node& node, ImageRules& rules, std::unordered_set<const Node*>& by_specs) {
  if (node.is_map()) {
    for (MapEntry& e : node.entries_mut()) {
      std::string_view key = e.key.as_string();
      if ((key == "containers" || key == "initContainers") && e.value.is_list()) {
        for (Node& container : e.value.items_mut()) {
          if (Node* image = container.find_mut("image")) {
            rules.update(*image, by_specs.erase(image) > 0 ? 2 : 1);
          }
        }
      }
      if (e.value.is_container()) walk_containers(e.value, rules, by_specs);
    }
  } else if (node.is_list()) {
    for (Node& item : node.items_mut()) {
      if (item.is_container()) walk_containers(item, rules, by_specs);
    }
  }
}

}  // namespace

Result<Transform> make_image_tags(const std::vector<Node>& configs) {
  std::vector<ImageRule> rules;
  FieldSpecs specs;
  for (const Node& config : configs) {
    const Node* tag = config.find("imageTag");
    if (tag == nullptr || !tag->is_map()) {
      return fail("ImageTagTransformer: imageTag is required");
    }
    ImageRule rule;
    rule.name = text_of(tag->find("name"));
    rule.new_name = text_of(tag->find("newName"));
    rule.new_tag = text_of(tag->find("newTag"));
    rule.digest = text_of(tag->find("digest"));
    rule.tag_suffix = text_of(tag->find("tagSuffix"));
    rules.push_back(std::move(rule));
    for (const FieldSpec& spec : TRY(field_specs_of(config))) {
      TRY_VOID(merge_field_spec(specs, spec));
    }
  }
  auto shared = std::make_shared<ImageRules>(std::move(rules));
  return Transform([shared, specs](ResourceSet& set) -> Result<void> {
    std::unordered_set<const Node*> by_specs;
    std::vector<Node*> order;
    for (Resource& r : set.mut()) {
      if (r.kind() == "CustomResourceDefinition") continue;
      // Unshare the object first so that field addresses stay put during both walks.
      Node& obj = r.obj;
      by_specs.clear();
      order.clear();
      TRY_VOID(visit_field_specs(obj, specs, CreateKind::none, [&](Node& field) -> Result<void> {
        if (field.is_list()) {
          for (Node& item : field.items_mut()) {
            if (by_specs.insert(&item).second) order.push_back(&item);
          }
        } else if (by_specs.insert(&field).second) {
          order.push_back(&field);
        }
        return {};
      }));
      walk_containers(obj, *shared, by_specs);
      for (Node* field : order) {
        if (by_specs.contains(field)) shared->update(*field);
      }
    }
    return {};
  });
}

Result<Transform> make_image_tag(const Node& config) {
  return make_image_tags({config});
}

Result<Transform> make_replica_count(const Node& config) {
  const Node* replica = config.find("replica");
  if (replica == nullptr || !replica->is_map()) {
    return fail("ReplicaCountTransformer: replica is required");
  }
  std::string name(replica->string_at({"name"}));
  const Node* count = replica->find("count");
  Node value = count != nullptr ? *count : Node::integer(0);
  FieldSpecs specs = TRY(field_specs_of(config));
  return Transform([name, value, specs](ResourceSet& set) -> Result<void> {
    bool found = false;
    for (const FieldSpec& spec : specs) {
      for (size_t i : set.by_any_name(name)) {
        Resource& r = set.same_id(i);
        std::vector<ResId> ids = r.previous;
        ids.push_back(r.cur_id());
        bool hit = false;
        for (const ResId& id : ids) {
          if (id.name == name && id.gvk.is_selected_by(spec.gvk)) hit = true;
        }
        if (!hit) continue;
        found = true;
        TRY_VOID(
            visit_field_spec(r.obj, spec, CreateKind::scalar, [&](Node& field) -> Result<void> {
              field = value;
              return {};
            }));
      }
    }
    if (!found) {
      std::string gvks;
      for (const FieldSpec& spec : specs)
        gvks += (gvks.empty() ? "" : " ") + spec.gvk.str();
      return fail("resource with name ", name, " does not match a config with the following GVK [",
                  gvks, "]");
    }
    return {};
  });
}

}  // namespace plumb::render
