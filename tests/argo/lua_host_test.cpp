// The Lua host (argo/lua_host.hpp): what scripts see (obj, actionParams, the libraries of each
// set), what comes back (gopher-json's encoding), the sandbox (no files, processes, bytecode),
// the limits (time, memory — neither catchable), the replaced library functions (patterns,
// table.sort, os.date/os.time as argo-cd's oslib_safe.go), goto continue, and many threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>
#include <vector>

#include "argo/lua_host.hpp"
#include "core/json.hpp"

using namespace plumb;
using namespace plumb::argo;
using namespace std::chrono_literals;

namespace {

LuaRun open_run(std::string_view script) {
  return LuaRun{.script = script, .libraries = LuaLibraries::open};
}

// The script's table as JSON; its error text otherwise.
std::string table_json(const LuaRun& run) {
  auto result = run_lua(run);
  if (!result) return "error: " + result.error().message();
  if (!result->table) return "type: " + result->type;
  if (!*result->table) return "encode error: " + result->table->error().message();
  return to_json(**result->table);
}

std::string table_json(std::string_view script) {
  return table_json(open_run(script));
}

// The error a script ends with ("" when it does not fail).
std::string error_of(const LuaRun& run) {
  auto result = run_lua(run);
  return result ? "" : result.error().message();
}

std::string error_of(std::string_view script, LuaLibraries libraries = LuaLibraries::open) {
  return error_of(LuaRun{.script = script, .libraries = libraries});
}

// The single string a script returns.
std::string returned_string(std::string_view script, LuaLibraries libraries = LuaLibraries::open) {
  std::string wrapped = "return {" + std::string(script) + "}";
  auto result = run_lua(LuaRun{.script = wrapped, .libraries = libraries});
  if (!result) return "error: " + result.error().message();
  const Node& list = **result->table;
  return list.empty() ? "<nothing>" : scalar_to_string(list.items()[0]);
}

Node json(std::string_view text) {
  return *parse_json(text);
}

// The script is stopped by a limit, and sooner than `within`.
void expect_stopped(std::string_view script, LuaLimits limits, std::chrono::milliseconds within) {
  LuaRun run = open_run(script);
  run.limits = limits;
  auto start = std::chrono::steady_clock::now();
  std::string error = error_of(run);
  EXPECT_NE(error.find("Lua script stopped"), std::string::npos) << script << ": " << error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, within) << script;
}

}  // namespace

// --- obj and actionParams, as gopher-json's DecodeValue makes them ---------------------------

TEST(LuaHost, ObjectBecomesTablesWithNullsLeftOut) {
  Node object =
      json(R"({"a": 1, "b": null, "c": [1, null, 3], "d": {"e": "x"}, "f": 2.5, "g": true})");
  LuaRun run = open_run(
      "return {a = obj.a, b = obj.b == nil, n = #obj.c, c2 = obj.c[2], e = obj.d.e, f = obj.f, "
      "g = obj.g, t = type(obj.a)}");
  run.object = &object;
  EXPECT_EQ(table_json(run),
            R"({"a":1,"b":true,"c2":3,"e":"x","f":2.5,"g":true,"n":2,"t":"number"})");
}

TEST(LuaHost, NoObjectIsNilAndParamsAreStrings) {
  std::vector<LuaParam> params{{"replicas", "6"}, {"mode", "fast"}};
  LuaRun run = open_run("return {obj == nil, actionParams.replicas, actionParams.mode}");
  run.params = params;
  EXPECT_EQ(table_json(run), R"([true,"6","fast"])");
  EXPECT_EQ(table_json("local n = 0 for _ in pairs(actionParams) do n = n + 1 end return {n}"),
            "[0]");
}

// --- the result, as gopher-json's Encode gives it and Kubernetes reads it ----------------------

