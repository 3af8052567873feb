// ReplacementTransformer: copies a value from one field of a source object into fields of
// target objects (replacements: source + targets with select/reject, fieldPaths with
// [key=value] and * steps, delimiter/index and create options).
#include "core/yaml.hpp"
#include "render/kustomization.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

struct IdSelector {
  Gvk gvk;
  std::string name;
  std::string ns;
  std::vector<std::pair<std::string, std::string>> labels;  // exact label matches
  std::string label_selector;
  std::string annotation_selector;
  std::optional<Selector> extra;  // label/annotation selectors

  bool selects(const ResId& id) const {
    if (!name.empty() && name != id.name) return false;
    if (!ns.empty()) {
      ResId probe{id.gvk, id.name, ns};
      if (probe.effective_namespace() != id.effective_namespace()) return false;
    }
    return id.gvk.is_selected_by(gvk);
  }
};

struct Options {
  std::string delimiter;
  long index = 0;
  bool create = false;
};

struct Target {
  IdSelector select;
  std::vector<IdSelector> reject;
  std::vector<std::string> field_paths;
  Options options;
};

struct Replacement {
  IdSelector source;
  std::string field_path = "metadata.name";
  Options options;
  std::vector<Target> targets;
};

Result<IdSelector> id_selector(const Node& n) {
  IdSelector s;
  s.gvk.group = std::string(n.string_at({"group"}));
  s.gvk.version = std::string(n.string_at({"version"}));
  s.gvk.kind = std::string(n.string_at({"kind"}));
  s.name = std::string(n.string_at({"name"}));
  s.ns = std::string(n.string_at({"namespace"}));
  const Node* labels = find_field(n, "labelSelector");
  const Node* annotations = find_field(n, "annotationSelector");
  if (labels != nullptr || annotations != nullptr) {
    Node only = Node::map();
    if (labels != nullptr) only.set("labelSelector", *labels);
    if (annotations != nullptr) only.set("annotationSelector", *annotations);
    s.extra = TRY(Selector::parse(only));
  }
  return s;
}

Options options_of(const Node* n) {
  Options o;
  if (n == nullptr || !n->is_map()) return o;
  o.delimiter = std::string(n->string_at({"delimiter"}));
  if (const Node* i = n->find("index")) o.index = static_cast<long>(i->as_int());
  if (const Node* c = n->find("create")) o.create = c->as_bool();
  return o;
}

Result<Replacement> replacement_of(const Node& n) {
  Replacement r;
  const Node* source = find_field(n, "source");
  const Node* targets = find_field(n, "targets");
  if (source == nullptr || targets == nullptr || !targets->is_list()) {
    return fail("replacements must specify a source and at least one target");
  }
  r.source = TRY(id_selector(*source));
  std::string_view fp = source->string_at({"fieldPath"});
  if (!fp.empty()) r.field_path = std::string(fp);
  r.options = options_of(find_field(*source, "options"));
  for (const Node& t : targets->items()) {
    Target target;
    const Node* select = find_field(t, "select");
    if (select == nullptr) return fail("target must specify resources to select");
    target.select = TRY(id_selector(*select));
    if (const Node* reject = find_field(t, "reject"); reject && reject->is_list()) {
      for (const Node& rj : reject->items())
        target.reject.push_back(TRY(id_selector(rj)));
    }
    if (const Node* paths = find_field(t, "fieldPaths"); paths && paths->is_list()) {
      for (const Node& p : paths->items())
        target.field_paths.emplace_back(p.as_string());
    }
    if (target.field_paths.empty()) target.field_paths.push_back("metadata.name");
    target.options = options_of(find_field(t, "options"));
    r.targets.push_back(std::move(target));
  }
  return r;
}

std::vector<ResId> ids_of(const Resource& r) {
  std::vector<ResId> ids{r.cur_id()};
  ids.insert(ids.end(), r.previous.begin(), r.previous.end());
  return ids;
}

