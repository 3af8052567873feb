#include "argo/lua_host.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "argo/lua_sandbox.hpp"

namespace plumb::argo {
namespace lua_detail {

LuaSandbox& sandbox_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<LuaSandbox*>(ud);
}

bool out_of_time(LuaSandbox& sandbox) {
  if (sandbox.stop != Stop::none) return true;
  if (Clock::now() < sandbox.deadline) return false;
  sandbox.stop = Stop::time;
  return true;
}

int raise_stop(lua_State* L) {
  lua_pushliteral(L, "Lua script stopped");
  return lua_error(L);
}

}  // namespace lua_detail

namespace {

using lua_detail::Clock;
using lua_detail::LuaSandbox;
using lua_detail::sandbox_of;
using lua_detail::Stop;

constexpr int k_hook_instructions = 1000;
// Deeper tables than this are not turned into JSON (the C stack is finite; Go's is not).
constexpr int k_max_encode_depth = 1000;
constexpr const char* k_chunk_name = "=<string>";
constexpr const char* k_modules_key = "plumb.lua.modules";

// --- limits ---------------------------------------------------------------------------------

// lua_Alloc: refuses to grow past the limit (Lua 5.1 assumes shrinking never fails).
void* allocate(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto& sandbox = *static_cast<LuaSandbox*>(ud);
  if (new_size == 0) {
    std::free(ptr);
    sandbox.used -= old_size;
    return nullptr;
  }
  if (new_size > old_size && sandbox.used - old_size + new_size > sandbox.limit) {
    if (sandbox.stop == Stop::none) sandbox.stop = Stop::memory;
    return nullptr;
  }
  void* grown = std::realloc(ptr, new_size);
  if (grown) sandbox.used = sandbox.used - old_size + new_size;
  return grown;
}

// Every function call and every k_hook_instructions instructions: past the deadline, the run
// stops — and stays stopped: from then on the hook fires on every instruction.
void hook(lua_State* L, lua_Debug* ar) {
  LuaSandbox& sandbox = sandbox_of(L);
  if (sandbox.stop == Stop::none) {
    if (!lua_detail::out_of_time(sandbox)) return;
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
      std::snprintf(sandbox.where, sizeof sandbox.where, "%s:%d: ", ar->short_src, ar->currentline);
    lua_sethook(L, hook, LUA_MASKCALL | LUA_MASKCOUNT, 1);
  }
  lua_detail::raise_stop(L);
}

// A stop is not an error a script may handle: pcall and xpcall pass it on.
void rethrow_stop(lua_State* L) {
  if (sandbox_of(L).stop != Stop::none) lua_detail::raise_stop(L);
}

int sandbox_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (status != 0) rethrow_stop(L);
  lua_pushboolean(L, status == 0);
  lua_insert(L, 1);
  return lua_gettop(L);
}

int sandbox_xpcall(lua_State* L) {
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  lua_insert(L, 1);  // the handler below the function
  int status = lua_pcall(L, 0, LUA_MULTRET, 1);
  if (status != 0) rethrow_stop(L);
  lua_pushboolean(L, status == 0);
  lua_replace(L, 1);
  return lua_gettop(L);
}

// --- loading code: source text only ----------------------------------------------------------