TEST(LuaHost, ResultIsEncodedAsGopherJsonEncodesIt) {
  EXPECT_EQ(table_json("return {}"), "[]");  // an empty table is an empty list
  EXPECT_EQ(table_json("return {1, 'a', true}"), R"([1,"a",true])");
  EXPECT_EQ(table_json("return {z = 1, a = {b = {}}}"), R"({"a":{"b":[]},"z":1})");
  EXPECT_EQ(table_json("local t = {} t[2] = 'b' t[1] = 'a' return t"), R"(["a","b"])");
  // Integral numbers that fit int64 come back as integers; others as floats.
  EXPECT_EQ(table_json("return {6, 2.5, 2^53, 1e20, -0}"),
            "[6,2.5,9007199254740992,100000000000000000000,0]");
  auto big = run_lua(open_run("return {1e20}"));
  ASSERT_TRUE(big && big->table && *big->table);
  EXPECT_TRUE((**big->table).items()[0].is_float());
  EXPECT_TRUE((**run_lua(open_run("return {6}"))->table).items()[0].is_int());
}

TEST(LuaHost, EncodingErrorsAreGoEncodingJsonErrors) {
  const std::string wrap = "json: error calling MarshalJSON for type json.jsonValue: ";
  EXPECT_EQ(table_json("return {1, nil, 3}"),
            "encode error: " + wrap + "cannot encode sparse array");
  EXPECT_EQ(table_json("return {1, a = 2}"),
            "encode error: " + wrap + "cannot encode mixed or invalid key types");
  EXPECT_EQ(table_json("return {[true] = 1}"),
            "encode error: " + wrap + "cannot encode mixed or invalid key types");
  EXPECT_EQ(table_json("return {f = print}"),
            "encode error: " + wrap + wrap + "cannot encode function to JSON");
  EXPECT_EQ(table_json("return {x = {y = 0/0}}"),
            "encode error: " + wrap + wrap + wrap + "json: unsupported value: NaN");
  EXPECT_EQ(table_json("local t = {} t.self = t return t"),
            "encode error: " + wrap + wrap + "cannot encode recursively nested tables to JSON");
  // gopher-json never forgets a table it met: the same table twice is "recursive" too.
  EXPECT_EQ(table_json("local s = {1} return {a = s, b = s}"),
            "encode error: " + wrap + wrap + "cannot encode recursively nested tables to JSON");
  // Deeper than the encoder goes (Go's stack would grow; this one stops).
  EXPECT_NE(table_json("local t = {} for i = 1, 5000 do t = {t} end return t").find("nested more"),
            std::string::npos);
}

