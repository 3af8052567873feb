#include "cli/tree.hpp"

#include "cli/color.hpp"
#include "controller/status.hpp"
#include "sync/health.hpp"

namespace plumb::cli::tree {
namespace {

struct Walk {
  const TreeSource& source;
  std::set<ObjectRef> seen;  // units already expanded (version cleared)
};

ObjectRef identity(ObjectRef ref) {
  ref.version.clear();
  return ref;
}

Result<void> expand(Walk& walk, TreeNode& node, const Node& live);

// A managed object's node: its own health and drift, or what its unit says of it.
Result<TreeNode> child_node(Walk& walk, const Managed& m) {
  TreeNode child{.ref = m.ref, .health = m.health, .drift = "", .children = {}};
  auto live = TRY(walk.source.live(m.ref));
  if (!live) {
    if (child.health.empty()) child.health = "Missing";
    child.drift = "missing";
    return child;
  }
  if (child.health.empty()) child.health = health_of(*live);
  child.drift = m.sync.empty()          ? drift_of(*live, "plumb")
                : m.sync == "OutOfSync" ? "OutOfSync"
                                        : "";
  TRY_VOID(expand(walk, child, *live));
  return child;
}

// Adds the children of a unit, once per unit.
Result<void> expand(Walk& walk, TreeNode& node, const Node& live) {
  UnitKind kind = unit_kind(node.ref);
  if (kind == UnitKind::none) return {};
  if (!walk.seen.insert(identity(node.ref)).second) return {};
  for (const Managed& m : TRY(walk.source.managed(kind, live)))
    node.children.push_back(TRY(child_node(walk, m)));
  return {};
}

void render_children(const TreeNode& node, const std::string& prefix, bool color, std::string& out);

Color color_of(std::string_view health) {
  if (health == "Current" || health == "Healthy") return Color::green;
  if (health == "Failed" || health == "Degraded" || health == "Missing") return Color::red;
  return Color::yellow;
}

// A managedFields entry owns content: a field outside metadata and status (what controllers
// write to, such as a Deployment's revision annotation, is not drift).
bool owns_content(const Node& entry) {
  const Node* fields = entry.find("fieldsV1");
  if (!fields || !fields->is_map()) return false;
  for (const MapEntry& f : fields->entries()) {
    std::string_view key = f.key.as_string();
    if (key != "f:metadata" && key != "f:status") return true;
  }
  return false;
}

void render_line(const TreeNode& node, bool color, std::string& out) {
  out += tree_name(node.ref);
  if (!node.health.empty())
    out += "  " + (color ? paint(node.health, color_of(node.health)) : node.health);
  if (!node.drift.empty()) out += "  " + (color ? paint(node.drift, Color::red) : node.drift);
  out += '\n';
}

void render_children(const TreeNode& node, const std::string& prefix, bool color,
                     std::string& out) {
  for (size_t i = 0; i < node.children.size(); ++i) {
    bool last = i + 1 == node.children.size();
    out += prefix + (last ? "└── " : "├── ");
    render_line(node.children[i], color, out);
    render_children(node.children[i], prefix + (last ? "    " : "│   "), color, out);
  }
}

}  // namespace

UnitKind unit_kind(const ObjectRef& ref) {
  if (ref.group == "kustomize.toolkit.fluxcd.io" && ref.kind == "Kustomization")
    return UnitKind::kustomization;
  if (ref.group == "helm.toolkit.fluxcd.io" && ref.kind == "HelmRelease")
    return UnitKind::helm_release;
  if (ref.group == "argoproj.io" && ref.kind == "Application") return UnitKind::application;
  return UnitKind::none;
}

Result<TreeNode> build_tree(const ObjectRef& root, const TreeSource& source) {
  Walk walk{source, {}};
  auto live = TRY(source.live(root));
  if (!live) return fail(tree_name(root), " not found");
  TreeNode node{.ref = root, .health = health_of(*live), .drift = "", .children = {}};
  TRY_VOID(expand(walk, node, *live));
  return node;
}

std::string health_of(const Node& live) {
  if (ObjectRef::of(live).group == "argoproj.io" && live.string_at({"kind"}) == "Application") {
    std::string_view status = live.string_at({"status", "health", "status"});
    return status.empty() ? "Unknown" : std::string(status);
  }
  sync::HealthStatus health = sync::health_of(live);
  std::string out(sync::to_string(health.health));
  return out;
}

std::string drift_of(const Node& live, std::string_view manager) {
  const Node* entries = live.at_path({"metadata", "managedFields"});
  if (!entries || !entries->is_list()) return "";
  std::string_view applied_at;
  for (const Node& e : entries->items()) {
    if (e.string_at({"manager"}) == manager && e.string_at({"operation"}) == "Apply" &&
        e.string_at({"subresource"}).empty()) {
      applied_at = e.string_at({"time"});
    }
  }
  if (applied_at.empty()) return "";
  std::string changed_by;
  for (const Node& e : entries->items()) {
    if (e.string_at({"manager"}) == manager || e.string_at({"subresource"}) == "status") continue;
    // RFC 3339 UTC times of one format compare as strings.
    if (e.string_at({"time"}) <= applied_at || !owns_content(e)) continue;
    if (!changed_by.empty()) changed_by += ",";
    changed_by += e.string_at({"manager"});
  }
  return changed_by.empty() ? "" : "drifted: " + changed_by;
}

std::vector<Managed> inventory_of(const Node& kustomization) {
  std::vector<Managed> out;
  for (ObjectRef& ref : controller::inventory_refs(kustomization))
    out.push_back(Managed{.ref = std::move(ref), .health = "", .sync = ""});
  return out;
}

std::vector<Managed> resources_of(const Node& application) {
  std::vector<Managed> out;
  const Node* resources = application.at_path({"status", "resources"});
  if (!resources || !resources->is_list()) return out;
  for (const Node& r : resources->items()) {
    if (r.find("hook") && r.find("hook")->as_bool()) continue;
    ObjectRef ref{std::string(r.string_at({"group"})), std::string(r.string_at({"version"})),
                  std::string(r.string_at({"kind"})), std::string(r.string_at({"namespace"})),
                  std::string(r.string_at({"name"}))};
    out.push_back(Managed{.ref = std::move(ref),
                          .health = std::string(r.string_at({"health", "status"})),
                          .sync = std::string(r.string_at({"status"}))});
  }
  return out;
}

std::string tree_name(const ObjectRef& ref) {
  std::string out = ref.kind + "/";
  if (!ref.namespace_.empty()) out += ref.namespace_ + "/";
  return out + ref.name;
}

std::string render(const TreeNode& root, bool color) {
  std::string out;
  render_line(root, color, out);
  render_children(root, "", color, out);
  return out;
}

}  // namespace plumb::cli::tree
