#include "cli/app_operation.hpp"

#include <optional>

#include "cli/app_table.hpp"
#include "core/time.hpp"

namespace plumb::cli::app {
namespace {

bool matches(std::string_view filter, std::string_view value) {
  return filter == "*" || filter == value;
}

bool compare(const ResourceFilter& f, std::string_view group, std::string_view kind,
             std::string_view ns, std::string_view name) {
  return matches(f.group, group) && matches(f.kind, kind) && matches(f.name, name) &&
         (f.ns.empty() || matches(f.ns, ns));
}

const Node* spec_source(const Node& app) {
  return app.at_path({"spec", "source"});
}

// The options a sync applies: the request's, else the app's.
Node sync_options(const Node& app, const std::vector<std::string>& requested) {
  if (requested.empty()) {
    const Node* own = app.at_path({"spec", "syncPolicy", "syncOptions"});
    return own ? *own : Node();
  }
  Node list = Node::list();
  for (const std::string& option : requested)
    list.push_back(Node::string(option));
  return list;
}

void set_if(Node& map, std::string_view key, const Node* value) {
  if (value && !value->is_null() && !(value->is_container() && value->empty())) {
    map.set(key, *value);
  }
}

Node initiated_by(std::string_view username) {
  Node by = Node::map();
  if (!username.empty()) by.set("username", Node::string(username));
  return by;
}

Node retry_of(const Node& app) {
  const Node* retry = app.at_path({"spec", "syncPolicy", "retry"});
  return retry && retry->is_map() ? *retry : Node::map();
}

std::optional<SystemTime> time_at(const Node& object,
                                  std::initializer_list<std::string_view> path) {
  const Node* value = object.at_path(path);
  if (!value || !value->is_string()) return std::nullopt;
  return parse_rfc3339(value->as_string());
}

bool check_status(const WaitFor& wait, std::string_view health, std::string_view sync,
                  bool operation_set) {
  bool health_checked = wait.suspended || wait.health || wait.degraded;
  bool health_ok = !health_checked || (wait.health && health == "Healthy") ||
                   (wait.suspended && health == "Suspended") ||
                   (wait.degraded && health == "Degraded");
  bool synced = !wait.sync || sync == "Synced";
  bool operational = !wait.operation || !operation_set;
  return health_ok && synced && operational;
}

}  // namespace

bool has_multiple_sources(const Node& app) {
  const Node* sources = app.at_path({"spec", "sources"});
  return sources && sources->is_list() && !sources->empty();
}

AppName parse_app_name(std::string_view text, std::string_view default_ns) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return {std::string(default_ns), std::string(text), std::string(text)};
  }
  return {std::string(text.substr(0, slash)), std::string(text.substr(slash + 1)),
          std::string(text)};
}