int load_text(lua_State* L, const char* text, size_t size, const char* chunk_name) {
  if (size > 0 && text[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(L);
    lua_pushliteral(L, "attempt to load a binary chunk (only source text is allowed)");
    return 2;
  }
  int status = luaL_loadbuffer(L, text, size, chunk_name);
  if (status == 0) return 1;
  rethrow_stop(L);
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

int sandbox_loadstring(lua_State* L) {
  size_t size = 0;
  const char* text = luaL_checklstring(L, 1, &size);
  const char* chunk_name = luaL_optstring(L, 2, text);
  return load_text(L, text, size, chunk_name);
}

// load(reader [, chunkname]): the pieces the reader returns until nil or "", as one text.
int sandbox_load(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  const char* chunk_name = luaL_optstring(L, 2, "=(load)");
  lua_settop(L, 2);
  int pieces = 0;
  for (;;) {
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1) || (lua_isstring(L, -1) && lua_objlen(L, -1) == 0)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
    if (++pieces == 16) {
      lua_concat(L, pieces);
      pieces = 1;
    }
  }
  lua_concat(L, pieces);
  size_t size = 0;
  const char* text = lua_tolstring(L, -1, &size);
  return load_text(L, text, size, chunk_name);
}

// print(...): tostring of each argument, tab-separated, to LuaRun::print.
int sandbox_print(lua_State* L) {
  int n = lua_gettop(L);
  lua_getglobal(L, "tostring");
  for (int i = 1; i <= n; ++i) {
    if (i > 1) lua_pushliteral(L, "\t");
    lua_pushvalue(L, n + 1);
    lua_pushvalue(L, i);
    lua_call(L, 1, 1);
    if (!lua_isstring(L, -1)) return luaL_error(L, "'tostring' must return a string to 'print'");
  }
  lua_concat(L, n == 0 ? 0 : 2 * n - 1);
  const auto* print = sandbox_of(L).print;
  if (print && *print) {
    size_t size = 0;
    const char* line = lua_tolstring(L, -1, &size);
    try {
      (*print)(std::string_view(line, size));
    } catch (...) {  // nothing may unwind through Lua's frames
    }
  }
  return 0;
}

// require(name): a module already loaded in this state (os, table; string and math when open),
// never code from files.
int sandbox_require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, k_modules_key);
  lua_getfield(L, -1, name);
  if (!lua_isnil(L, -1)) return 1;
  return luaL_error(L, "module '%s' not found: Lua scripts may require only %s", name,
                    lua_tostring(L, lua_upvalueindex(1)));
}

// --- os: time and date, as argo-cd's oslib_safe.go ---------------------------------------------

// A number field of the table as Go's int(LNumber); anything else gives the default.
int int_field(lua_State* L, const char* key, int fallback) {
  lua_pushstring(L, key);
  lua_rawget(L, 1);
  int value = fallback;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    double d = lua_tonumber(L, -1);
    if (std::isfinite(d) && d > -2147483648.0 && d < 2147483648.0) value = static_cast<int>(d);
  }
  lua_pop(L, 1);
  return value;
}

