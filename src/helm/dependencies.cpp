// chartutil's dependency processing: enabled subcharts (aliases, tags, conditions) and
// import-values.
#include <algorithm>
#include <memory>

#include "helm/semver.hpp"
#include "helm/values.hpp"

namespace plumb::helm {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

const Chart* alias_dependency(const std::vector<Chart>& charts, const Dependency& dep, Chart& out) {
  for (const Chart& c : charts) {
    if (c.name() != dep.name) continue;
    if (!is_compatible_range(dep.version, c.metadata.version)) continue;
    out = c;
    if (!dep.alias.empty()) out.metadata.name = dep.alias;
    return &c;
  }
  return nullptr;
}

void process_tags(std::vector<Dependency>& reqs, const Node& cvals) {
  const Node* tags = cvals.find("tags");
  if (tags == nullptr || !tags->is_map()) return;
  for (Dependency& r : reqs) {
    bool has_true = false, has_false = false;
    for (const std::string& k : r.tags) {
      const Node* b = tags->find(k);
      if (b == nullptr || !b->is_bool()) continue;  // Helm warns about a non-bool tag
      (b->as_bool() ? has_true : has_false) = true;
    }
    if (!has_true && has_false)
      r.enabled = false;
    else if (has_true || !has_false)
      r.enabled = true;
  }
}

void process_conditions(std::vector<Dependency>& reqs, const Node& cvals, const std::string& path) {
  for (Dependency& r : reqs) {
    std::string_view conditions = r.condition;
    while (!conditions.empty() && std::isspace(static_cast<unsigned char>(conditions.front())))
      conditions.remove_prefix(1);
    while (!conditions.empty() && std::isspace(static_cast<unsigned char>(conditions.back())))
      conditions.remove_suffix(1);
    for (auto c : split(conditions, ',')) {
      if (c.empty()) continue;
      const Node* v = path_value(cvals, path + std::string(c));
      if (v != nullptr && v->is_bool()) {
        r.enabled = v->as_bool();
        break;
      }
      // not found, or not a bool (Helm warns): the next condition decides
    }
  }
}

Result<void> process_enabled(Chart& c, const Node& v, const std::string& path) {
  if (!c.metadata.declares_dependencies) return {};
  auto& reqs = c.metadata.dependencies;
  std::vector<Chart> kept;
  // Subcharts that no dependency names (by name and version range) stay as they are.
  for (const Chart& existing : c.dependencies) {
    bool named = std::any_of(reqs.begin(), reqs.end(), [&](const Dependency& r) {
      return existing.name() == r.name && is_compatible_range(r.version, existing.metadata.version);
    });
    if (!named) kept.push_back(existing);
  }
  for (Dependency& r : reqs) {
    Chart aliased;
    if (alias_dependency(c.dependencies, r, aliased) != nullptr) kept.push_back(std::move(aliased));
    if (!r.alias.empty()) r.name = r.alias;
  }
  c.dependencies = std::move(kept);
  for (Dependency& r : reqs)
    r.enabled = true;
  Node cvals = TRY(coalesce_values(c, v));
  process_tags(reqs, cvals);
  process_conditions(reqs, cvals, path);

  std::vector<std::string> removed;
  for (const Dependency& r : reqs)
    if (!r.enabled) removed.push_back(r.name);
  auto is_removed = [&](const std::string& name) {
    return std::find(removed.begin(), removed.end(), name) != removed.end();
  };
  std::vector<Chart> enabled;
  for (Chart& d : c.dependencies)
    if (!is_removed(d.metadata.name)) enabled.push_back(std::move(d));
  std::vector<Dependency> enabled_reqs;
  for (Dependency& r : reqs)
    if (!is_removed(r.name)) enabled_reqs.push_back(std::move(r));
  for (Chart& t : enabled)
    TRY_VOID(process_enabled(t, cvals, path + t.metadata.name + "."));
  reqs = std::move(enabled_reqs);
  c.dependencies = std::move(enabled);
  return {};
}

// Go's maps are references, and processImportValues shares them: an imported table is put
// into the import map `b` by reference, so a later import merging into the same parent key
// writes into the child's table itself (and into every other parent key that took it). Helm's
// own test charts show the effect (imported-chartA gains subchartb's keys), so the import step
// runs on reference-counted maps that behave as Go's do.
struct GoMap;
using GoMapPtr = std::shared_ptr<GoMap>;
struct GoValue {
  Node scalar;  // anything but a map (lists are never merged into)
  GoMapPtr map;
};
struct GoMap {
  std::vector<std::pair<std::string, GoValue>> entries;
  GoValue* find(std::string_view key) {
    for (auto& [k, v] : entries)
      if (k == key) return &v;
    return nullptr;
  }
  void set(std::string_view key, GoValue value) {
    if (GoValue* existing = find(key)) {
      *existing = std::move(value);
      return;
    }
    entries.emplace_back(std::string(key), std::move(value));
  }
};

GoValue from_node(const Node& n) {
  if (!n.is_map()) return GoValue{n, nullptr};
  auto m = std::make_shared<GoMap>();
  for (const auto& e : n.entries())
    m->entries.emplace_back(e.key.as_string(), from_node(e.value));
  return GoValue{Node(), m};
}

Node to_node(const GoValue& v) {
  if (!v.map) return v.scalar;
  Node out = Node::map();
  for (const auto& [k, value] : v.map->entries)
    out.set(k, to_node(value));
  return out;
}

GoMapPtr go_table(const GoMapPtr& root, std::string_view path) {
  GoMapPtr t = root;
  for (auto part : split(path, '.')) {
    GoValue* next = t->find(part);
    if (next == nullptr || !next->map) return nullptr;
    t = next->map;
  }
  return t;
}

GoMapPtr go_path_to_map(std::string_view path, const GoMapPtr& data) {
  if (path == ".") return data;
  auto parts = split(path, '.');
  GoMapPtr cur = data;
  for (size_t i = parts.size(); i-- > 0;) {
    auto m = std::make_shared<GoMap>();
    m->set(parts[i], GoValue{Node(), cur});
    cur = m;
  }
  return cur;
}

// coalesceTablesFullKey with merge set: dst wins, src fills in, shared maps written in place.
GoMapPtr go_merge_tables(const GoMapPtr& dst, const GoMapPtr& src) {
  if (!src) return dst;
  if (!dst) return src;
  for (auto& [key, val] : src->entries) {
    GoValue* dv = dst->find(key);
    if (dv == nullptr) {
      dst->set(key, val);
    } else if (val.map && dv->map) {
      go_merge_tables(dv->map, val.map);
    }
  }
  return dst;
}

Result<void> process_import_values(Chart& c) {
  if (!c.metadata.declares_dependencies) return {};
  GoMapPtr cvals = from_node(TRY(merge_chart_values(c, Node::map()))).map;
  GoMapPtr b = std::make_shared<GoMap>();
  for (Dependency& r : c.metadata.dependencies) {
    Node out = Node::list();
    for (const Node& riv : r.import_values.items()) {
      std::string child, parent;
      if (riv.is_map()) {
        child = std::string(riv.string_at({"child"}));
        parent = std::string(riv.string_at({"parent"}));
      } else if (riv.is_string()) {
        child = "exports." + std::string(riv.as_string());
        parent = ".";
      } else {
        continue;
      }
      Node entry = Node::map();
      entry.set("child", Node::string(child));
      entry.set("parent", Node::string(parent));
      out.push_back(std::move(entry));
      GoMapPtr vv = go_table(cvals, r.name + "." + child);
      if (!vv) continue;  // Helm warns: missing table
      b = go_merge_tables(b, riv.is_map() ? go_path_to_map(parent, vv) : vv);
    }
    r.import_values = std::move(out);
  }
  // The parent's own values win over imported ones; cvals is copied after the imports
  // (which may have written into it) and before b goes in.
  GoMapPtr copy = from_node(to_node(GoValue{Node(), cvals})).map;
  c.values = to_node(GoValue{Node(), go_merge_tables(copy, b)});
  return {};
}

Result<void> process_import_values_tree(Chart& c) {
  for (Chart& d : c.dependencies)
    TRY_VOID(process_import_values_tree(d));
  return process_import_values(c);
}

}  // namespace

const Node* path_value(const Node& values, std::string_view path) {
  if (path.empty()) return nullptr;
  auto parts = split(path, '.');
  const Node* t = &values;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const Node* next = t->find(parts[i]);
    if (next == nullptr || !next->is_map()) return nullptr;
    t = next;
  }
  const Node* v = t->find(parts.back());
  if (v == nullptr || v->is_map()) return nullptr;
  return v;
}

Result<void> process_dependencies(Chart& chart, const Node& values) {
  TRY_VOID(process_enabled(chart, values.is_map() ? values : Node::map(), ""));
  return process_import_values_tree(chart);
}

}  // namespace plumb::helm
