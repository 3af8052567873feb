// The encrypted_regex / unencrypted_regex of a SOPS file: Go (RE2) syntax, matched as
// regexp.MatchString does (unanchored search), on glibc's POSIX matcher. The pattern comes
// from the file, so the matcher must not backtrack: glibc's regexec simulates the automaton
// without recursion for patterns without back-references (which RE2 has none of), so a
// hostile pattern cannot make matching exponential or exhaust the stack, as std::regex can.
//
// The RE2 syntax SOPS users write is translated to POSIX ERE: \d \s \w (and negations),
// (?:...) and (?P<name>...) groups, lazy quantifiers (the same match/no-match answer), \A \z,
// escaped punctuation, a leading (?i) / (?s) / (?m) flag group. Anything else RE2 has
// (\p{..}, \Q..\E, \x.., flags inside the pattern) is refused as not supported.
//
// Thread safety: search is const and may be called from several threads.
#pragma once

#include <regex.h>

#include <memory>
#include <string_view>

#include "core/error.hpp"

namespace plumb::sops {

class RuleRegex {
 public:
  // Patterns over 1024 bytes are refused.
  static Result<RuleRegex> compile(std::string_view pattern);

  // Whether the pattern matches somewhere in text.
  bool search(std::string_view text) const;

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> m_compiled;
};

}  // namespace plumb::sops