// os.time(): now; os.time{year=, month=, day=, hour=, min=, sec=}: that local time (hour 12,
// min and sec 0 by default; year, month and day -1, normalised as Go's time.Date does). Only
// number fields count: "2024" is the default.
int os_time(lua_State* L) {
  if (lua_gettop(L) == 0) {
    lua_pushnumber(L, static_cast<lua_Number>(std::time(nullptr)));
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  std::tm tm{};
  tm.tm_sec = int_field(L, "sec", 0);
  tm.tm_min = int_field(L, "min", 0);
  tm.tm_hour = int_field(L, "hour", 12);
  tm.tm_mday = int_field(L, "day", -1);
  tm.tm_mon = int_field(L, "month", -1) - 1;
  tm.tm_year = int_field(L, "year", -1) - 1900;
  tm.tm_isdst = -1;
  lua_pushnumber(L, static_cast<lua_Number>(std::mktime(&tm)));
  return 1;
}

constexpr const char* k_weekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
constexpr const char* k_months[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};

// One %-flag as oslib_safe.go's strftime writes it: through a Go time layout (so %a is the
// text "mon" and %x is "15/04/05", as there), %w the weekday number; false for flags it has
// no layout for (written back as they are).
bool date_flag(char flag, const std::tm& t, bool utc, luaL_Buffer* b) {
  char out[96];
  int hour12 = t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12;
  const char* zone = !utc && t.tm_zone && *t.tm_zone ? t.tm_zone : "UTC";
  long offset = t.tm_gmtoff / 60;
  switch (flag) {
    case 'a':
      std::snprintf(out, sizeof out, "mon");
      break;
    case 'A':
      std::snprintf(out, sizeof out, "%s", k_weekdays[t.tm_wday]);
      break;
    case 'b':
      std::snprintf(out, sizeof out, "%.3s", k_months[t.tm_mon]);
      break;
    case 'B':
      std::snprintf(out, sizeof out, "%s", k_months[t.tm_mon]);
      break;
    case 'c':
      std::snprintf(out, sizeof out, "%02d %.3s %02d %02d:%02d %s", t.tm_mday, k_months[t.tm_mon],
                    (t.tm_year + 1900) % 100, t.tm_hour, t.tm_min, zone);
      break;
    case 'd':
      std::snprintf(out, sizeof out, "%02d", t.tm_mday);
      break;
    case 'F':
      std::snprintf(out, sizeof out, "%04d-%02d-%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
      break;
    case 'H':
      std::snprintf(out, sizeof out, "%02d", t.tm_hour);
      break;
    case 'I':
      std::snprintf(out, sizeof out, "%02d", hour12);
      break;
    case 'm':
      std::snprintf(out, sizeof out, "%02d", t.tm_mon + 1);
      break;
    case 'M':
      std::snprintf(out, sizeof out, "%02d", t.tm_min);
      break;
    case 'p':
      std::snprintf(out, sizeof out, "%s", t.tm_hour < 12 ? "AM" : "PM");
      break;
    case 'P':
      std::snprintf(out, sizeof out, "%s", t.tm_hour < 12 ? "am" : "pm");
      break;
    case 'S':
      std::snprintf(out, sizeof out, "%02d", t.tm_sec);
      break;
    case 'x':
      std::snprintf(out, sizeof out, "%02d/%02d/%02d", t.tm_hour, t.tm_min, t.tm_sec);
      break;
    case 'X':
      std::snprintf(out, sizeof out, "%02d:%02d:%02d", t.tm_hour, t.tm_min, t.tm_sec);
      break;
    case 'y':
      std::snprintf(out, sizeof out, "%02d", (t.tm_year + 1900) % 100);
      break;
    case 'Y':
      std::snprintf(out, sizeof out, "%04d", t.tm_year + 1900);
      break;
    case 'z':
      std::snprintf(out, sizeof out, "%c%02ld%02ld", offset < 0 ? '-' : '+', std::labs(offset) / 60,
                    std::labs(offset) % 60);
      break;
    case 'Z':
      std::snprintf(out, sizeof out, "%s", zone);
      break;
    case 'w':
      std::snprintf(out, sizeof out, "%d", t.tm_wday);
      break;
    default:
      return false;
  }
  luaL_addstring(b, out);
  return true;
}

// os.date([format [, time]]): "%c" of now by default; a leading "!" is UTC — unless a time is
// given, which is local (as oslib_safe.go has it); "*t" a table (yday 0, isdst false).
int os_date(lua_State* L) {
  std::time_t now = std::time(nullptr);
  const char* format = "%c";
  bool utc = false;
  if (lua_gettop(L) >= 1) {
    format = luaL_checkstring(L, 1);
    if (*format == '!') {
      utc = true;
      while (*format == '!')
        ++format;
    }
    if (lua_gettop(L) >= 2) {
      now = static_cast<std::time_t>(luaL_checknumber(L, 2));
      utc = false;
    }
  }
  std::tm t{};
  if (utc) {
    gmtime_r(&now, &t);
  } else {
    localtime_r(&now, &t);
  }
  if (lua_gettop(L) >= 1 && std::strncmp(format, "*t", 2) == 0) {
    lua_createtable(L, 0, 9);
    auto field = [L](const char* key, lua_Number value) {
      lua_pushnumber(L, value);
      lua_setfield(L, -2, key);
    };
    field("year", t.tm_year + 1900);
    field("month", t.tm_mon + 1);
    field("day", t.tm_mday);
    field("hour", t.tm_hour);
    field("min", t.tm_min);
    field("sec", t.tm_sec);
    field("wday", t.tm_wday + 1);
    field("yday", 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "isdst");
    return 1;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      luaL_addchar(&b, *p);
    } else if (p[1] == '%') {
      luaL_addchar(&b, '%');
      ++p;
    } else if (p[1] == '\0') {
      luaL_addchar(&b, '%');
    } else {
      ++p;
      if (!date_flag(*p, t, utc, &b)) {
        luaL_addchar(&b, '%');
        luaL_addchar(&b, *p);
      }
    }
  }
  luaL_pushresult(&b);
  return 1;
}

// --- table.sort, under the deadline ----------------------------------------------------------

struct SortContext {
  lua_State* L;
  LuaSandbox* sandbox;
  bool has_comparator;
  unsigned steps = 0;
};

// a[i] < a[j] as table.sort compares: the comparator, else the < operator.
bool sort_less(SortContext& c, int i, int j) {
  if ((++c.steps & 1023) == 0 && lua_detail::out_of_time(*c.sandbox)) lua_detail::raise_stop(c.L);
  lua_State* L = c.L;
  if (c.has_comparator) {
    lua_pushvalue(L, 2);
    lua_rawgeti(L, 1, i);
    lua_rawgeti(L, 1, j);
    lua_call(L, 2, 1);
    bool less = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return less;
  }
  lua_rawgeti(L, 1, i);
  lua_rawgeti(L, 1, j);
  bool less = lua_lessthan(L, -2, -1);
  lua_pop(L, 2);
  return less;
}

void sort_swap(lua_State* L, int i, int j) {
  lua_rawgeti(L, 1, i);
  lua_rawgeti(L, 1, j);
  lua_rawseti(L, 1, i);
  lua_rawseti(L, 1, j);
}

void sift_down(SortContext& c, int root, int end) {
  for (;;) {
    int child = 2 * root;
    if (child > end) return;
    if (child < end && sort_less(c, child, child + 1)) ++child;
    if (!sort_less(c, root, child)) return;
    sort_swap(c.L, root, child);
    root = child;
  }
}

// table.sort(t [, comp]): Lua's contract (t[1..#t] in order of comp or <; not stable), a heap sort
// that checks the deadline as it goes — the C quicksort of Lua's library would not.
int sandbox_sort(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int n = static_cast<int>(lua_objlen(L, 1));
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  luaL_checkstack(L, 8, "");
  SortContext c{L, &sandbox_of(L), !lua_isnil(L, 2)};
  for (int root = n / 2; root >= 1; --root)
    sift_down(c, root, n);
  for (int end = n; end > 1; --end) {
    sort_swap(L, 1, end);
    sift_down(c, 1, end - 1);
  }
  return 0;
}

// --- the state ------------------------------------------------------------------------------

void open_library(lua_State* L, lua_CFunction open, const char* name) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

void set_global_function(lua_State* L, const char* name, lua_CFunction f) {
  lua_pushcfunction(L, f);
  lua_setglobal(L, name);
}

void remove_field(lua_State* L, int table, const char* name) {
  if (table < 0) table = lua_gettop(L) + table + 1;
  lua_pushnil(L);
  lua_setfield(L, table, name);
}

// gopher-json's DecodeValue: null is nil (a map key left out, a list item skipped).
void push_node(lua_State* L, const Node& node) {
  luaL_checkstack(L, 4, "object nested too deeply");
  switch (node.type()) {
    case Node::Type::null:
      lua_pushnil(L);
      return;
    case Node::Type::boolean:
      lua_pushboolean(L, node.as_bool());
      return;
    case Node::Type::integer:
    case Node::Type::floating:
      lua_pushnumber(L, node.as_float());
      return;
    case Node::Type::string: {
      std::string_view text = node.as_string();
      lua_pushlstring(L, text.data(), text.size());
      return;
    }
    case Node::Type::list: {
      lua_createtable(L, static_cast<int>(node.size()), 0);
      int index = 0;
      for (const Node& item : node.items()) {
        if (item.is_null()) continue;
        push_node(L, item);
        lua_rawseti(L, -2, ++index);
      }
      return;
    }
    case Node::Type::map: {
      lua_createtable(L, 0, static_cast<int>(node.size()));
      for (const MapEntry& entry : node.entries()) {
        if (entry.value.is_null()) continue;
        std::string_view key = entry.key.as_string();
        lua_pushlstring(L, key.data(), key.size());
        push_node(L, entry.value);
        lua_rawset(L, -3);
      }
      return;
    }
  }
}

struct Setup {
  const LuaRun* run;
};

// Libraries, the globals obj and actionParams. Runs protected (lua_cpcall).
int setup_state(lua_State* L) {
  const LuaRun& run = *static_cast<Setup*>(lua_touserdata(L, 1))->run;
  bool open = run.libraries == LuaLibraries::open;
  lua_settop(L, 0);

  open_library(L, luaopen_base, "");
  open_library(L, luaopen_table, LUA_TABLIBNAME);
  if (open) {
    open_library(L, luaopen_string, LUA_STRLIBNAME);
    open_library(L, luaopen_math, LUA_MATHLIBNAME);
  }
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int globals = lua_gettop(L);
  for (const char* name : {"dofile", "loadfile", "newproxy", "coroutine", "gcinfo", "module"})
    remove_field(L, globals, name);
  set_global_function(L, "pcall", sandbox_pcall);
  set_global_function(L, "xpcall", sandbox_xpcall);
  set_global_function(L, "load", sandbox_load);
  set_global_function(L, "loadstring", sandbox_loadstring);
  set_global_function(L, "print", sandbox_print);

  lua_getglobal(L, LUA_TABLIBNAME);
  lua_pushcfunction(L, sandbox_sort);
  lua_setfield(L, -2, "sort");
  lua_pop(L, 1);

  if (open) {
    lua_getglobal(L, LUA_STRLIBNAME);
    remove_field(L, -1, "dump");
    remove_field(L, -1, "gfind");
    lua_detail::open_patterns(L);
    lua_pop(L, 1);
  }

  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, os_time);
  lua_setfield(L, -2, "time");
  lua_pushcfunction(L, os_date);
  lua_setfield(L, -2, "date");
  lua_setglobal(L, LUA_OSLIBNAME);

  // The modules require() gives.
  lua_createtable(L, 0, 5);
  for (const char* name : {LUA_OSLIBNAME, LUA_TABLIBNAME, LUA_STRLIBNAME, LUA_MATHLIBNAME}) {
    lua_getglobal(L, name);
    lua_setfield(L, -2, name);
  }
  lua_pushvalue(L, globals);
  lua_setfield(L, -2, "_G");
  lua_setfield(L, LUA_REGISTRYINDEX, k_modules_key);
  lua_pushstring(L, open ? "os, table, string, math" : "os, table");
  lua_pushcclosure(L, sandbox_require, 1);
  lua_setglobal(L, "require");

  lua_createtable(L, 0, static_cast<int>(run.params.size()));
  for (const LuaParam& param : run.params) {
    lua_pushlstring(L, param.name.data(), param.name.size());
    lua_pushlstring(L, param.value.data(), param.value.size());
    lua_rawset(L, -3);
  }
  lua_setglobal(L, "actionParams");

  if (run.object) {
    push_node(L, *run.object);
  } else {
    lua_pushnil(L);
  }
  lua_setglobal(L, "obj");
  lua_settop(L, 0);
  return 0;
}