TEST(LuaHost, TheLastValueReturnedCounts) {
  auto none = run_lua(open_run("local x = 1"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->type, "nil");
  EXPECT_FALSE(none->table);
  auto several = run_lua(open_run("return {}, 'last'"));
  ASSERT_TRUE(several);
  EXPECT_EQ(several->type, "string");
  EXPECT_FALSE(several->table);
}

TEST(LuaHost, ErrorsAreLuaErrorsNamedAsGopherLuaNamesChunks) {
  EXPECT_EQ(error_of("local x = nil\nreturn x.status"),
            "<string>:2: attempt to index local 'x' (a nil value)");
  EXPECT_EQ(error_of("error('invalid number: x', 0)"), "invalid number: x");
  EXPECT_EQ(error_of("error('boom')"), "<string>:1: boom");
  EXPECT_EQ(error_of("error({})").substr(0, 7), "table: ");
  EXPECT_NE(error_of("return {").find("<string>:1:"), std::string::npos);
}

// --- the libraries ----------------------------------------------------------------------------

TEST(LuaHost, SandboxedLibrariesAreArgosDefault) {
  auto sandboxed = LuaLibraries::sandboxed;
  EXPECT_EQ(
      returned_string("type(table.insert), type(os.time), type(os.date), type(pairs)", sandboxed),
      "function");
  EXPECT_EQ(returned_string("string == nil and math == nil", sandboxed), "true");
  EXPECT_NE(error_of("return ('x'):len()", sandboxed).find("attempt to index"), std::string::npos);
  EXPECT_EQ(returned_string("require('os') == os", sandboxed), "true");
  EXPECT_EQ(error_of("require('string')", sandboxed),
            "<string>:1: module 'string' not found: Lua scripts may require only os, table");
}

TEST(LuaHost, OpenLibrariesAddStringAndMath) {
  EXPECT_EQ(returned_string("('abc'):upper() .. math.floor(2.7) .. string.format('%03d', 7)"),
            "ABC2007");
  EXPECT_EQ(returned_string("require('string') == string and require('math') == math"), "true");
}

TEST(LuaHost, NothingReachesFilesProcessesOrBytecode) {
  for (LuaLibraries libraries : {LuaLibraries::sandboxed, LuaLibraries::open}) {
    EXPECT_EQ(returned_string("io == nil and debug == nil and coroutine == nil and package == nil",
                              libraries),
              "true");
    EXPECT_EQ(returned_string("dofile == nil and loadfile == nil and module == nil and "
                              "newproxy == nil",
                              libraries),
              "true");
    EXPECT_EQ(returned_string("os.execute == nil and os.exit == nil and os.remove == nil and "
                              "os.getenv == nil and os.tmpname == nil",
                              libraries),
              "true");
    for (std::string_view module : {"io", "debug", "package", "coroutine", "lfs", "socket"}) {
      std::string script = "require('" + std::string(module) + "')";
      EXPECT_NE(error_of(script, libraries).find("module '" + std::string(module) + "' not found"),
                std::string::npos)
          << module;
    }
    EXPECT_NE(error_of("dofile('/etc/passwd')", libraries).find("attempt to call global 'dofile'"),
              std::string::npos);
  }
  EXPECT_EQ(returned_string("string.dump == nil and string.gfind == nil"), "true");
  // Source text loads; bytecode never does.
  EXPECT_EQ(returned_string("loadstring('return 1 + 1')()"), "2");
  EXPECT_EQ(returned_string("select(2, loadstring('\\27Lua\\81\\0'))"),
            "attempt to load a binary chunk (only source text is allowed)");
  EXPECT_EQ(table_json("local parts = {'return ', '40 + 2'} local i = 0 "
                       "return {load(function() i = i + 1 return parts[i] end)()}"),
            "[42]");
  EXPECT_EQ(table_json("local done = false return {select(2, load(function() "
                       "if done then return nil end done = true return '\\27Lua' end))}"),
            R"x(["attempt to load a binary chunk (only source text is allowed)"])x");
  EXPECT_EQ(error_of(std::string("\x1bLua\x51", 5)),
            "Lua: the script is bytecode; only source text is allowed");
}

TEST(LuaHost, PrintGoesToTheRunsPrint) {
  std::vector<std::string> lines;
  LuaRun run = open_run("print('a', 1, nil, true) print()");
  run.print = [&](std::string_view line) { lines.emplace_back(line); };
  ASSERT_TRUE(run_lua(run));
  EXPECT_EQ(lines, (std::vector<std::string>{"a\t1\tnil\ttrue", ""}));
  EXPECT_TRUE(run_lua(open_run("print('dropped')")));  // no print: nowhere
}

// --- limits -----------------------------------------------------------------------------------

TEST(LuaHost, AnEndlessLoopIsStoppedAtItsTimeLimit) {
  LuaRun run = open_run("local n = 0\nwhile true do\n  n = n + 1\nend");
  run.limits.time = 100ms;
  auto start = std::chrono::steady_clock::now();
  std::string error = error_of(run);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(error.starts_with("<string>:")) << error;
  EXPECT_NE(error.find("Lua script stopped: it ran longer than its time limit of 100ms"),
            std::string::npos)
      << error;
  EXPECT_LT(took, 1s);
  run.limits.time = 1000ms;
  run.script = "while true do end";
  EXPECT_NE(error_of(run).find("time limit of 1s"), std::string::npos);
}

TEST(LuaHost, PcallAndXpcallCannotCatchAStop) {
  for (std::string_view script :
       {"while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function(e) return e end) end",
        "local ok = pcall(function() while true do end end) return {ok}",
        "while true do pcall(string.rep, 'x', 1e9) end"})
    expect_stopped(script, {.time = 100ms, .memory_bytes = size_t{8} << 20}, 2s);
  // An ordinary error still is caught.
  EXPECT_EQ(returned_string("select(2, pcall(error, 'x', 0))"), "x");
  EXPECT_EQ(returned_string("select(2, xpcall(function() error('y', 0) end, "
                            "function(e) return 'handled ' .. e end))"),
            "handled y");
}

TEST(LuaHost, AMemoryBombIsStoppedAtItsCap) {
  for (std::string_view script :
       {"local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end",
        "local s = 'x' while true do s = s .. s end", "return string.rep('x', 2^30)",
        "local t = {} for i = 1, 1e9 do t[i] = i end"}) {
    LuaRun run = open_run(script);
    run.limits.memory_bytes = size_t{16} << 20;
    run.limits.time = 5s;
    std::string error = error_of(run);
    EXPECT_EQ(error, "Lua script stopped: it needed more memory than its limit of 16 MiB")
        << script;
  }
  // The object alone may not fit either.
  Node big = Node::list();
  for (int i = 0; i < 100000; ++i)
    big.push_back(Node::string("a string long enough not to be inline " + std::to_string(i)));
  LuaRun run = open_run("return {#obj}");
  run.object = &big;
  run.limits.memory_bytes = size_t{1} << 20;
  EXPECT_NE(error_of(run).find("Lua script stopped: it needed more memory"), std::string::npos);
}

TEST(LuaHost, PatternsThatBacktrackForeverAreStopped) {
  // Lua's own matcher would run this for hours inside C, out of the hook's reach.
  for (std::string_view script :
       {"return string.find(string.rep('a', 60), '(.-)(.-)(.-)(.-)(.-)(.-)(.-)b')",
        "return string.match(string.rep('a', 60), '.-.-.-.-.-.-.-.-b')",
        "return string.gsub(string.rep('a', 60), 'a-a-a-a-a-a-a-a-b', '')",
        "for x in string.gmatch(string.rep('a', 60), 'a-a-a-a-a-a-a-a-b') do end"})
    expect_stopped(script, {.time = 200ms}, 2s);
}

TEST(LuaHost, SortingAHugeTableKeepsToTheDeadline) {
  expect_stopped(
      "local t = {} for i = 1, 3e6 do t[i] = (i * 7919) % 1000003 end table.sort(t) "
      "table.sort(t, function(a, b) return a > b end) return {t[1]}",
      {.time = 300ms, .memory_bytes = size_t{256} << 20}, 1500ms);
}

TEST(LuaHost, ScriptsRunOnManyThreadsAtOnce) {
  std::atomic<int> right{0};
  std::atomic<int> stopped{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &right, &stopped] {
      for (int i = 0; i < 40; ++i) {
        std::string value = std::to_string(t * 1000 + i);
        std::vector<LuaParam> params{{"v", value}};
        if (t == 0 && i % 10 == 0) {
          LuaRun loop = open_run("while true do end");
          loop.limits.time = 50ms;
          if (!run_lua(loop)) ++stopped;
          continue;
        }
        LuaRun run = open_run(
            "local s = 0 for i = 1, 1000 do s = s + i end "
            "return {actionParams.v .. ':' .. s}");
        run.params = params;
        auto result = run_lua(run);
        if (result && result->table && *result->table &&
            (**result->table).items()[0].as_string() == value + ":500500")
          ++right;
      }
    });
  }
  for (std::thread& th : threads)
    th.join();
  EXPECT_EQ(right.load(), 8 * 40 - 4);
  EXPECT_EQ(stopped.load(), 4);
}

