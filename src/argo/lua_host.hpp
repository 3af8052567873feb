// A sandboxed Lua 5.1 for Argo CD's resource customizations (health checks, resource actions),
// run as argo-cd's util/lua runs them on gopher-lua, with limits Argo CD lacks.
//
// Each run has a state of its own, made for it and closed after it: nothing a script does
// survives into the next, and threads never share a state. The script sees:
// - `obj`: the object as a table made from its JSON (gopher-json's DecodeValue: maps with string
//   keys, lists with keys 1..n, numbers, strings, booleans; a null is nil, so a null map value
//   is an absent key and a null list item is left out, the items after it moving up);
// - `actionParams`: a table of the action's parameters (name → string value), empty if none;
// - the libraries. `sandboxed` is what Argo CD gives scripts by default (argocd-cm scripts
//   without useOpenLibs, every action): the base library, `table`, and an `os` of `time` and
//   `date` only (argo-cd's oslib_safe.go, its quirks kept), with `require` that knows the loaded
//   modules only (`local os = require("os")`). `open` adds `string` and `math`: what Argo CD's
//   useOpenLibs and its built-in health scripts get, less what reaches outside the process
//   (gopher-lua's OpenLibs would also give io, the whole os, debug, coroutine, channel — never
//   here). In both, there is no `dofile`, `loadfile`, `module`, `newproxy`, `string.dump`,
//   `coroutine`; `load` and `loadstring` take source text, never bytecode; `print` goes to
//   LuaRun::print (dropped without one); string matching (find, match, gmatch, gsub) is Lua 5.1's
//   pattern language run by Plumb's own matcher (lua_patterns.cpp) and table.sort a heap sort,
//   both keeping to the time limit (C code runs out of the hook's reach).
// - limits: a time limit checked on every function call and every 1000 VM instructions (Argo:
//   1 s), and a memory cap enforced by the allocator. `pcall`/`xpcall` cannot catch either
//   stop. The run then fails with "Lua script stopped: ..." saying which limit, and where.
//
// The result is the last value the script returned. A table comes back as Argo CD reads it:
// gopher-json's Encode (an empty table is an empty list; keys 1..n make a list, string keys an
// object, sorted; anything else, a table met twice, a function, NaN are errors worded as Go's
// encoding/json words them), numbers then as the Kubernetes JSON decoder reads them (integral
// values that fit are integers).
//
// Errors are Lua's ("<string>:3: attempt to index field 'status' (a nil value)"; error(msg, 0)
// gives msg alone), chunks named "<string>" as gopher-lua names them. gopher-lua also takes Lua
// 5.2's goto, which Argo's scripts use as `goto continue`: that form is rewritten for Lua 5.1
// (lua_goto.cpp), any other goto refused. Differences from gopher-lua that remain: C Lua's
// messages and number formatting ("%.14g": 1e+15 where Go prints 1000000000000000).
//
// Thread safety: run_lua keeps no shared state; any number of threads may run scripts at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

enum class LuaLibraries { sandboxed, open };

struct LuaLimits {
  std::chrono::milliseconds time{1000};
  size_t memory_bytes = size_t{64} << 20;
};

// How scripts run, for the callers that run them (health checks, actions): their limits, and
// where print() goes (nowhere without a function).
struct LuaOptions {
  LuaLimits limits;
  std::function<void(std::string_view)> print;
};

struct LuaParam {
  std::string name;
  std::string value;
};

struct LuaRun {
  std::string_view script;
  const Node* object = nullptr;  // the global obj (nil when absent)
  std::span<const LuaParam> params;
  LuaLibraries libraries = LuaLibraries::sandboxed;
  LuaLimits limits;
  std::function<void(std::string_view)> print;  // one call per print(...), its line
};

struct LuaResult {
  // lua_typename of the last value returned ("nil" when none): "table", "string", ...
  std::string type;
  // For a table: its JSON form as Argo CD reads it, or why it has none (Go's error text).
  std::optional<Result<Node>> table;
};

// Loads and runs one script. An error: it does not compile, it raised an error, or it was stopped
// by a limit.
Result<LuaResult> run_lua(const LuaRun& run);

}  // namespace plumb::argo
