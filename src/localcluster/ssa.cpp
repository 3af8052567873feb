#include "localcluster/ssa.hpp"

#include <memory>

#include "core/json.hpp"
#include "core/thread_annotations.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"
#include "localcluster/fieldset.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/write_checks.hpp"

namespace plumb::localcluster {
namespace {

Mutex g_schema_mutex;
// Built-ins plus CRDs; null until a CRD is added. Replaced, never changed: readers keep theirs.
std::shared_ptr<const Schema> g_schema GUARDED_BY(g_schema_mutex);

std::shared_ptr<const Schema> current_schema() EXCLUDES(g_schema_mutex) {
  LockGuard lock(g_schema_mutex);
  return g_schema;
}

// The part of an object field ownership covers: not apiVersion/kind, not the metadata the
// server owns, and status only through the status subresource.
Node owned_view(const Node& object, const ResourceInfo& resource, std::string_view subresource) {
  if (!object.is_map()) return Node::map();
  Node view = Node::map();
  for (const MapEntry& e : object.entries()) {
    std::string_view key = e.key.as_string();
    if (key == "apiVersion" || key == "kind") continue;
    if (key == "status") {
      if (subresource == "status" || !resource.has_subresource("status")) view.set(key, e.value);
      continue;
    }
    if (subresource == "status") continue;
    if (key == "metadata") {
      Node metadata = Node::map();
      for (std::string_view field : {"labels", "annotations", "finalizers", "ownerReferences"}) {
        if (const Node* v = e.value.find(field)) metadata.set(field, *v);
      }
      if (!metadata.empty()) view.set(key, std::move(metadata));
      continue;
    }
    view.set(key, e.value);
  }
  return view;
}

// The fields an owned view sets. The object itself is never one: an apply of an empty
// configuration owns nothing (so a later apply cannot prune the whole object as "no longer
// applied").
Node owned_fields(const Node& view, const Shape& shape) {
  return view.empty() ? Node::map() : fieldset_of(view, shape);
}

struct Manager {
  Node entry;  // as stored
  Node set;    // canonical
};

std::vector<Manager> read_managers(const Node& object) {
  std::vector<Manager> out;
  const Node* managed = object.at_path({"metadata", "managedFields"});
  if (managed == nullptr) return out;
  for (const Node& entry : managed->items()) {
    const Node* fields = entry.find("fieldsV1");
    out.push_back({entry, fields ? from_fields_v1(*fields) : Node::map()});
  }
  return out;
}

void write_managers(Node& object, const std::vector<Manager>& managers) {
  Node list = Node::list(managers.size());
  for (const Manager& m : managers) {
    if (fieldset_empty(m.set)) continue;
    Node entry = m.entry;
    entry.set("fieldsType", Node::string("FieldsV1"));
    entry.set("fieldsV1", to_fields_v1(m.set));
    list.push_back(std::move(entry));
  }
  if (list.empty()) {
    object["metadata"].erase("managedFields");
  } else {
    object["metadata"].set("managedFields", std::move(list));
  }
}

Node new_entry(const std::string& manager, std::string_view operation, const ResourceInfo& resource,
               std::string_view subresource) {
  Node entry = Node::map();
  entry.set("manager", Node::string(manager));
  entry.set("operation", Node::string(operation));
  entry.set("apiVersion", Node::string(resource.group_version()));
  entry.set("time", Node::string(now_rfc3339()));
  if (!subresource.empty()) entry.set("subresource", Node::string(subresource));
  return entry;
}

bool same_manager(const Node& entry, std::string_view manager, std::string_view operation,
                  std::string_view subresource) {
  return entry.string_at({"manager"}) == manager && entry.string_at({"operation"}) == operation &&
         entry.string_at({"subresource"}) == subresource;
}

Result<Node> parse_config(std::string_view body) {
  // kubectl sends JSON; other clients send YAML. JSON is tried first: it is faster to read.
  auto json = parse_json(body, "apply patch");
  if (json) return json;
  return parse_yaml(body, "apply patch");
}

}  // namespace

SchemaType schema_type(const ResourceInfo& resource) {
  auto custom = current_schema();
  const Schema& schema = custom ? *custom : Schema::builtin();
  auto kind = schema.kind(resource.group_version(), resource.kind);
  return kind ? kind->type : SchemaType();
}

void register_crd_schema(const Node& crd) {
  // Held while the copy is made: two CRDs registered at once both end up in it.
  LockGuard lock(g_schema_mutex);
  auto next = std::make_shared<Schema>(g_schema ? *g_schema : Schema::builtin());
  if (next->add_crd(crd)) g_schema = std::move(next);
}

void record_update(Node& after, const Node& before, const std::string& manager,
                   const ResourceInfo& resource, std::string_view subresource) {
  const Shape shape = root_shape(schema_type(resource));
  Node after_view = owned_view(after, resource, subresource);
  Node changed = fieldset_changed(
      before.is_null() ? Node() : owned_view(before, resource, subresource), after_view, shape);
  // Every manager keeps only fields that still exist; others lose what this one changed.
  Node existing = owned_fields(after_view, shape);
  std::vector<Manager> managers = read_managers(before.is_null() ? after : before);
  bool found = false;
  for (Manager& m : managers) {
    std::string_view m_sub = m.entry.string_at({"subresource"});
    if (m_sub != subresource) continue;
    if (same_manager(m.entry, manager, "Update", subresource)) {
      found = true;
      m.set = fieldset_union(m.set, changed);
      if (!fieldset_empty(changed)) m.entry.set("time", Node::string(now_rfc3339()));
    } else {
      m.set = fieldset_difference(m.set, changed);
    }
    m.set = fieldset_intersection(m.set, existing);
  }
  if (!found && !fieldset_empty(changed)) {
    managers.push_back({new_entry(manager, "Update", resource, subresource),
                        fieldset_intersection(changed, existing)});
  }
  write_managers(after, managers);
}

ApiResult<Node> server_side_apply(const ResourceInfo& resource, const Node& current,
                                  const std::string& ns, const std::string& name,
                                  std::string_view body, const WriteOptions& options) {
  auto parsed = parse_config(body);
  if (!parsed) return api_fail(400, "BadRequest", "apply patch: " + parsed.error().message());
  Node config = std::move(*parsed);
  if (!config.is_map()) return api_fail(400, "BadRequest", "apply patch: not an object");
  if (options.field_manager.empty())
    return api_fail(400, "BadRequest",
                    "PATCH, application/apply-patch+yaml: fieldManager is required");
  std::string_view api_version = config.string_at({"apiVersion"});
  std::string_view kind = config.string_at({"kind"});
  if (api_version.empty() || kind.empty())
    return api_fail(400, "BadRequest",
                    "apply patch: apiVersion and kind must be set in the applied object");
  if (api_version != resource.group_version() || kind != resource.kind)
    return api_fail(400, "BadRequest",
                    "apply patch: the object is " + std::string(api_version) + " " +
                        std::string(kind) + ", the request is for " + resource.group_version() +
                        " " + resource.kind);
  std::string_view config_name = config.string_at({"metadata", "name"});
  if (!config_name.empty() && config_name != name)
    return api_fail(400, "BadRequest",
                    "the name of the object (" + std::string(config_name) +
                        ") does not match the name on the URL (" + name + ")");
  if (std::string_view n = config.string_at({"metadata", "namespace"});
      !n.empty() && resource.namespaced && n != ns)
    return api_fail(400, "BadRequest",
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request");
  TRY_VOID(check_apply_config(resource, config, options));

  const Shape shape = root_shape(schema_type(resource));
  const std::string_view sub = options.subresource;
  Node config_view = owned_view(config, resource, sub);
  Node applied = owned_fields(config_view, shape);
  Node current_view = owned_view(current, resource, sub);

  std::vector<Manager> managers = read_managers(current);
  Node previous = Node::map();
  Node others = Node::map();
  std::vector<StatusCause> causes;
  std::string first_conflicts;
  int conflict_managers = 0;
  for (Manager& m : managers) {
    if (m.entry.string_at({"subresource"}) != sub) continue;
    if (same_manager(m.entry, options.field_manager, "Apply", sub)) {
      previous = m.set;
      continue;
    }
    Node overlap = fieldset_intersection(m.set, applied);
    Node conflicts = fieldset_differing(overlap, current_view, config_view, shape);
    if (!fieldset_empty(conflicts)) {
      if (options.force) {
        m.set = fieldset_difference(m.set, conflicts);
      } else {
        ++conflict_managers;
        std::string who = "conflict with \"" + std::string(m.entry.string_at({"manager"})) + "\"";
        who += " using " + std::string(m.entry.string_at({"apiVersion"}));
        for (const std::string& path : fieldset_paths(conflicts))
          causes.push_back({"FieldManagerConflict", who, path});
      }
    }
    others = fieldset_union(others, m.set);
  }
  if (!causes.empty()) {
    ApiError error;
    error.code = 409;
    error.reason = "Conflict";
    error.name = name;
    error.group = resource.group;
    error.kind = resource.plural;
    error.causes = causes;
    std::string count = std::to_string(causes.size());
    error.message =
        "Apply failed with " + count + " conflict" + (causes.size() > 1 ? "s" : "") + ": ";
    if (causes.size() == 1) {
      error.message += causes[0].message + ": " + causes[0].field;
    } else {
      std::string last_who;
      for (size_t i = 0; i < causes.size(); ++i) {
        if (causes[i].message != last_who) {
          if (i > 0) error.message += "\n";
          std::string who = causes[i].message;
          who.replace(0, 8, "conflicts");  // "conflict with" → "conflicts with"
          error.message += who + ":";
          last_who = causes[i].message;
        }
        error.message += "\n- " + causes[i].field;
      }
    }
    (void)conflict_managers;
    return std::unexpected(std::move(error));
  }

  // Fields this manager stopped applying, that nobody else owns, go away.
  Node removed = fieldset_difference(fieldset_difference(previous, applied), others);
  Node result = current.is_null() ? Node::map() : current;
  if (!fieldset_empty(removed)) {
    const Node owned = owned_view(result, resource, sub);
    Node pruned = remove_fields(owned, removed, shape);
    // Put the pruned owned parts back over the full object.
    for (const MapEntry& e : owned.entries()) {
      std::string_view key = e.key.as_string();
      if (key == "metadata") {
        for (std::string_view field : {"labels", "annotations", "finalizers", "ownerReferences"}) {
          const Node* kept = pruned.at_path({"metadata", field});
          if (kept) {
            result["metadata"].set(field, *kept);
          } else {
            result["metadata"].erase(field);
          }
        }
      } else if (const Node* kept = pruned.find(key)) {
        result.set(key, *kept);
      } else {
        result.erase(key);
      }
    }
  }
  Node merged_view = merge_applied(owned_view(result, resource, sub), config_view, shape);
  for (const MapEntry& e : merged_view.entries()) {
    std::string_view key = e.key.as_string();
    if (key == "metadata") {
      for (const MapEntry& m : e.value.entries())
        result["metadata"].set(m.key.as_string(), m.value);
    } else {
      result.set(key, e.value);
    }
  }
  result.set("apiVersion", Node::string(resource.group_version()));
  result.set("kind", Node::string(resource.kind));
  result["metadata"].set("name", Node::string(name));
  if (resource.namespaced) result["metadata"].set("namespace", Node::string(ns));

  // This manager now owns exactly what it applied.
  bool found = false;
  for (Manager& m : managers) {
    if (same_manager(m.entry, options.field_manager, "Apply", sub)) {
      found = true;
      if (!(m.set == applied)) m.entry.set("time", Node::string(now_rfc3339()));
      m.entry.set("apiVersion", Node::string(resource.group_version()));
      m.set = applied;
    }
  }
  if (!found)
    managers.push_back({new_entry(options.field_manager, "Apply", resource, sub), applied});
  write_managers(result, managers);
  TRY_VOID(check_apply_result(resource, config, result));
  return result;
}

}  // namespace plumb::localcluster