int grow_stack(lua_State* L) {
  luaL_checkstack(L, 2 * k_max_encode_depth + 16, "no room to read the result");
  return 0;
}

// --- the result as JSON, as gopher-json encodes it and Kubernetes decodes it ------------------

class Encoder {
 public:
  explicit Encoder(lua_State* L) : m_L(L) {}

  Result<Node> encode(int index, int depth) {
    switch (lua_type(m_L, index)) {
      case LUA_TNIL:
        return Node();
      case LUA_TBOOLEAN:
        return Node::boolean(lua_toboolean(m_L, index) != 0);
      case LUA_TNUMBER:
        return number(lua_tonumber(m_L, index), depth);
      case LUA_TSTRING: {
        size_t size = 0;
        const char* text = lua_tolstring(m_L, index, &size);
        return Node::string(std::string_view(text, size));
      }
      case LUA_TTABLE:
        return table(index, depth);
      default:
        return failure(depth, std::string("cannot encode ") +
                                  lua_typename(m_L, lua_type(m_L, index)) + " to JSON");
    }
  }

 private:
  // json.Marshal wraps the error of each MarshalJSON it called, outermost last.
  static std::unexpected<Error> failure(int depth, std::string message) {
    std::string wrapped;
    for (int i = 0; i <= depth; ++i)
      wrapped += "json: error calling MarshalJSON for type json.jsonValue: ";
    return std::unexpected(Error(wrapped + message));
  }

