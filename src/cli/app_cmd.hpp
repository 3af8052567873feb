// The subcommands of `plumb app`, one function each (app_cmd.cpp: list, get, history;
// app_sync_cmd.cpp: sync, rollback, wait; app_create_cmd.cpp: create, set, unset;
// app_delete_cmd.cpp: delete; app_diff_cmd.cpp: diff; app_actions_cmd.cpp: actions list|run). args
// excludes `app VERB`; each returns the exit code.
#pragma once

#include <span>
#include <string_view>

namespace plumb::cli::app {

int list_command(std::span<const std::string_view> args);
int get_command(std::span<const std::string_view> args);
int history_command(std::span<const std::string_view> args);
int sync_command(std::span<const std::string_view> args);
int rollback_command(std::span<const std::string_view> args);
int wait_command(std::span<const std::string_view> args);
int create_command(std::span<const std::string_view> args);
int set_command(std::span<const std::string_view> args);
int unset_command(std::span<const std::string_view> args);
int delete_command(std::span<const std::string_view> args);
int diff_command(std::span<const std::string_view> args);
int actions_command(std::span<const std::string_view> args);

}  // namespace plumb::cli::app
