// Argo CD's sync options: the `Key=Value` entries of an Application's
// spec.syncPolicy.syncOptions and of a resource's `argocd.argoproj.io/sync-options` annotation
// (comma-separated), read as Argo CD (controller/sync.go) and its gitops-engine (pkg/sync) read
// them.
//
// Argo CD compares whole entries as exact strings ("Validate=false"; "Validate=False" or
// " Validate=false" in the app's list mean nothing) and never refuses an entry: unknown keys and
// values it does not act on are ignored. Plumb does the same and lists what it ignored in
// SyncOptions::ignored, so a caller can warn. The annotation's entries are trimmed and
// de-duplicated first (gitops-engine's GetAnnotationCSVs); the app's list is not.
//
// Each option is a std::optional<bool>: nullopt when no entry names it, otherwise the value an
// entry gave. `Prune` and `Delete` take any value (Argo reads the first `Prune=` entry); `false`
// disables, `confirm` asks for confirmation, anything else leaves pruning on — and, at the
// resource level, still overrides the app's value.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_sync_options_annotation = "argocd.argoproj.io/sync-options";

struct SyncOptions {
  // Prune=<v>: false for "false", true for any other value (prune_confirm for "confirm").
  std::optional<bool> prune;
  bool prune_confirm = false;
  // Delete=<v> (cascade deletion of the Application): same reading as Prune.
  std::optional<bool> delete_;
  bool delete_confirm = false;
  std::optional<bool> validate;                          // Validate=false
  std::optional<bool> skip_dry_run_on_missing_resource;  // SkipDryRunOnMissingResource=true
  std::optional<bool> replace;                           // Replace=true
  std::optional<bool> force;                             // Force=true (resource level only)
  std::optional<bool> server_side_apply;                 // ServerSideApply=true|false
  std::optional<bool> prune_last;                        // PruneLast=true
  std::optional<bool> create_namespace;                  // CreateNamespace=true (app level)
  std::optional<bool> apply_out_of_sync_only;            // ApplyOutOfSyncOnly=true (app level)
  std::optional<bool> respect_ignore_differences;        // RespectIgnoreDifferences=true (app)
  std::optional<bool> fail_on_shared_resource;           // FailOnSharedResource=true (app level)
  std::optional<bool> client_side_apply_migration;       // ClientSideApplyMigration=false (app)
  // PrunePropagationPolicy=foreground|background|orphan (app level); "" = Argo's default,
  // foreground. With several entries background wins over foreground over orphan, as Argo
  // tests them in that order.
  std::string prune_propagation_policy;
  // Entries Argo CD does not act on, each as "<where>: <entry>: <why>".
  std::vector<std::string> ignored;

  // The effective values, with Argo's defaults.
  bool prune_disabled() const { return prune == false; }
  bool delete_disabled() const { return delete_ == false; }
  bool validates() const { return validate != false; }
};

// Parses Key=Value entries; `where` names them in `ignored` ("spec.syncPolicy.syncOptions").
// Never fails today: Argo CD refuses no entry; the Result is kept for the interface.
Result<SyncOptions> parse_sync_options(std::span<const std::string> items, std::string_view where);

// The object's argocd.argoproj.io/sync-options annotation. An error when the annotation is not a
// string (Kubernetes would refuse the object).
Result<SyncOptions> resource_sync_options(const Node& object);

// The options in force for one resource, as gitops-engine combines the app's and the
// resource's: Prune and Delete take the resource's value when it has one; Validate=false,
// ServerSideApply=false on either side turn the feature off; Replace, Force,
// SkipDryRunOnMissingResource, PruneLast, ServerSideApply=true on either side turn it on; the
// app-level-only options (CreateNamespace, ApplyOutOfSyncOnly, RespectIgnoreDifferences,
// FailOnSharedResource, PrunePropagationPolicy, ClientSideApplyMigration) come from the app.
SyncOptions overlay(const SyncOptions& app, const SyncOptions& resource);

// gitops-engine also reads Replace=true and Force=true from the LIVE object of an apply task:
// `options` with those turned on when `live`'s annotation asks for them.
SyncOptions overlay_live(const SyncOptions& options, const Node& live);

// The comma-separated entries of a string annotation, trimmed, empty ones dropped, duplicates
// removed (first kept): gitops-engine's GetAnnotationCSVs. Empty when absent or not a string.
std::vector<std::string> annotation_csv(const Node& object, std::string_view key);

}  // namespace plumb::argo