// --- the replaced functions -------------------------------------------------------------------

TEST(LuaHost, PatternsAreLua51s) {
  EXPECT_EQ(table_json("return {string.find('hello world', 'o w')}"), "[5,7]");
  EXPECT_EQ(table_json("return {string.find('hello world', '(o)(r)')}"), R"([8,9,"o","r"])");
  EXPECT_EQ(table_json("return {string.find('a.b', '.', 1, true)}"), "[2,2]");
  EXPECT_EQ(table_json("return {string.find('abc', 'b', -1)}"), "[]");
  EXPECT_EQ(table_json("return {string.find('abc', '')}"), "[1,0]");
  EXPECT_EQ(table_json("return {string.match('2024-01-02T03:04:05Z', "
                       "'(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)Z')}"),
            R"(["2024","01","02","03","04","05"])");
  EXPECT_EQ(table_json("return {string.match('key = value', '^(%w+)%s*=%s*(%w+)$')}"),
            R"(["key","value"])");
  EXPECT_EQ(table_json("return {string.match('hello', '()ll()')}"), "[3,5]");
  EXPECT_EQ(table_json("return {string.match('f(a(b)c)d', '%b()')}"), R"x(["(a(b)c)"])x");
  EXPECT_EQ(table_json("return {string.gsub('THE (quick) fox', '%f[%a]%a+', 'W')}"),
            R"(["W (W) W",3])");
  EXPECT_EQ(table_json("return {string.gsub('hello world', '(%w+)', '[%1]')}"),
            R"(["[hello] [world]",2])");
  EXPECT_EQ(table_json("return {string.gsub('abc', '%w', '%0%0', 2)}"), R"(["aabbc",2])");
  EXPECT_EQ(table_json("return {string.gsub('$name is $age', '%$(%w+)', "
                       "{name = 'Ann', age = 30})}"),
            R"(["Ann is 30",2])");
  EXPECT_EQ(table_json("return {string.gsub('a,b', '%a', function(c) return c:upper() end)}"),
            R"(["A,B",2])");
  EXPECT_EQ(table_json("return {string.gsub('abc', '', '-')}"), R"(["-a-b-c-",4])");
  EXPECT_EQ(table_json("return {string.gsub('hello', 'l+', {})}"), R"(["hello",1])");
  EXPECT_EQ(table_json("local r = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do "
                       "r[#r + 1] = k .. v end return r"),
            R"(["a1","b2"])");
  EXPECT_EQ(table_json("local r = {} for w in ('one two'):gmatch('%a+') do r[#r + 1] = w end "
                       "return r"),
            R"(["one","two"])");
  EXPECT_EQ(table_json("return {('x'):rep(3), ('abc'):sub(2), ('%d'):format(5)}"),
            R"(["xxx","bc","5"])");
  EXPECT_EQ(table_json("return {string.find('[x]', '[%]]')}"), "[3,3]");
  EXPECT_EQ(table_json("return {string.match('a-b', '^[a-c%-]+')}"), R"(["a-b"])");
  EXPECT_EQ(table_json("return {string.match('a-b', '[a-c]-$')}"), R"(["b"])");
  // Lua 5.1's error messages.
  EXPECT_EQ(error_of("string.find('a', '%')"), "<string>:1: malformed pattern (ends with '%')");
  EXPECT_EQ(error_of("string.find('a', '[a')"), "<string>:1: malformed pattern (missing ']')");
  EXPECT_EQ(error_of("string.find('a', '(a')"), "<string>:1: unfinished capture");
  EXPECT_EQ(error_of("string.match('a', 'a)')"), "<string>:1: invalid pattern capture");
  EXPECT_EQ(table_json("return {string.find('a)', 'a)')}"), "[1,2]");  // no special: plain
  EXPECT_EQ(error_of("string.gsub('a', '(a)', '%2')"), "<string>:1: invalid capture index");
  EXPECT_EQ(error_of("string.find('a', '%f')"), "<string>:1: missing '[' after '%f' in pattern");
  EXPECT_EQ(error_of("string.gsub('a', 'a', true)"),
            "<string>:1: bad argument #3 to 'gsub' (string/function/table expected)");
  EXPECT_EQ(error_of("string.gsub('a', 'a', function() return {} end)"),
            "<string>:1: invalid replacement value (a table)");
  EXPECT_EQ(error_of("string.find(string.rep('a', 300), string.rep('a?', 300))"),
            "<string>:1: pattern too complex");
}

