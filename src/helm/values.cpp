// User values from the flags, and chartutil's coalescing of values over chart defaults.
#include "helm/values.hpp"

#include <algorithm>

#include "core/json.hpp"
#include "helm/sigs_yaml.hpp"
#include "helm/strvals.hpp"

namespace plumb::helm {
namespace {

Node floats(Node n) {
  if (n.is_int()) return Node::floating(double(n.as_int()));
  if (n.is_list())
    for (Node& item : n.items_mut())
      item = floats(item);
  if (n.is_map())
    for (auto& e : n.entries_mut())
      e.value = floats(e.value);
  return n;
}

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Go's %t of a value that is not a bool: `%!t(string=x)`.
std::string go_bad_t(const Node& v) {
  switch (v.type()) {
    case Node::Type::null:
      return "%!t(<nil>)";
    case Node::Type::boolean:
      return v.as_bool() ? "true" : "false";
    case Node::Type::integer:
      return "%!t(int64=" + std::to_string(v.as_int()) + ")";
    case Node::Type::floating:
      return "%!t(float64=" + format_float_g(v.as_float()) + ")";
    case Node::Type::string:
      return "%!t(string=" + std::string(v.as_string()) + ")";
    case Node::Type::list:
      return "%!t([]interface {}=" + to_json(v) + ")";
    case Node::Type::map:
      return "%!t(map[string]interface {}=" + to_json(v) + ")";
  }
  return "";
}

Node coalesce_tables_full(Node dst, const Node& src, bool merge) {
  if (src.is_null()) return dst;
  if (dst.is_null()) return src;
  if (!dst.is_map() || !src.is_map()) return dst;
  // dst's null keys: deleted when coalescing (they delete the default), kept when merging.
  std::vector<std::string> nulls;
  if (!merge) {
    for (const auto& e : dst.entries())
      if (e.value.is_null()) nulls.emplace_back(e.key.as_string());
    for (const auto& k : nulls)
      dst.erase(k);
  }
  for (const auto& e : src.entries()) {
    std::string_view key = e.key.as_string();
    const Node* dv = dst.find(key);
    if (dv == nullptr) {
      if (std::find(nulls.begin(), nulls.end(), key) == nulls.end()) dst.set(key, e.value);
      continue;
    }
    if (e.value.is_map() && dv->is_map()) {
      Node merged = coalesce_tables_full(*dv, e.value, merge);
      dst.set(key, std::move(merged));
    }
    // Otherwise dst wins (a table over a scalar or a scalar over a table: Helm warns).
  }
  return dst;
}

bool is_subchart(const Chart& chart, std::string_view key) {
  for (const Chart& sub : chart.dependencies)
    if (sub.name() == key) return true;
  return false;
}

// coalesceValues: the chart's own defaults under v.
Node coalesce_chart_values(const Chart& c, Node v, bool merge) {
  if (!v.is_map()) v = Node::map();
  if (!c.values.is_map()) return v;
  for (const auto& e : c.values.entries()) {
    std::string_view key = e.key.as_string();
    const Node* value = v.find(key);
    if (value == nullptr) {
      v.set(key, e.value);
      continue;
    }
    if (value->is_null() && !merge) {
      v.erase(key);
    } else if (value->is_map() && e.value.is_map()) {
      bool m = merge || is_subchart(c, key);
      Node merged = coalesce_tables_full(*value, e.value, m);
      v.set(key, std::move(merged));
    }
  }
  return v;
}

// coalesceGlobals: the parent's `global` into the subchart's, the parent winning.
Node coalesce_globals(Node dest, const Node& src) {
  Node dg = Node::map();
  if (const Node* g = dest.find("global")) {
    if (!g->is_map()) return dest;
    dg = *g;
  }
  Node sg = Node::map();
  if (const Node* g = src.find("global")) {
    if (!g->is_map()) return dest;
    sg = *g;
  }
  for (const auto& e : sg.entries()) {
    std::string_view key = e.key.as_string();
    const Node* existing = dg.find(key);
    if (e.value.is_map()) {
      if (existing == nullptr) {
        dg.set(key, e.value);
      } else if (existing->is_map()) {
        dg.set(key, coalesce_tables_full(e.value, *existing, true));
      }
    } else if (existing != nullptr && existing->is_map()) {
      // a table is not replaced by a scalar
    } else {
      dg.set(key, e.value);
    }
  }
  dest.set("global", std::move(dg));
  return dest;
}

Result<Node> coalesce(const Chart& chart, Node dest, bool merge) {
  dest = coalesce_chart_values(chart, std::move(dest), merge);
  for (const Chart& sub : chart.dependencies) {
    const std::string& name = sub.name();
    const Node* current = dest.find(name);
    if (current == nullptr) {
      dest.set(name, Node::map());
    } else if (!current->is_map()) {
      return fail("type mismatch on ", name, ": ", go_bad_t(*current));
    }
    Node scoped = coalesce_globals(*dest.find(name), dest);
    dest.set(name, TRY(coalesce(sub, std::move(scoped), merge)));
  }
  return dest;
}

}  // namespace

Result<Node> merge_values(const ValueOptions& options, const FileSystem& fs) {
  Node base = Node::map();
  for (const std::string& path : options.value_files) {
    auto raw = fs.read_file(path);
    if (!raw) return std::unexpected(raw.error());
    auto current = load_values(*raw);
    if (!current) return std::unexpected(current.error().context("failed to parse " + path));
    base = merge_maps(base, *current);
  }
  for (const std::string& value : options.json_values) {
    std::string_view trimmed = trim_space(value);
    if (!trimmed.empty() && trimmed[0] == '{') {
      auto object = parse_json(trimmed);
      if (!object || !object->is_map()) return fail("failed parsing --set-json data JSON: ", value);
      base = merge_maps(base, floats(*object));
    } else if (!parse_set_json(value, base)) {
      return fail("failed parsing --set-json data ", value);
    }
  }
  for (const std::string& value : options.values) {
    auto r = parse_set(value, base);
    if (!r) return std::unexpected(r.error().context("failed parsing --set data"));
  }
  for (const std::string& value : options.string_values) {
    auto r = parse_set_string(value, base);
    if (!r) return std::unexpected(r.error().context("failed parsing --set-string data"));
  }
  SetFileReader reader = [&fs](std::string_view path) -> Result<std::string> {
    return fs.read_file(path);
  };
  for (const std::string& value : options.file_values) {
    auto r = parse_set_file(value, base, reader);
    if (!r) return std::unexpected(r.error().context("failed parsing --set-file data"));
  }
  for (const std::string& value : options.literal_values) {
    auto r = parse_set_literal(value, base);
    if (!r) return std::unexpected(r.error().context("failed parsing --set-literal data"));
  }
  return base;
}

Result<Node> coalesce_values(const Chart& chart, const Node& values) {
  return coalesce(chart, values.is_map() ? values : Node::map(), false);
}

Result<Node> merge_chart_values(const Chart& chart, const Node& values) {
  return coalesce(chart, values.is_map() ? values : Node::map(), true);
}

Node coalesce_tables(Node dst, const Node& src) {
  return coalesce_tables_full(std::move(dst), src, false);
}

Node merge_tables(Node dst, const Node& src) {
  return coalesce_tables_full(std::move(dst), src, true);
}

}  // namespace plumb::helm
