// `.helmignore` rules as Helm's ignore package reads and applies them (gitignore-like, not
// gitignore): one pattern a line, blank lines and `#` comments skipped, a leading UTF-8 BOM
// cut, surrounding spaces trimmed. A pattern without `/` is matched (Go's filepath.Match)
// against the base name only, one with `/` against the whole relative path, a leading `/`
// anchors it at the chart root; a trailing `/` matches directories only; `**` is refused
// ("double-star (**) syntax is not supported"), and so is a pattern filepath.Match calls bad
// ("syntax error in pattern").
//
// Rules are tried in order and the first positive match ignores the path. A `!pattern`
// negation is Helm's, not git's: a path that does NOT match it is ignored at once (so a lone
// `!keep.txt` ignores everything else, Chart.yaml included), a match moves on to the next rule.
// Helm always adds `templates/.?*` (dot files under templates/). Directory loading skips an
// ignored directory's whole content; archives ignore no file.
//
// Thread safety: an IgnoreRules is immutable once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::helm {

class IgnoreRules {
 public:
  // Parses `.helmignore` text (without Helm's defaults).
  static Result<IgnoreRules> parse(std::string_view text);
  // Adds Helm's default rule, `templates/.?*`.
  void add_defaults();
  // Whether `path` (relative to the chart root, '/'-separated) is ignored.
  bool ignore(std::string_view path, bool is_dir) const;

 private:
  Result<void> add_rule(std::string_view rule);

  struct Pattern {
    std::string rule;  // without `!`, trailing `/` and leading `/`
    bool negate = false, must_dir = false;
    enum class Match { base_name, path } match = Match::base_name;
    // Most rules are a plain name (`OWNERS`) or `*` and a plain suffix (`*.swp`): those are
    // matched without the general matcher, which tries a `*` at every offset of the name.
    enum class Shape { literal, star_suffix, glob } shape = Shape::glob;
  };
  std::vector<Pattern> m_patterns;
};

// Go's path/filepath.Match on '/'-separated names: `*`, `?`, `[...]` classes with `^` and
// ranges, `\` escapes. An error for a malformed pattern ("syntax error in pattern").
Result<bool> go_path_match(std::string_view pattern, std::string_view name);

}  // namespace plumb::helm
