// The Application spec flags of `plumb app create` and `app set` (a subset of argocd's
// AddAppFlags, with argocd's meanings: cmd/util/app.go SetAppSpecOptions and ConstructSource),
// `app unset`, and what Argo CD's API server does to a spec before it stores it (project
// "default", empty sections dropped) and refuses (no repo, no destination).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/flags.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::cli::app {

// --repo --path --revision --helm-chart --dest-server --dest-name --dest-namespace --project
// --sync-policy --sync-option... --auto-prune --self-heal --allow-empty --directory-recurse
// --directory-include --directory-exclude --helm-set... --helm-set-string... --values...
// --release-name --nameprefix --namesuffix --kustomize-image... -p/--parameter...
// --revision-history-limit.
void add_spec_flags(FlagSpec& spec);

// A boolean flag given on the command line, with its value (`--x`, `--x=true|false`), as
// pflag's Changed sees it; nullopt when not given.
std::optional<bool> given_bool(std::span<const std::string_view> args, std::string_view name);

// Applies the spec flags that were given to app's spec, as argocd does (a flag given replaces
// the field; `--sync-option '!X'` removes X; `--sync-policy none` drops automated; the
// automated flags without --sync-policy write `enabled: false`). Returns how many were given.
// Errors (argocd exits 1 on them): a bad --sync-policy, --helm-set without '=', a
// multi-source app.
Result<int> apply_spec_flags(const Flags& flags, std::span<const std::string_view> args, Node& app);

// `app unset` flags: --nameprefix --namesuffix --kustomize-image... -p/--parameter...
// --values... --kustomize-version --kustomize-namespace.
void add_unset_flags(FlagSpec& spec);
struct Unset {
  bool updated = false;
  bool nothing_to_unset = false;  // no unset flag fits the source's kind: argocd shows usage
};
Unset apply_unset_flags(const Flags& flags, Node& app);

// -l/--label k=v and --annotations k[=v] onto metadata. Errors: a label without one '='.
Result<void> set_labels_and_annotations(const Flags& flags, Node& app);

// NormalizeApplicationSpec: spec.project "default" when empty, an empty syncPolicy and empty
// helm/kustomize/directory sections dropped.
void normalize_spec(Node& app);

// The API server's checks, worded as Argo CD words them ("application spec for guestbook is
// invalid: InvalidSpecError: spec.source.repoURL and either spec.source.path or
// spec.source.chart are required").
Result<void> validate_app(const Node& app);

// Whether existing already has want's spec, labels, annotations and finalizers (empty and
// absent fields alike): `app create` of an existing app is then "unchanged".
bool same_app(const Node& existing, const Node& want);

}  // namespace plumb::cli::app
