// Go's text/template: parse templates into a set, execute one by name over a Value.
//
// Semantics are Go's (as of Go 1.25, the Go of helm v4.1.4): actions, trim markers,
// comments, pipelines, variables, if/else if/with/else with/range (lists, maps in key order,
// integers, break/continue)/define/template/block, the 19 built-in functions, Go's fmt for
// printing, and Go's error messages:
//   parse:     template: NAME:LINE: unexpected "}" in operand
//   execution: template: NAME:LINE:COL: executing "NAME" at <.Values.x.y>: nil pointer
//              evaluating interface {}.y
//
// A TemplateSet is Go's *template.Template "common" part: every template parsed into it,
// under their names, sharing one FuncMap. parse() is Go's t.New(name).Parse(text): the
// text's {{define}}s join the set; a later definition of a name replaces an earlier one
// unless the later one is empty (only spaces and comments); two non-empty definitions of a
// name in one text are an error. Parsed trees are immutable and shared, so clone() is cheap
// (Helm's `tpl` parses into a clone).
//
// Functions: a FuncMap maps names to FuncInfo (a C++ callable with the Go parameter types
// it declares). Names the FuncMap holds override the builtins, as in Go. Arguments arrive
// converted as Go converts them for those types (a literal 3 is a float64 for a float64
// parameter; a pipeline value of the wrong type is "wrong type for value; expected string;
// got float64"; no value is nil for interface{} parameters). A Go function whose result type
// is interface{} should return a boxed Value (Value::boxed_copy) so later errors name
// "interface {}" as Go's do; an error result becomes "error calling NAME: MESSAGE". A
// function gets a CallContext, through which it can execute another template of the set
// (Helm's include) or of a clone (tpl) within the same execution: depth and options carry
// over.
//
// Thread safety: a TemplateSet is immutable after parsing; several threads may execute it
// at once, each with its own data (maps inside a Value are shared and mutable, so one data
// tree belongs to one execution at a time).
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "gotemplate/value.hpp"

namespace plumb::gotemplate {

struct Tree;

// Go's missingkey option: what a missing map key yields.
enum class MissingKey : uint8_t {
  invalid,  // "missingkey=default": no value (prints "<no value>"; a field of it is no value too)
  zero,     // "missingkey=zero": the element type's zero — for map[string]interface{} a nil
            // interface, so `.a.b` on a missing `.a` fails with "nil pointer evaluating"
            // (what Helm uses)
  error,    // "missingkey=error": map has no entry for key "x"
};

struct ExecOptions {
  MissingKey missing_key = MissingKey::invalid;
  // Nested {{template}} calls and CallContext::execute calls allowed before
  // "exceeded maximum template depth (N)". Go allows 100000 on its growable stack; ours is
  // a thread's fixed stack.
  int max_depth = 3000;
  // Bytes one execution (and each nested one: include, tpl) may write, and the longest string
  // a function may build (repeat, indent): past it, "output exceeds the limit of N bytes".
  // Go has no such limit and runs out of memory instead.
  size_t max_output = size_t{64} << 20;
};

class FuncMap {
 public:
  void add(std::string name, FuncInfo info);
  // All parameters interface {}, variadic.
  void add(std::string name, Function fn);
  const FuncInfo* find(std::string_view name) const;
  // Leaves a function out (a template naming it then fails to parse, as in Go).
  void remove(std::string_view name);
  bool contains(std::string_view name) const { return find(name) != nullptr; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>()(s);
    }
  };
  std::unordered_map<std::string, FuncInfo, Hash, std::equal_to<>> m_funcs;
};

class TemplateSet;
class Executor;

// What a function sees of the execution that called it.
class CallContext {
 public:
  // The set being executed (a function parses into a clone of it for `tpl`).
  const TemplateSet& set() const;
  const ExecOptions& options() const;
  // The name of the template whose action called the function.
  const std::string& template_name() const;
  // Executes template `name` of `set` with `dot`, appending to `out`: a nested execution
  // (its depth counts against max_depth). Errors as TemplateSet::execute words them.
  Result<void> execute(std::string& out, const TemplateSet& set, std::string_view name,
                       const Value& dot);

 private:
  friend class Executor;
  explicit CallContext(Executor& executor) : m_executor(executor) {}
  Executor& m_executor;
};

class TemplateSet {
 public:
  // `name` is the set's own name (Go's root template name), used in "no template %q
  // associated with template %q"; `funcs` may be null (builtins only).
  explicit TemplateSet(std::string name = "", std::shared_ptr<const FuncMap> funcs = nullptr);

  // Go's t.New(name).Parse(text).
  Result<void> parse(std::string_view name, std::string text);

  // Go's ExecuteTemplate: appends the output to `out` (partial output stays on error).
  Result<void> execute(std::string& out, std::string_view name, const Value& dot,
                       const ExecOptions& options = {}) const;
  Result<std::string> execute(std::string_view name, const Value& dot,
                              const ExecOptions& options = {}) const;

  bool contains(std::string_view name) const;
  // Names of the templates in the set, sorted.
  std::vector<std::string> names() const;
  const std::string& name() const { return m_name; }
  const std::shared_ptr<const FuncMap>& funcs() const { return m_funcs; }
  // A set with the same templates and functions; parsing into it leaves this one alone.
  // O(templates parsed into this set since it was last cloned), usually O(1).
  TemplateSet clone() const { return *this; }

  // Whether `name` is a function here (the FuncMap's or a builtin).
  bool has_function(std::string_view name) const;
  const std::shared_ptr<const Tree>* find_tree(std::string_view name) const;

 private:
  using TreeMap = std::map<std::string, std::shared_ptr<const Tree>, std::less<>>;
  void add_tree(std::shared_ptr<const Tree> tree);

  std::string m_name;
  std::shared_ptr<const FuncMap> m_funcs;
  // The trees, shared with clones: written only while no clone shares them. A set whose
  // base is shared keeps its later trees in m_own (few: what `tpl` parses), so clone() and
  // parsing a little into the clone cost nothing proportional to the set.
  std::shared_ptr<TreeMap> m_base;
  TreeMap m_own;
};

// The builtin function of that name (and, or, not, len, index, slice, eq, ne, lt, le, gt,
// ge, print, printf, println, html, js, urlquery, call), or nullptr.
const FuncInfo* find_builtin(std::string_view name);

// Go's template.HTMLEscapeString / JSEscapeString / url.QueryEscape.
std::string html_escape(std::string_view s);
std::string js_escape(std::string_view s);
std::string url_query_escape(std::string_view s);

}  // namespace plumb::gotemplate