  static Result<Node> number(double value, int depth) {
    if (std::isnan(value)) return failure(depth, "json: unsupported value: NaN");
    if (std::isinf(value))
      return failure(depth,
                     value > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf");
    if (value == std::trunc(value) && value >= -9223372036854775808.0 &&
        value < 9223372036854775808.0)
      return Node::integer(static_cast<int64_t>(value));
    return Node::floating(value);
  }

  Result<Node> table(int index, int depth) {
    if (depth >= k_max_encode_depth)
      return failure(depth, "cannot encode tables nested more than 1000 deep to JSON");
    if (!m_visited.insert(lua_topointer(m_L, index)).second)
      return failure(depth, "cannot encode recursively nested tables to JSON");
    std::vector<std::pair<std::string, Node>> fields;
    std::vector<std::pair<double, Node>> items;
    bool invalid_keys = false;
    lua_pushnil(m_L);
    while (lua_next(m_L, index) != 0) {
      int key_type = lua_type(m_L, -2);
      if ((key_type != LUA_TSTRING && key_type != LUA_TNUMBER) ||
          (key_type == LUA_TSTRING && !items.empty()) ||
          (key_type == LUA_TNUMBER && !fields.empty())) {
        invalid_keys = true;
        lua_pop(m_L, 2);
        break;
      }
      Result<Node> value = encode(lua_gettop(m_L), depth + 1);
      if (!value) {
        lua_pop(m_L, 2);
        return value;
      }
      if (key_type == LUA_TSTRING) {
        size_t size = 0;
        const char* key = lua_tolstring(m_L, -2, &size);
        fields.emplace_back(std::string(key, size), std::move(*value));
      } else {
        items.emplace_back(lua_tonumber(m_L, -2), std::move(*value));
      }
      lua_pop(m_L, 1);
    }
    if (invalid_keys) return failure(depth, "cannot encode mixed or invalid key types");
    if (fields.empty()) {
      // Keys 1..n, in order; an empty table is an empty list.
      std::sort(items.begin(), items.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      Node list = Node::list(items.size());
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].first != static_cast<double>(i + 1))
          return failure(depth, "cannot encode sparse array");
        list.push_back(std::move(items[i].second));
      }
      return list;
    }
    std::sort(fields.begin(), fields.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    Node map = Node::map(fields.size());
    for (auto& [key, value] : fields)
      map.append_entry(Node::string(key), std::move(value));
    return map;
  }