TEST(LuaHost, TableSortSorts) {
  EXPECT_EQ(table_json("local t = {5, 2, 9, 1, 5, 3} table.sort(t) return t"), "[1,2,3,5,5,9]");
  EXPECT_EQ(table_json("local t = {'b', 'c', 'a'} table.sort(t, function(a, b) return a > b end) "
                       "return t"),
            R"(["c","b","a"])");
  EXPECT_EQ(table_json("local t = {} table.sort(t) return {#t}"), "[0]");
  EXPECT_EQ(table_json("local t = {{n = 2}, {n = 1}} table.sort(t, function(a, b) "
                       "return a.n < b.n end) return {t[1].n, t[2].n}"),
            "[1,2]");
  EXPECT_NE(error_of("table.sort({1, 'a'})").find("attempt to compare"), std::string::npos);
}

TEST(LuaHost, OsDateAndTimeAsArgosSafeOsLibrary) {
  std::string now = returned_string("os.date('!%Y-%m-%dT%XZ')");
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << now;
  EXPECT_TRUE(std::regex_match(returned_string("os.date('!%y%m%d%H%M')"), std::regex(R"(\d{10})")));
  // Go layouts behind the flags: %x is "15/04/05", %a the literal "mon", %% a percent sign.
  EXPECT_TRUE(std::regex_match(returned_string("os.date('!%x')"), std::regex(R"(\d\d/\d\d/\d\d)")));
  EXPECT_EQ(returned_string("os.date('!%a %%')"), "mon %");
  EXPECT_EQ(returned_string("os.date('!%q')"), "%q");
  EXPECT_EQ(returned_string("os.date('!%Z %z')"), "UTC +0000");
  EXPECT_EQ(returned_string("os.date('!*t').isdst == false and os.date('!*t').yday"), "0");
  EXPECT_EQ(returned_string("type(os.time())"), "number");
  // Only number fields count: strings are the defaults (year -1 ...), as oslib_safe.go reads them.
  EXPECT_EQ(returned_string("os.time({year = 2024, month = 1, day = 2, hour = 3}) - "
                            "os.time({year = 2024, month = 1, day = 1, hour = 3})"),
            "86400");
  EXPECT_EQ(returned_string("os.time({year = '2024', month = '1', day = '1'}) < 0"), "true");
  EXPECT_EQ(returned_string("os.date('%Y', 0) == os.date('%Y', 0)"), "true");
  EXPECT_NE(error_of("os.time('now')").find("table expected"), std::string::npos);
}

