// string.find, string.match, string.gmatch and string.gsub for the Lua sandbox: Lua 5.1's
// pattern language (the manual's §5.4.1: classes %a %c %d %l %p %s %u %w %x %z and their
// complements, sets, `.`, `*` `+` `-` `?`, anchors, captures and position captures, %1-%9,
// %b, %f), with Lua 5.1's results and error messages, by a matcher that counts its steps and
// gives up when the run's deadline passes. Lua's own matcher backtracks without a bound: one
// call such as string.find(string.rep("a", 40), "(.-)(.-)(.-)(.-)(.-)b") runs for hours inside C,
// where the instruction hook never fires. Two limits Lua 5.1 lacks: captures nest at most 200
// deep ("pattern too complex", as Lua 5.2), and plain find is linear (memmem).
#include <cctype>
#include <cstring>

#include "argo/lua_sandbox.hpp"

namespace plumb::argo::lua_detail {
namespace {

constexpr char k_escape = '%';
constexpr const char* k_specials = "^$*+?.([%-";
constexpr int k_unfinished = -1;
constexpr int k_position = -2;
constexpr int k_max_depth = 200;
constexpr unsigned k_steps_between_checks = 4096;

struct Capture {
  const char* init;
  ptrdiff_t len;
};

struct MatchState {
  const char* src_init;
  const char* src_end;
  lua_State* L;
  LuaSandbox* sandbox;
  int level;
  int depth;
  unsigned steps;
  Capture capture[LUA_MAXCAPTURES];
};

void step(MatchState& ms) {
  if (++ms.steps % k_steps_between_checks == 0 && out_of_time(*ms.sandbox)) raise_stop(ms.L);
}

int check_capture(MatchState& ms, int l) {
  l -= '1';
  if (l < 0 || l >= ms.level || ms.capture[l].len == k_unfinished)
    return luaL_error(ms.L, "invalid capture index");
  return l;
}

int capture_to_close(MatchState& ms) {
  int level = ms.level;
  for (level--; level >= 0; level--)
    if (ms.capture[level].len == k_unfinished) return level;
  return luaL_error(ms.L, "invalid pattern capture");
}

const char* class_end(MatchState& ms, const char* p) {
  switch (*p++) {
    case k_escape:
      if (*p == '\0') luaL_error(ms.L, "malformed pattern (ends with '%%')");
      return p + 1;
    case '[':
      if (*p == '^') p++;
      do {  // look for a ']'
        if (*p == '\0') luaL_error(ms.L, "malformed pattern (missing ']')");
        if (*(p++) == k_escape && *p != '\0') p++;  // skip escapes (e.g. '%]')
      } while (*p != ']');
      return p + 1;
    default:
      return p;
  }
}

bool match_class(int c, int cl) {
  bool res;
  switch (std::tolower(cl)) {
    case 'a':
      res = std::isalpha(c);
      break;
    case 'c':
      res = std::iscntrl(c);
      break;
    case 'd':
      res = std::isdigit(c);
      break;
    case 'l':
      res = std::islower(c);
      break;
    case 'p':
      res = std::ispunct(c);
      break;
    case 's':
      res = std::isspace(c);
      break;
    case 'u':
      res = std::isupper(c);
      break;
    case 'w':
      res = std::isalnum(c);
      break;
    case 'x':
      res = std::isxdigit(c);
      break;
    case 'z':
      res = (c == 0);
      break;
    default:
      return cl == c;
  }
  return std::isupper(cl) ? !res : res;
}

// p at '[', ec at its ']'.
bool match_bracket_class(int c, const char* p, const char* ec) {
  bool sig = true;
  if (*(p + 1) == '^') {
    sig = false;
    p++;
  }
  while (++p < ec) {
    if (*p == k_escape) {
      p++;
      if (match_class(c, static_cast<unsigned char>(*p))) return sig;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (static_cast<unsigned char>(*(p - 2)) <= c && c <= static_cast<unsigned char>(*p))
        return sig;
    } else if (static_cast<unsigned char>(*p) == c) {
      return sig;
    }
  }
  return !sig;
}

bool single_match(int c, const char* p, const char* ep) {
  switch (*p) {
    case '.':
      return true;
    case k_escape:
      return match_class(c, static_cast<unsigned char>(*(p + 1)));
    case '[':
      return match_bracket_class(c, p, ep - 1);
    default:
      return static_cast<unsigned char>(*p) == c;
  }
}

// The byte at s, or 0 at the end (Lua's strings end with a NUL there).
int byte_at(const MatchState& ms, const char* s) {
  return s < ms.src_end ? static_cast<unsigned char>(*s) : 0;
}

const char* match(MatchState& ms, const char* s, const char* p);

const char* match_balance(MatchState& ms, const char* s, const char* p) {
  if (*p == '\0' || *(p + 1) == '\0') luaL_error(ms.L, "unbalanced pattern");
  if (s >= ms.src_end || *s != *p) return nullptr;
  int b = *p;
  int e = *(p + 1);
  int cont = 1;
  while (++s < ms.src_end) {
    step(ms);
    if (*s == e) {
      if (--cont == 0) return s + 1;
    } else if (*s == b) {
      cont++;
    }
  }
  return nullptr;
}

const char* max_expand(MatchState& ms, const char* s, const char* p, const char* ep) {
  ptrdiff_t i = 0;
  while (s + i < ms.src_end && single_match(static_cast<unsigned char>(*(s + i)), p, ep)) {
    step(ms);
    i++;
  }
  while (i >= 0) {  // try with the longest run first
    const char* res = match(ms, s + i, ep + 1);
    if (res) return res;
    i--;
  }
  return nullptr;
}

const char* min_expand(MatchState& ms, const char* s, const char* p, const char* ep) {
  for (;;) {
    const char* res = match(ms, s, ep + 1);
    if (res != nullptr) return res;
    if (s < ms.src_end && single_match(static_cast<unsigned char>(*s), p, ep)) {
      s++;
    } else {
      return nullptr;
    }
  }
}

const char* start_capture(MatchState& ms, const char* s, const char* p, int what) {
  int level = ms.level;
  if (level >= LUA_MAXCAPTURES) luaL_error(ms.L, "too many captures");
  ms.capture[level].init = s;
  ms.capture[level].len = what;
  ms.level = level + 1;
  const char* res = match(ms, s, p);
  if (res == nullptr) ms.level--;
  return res;
}

const char* end_capture(MatchState& ms, const char* s, const char* p) {
  int l = capture_to_close(ms);
  ms.capture[l].len = s - ms.capture[l].init;
  const char* res = match(ms, s, p);
  if (res == nullptr) ms.capture[l].len = k_unfinished;
  return res;
}

const char* match_capture(MatchState& ms, const char* s, int l) {
  l = check_capture(ms, l);
  size_t len = static_cast<size_t>(ms.capture[l].len);
  if (static_cast<size_t>(ms.src_end - s) >= len && std::memcmp(ms.capture[l].init, s, len) == 0)
    return s + len;
  return nullptr;
}

// One level of the recursion: the depth counted, then Lua 5.1's do_match.
const char* do_match(MatchState& ms, const char* s, const char* p);

const char* match(MatchState& ms, const char* s, const char* p) {
  if (ms.depth >= k_max_depth) luaL_error(ms.L, "pattern too complex");
  ms.depth++;
  const char* res = do_match(ms, s, p);
  ms.depth--;
  return res;
}

const char* do_match(MatchState& ms, const char* s, const char* p) {
  for (;;) {
    step(ms);
    switch (*p) {
      case '(':
        if (*(p + 1) == ')') return start_capture(ms, s, p + 2, k_position);
        return start_capture(ms, s, p + 1, k_unfinished);
      case ')':
        return end_capture(ms, s, p + 1);
      case '\0':
        return s;
      case k_escape:
        switch (*(p + 1)) {
          case 'b':
            s = match_balance(ms, s, p + 2);
            if (s == nullptr) return nullptr;
            p += 4;
            continue;
          case 'f': {
            p += 2;
            if (*p != '[') luaL_error(ms.L, "missing '[' after '%%f' in pattern");
            const char* ep = class_end(ms, p);
            int previous = (s == ms.src_init) ? 0 : static_cast<unsigned char>(*(s - 1));
            if (match_bracket_class(previous, p, ep - 1) ||
                !match_bracket_class(byte_at(ms, s), p, ep - 1))
              return nullptr;
            p = ep;
            continue;
          }
          default:
            if (std::isdigit(static_cast<unsigned char>(*(p + 1)))) {
              s = match_capture(ms, s, static_cast<unsigned char>(*(p + 1)));
              if (s == nullptr) return nullptr;
              p += 2;
              continue;
            }
            break;  // a class: the default case below
        }
        break;
      case '$':
        if (*(p + 1) == '\0') return (s == ms.src_end) ? s : nullptr;
        break;
      default:
        break;
    }
    // A single character class, maybe with a repetition after it.
    const char* ep = class_end(ms, p);
    bool m = s < ms.src_end && single_match(static_cast<unsigned char>(*s), p, ep);
    switch (*ep) {
      case '?': {
        const char* res = nullptr;
        if (m && (res = match(ms, s + 1, ep + 1)) != nullptr) return res;
        p = ep + 1;
        continue;
      }
      case '*':
        return max_expand(ms, s, p, ep);
      case '+':
        return m ? max_expand(ms, s + 1, p, ep) : nullptr;
      case '-':
        return min_expand(ms, s, p, ep);
      default:
        if (!m) return nullptr;
        s++;
        p = ep;
        continue;
    }
  }
}

void push_one_capture(MatchState& ms, int i, const char* s, const char* e) {
  if (i >= ms.level) {
    if (i == 0) {
      lua_pushlstring(ms.L, s, static_cast<size_t>(e - s));  // the whole match
    } else {
      luaL_error(ms.L, "invalid capture index");
    }
    return;
  }
  ptrdiff_t l = ms.capture[i].len;
  if (l == k_unfinished) luaL_error(ms.L, "unfinished capture");
  if (l == k_position) {
    lua_pushinteger(ms.L, ms.capture[i].init - ms.src_init + 1);
  } else {
    lua_pushlstring(ms.L, ms.capture[i].init, static_cast<size_t>(l));
  }
}

int push_captures(MatchState& ms, const char* s, const char* e) {
  int levels = (ms.level == 0 && s) ? 1 : ms.level;
  luaL_checkstack(ms.L, levels, "too many captures");
  for (int i = 0; i < levels; i++)
    push_one_capture(ms, i, s, e);
  return levels;
}

void init_state(MatchState& ms, lua_State* L, const char* s, size_t ls) {
  ms.L = L;
  ms.sandbox = &sandbox_of(L);
  ms.src_init = s;
  ms.src_end = s + ls;
  ms.level = 0;
  ms.depth = 0;
  ms.steps = 0;
}

ptrdiff_t relative_position(ptrdiff_t pos, size_t len) {
  if (pos < 0) pos += static_cast<ptrdiff_t>(len) + 1;
  return pos >= 0 ? pos : 0;
}

int find_aux(lua_State* L, bool find) {
  size_t l1 = 0;
  size_t l2 = 0;
  const char* s = luaL_checklstring(L, 1, &l1);
  const char* p = luaL_checklstring(L, 2, &l2);
  ptrdiff_t init = relative_position(luaL_optinteger(L, 3, 1), l1) - 1;
  if (init < 0) {
    init = 0;
  } else if (static_cast<size_t>(init) > l1) {
    init = static_cast<ptrdiff_t>(l1);
  }
  if (find && (lua_toboolean(L, 4) || std::strpbrk(p, k_specials) == nullptr)) {
    // Plain search.
    const void* found = l2 == 0 ? s + init : memmem(s + init, l1 - init, p, l2);
    if (found) {
      const char* at = static_cast<const char*>(found);
      lua_pushinteger(L, at - s + 1);
      lua_pushinteger(L, at - s + static_cast<ptrdiff_t>(l2));
      return 2;
    }
  } else {
    MatchState ms;
    bool anchor = *p == '^';
    if (anchor) p++;
    const char* s1 = s + init;
    init_state(ms, L, s, l1);
    do {
      ms.level = 0;
      const char* res = match(ms, s1, p);
      if (res != nullptr) {
        if (find) {
          lua_pushinteger(L, s1 - s + 1);  // start
          lua_pushinteger(L, res - s);     // end
          return push_captures(ms, nullptr, nullptr) + 2;
        }
        return push_captures(ms, s1, res);
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  lua_pushnil(L);
  return 1;
}

int str_find(lua_State* L) {
  return find_aux(L, true);
}

int str_match(lua_State* L) {
  return find_aux(L, false);
}

int gmatch_aux(lua_State* L) {
  MatchState ms;
  size_t ls = 0;
  const char* s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char* p = lua_tostring(L, lua_upvalueindex(2));
  init_state(ms, L, s, ls);
  for (const char* src = s + lua_tointeger(L, lua_upvalueindex(3)); src <= ms.src_end; src++) {
    ms.level = 0;
    const char* e = match(ms, src, p);
    if (e != nullptr) {
      lua_Integer newstart = e - s;
      if (e == src) newstart++;  // empty match: go at least one position
      lua_pushinteger(L, newstart);
      lua_replace(L, lua_upvalueindex(3));
      return push_captures(ms, src, e);
    }
  }
  return 0;
}

int str_gmatch(lua_State* L) {
  luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  lua_settop(L, 2);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, gmatch_aux, 3);
  return 1;
}

void add_s(MatchState& ms, luaL_Buffer* b, const char* s, const char* e) {
  size_t l = 0;
  const char* news = lua_tolstring(ms.L, 3, &l);
  for (size_t i = 0; i < l; i++) {
    if (news[i] != k_escape) {
      luaL_addchar(b, news[i]);
    } else {
      i++;  // skip the escape; at the end this reads the string's terminating NUL, as Lua does
      if (!std::isdigit(static_cast<unsigned char>(news[i]))) {
        luaL_addchar(b, news[i]);
      } else if (news[i] == '0') {
        luaL_addlstring(b, s, static_cast<size_t>(e - s));
      } else {
        push_one_capture(ms, news[i] - '1', s, e);
        luaL_addvalue(b);  // add capture to accumulated result
      }
    }
  }
}

void add_value(MatchState& ms, luaL_Buffer* b, const char* s, const char* e) {
  lua_State* L = ms.L;
  switch (lua_type(L, 3)) {
    case LUA_TNUMBER:
    case LUA_TSTRING:
      add_s(ms, b, s, e);
      return;
    case LUA_TFUNCTION: {
      lua_pushvalue(L, 3);
      int n = push_captures(ms, s, e);
      lua_call(L, n, 1);
      break;
    }
    case LUA_TTABLE:
      push_one_capture(ms, 0, s, e);
      lua_gettable(L, 3);
      break;
  }
  if (!lua_toboolean(L, -1)) {  // nil or false: keep the original text
    lua_pop(L, 1);
    lua_pushlstring(L, s, static_cast<size_t>(e - s));
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  luaL_addvalue(b);
}

int str_gsub(lua_State* L) {
  size_t srcl = 0;
  const char* src = luaL_checklstring(L, 1, &srcl);
  const char* p = luaL_checkstring(L, 2);
  int tr = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, static_cast<lua_Integer>(srcl) + 1);
  bool anchor = *p == '^';
  if (anchor) p++;
  luaL_argcheck(L,
                tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE,
                3, "string/function/table expected");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  MatchState ms;
  init_state(ms, L, src, srcl);
  lua_Integer n = 0;
  while (n < max_s) {
    ms.level = 0;
    const char* e = match(ms, src, p);
    if (e) {
      n++;
      add_value(ms, &b, src, e);
    }
    if (e && e > src) {  // non-empty match
      src = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  luaL_addlstring(&b, src, static_cast<size_t>(ms.src_end - src));
  luaL_pushresult(&b);
  lua_pushinteger(L, n);  // number of substitutions
  return 2;
}

}  // namespace

void open_patterns(lua_State* L) {
  const luaL_Reg functions[] = {{"find", str_find},
                                {"match", str_match},
                                {"gmatch", str_gmatch},
                                {"gsub", str_gsub},
                                {nullptr, nullptr}};
  for (const luaL_Reg* f = functions; f->name; ++f) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, -2, f->name);
  }
}

}  // namespace plumb::argo::lua_detail
