#include "argo/sync_options.hpp"

#include <algorithm>

#include "core/object_ref.hpp"
#include "core/strings.hpp"

namespace plumb::argo {

namespace {

// How the app's and the resource's values of an option combine (gitops-engine's tests):
//   on_wins      app=true OR resource=true (Replace, Force, PruneLast, SkipDryRun...)
//   off_wins     app=false OR resource=false turns it off (Validate)
//   resource_off resource=false turns it off, else app=true OR resource=true (ServerSideApply)
//   app_only     only the app's entry is read (CreateNamespace, ...)
enum class Combine { on_wins, off_wins, resource_off, app_only };

// The boolean options; `decisive` is the value Argo acts on when one list holds both
// (it tests one exact entry, e.g. HasOption("Validate=false")).
struct BoolOption {
  std::string_view key;
  std::optional<bool> SyncOptions::*field;
  bool decisive;
  Combine combine;
};

constexpr BoolOption k_bool_options[] = {
    {"Validate", &SyncOptions::validate, false, Combine::off_wins},
    {"SkipDryRunOnMissingResource", &SyncOptions::skip_dry_run_on_missing_resource, true,
     Combine::on_wins},
    {"Replace", &SyncOptions::replace, true, Combine::on_wins},
    {"Force", &SyncOptions::force, true, Combine::on_wins},
    {"ServerSideApply", &SyncOptions::server_side_apply, false, Combine::resource_off},
    {"PruneLast", &SyncOptions::prune_last, true, Combine::on_wins},
    {"CreateNamespace", &SyncOptions::create_namespace, true, Combine::app_only},
    {"ApplyOutOfSyncOnly", &SyncOptions::apply_out_of_sync_only, true, Combine::app_only},
    {"RespectIgnoreDifferences", &SyncOptions::respect_ignore_differences, true, Combine::app_only},
    {"FailOnSharedResource", &SyncOptions::fail_on_shared_resource, true, Combine::app_only},
    {"ClientSideApplyMigration", &SyncOptions::client_side_apply_migration, false,
     Combine::app_only},
};

// PrunePropagationPolicy values in the order Argo tests them (the first present wins).
constexpr std::string_view k_propagation_policies[] = {"background", "foreground", "orphan"};

size_t propagation_rank(std::string_view policy) {
  return static_cast<size_t>(
      std::find(std::begin(k_propagation_policies), std::end(k_propagation_policies), policy) -
      std::begin(k_propagation_policies));
}

void note(SyncOptions& options, std::string_view where, std::string_view item,
          std::string_view why) {
  std::string text(where);
  text.append(": ").append(item).append(": ").append(why);
  options.ignored.push_back(std::move(text));
}

// Prune=<v> and Delete=<v>: Argo reads the first entry with the key (GetOptionValue).
void read_valued(std::optional<bool>& option, bool& confirm, std::string_view value,
                 SyncOptions& options, std::string_view where, std::string_view item) {
  if (option) {
    note(options, where, item, "only the first entry for this option counts");
    return;
  }
  option = value != "false";
  confirm = value == "confirm";
}

}  // namespace

Result<SyncOptions> parse_sync_options(std::span<const std::string> items, std::string_view where) {
  SyncOptions options;
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      note(options, where, item, "not a Key=Value entry (ignored, as Argo CD does)");
      continue;
    }
    std::string_view key = std::string_view(item).substr(0, eq);
    std::string_view value = std::string_view(item).substr(eq + 1);
    if (key == "Prune") {
      read_valued(options.prune, options.prune_confirm, value, options, where, item);
      continue;
    }
    if (key == "Delete") {
      read_valued(options.delete_, options.delete_confirm, value, options, where, item);
      continue;
    }
    if (key == "PrunePropagationPolicy") {
      size_t rank = propagation_rank(value);
      if (rank == std::size(k_propagation_policies)) {
        note(options, where, item, "Argo CD knows foreground, background and orphan (ignored)");
      } else if (options.prune_propagation_policy.empty() ||
                 rank < propagation_rank(options.prune_propagation_policy)) {
        options.prune_propagation_policy = std::string(value);
      }
      continue;
    }
    const BoolOption* known = nullptr;
    for (const BoolOption& option : k_bool_options)
      if (option.key == key) known = &option;
    if (!known) {
      note(options, where, item, "not a sync option Argo CD knows (ignored, as Argo CD does)");
      continue;
    }
    if (value != "true" && value != "false") {
      note(options, where, item, "Argo CD acts only on =true and =false (ignored)");
      continue;
    }
    std::optional<bool>& field = options.*(known->field);
    bool given = value == "true";
    field = field && *field != given ? known->decisive : given;
  }
  return options;
}

std::vector<std::string> annotation_csv(const Node& object, std::string_view key) {
  std::vector<std::string> values;
  const Node* annotations = object.at_path({"metadata", "annotations"});
  const Node* value = annotations ? annotations->find(key) : nullptr;
  if (!value || !value->is_string()) return values;
  std::string_view text = value->as_string();
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty() && std::find(values.begin(), values.end(), item) == values.end())
      values.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return values;
}

Result<SyncOptions> resource_sync_options(const Node& object) {
  const Node* annotations = object.at_path({"metadata", "annotations"});
  const Node* value = annotations ? annotations->find(k_sync_options_annotation) : nullptr;
  std::string where = ObjectRef::of(object).display() + ": metadata.annotations[" +
                      std::string(k_sync_options_annotation) + "]";
  if (value && !value->is_null() && !value->is_string()) return fail(where, ": must be a string");
  std::vector<std::string> items = annotation_csv(object, k_sync_options_annotation);
  return parse_sync_options(items, where);
}

namespace {

std::optional<bool> on_wins(std::optional<bool> a, std::optional<bool> b) {
  if (a == true || b == true) return true;
  if (a == false || b == false) return false;
  return std::nullopt;
}

std::optional<bool> off_wins(std::optional<bool> a, std::optional<bool> b) {
  if (a == false || b == false) return false;
  return on_wins(a, b);
}

}  // namespace

SyncOptions overlay(const SyncOptions& app, const SyncOptions& resource) {
  SyncOptions out = app;
  out.ignored = resource.ignored;
  if (resource.prune) {
    out.prune = resource.prune;
    out.prune_confirm = resource.prune_confirm;
  }
  if (resource.delete_) {
    out.delete_ = resource.delete_;
    out.delete_confirm = resource.delete_confirm;
  }
  for (const BoolOption& option : k_bool_options) {
    const std::optional<bool>& theirs = resource.*(option.field);
    std::optional<bool>& ours = out.*(option.field);
    switch (option.combine) {
      case Combine::on_wins:
        ours = on_wins(ours, theirs);
        break;
      case Combine::off_wins:
        ours = off_wins(ours, theirs);
        break;
      case Combine::resource_off:
        ours = theirs == false ? std::optional<bool>(false) : on_wins(ours, theirs);
        break;
      case Combine::app_only:
        if (theirs)
          out.ignored.push_back(std::string(option.key) +
                                ": an Application-level option, not read from a resource");
        break;
    }
  }
  if (!resource.prune_propagation_policy.empty())
    out.ignored.push_back("PrunePropagationPolicy: an Application-level option");
  return out;
}

SyncOptions overlay_live(const SyncOptions& options, const Node& live) {
  SyncOptions out = options;
  for (const std::string& item : annotation_csv(live, k_sync_options_annotation)) {
    if (item == "Replace=true") out.replace = true;
    if (item == "Force=true") out.force = true;
  }
  return out;
}

}  // namespace plumb::argo
