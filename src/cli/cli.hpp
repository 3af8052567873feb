// The plumb command line: a table of subcommands, each a function of its arguments.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace plumb::cli {

// Runs `plumb ARGS...` (args excludes the program name); returns the process exit code.
int run(std::span<const std::string_view> args);

// Subcommands, one file each.
int build_command(std::span<const std::string_view> args);
// `build hr|helmrelease ...` (build_hr_cmd.cpp), reached through build_command.
int build_hr_command(std::span<const std::string_view> args);
int apply_command(std::span<const std::string_view> args);
int diff_command(std::span<const std::string_view> args);
int controller_command(std::span<const std::string_view> args);
int cluster_command(std::span<const std::string_view> args);
int up_command(std::span<const std::string_view> args);
int template_command(std::span<const std::string_view> args);
int sops_command(std::span<const std::string_view> args);
// `seal`: kubeseal's command line (seal_cmd.cpp).
int seal_command(std::span<const std::string_view> args);
int push_command(std::span<const std::string_view> args);
// `health -f OBJECT.yaml`: an object's health as Argo CD assesses it (health_cmd.cpp).
int health_command(std::span<const std::string_view> args);
// The flux-like commands (flux_*_cmd.cpp).
int get_command(std::span<const std::string_view> args);
int reconcile_command(std::span<const std::string_view> args);
int suspend_command(std::span<const std::string_view> args);
int resume_command(std::span<const std::string_view> args);
int rollback_command(std::span<const std::string_view> args);
int create_command(std::span<const std::string_view> args);
// `create secret ...` (create_secret_cmd.cpp), reached through create_command.
int create_secret_command(std::span<const std::string_view> args);
int events_command(std::span<const std::string_view> args);
// plumb history (history_cmd.cpp).
int history_command(std::span<const std::string_view> args);
// The argocd-like commands: `app list|get|sync|wait|history|rollback|create|set|unset|delete`
// (app_*_cmd.cpp).
int app_command(std::span<const std::string_view> args);
// `appset generate|list|get` (appset_cmd.cpp).
int appset_command(std::span<const std::string_view> args);

// plumb tree ks|hr|app NAME (tree_cmd.cpp).
int tree_command(std::span<const std::string_view> args);
// plumb version [--client] [-o json|yaml] (version_cmd.cpp).
int version_command(std::span<const std::string_view> args);
// plumb export KIND [NAME|--all] (export_cmd.cpp).
int export_command(std::span<const std::string_view> args);
// plumb completion SHELL and the hidden plumb __complete (completion_cmd.cpp).
int completion_command(std::span<const std::string_view> args);
int complete_command(std::span<const std::string_view> args);
// The names of the command table, in its order.
std::vector<std::string_view> command_names();
// plumb logs (logs_cmd.cpp).
int logs_command(std::span<const std::string_view> args);
// plumb stats (stats_cmd.cpp).
int stats_command(std::span<const std::string_view> args);

// Where git sources are cached unless --cache-dir says otherwise: ~/.cache/plumb/git.
std::string default_cache_dir();
// plumb up's data directory: $XDG_DATA_HOME/plumb or ~/.local/share/plumb (up_cmd.cpp).
std::string default_data_dir();

}  // namespace plumb::cli