std::string scalar_text(const Node& n) {
  switch (n.type()) {
    case Node::Type::string:
      return std::string(n.as_string());
    case Node::Type::integer:
      return std::to_string(n.as_int());
    case Node::Type::boolean:
      return n.as_bool() ? "true" : "false";
    case Node::Type::floating: {
      std::string s = to_yaml(n);
      if (!s.empty() && s.back() == '\n') s.pop_back();
      return s;
    }
    default:
      return "";
  }
}

// Collects the fields a path names, creating missing map fields when create is set.
void collect(Node& node, const std::vector<std::string>& parts, size_t at, bool create,
             std::vector<Node*>& out) {
  if (at == parts.size()) {
    out.push_back(&node);
    return;
  }
  const std::string& part = parts[at];
  if (part == "*") {
    if (node.is_list()) {
      for (Node& item : node.items_mut())
        collect(item, parts, at + 1, create, out);
    } else if (node.is_map()) {
      for (MapEntry& e : node.entries_mut())
        collect(e.value, parts, at + 1, create, out);
    }
    return;
  }
  if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
    std::string_view inner = std::string_view(part).substr(1, part.size() - 2);
    size_t eq = inner.find('=');
    if (!node.is_list() || eq == std::string_view::npos) return;
    std::string_view key = inner.substr(0, eq);
    std::string_view value = inner.substr(eq + 1);
    bool found = false;
    for (Node& item : node.items_mut()) {
      const Node* v = key.empty() ? &item : item.find(key);
      if (v != nullptr && scalar_text(*v) == value) {
        found = true;
        collect(item, parts, at + 1, create, out);
      }
    }
    if (!found && create && !key.empty()) {
      Node item = Node::map();
      item.set(key, Node::string(value));
      node.push_back(item);
      collect(node.items_mut()[node.size() - 1], parts, at + 1, create, out);
    }
    return;
  }
  if (node.is_list()) {
    bool digits = !part.empty() && part.size() < 10 &&
                  part.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      size_t index = std::stoul(part);
      if (index < node.size()) collect(node.items_mut()[index], parts, at + 1, create, out);
    }
    return;
  }
  if (node.is_null() && create) node = Node::map();
  if (!node.is_map()) return;
  Node* child = node.find_mut(part);
  if (child == nullptr) {
    if (!create) return;
    node.set(part, Node());
    child = node.find_mut(part);
  }
  collect(*child, parts, at + 1, create, out);
}

Result<Node> source_value(const ResourceSet& set, const Replacement& r) {
  const Resource* source = nullptr;
  for (const Resource& res : set.items()) {
    for (const ResId& id : ids_of(res)) {
      if (r.source.selects(id)) {
        if (source != nullptr) {
          return fail("multiple matches for selector ", r.source.gvk.str(), " ", r.source.name);
        }
        source = &res;
        break;
      }
    }
  }
  if (source == nullptr) {
    return fail("nothing selected by ", r.source.gvk.kind, " ", r.source.name);
  }
  Node copy = source->obj;
  std::vector<Node*> found;
  collect(copy, split_dotted_path(r.field_path), 0, false, found);
  if (found.empty() || found[0]->is_null()) {
    return fail("fieldPath `", r.field_path, "` is missing for replacement source ",
                source->cur_id().str());
  }
  Node value = *found[0];
  if (!r.options.delimiter.empty()) {
    if (value.is_container()) return fail("delimiter option can only be used with scalar nodes");
    std::string text = scalar_text(value);
    std::vector<std::string> pieces;
    size_t start = 0;
    while (true) {
      size_t d = text.find(r.options.delimiter, start);
      pieces.push_back(text.substr(start, d == std::string::npos ? std::string::npos : d - start));
      if (d == std::string::npos) break;
      start = d + r.options.delimiter.size();
    }
    if (r.options.index < 0 || static_cast<size_t>(r.options.index) >= pieces.size()) {
      return fail("options.index ", std::to_string(r.options.index), " is out of bounds for value ",
                  text);
    }
    value = Node::string(pieces[static_cast<size_t>(r.options.index)]);
  }
  return value;
}

