// The write verbs: create, update, patch, delete, and garbage collection of dependents.
#include <algorithm>
#include <optional>

#include "core/json.hpp"
#include "core/time.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/patch.hpp"
#include "localcluster/semantics.hpp"
#include "localcluster/ssa.hpp"
#include "localcluster/validate.hpp"
#include "localcluster/write_checks.hpp"

namespace plumb::localcluster {
namespace {

constexpr int k_patch_retries = 16;

// Access and token reviews are questions, not objects: the answer comes back and nothing
// is stored. The single user of the embedded cluster may do everything.
std::optional<Node> answer_review(const ResourceInfo& resource, const Node& body) {
  if (resource.group != "authorization.k8s.io" && resource.group != "authentication.k8s.io")
    return std::nullopt;
  Node answer = body;
  Node status = Node::map();
  if (resource.kind == "SelfSubjectReview" || resource.kind == "TokenReview") {
    Node user = Node::map();
    user.set("username", Node::string("plumb-admin"));
    Node groups = Node::list();
    groups.push_back(Node::string("system:masters"));
    groups.push_back(Node::string("system:authenticated"));
    user.set("groups", std::move(groups));
    if (resource.kind == "TokenReview") status.set("authenticated", Node::boolean(true));
    status.set("userInfo", std::move(user));
  } else if (resource.kind == "SelfSubjectRulesReview") {
    Node rule = Node::map();
    Node all = Node::list();
    all.push_back(Node::string("*"));
    rule.set("verbs", all);
    rule.set("apiGroups", all);
    rule.set("resources", all);
    Node rules = Node::list();
    rules.push_back(std::move(rule));
    status.set("resourceRules", std::move(rules));
    status.set("nonResourceRules", Node::list());
    status.set("incomplete", Node::boolean(false));
  } else {
    status.set("allowed", Node::boolean(true));
    status.set("reason", Node::string("plumb cluster has a single administrator"));
  }
  answer.set("status", std::move(status));
  return answer;
}

std::string name_of(const Node& object) {
  return std::string(object.string_at({"metadata", "name"}));
}

// Kubernetes' messages name the API version the client sent.
ApiResult<void> check_type(const ResourceInfo& resource, Node& object) {
  if (!object.is_map()) return api_fail(400, "BadRequest", "the request body is not an object");
  std::string_view api_version = object.string_at({"apiVersion"});
  std::string_view kind = object.string_at({"kind"});
  if (api_version.empty()) object.set("apiVersion", Node::string(resource.group_version()));
  if (kind.empty()) object.set("kind", Node::string(resource.kind));
  if (!api_version.empty() && api_version != resource.group_version())
    return api_fail(400, "BadRequest",
                    "the API version in the data (" + std::string(api_version) +
                        ") does not match the expected API version (" + resource.group_version() +
                        ")");
  if (!kind.empty() && kind != resource.kind)
    return api_fail(400, "BadRequest",
                    "the kind in the data (" + std::string(kind) +
                        ") does not match the expected kind (" + resource.kind + ")");
  if (!object.find("metadata") || !object.find("metadata")->is_map())
    object.set("metadata", Node::map());
  return {};
}

Node scale_of(const ResourceInfo& resource, const Node& object) {
  Node scale = Node::map();
  scale.set("kind", Node::string("Scale"));
  scale.set("apiVersion", Node::string("autoscaling/v1"));
  Node metadata = Node::map();
  for (std::string_view key :
       {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (const Node* v = object.at_path({"metadata", key})) metadata.set(key, *v);
  }
  scale.set("metadata", std::move(metadata));
  Node spec = Node::map();
  const Node* replicas = object.at_path({"spec", "replicas"});
  spec.set("replicas", Node::integer(replicas ? replicas->as_int() : 1));
  scale.set("spec", std::move(spec));
  Node status = Node::map();
  const Node* current = object.at_path({"status", "replicas"});
  status.set("replicas", Node::integer(current ? current->as_int() : 0));
  if (const Node* selector = object.at_path({"spec", "selector", "matchLabels"})) {
    std::string text;
    for (const MapEntry& e : selector->entries()) {
      if (!text.empty()) text += ',';
      text += std::string(e.key.as_string()) + "=" + std::string(e.value.as_string());
    }
    status.set("selector", Node::string(text));
  }
  scale.set("status", std::move(status));
  (void)resource;
  return scale;
}

}  // namespace

ApiResult<void> ApiServer::check_namespace(const ResourceInfo& resource, const std::string& ns) {
  if (!resource.namespaced) return {};
  if (ns.empty())
    return api_fail(400, "BadRequest",
                    "the namespace of the object must be set for " +
                        qualified_resource(resource.plural, resource.group));
  auto namespace_object = m_store.get("/namespaces", "", ns);
  if (!namespace_object) return std::unexpected(not_found("namespaces", "", ns));
  if (!namespace_object->string_at({"metadata", "deletionTimestamp"}).empty()) {
    ApiError error;
    error.code = 403;
    error.reason = "Forbidden";
    error.message = qualified_resource(resource.plural, resource.group) +
                    " is forbidden: unable to create new content in namespace " + ns +
                    " because it is being terminated";
    return std::unexpected(error);
  }
  return {};
}

ApiResult<Node> ApiServer::get(const ResourceInfo& resource, const std::string& ns,
                               const std::string& name, std::string_view subresource) {
  auto object = m_store.get(resource.storage_key(), ns, name);
  if (!object) return std::unexpected(not_found(resource.plural, resource.group, name));
  Node out = std::move(*object);
  out.set("apiVersion", Node::string(resource.group_version()));
  if (subresource == "scale") return scale_of(resource, out);
  return out;
}

ApiResult<Node> ApiServer::create(const ResourceInfo& resource, const std::string& ns, Node body,
                                  const WriteOptions& options) {
  if (!resource.has_verb("create"))
    return api_fail(
        405, "MethodNotAllowed",
        "create is not supported on " + qualified_resource(resource.plural, resource.group));
  TRY_VOID(check_type(resource, body));
  if (std::optional<Node> review = answer_review(resource, body)) return *review;
  if (!options.managed_fields_done) {  // an apply checked its own configuration
    TRY_VOID(check_body_decodes(resource, body));
    TRY_VOID(check_declared(resource, body, options));
  }
  Node& metadata = body["metadata"];
  std::string body_ns(metadata.string_at({"namespace"}));
  std::string object_ns = resource.namespaced ? (ns.empty() ? body_ns : ns) : "";
  if (resource.namespaced && !body_ns.empty() && !ns.empty() && body_ns != ns)
    return api_fail(400, "BadRequest",
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request");
  TRY_VOID(check_namespace(resource, object_ns));
  std::string name(metadata.string_at({"name"}));
  if (name.empty()) {
    std::string_view prefix = metadata.string_at({"generateName"});
    if (prefix.empty())
      return std::unexpected(
          invalid(resource.kind, resource.group, "",
                  {{"FieldValueRequired", "Required value: name or generateName is required",
                    "metadata.name"}}));
    name = std::string(prefix) + random_suffix(5);
  }
  metadata.set("name", Node::string(name));
  if (resource.namespaced) {
    metadata.set("namespace", Node::string(object_ns));
  } else {
    metadata.erase("namespace");
  }
  for (std::string_view key :
       {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"})
    metadata.erase(key);
  if (!options.managed_fields_done) metadata.erase("managedFields");
  metadata.set("uid", Node::string(new_uid()));
  metadata.set("creationTimestamp", Node::string(now_rfc3339()));
  // Kinds whose controllers report observedGeneration carry a generation.
  if (!resource.crd.empty() || (!resource.group.empty() && resource.has_subresource("status")) ||
      resource.kind == "ReplicationController")
    metadata.set("generation", Node::integer(1));
  if (resource.has_subresource("status") && resource.kind != "Namespace") body.erase("status");
  apply_defaults(resource, body, Node());
  if (auto causes = validate_object(resource, body, Node()); !causes.empty())
    return std::unexpected(invalid(resource.kind, resource.group, name, std::move(causes)));
  if (!options.field_manager.empty())
    record_update(body, Node(), options.field_manager, resource, options.subresource);
  if (options.dry_run) return body;
  Node stored = TRY(m_store.create(resource.storage_key(), object_ns, name, std::move(body)));
  after_write(*this, resource, Node(), stored);
  return stored;
}

ApiResult<Node> ApiServer::update(const ResourceInfo& resource, const std::string& ns,
                                  const std::string& name, Node body, const WriteOptions& options) {
  if (options.subresource == "scale") {
    const Node* replicas = body.at_path({"spec", "replicas"});
    if (replicas == nullptr) return api_fail(400, "BadRequest", "scale: spec.replicas is required");
    for (int attempt = 0;; ++attempt) {
      Node current = TRY(get(resource, ns, name));
      Node next = current;
      next["spec"].set("replicas", Node::integer(replicas->as_int()));
      WriteOptions main = options;
      main.subresource = "";
      auto result = commit_update(resource, current, std::move(next), main);
      if (!result && result.error().code == 409 && attempt < k_patch_retries) continue;
      if (!result) return result;
      return scale_of(resource, *result);
    }
  }
  TRY_VOID(check_type(resource, body));
  TRY_VOID(check_body_decodes(resource, body));
  TRY_VOID(check_declared(resource, body, options));
  std::string_view body_name = body.string_at({"metadata", "name"});
  if (!body_name.empty() && body_name != name)
    return api_fail(400, "BadRequest",
                    "the name of the object (" + std::string(body_name) +
                        ") does not match the name on the URL (" + name + ")");
  Node current = TRY(get(resource, ns, name));
  uint64_t expected = parse_rv(body.string_at({"metadata", "resourceVersion"}));
  if (expected != 0 && expected != object_rv(current))
    return std::unexpected(conflict(resource.plural, resource.group, name,
                                    "the object has been modified; please apply your changes "
                                    "to the latest version and try again"));
  return commit_update(resource, current, std::move(body), options);
}

ApiResult<Node> ApiServer::commit_update(const ResourceInfo& resource, const Node& current,
                                         Node next, const WriteOptions& options) {
  const std::string ns(current.string_at({"metadata", "namespace"}));
  const std::string name = name_of(current);
  {  // `metadata` lives only here: setting a field of `next` can move its map entries.
    Node& metadata = next["metadata"];
    if (!metadata.is_map()) metadata = Node::map();
    // Fields the server owns.
    for (std::string_view key : {"name", "namespace", "uid", "creationTimestamp",
                                 "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
      if (const Node* v = current.at_path({"metadata", key})) {
        metadata.set(key, *v);
      } else {
        metadata.erase(key);
      }
    }
    metadata.set("resourceVersion",
                 Node::string(current.string_at({"metadata", "resourceVersion"})));
    if (!current.find("metadata")->find("managedFields")) metadata.erase("managedFields");
    if (metadata.find("managedFields") == nullptr && current.at_path({"metadata", "managedFields"}))
      metadata.set("managedFields", *current.at_path({"metadata", "managedFields"}));
  }
  if (options.subresource == "status") {
    // Only status changes through the status subresource.
    Node merged = current;
    if (const Node* status = next.find("status")) {
      merged.set("status", *status);
    } else {
      merged.erase("status");
    }
    if (const Node* managed = next.at_path({"metadata", "managedFields"}))
      merged["metadata"].set("managedFields", *managed);
    next = std::move(merged);
  } else if (resource.has_subresource("status")) {
    if (const Node* status = current.find("status")) {
      next.set("status", *status);
    } else {
      next.erase("status");
    }
  }
  if (!same_spec(current, next) && next.at_path({"metadata", "generation"}))
    next["metadata"].set("generation",
                         Node::integer(current.at_path({"metadata", "generation"})->as_int() + 1));
  apply_defaults(resource, next, current);
  if (auto causes = validate_object(resource, next, current); !causes.empty())
    return std::unexpected(invalid(resource.kind, resource.group, name, std::move(causes)));
  if (!options.field_manager.empty())
    record_update(next, current, options.field_manager, resource, options.subresource);
  // Removing the last finalizer of an object being deleted completes the deletion.
  if (!next.string_at({"metadata", "deletionTimestamp"}).empty()) {
    const Node* finalizers = next.at_path({"metadata", "finalizers"});
    if (finalizers == nullptr || finalizers->empty()) {
      if (options.dry_run) return next;
      auto removed = m_store.remove(resource.storage_key(), ns, name, object_rv(current));
      if (removed) {
        after_delete(*this, resource, *removed);
        collect_garbage(*removed, Propagation::background);
      }
      return removed;
    }
  }
  if (same_content(current, next)) return current;
  if (options.dry_run) return next;
  Node stored =
      TRY(m_store.update(resource.storage_key(), ns, name, std::move(next), object_rv(current)));
  after_write(*this, resource, current, stored);
  return stored;
}

ApiResult<Node> ApiServer::patch(const ResourceInfo& resource, const std::string& ns,
                                 const std::string& name, std::string_view content_type,
                                 std::string_view body, const WriteOptions& options) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  const bool apply = type == "application/apply-patch+yaml";
  for (int attempt = 0;; ++attempt) {
    auto current = get(resource, ns, name);
    if (!current && !(apply && current.error().code == 404)) return current;
    ApiResult<Node> result;
    if (apply) {
      auto applied =
          server_side_apply(resource, current ? *current : Node(), ns, name, body, options);
      if (!applied) return applied;
      if (!current) {
        WriteOptions create_options = options;
        create_options.field_manager.clear();  // the apply already recorded its fields
        create_options.managed_fields_done = true;
        result = create(resource, ns, std::move(*applied), create_options);
        if (!result && result.error().reason == "AlreadyExists" && attempt < k_patch_retries)
          continue;
        return result;
      }
      WriteOptions update_options = options;
      update_options.field_manager.clear();
      result = commit_update(resource, *current, std::move(*applied), update_options);
    } else {
      Node view = options.subresource == "scale" ? scale_of(resource, *current) : *current;
      Node patched = TRY(apply_patch(resource, view, type, body));
      if (options.subresource != "scale") {
        TRY_VOID(check_patch_decodes(resource, patched, type, body));
        if (options.subresource.empty()) TRY_VOID(check_declared(resource, patched, options));
      }
      if (options.subresource == "scale") {
        result = update(resource, ns, name, std::move(patched), options);
      } else {
        result = commit_update(resource, *current, std::move(patched), options);
      }
    }
    // Another writer got in between: patches apply to the latest state, so retry.
    if (!result && result.error().code == 409 && result.error().reason == "Conflict" &&
        attempt < k_patch_retries)
      continue;
    return result;
  }
}

ApiResult<Node> ApiServer::remove(const ResourceInfo& resource, const std::string& ns,
                                  const std::string& name, const DeleteOptions& options) {
  if (!resource.has_verb("delete"))
    return api_fail(
        405, "MethodNotAllowed",
        "delete is not supported on " + qualified_resource(resource.plural, resource.group));
  Node current = TRY(get(resource, ns, name));
  if (!options.precondition_uid.empty() &&
      options.precondition_uid != current.string_at({"metadata", "uid"}))
    return std::unexpected(conflict(
        resource.plural, resource.group, name,
        "Precondition failed: UID in precondition: " + options.precondition_uid +
            ", UID in object meta: " + std::string(current.string_at({"metadata", "uid"}))));
  if (!options.precondition_rv.empty() &&
      options.precondition_rv != current.string_at({"metadata", "resourceVersion"}))
    return std::unexpected(conflict(
        resource.plural, resource.group, name,
        "Precondition failed: ResourceVersion in precondition: " + options.precondition_rv +
            ", ResourceVersion in object meta: " +
            std::string(current.string_at({"metadata", "resourceVersion"}))));
  return finish_delete(resource, current, options);
}

ApiResult<Node> ApiServer::finish_delete(const ResourceInfo& resource, const Node& current,
                                         const DeleteOptions& options) {
  const std::string ns(current.string_at({"metadata", "namespace"}));
  const std::string name = name_of(current);
  const Node* finalizers = current.at_path({"metadata", "finalizers"});
  const bool is_namespace = resource.group.empty() && resource.plural == "namespaces";
  if ((finalizers && !finalizers->empty()) || is_namespace) {
    // Deletion waits for the finalizers (a namespace: for its contents to go).
    if (!current.string_at({"metadata", "deletionTimestamp"}).empty()) return current;
    Node next = current;
    next["metadata"].set("deletionTimestamp", Node::string(now_rfc3339()));
    next["metadata"].set("deletionGracePeriodSeconds", Node::integer(0));
    if (is_namespace) {
      next["status"].set("phase", Node::string("Terminating"));
      Node spec_finalizers = Node::list();
      spec_finalizers.push_back(Node::string("kubernetes"));
      next["spec"].set("finalizers", std::move(spec_finalizers));
    }
    if (options.dry_run) return next;
    Node stored =
        TRY(m_store.update(resource.storage_key(), ns, name, std::move(next), object_rv(current)));
    after_write(*this, resource, current, stored);
    if (is_namespace) return finalize_namespace(name).value_or(stored);
    return stored;
  }
  if (options.dry_run) return current;
  Node removed = TRY(m_store.remove(resource.storage_key(), ns, name, object_rv(current)));
  after_delete(*this, resource, removed);
  collect_garbage(removed, options.propagation);
  return removed;
}

std::optional<Node> ApiServer::finalize_namespace(const std::string& name) {
  for (auto& [storage, object] : m_store.namespace_contents(name)) {
    size_t slash = storage.find('/');
    ResourcePtr resource =
        m_registry.find_any_version(storage.substr(0, slash), storage.substr(slash + 1));
    if (!resource) continue;
    (void)remove(*resource, name, name_of(object), DeleteOptions{});
  }
  if (!m_store.namespace_contents(name).empty()) return std::nullopt;
  auto removed = m_store.remove("/namespaces", "", name, 0);
  if (!removed) return std::nullopt;
  return *removed;
}

void ApiServer::collect_garbage(const Node& owner, Propagation propagation) {
  std::string uid(owner.string_at({"metadata", "uid"}));
  if (uid.empty()) return;
  auto dependents = m_store.dependents_of(uid);
  for (auto& [storage, dependent] : dependents) {
    size_t slash = storage.find('/');
    ResourcePtr resource =
        m_registry.find_any_version(storage.substr(0, slash), storage.substr(slash + 1));
    if (!resource) continue;
    std::string ns(dependent.string_at({"metadata", "namespace"}));
    std::string name = name_of(dependent);
    // Another owner still alive keeps the dependent; the dangling reference goes.
    bool other_owner = false;
    Node kept = Node::list();
    for (const Node& ref : dependent.at_path({"metadata", "ownerReferences"})->items()) {
      if (ref.string_at({"uid"}) == uid) continue;
      kept.push_back(ref);
      std::string other_uid(ref.string_at({"uid"}));
      if (m_store.uid_exists(other_uid)) other_owner = true;
    }
    if (propagation == Propagation::orphan || other_owner) {
      Node next = dependent;
      if (kept.empty()) {
        next["metadata"].erase("ownerReferences");
      } else {
        next["metadata"].set("ownerReferences", std::move(kept));
      }
      (void)m_store.update(storage, ns, name, std::move(next), object_rv(dependent));
      continue;
    }
    DeleteOptions options;
    options.propagation = propagation;
    (void)remove(*resource, ns, name, options);
  }
}

}  // namespace plumb::localcluster
