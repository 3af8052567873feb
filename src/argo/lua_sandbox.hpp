// Private to the Lua host (lua_host.cpp, lua_patterns.cpp, lua_goto.cpp): the limits of one run,
// kept beside its lua_State (as the allocator's user data), and the stop they cause; the
// host's own library functions; goto for Lua 5.1.
//
// Functions Lua calls back (library functions, the hook, the allocator) may leave through
// lua_error's longjmp, so they hold no object with a destructor across a Lua API call.
//
// Thread safety: one LuaSandbox per lua_State, used by the thread running it.
#pragma once

#include <lua.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::argo::lua_detail {

using Clock = std::chrono::steady_clock;

enum class Stop { none, time, memory };

struct LuaSandbox {
  size_t used = 0;   // bytes allocated by the state
  size_t limit = 0;  // the most it may hold
  Clock::time_point deadline;
  Stop stop = Stop::none;
  char where[160] = {};  // "<string>:12: " where the time ran out, or ""
  const std::function<void(std::string_view)>* print = nullptr;
};

LuaSandbox& sandbox_of(lua_State* L);

// Whether the deadline has passed; the first time it has, the run is marked stopped.
bool out_of_time(LuaSandbox& sandbox);

// Raises the stop as a Lua error (the caller has marked it). Does not return.
int raise_stop(lua_State* L);

// Replaces string.find, match, gmatch and gsub (the string table on top of the stack) with Lua
// 5.1's pattern matching, run under the sandbox's deadline; lua_patterns.cpp.
void open_patterns(lua_State* L);

// The script with Lua 5.2's `goto continue` idiom written in Lua 5.1 (lua_goto.cpp); an error
// for any other goto. The text is returned as it is when it has no goto or label.
Result<std::string> rewrite_goto(std::string_view source);

}  // namespace plumb::argo::lua_detail