Result<void> set_field(Node& field, const Node& value, const Options& options) {
  Node v = value;
  if (!options.delimiter.empty()) {
    if (field.is_container()) return fail("delimiter option can only be used with scalar nodes");
    std::string text = scalar_text(field);
    std::vector<std::string> pieces;
    size_t start = 0;
    while (true) {
      size_t d = text.find(options.delimiter, start);
      pieces.push_back(text.substr(start, d == std::string::npos ? std::string::npos : d - start));
      if (d == std::string::npos) break;
      start = d + options.delimiter.size();
    }
    std::string piece = scalar_text(value);
    if (options.index < 0) {
      pieces.insert(pieces.begin(), piece);
    } else if (static_cast<size_t>(options.index) >= pieces.size()) {
      pieces.push_back(piece);
    } else {
      pieces[static_cast<size_t>(options.index)] = piece;
    }
    std::string joined;
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) joined += options.delimiter;
      joined += pieces[i];
    }
    v = Node::string(joined);
  }
  // A scalar target keeps its type; the text is the value's.
  if (!field.is_container() && !field.is_null() && !v.is_container()) {
    std::string text = scalar_text(v);
    if (field.is_string()) {
      field = Node::string(text);
    } else {
      auto parsed = parse_yaml(text, "replacement");
      bool same_type = parsed && parsed->type() == field.type();
      field = same_type ? *parsed : Node::string(text);
    }
    return {};
  }
  field = v;
  return {};
}

bool selector_extra_ok(const IdSelector& s, const Resource& r) {
  return !s.extra || s.extra->matches(r);
}

Result<void> apply(ResourceSet& set, const Replacement& r) {
  Node value = TRY(source_value(set, r));
  for (const Target& t : r.targets) {
    for (Resource& res : set.mut()) {
      if (!selector_extra_ok(t.select, res)) continue;
      std::vector<ResId> ids = ids_of(res);
      bool selected = false;
      for (const ResId& id : ids) {
        if (t.select.selects(id)) selected = true;
      }
      if (!selected) continue;
      bool rejected = false;
      for (const IdSelector& rj : t.reject) {
        bool plain = rj.gvk == Gvk{} && rj.name.empty() && rj.ns.empty();
        if (plain && !rj.extra) continue;
        for (const ResId& id : ids) {
          if (rj.selects(id) && selector_extra_ok(rj, res)) rejected = true;
        }
      }
      if (rejected) continue;
      for (const std::string& path : t.field_paths) {
        std::vector<Node*> fields;
        collect(res.obj, split_dotted_path(path), 0, t.options.create, fields);
        if (fields.empty()) {
          return fail("unable to find field \"", path, "\" in replacement target ",
                      res.cur_id().str());
        }
        for (Node* field : fields)
          TRY_VOID(set_field(*field, value, t.options));
      }
    }
  }
  return {};
}

}  // namespace

Result<Transform> make_replacements(const Node& config, const PluginContext& ctx) {
  std::vector<Replacement> list;
  const Node* entries = find_field(config, "replacements");
  if (entries == nullptr || !entries->is_list()) return fail("replacements must be a list");
  for (const Node& entry : entries->items()) {
    const Node* path = find_field(entry, "path");
    if (path != nullptr && !path->as_string().empty()) {
      if (find_field(entry, "source") || find_field(entry, "targets")) {
        return fail("replacements: cannot specify both path and inline replacement");
      }
      std::string file(path->as_string());
      std::string text = TRY(ctx.loader->load(file));
      Node doc = TRY(parse_yaml(text, join_path(ctx.loader->root(), file)));
      if (doc.is_list()) {
        for (const Node& r : doc.items())
          list.push_back(TRY(replacement_of(r)));
      } else if (doc.is_map()) {
        list.push_back(TRY(replacement_of(doc)));
      } else {
        return fail(file, ": unsupported replacement type");
      }
      continue;
    }
    list.push_back(TRY(replacement_of(entry)));
  }
  return Transform([list](ResourceSet& set) -> Result<void> {
    for (const Replacement& r : list)
      TRY_VOID(apply(set, r));
    return {};
  });
}

}  // namespace plumb::render