Result<std::vector<ResourceFilter>> parse_resource_filters(std::span<const std::string> texts) {
  std::vector<ResourceFilter> filters;
  for (std::string_view text : texts) {
    ResourceFilter f;
    if (text.starts_with('!')) {
      f.exclude = true;
      text.remove_prefix(1);
    }
    std::vector<std::string_view> fields;
    for (size_t start = 0;;) {
      size_t colon = text.find(':', start);
      fields.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (fields.size() != 3) {
      return fail("resource should have GROUP:KIND:NAME, but instead got: ", text);
    }
    f.group = std::string(fields[0]);
    f.kind = std::string(fields[1]);
    std::string_view name = fields[2];
    if (size_t slash = name.find('/'); slash != std::string_view::npos) {
      if (name.find('/', slash + 1) != std::string_view::npos) {
        return fail(
            "resource with namespace should have GROUP:KIND:NAMESPACE/NAME, but instead got: ",
            text);
      }
      f.ns = std::string(name.substr(0, slash));
      name = name.substr(slash + 1);
    }
    f.name = std::string(name);
    filters.push_back(std::move(f));
  }
  return filters;
}

bool resource_selected(std::string_view group, std::string_view kind, std::string_view ns,
                       std::string_view name, std::span<const ResourceFilter> filters) {
  bool include_rule = false;
  bool included = false;
  for (const ResourceFilter& f : filters) {
    if (f.exclude) continue;
    include_rule = true;
    if (compare(f, group, kind, ns, name)) {
      included = true;
      break;
    }
  }
  if (!include_rule) included = true;
  if (!included) return false;
  for (const ResourceFilter& f : filters) {
    if (f.exclude && compare(f, group, kind, ns, name)) return false;
  }
  return true;
}

Node selected_resources(const Node& app, std::span<const ResourceFilter> filters) {
  Node out = Node::list();
  const Node* resources = app.at_path({"status", "resources"});
  if (filters.empty() || !resources) return out;
  for (const Node& r : resources->items()) {
    std::string_view group = r.string_at({"group"}), kind = r.string_at({"kind"}),
                     ns = r.string_at({"namespace"}), name = r.string_at({"name"});
    if (!resource_selected(group, kind, ns, name, filters)) continue;
    Node entry = Node::map();
    if (!group.empty()) entry.set("group", Node::string(group));
    entry.set("kind", Node::string(kind));
    entry.set("name", Node::string(name));
    if (!ns.empty()) entry.set("namespace", Node::string(ns));
    out.push_back(std::move(entry));
  }
  return out;
}

bool automated_sync_enabled(const Node& app) {
  const Node* automated = app.at_path({"spec", "syncPolicy", "automated"});
  if (!automated || !automated->is_map()) return false;
  const Node* enabled = automated->find("enabled");
  return !enabled || enabled->is_null() || enabled->as_bool();
}

bool deleting(const Node& app) {
  return !app.string_at({"metadata", "deletionTimestamp"}).empty();
}

Result<Node> sync_operation(const Node& app, const SyncRequest& request) {
  std::string name = qualified_name(app);
  if (deleting(app)) return fail("application '", name, "' is deleting");
  bool multi = has_multiple_sources(app);
  const Node* source = spec_source(app);
  if (!multi && !request.revision.empty() && !request.dry_run && automated_sync_enabled(app)) {
    std::string_view target = source ? source->string_at({"targetRevision"}) : "";
    if (request.revision != (target.empty() ? "HEAD" : target)) {
      return fail("Cannot sync to ", request.revision, ": auto-sync currently set to ", target);
    }
  }
  Node sync = Node::map();
  if (!request.revision.empty()) sync.set("revision", Node::string(request.revision));
  if (request.prune) sync.set("prune", Node::boolean(true));
  if (request.dry_run) sync.set("dryRun", Node::boolean(true));
  Node strategy = Node::map();
  Node detail = Node::map();
  if (request.force) detail.set("force", Node::boolean(true));
  strategy.set(request.strategy == SyncStrategy::apply ? "apply" : "hook", std::move(detail));
  sync.set("syncStrategy", std::move(strategy));
  set_if(sync, "resources", &request.resources);
  if (!multi) sync.set("source", source && source->is_map() ? *source : Node::map());
  Node options = sync_options(app, request.sync_options);
  set_if(sync, "syncOptions", &options);
  if (multi) sync.set("sources", *app.at_path({"spec", "sources"}));

  Node op = Node::map();
  op.set("sync", std::move(sync));
  op.set("initiatedBy", initiated_by(request.username));
  if (!request.infos.empty()) {
    Node infos = Node::list();
    for (const auto& [key, value] : request.infos) {
      Node info = Node::map();
      info.set("name", Node::string(key));
      info.set("value", Node::string(value));
      infos.push_back(std::move(info));
    }
    op.set("info", std::move(infos));
  }
  op.set("retry", retry_of(app));
  return op;
}

Result<Node> rollback_target(const Node& app, int64_t id) {
  std::string name(app.string_at({"metadata", "name"}));
  const Node* history = app.at_path({"status", "history"});
  std::span<const Node> entries = history ? history->items() : std::span<const Node>();
  if (id < 0) {
    if (entries.size() < 2) {
      return fail("application '", name, "' should have at least two successful deployments");
    }
    return entries[entries.size() - 2];
  }
  for (const Node& entry : entries) {
    const Node* entry_id = entry.find("id");
    if (entry_id && entry_id->as_int() == id) return entry;
  }
  return fail("application '", name, "' does not have deployment id '", std::to_string(id),
              "' in history");
}

Result<Node> rollback_operation(const Node& app, const Node& history, bool prune, bool dry_run,
                                std::string_view username) {
  if (deleting(app)) return fail("application '", qualified_name(app), "' is deleting");
  const Node* source = history.find("source");
  const Node* sources = history.find("sources");
  bool no_source = !source || !source->is_map() || source->empty();
  bool no_sources = !sources || !sources->is_list() || sources->empty();
  if (no_source && no_sources) {
    return fail(
        "cannot rollback to revision deployed with Argo CD v0.11 or lower. sync to revision "
        "instead.");
  }
  Node sync = Node::map();
  set_if(sync, "revision", history.find("revision"));
  if (prune) sync.set("prune", Node::boolean(true));
  if (dry_run) sync.set("dryRun", Node::boolean(true));
  Node strategy = Node::map();
  strategy.set("apply", Node::map());
  sync.set("syncStrategy", std::move(strategy));
  sync.set("source", no_source ? Node::map() : *source);
  Node options = sync_options(app, {});
  set_if(sync, "syncOptions", &options);
  set_if(sync, "sources", sources);
  set_if(sync, "revisions", history.find("revisions"));
  Node op = Node::map();
  op.set("sync", std::move(sync));
  op.set("initiatedBy", initiated_by(username));
  op.set("retry", Node::map());
  return op;
}

WaitState wait_state(const Node& app, const WaitFor& wait,
                     std::span<const ResourceFilter> filters) {
  WaitState state;
  const Node* operation = app.find("operation");
  bool operation_set = operation && !operation->is_null();
  const Node* op_state = app.at_path({"status", "operationState"});
  if (operation_set) {
    state.operation_in_progress = true;
  } else if (op_state && op_state->is_map()) {
    auto finished = time_at(*op_state, {"finishedAt"});
    const Node* dry_run = op_state->at_path({"operation", "sync", "dryRun"});
    auto reconciled = time_at(app, {"status", "reconciledAt"});
    if (!finished) {
      state.operation_in_progress = true;
    } else if (!(dry_run && dry_run->as_bool()) && (!reconciled || *reconciled < *finished)) {
      // Finished, but the controller has not compared the app since: its sync and health
      // status would be the ones from before the operation.
      state.operation_in_progress = true;
    }
  }
  if (!filters.empty()) {
    state.ready = true;
    for (const ResourceState& r : resource_states(app, filters)) {
      if (!check_status(wait, r.health, r.status, operation_set)) {
        state.ready = false;
        break;
      }
    }
  } else {
    state.ready = check_status(wait, app.string_at({"status", "health", "status"}),
                               app.string_at({"status", "sync", "status"}), operation_set);
  }
  return state;
}

int pruning_required(const Node& operation_state) {
  int count = 0;
  const Node* results = operation_state.at_path({"syncResult", "resources"});
  if (!results) return 0;
  for (const Node& r : results->items()) {
    if (r.string_at({"status"}) == "PruneSkipped" &&
        r.string_at({"message"}).find("no prune") == std::string_view::npos) {
      ++count;
    }
  }
  return count;
}

}  // namespace plumb::cli::app