// --- goto continue ----------------------------------------------------------------------------

TEST(LuaHost, GotoContinueRunsAsInGopherLua) {
  EXPECT_EQ(table_json(R"(
local out = {}
for i = 1, 6 do
  if i % 2 == 0 then goto continue end
  if i == 5 then
    for j = 1, 3 do
      if j == 2 then break end
    end
    goto continue
  end
  out[#out + 1] = i
  ::continue::
end
return out)"),
            "[1,3]");
  // The label may end an inner block (argo's HTTPRoute script); inner loops keep their break.
  EXPECT_EQ(table_json(R"(
local out = {}
for _, v in ipairs({1, 2, 3}) do
  if v > 0 then
    if v == 2 then
      goto continue
    end
    for k = 1, 10 do if k == 2 then break end end
    out[#out + 1] = v
    ::continue::
  end
end
return out)"),
            "[1,3]");
  // Line numbers stay.
  EXPECT_EQ(error_of("for i = 1, 2 do\n  if i then goto continue end\n  ::continue::\nend\n"
                     "error('line 5')"),
            "<string>:5: line 5");
  // A label no goto names is dropped.
  EXPECT_EQ(table_json("::top:: return {1}"), "[1]");
  // Comments and strings are not code.
  EXPECT_EQ(table_json("-- goto nowhere\n--[==[ ::x:: goto y ]==]\n"
                       "local s = 'goto z' .. [[::w::]] .. \"::v::\" return {s}"),
            R"(["goto z::w::::v::"])");
}

TEST(LuaHost, OtherGotosAreRefusedClearly) {
  EXPECT_NE(error_of("local i = 0\n::top::\ni = i + 1\nif i < 3 then goto top end")
                .find("<string>:4: goto top: it jumps backwards"),
            std::string::npos);
  EXPECT_NE(error_of("for i = 1, 2 do\n  goto skip\n  local x = 1\n  ::skip::\n  x = 2\nend")
                .find("goto skip: its label does not end its block"),
            std::string::npos);
  EXPECT_NE(error_of("for i = 1, 2 do\n  if i == 1 then goto done end\n  if i == 2 then break end\n"
                     "  ::done::\nend")
                .find("<string>:3: break: it would leave the block a goto leaves"),
            std::string::npos);
  EXPECT_NE(error_of("do\n  for i = 1, 2 do goto out end\n  ::out::\nend")
                .find("goto out: it leaves a loop"),
            std::string::npos);
  EXPECT_NE(error_of("goto nowhere").find("goto nowhere: no visible label"), std::string::npos);
}