  lua_State* m_L;
  std::unordered_set<const void*> m_visited;  // never cleared: gopher-json's rule
};

std::string duration_text(std::chrono::milliseconds limit) {
  if (limit.count() % 1000 == 0) return std::to_string(limit.count() / 1000) + "s";
  return std::to_string(limit.count()) + "ms";
}

std::string stop_message(const LuaSandbox& sandbox, const LuaLimits& limits) {
  if (sandbox.stop == Stop::time)
    return std::string(sandbox.where) +
           "Lua script stopped: it ran longer than its time limit of " + duration_text(limits.time);
  size_t mib = limits.memory_bytes >> 20;
  return "Lua script stopped: it needed more memory than its limit of " +
         (mib > 0 && mib << 20 == limits.memory_bytes
              ? std::to_string(mib) + " MiB"
              : std::to_string(limits.memory_bytes) + " bytes");
}

// The error a failed call left on top of the stack, as text.
std::string error_text(lua_State* L) {
  if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
    size_t size = 0;
    const char* text = lua_tolstring(L, -1, &size);
    return std::string(text, size);
  }
  if (lua_isnil(L, -1)) return "nil";
  char text[64];
  std::snprintf(text, sizeof text, "%s: %p", luaL_typename(L, -1), lua_topointer(L, -1));
  return text;
}

struct StateCloser {
  void operator()(lua_State* L) const { lua_close(L); }
};

}  // namespace

Result<LuaResult> run_lua(const LuaRun& run) {
  LuaSandbox sandbox;
  sandbox.limit = run.limits.memory_bytes;
  sandbox.deadline = Clock::now() + run.limits.time;
  sandbox.print = &run.print;
  std::unique_ptr<lua_State, StateCloser> state(lua_newstate(allocate, &sandbox));
  if (!state) return fail("Lua: cannot create a state within the memory limit");
  lua_State* L = state.get();
  lua_sethook(L, hook, LUA_MASKCALL | LUA_MASKCOUNT, k_hook_instructions);

  auto failed = [&](std::string_view what) -> std::unexpected<Error> {
    std::string message =
        sandbox.stop != Stop::none ? stop_message(sandbox, run.limits) : error_text(L);
    return std::unexpected(Error(what.empty() ? message : std::string(what) + message));
  };

  Setup setup{&run};
  if (lua_cpcall(L, setup_state, &setup) != 0) return failed("Lua: preparing the script: ");

  if (!run.script.empty() && run.script[0] == LUA_SIGNATURE[0])
    return fail("Lua: the script is bytecode; only source text is allowed");
  std::string script = TRY(lua_detail::rewrite_goto(run.script));
  if (luaL_loadbuffer(L, script.data(), script.size(), k_chunk_name) != 0) return failed("");
  if (lua_pcall(L, 0, LUA_MULTRET, 0) != 0) return failed("");

  // What the script returned; reading it must not fail for want of memory or stack.
  int returned = lua_gettop(L);
  sandbox.limit = static_cast<size_t>(-1);
  lua_sethook(L, nullptr, 0, 0);
  if (lua_cpcall(L, grow_stack, nullptr) != 0) return failed("Lua: reading the result: ");
  lua_checkstack(L, 2 * k_max_encode_depth + 16);

  LuaResult result;
  if (returned == 0) {
    result.type = "nil";
    return result;
  }
  result.type = luaL_typename(L, returned);
  if (lua_type(L, returned) == LUA_TTABLE) result.table = Encoder(L).encode(returned, 0);
  return result;
}

}  // namespace plumb::argo
