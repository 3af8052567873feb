// The glob patterns Argo CD matches project sources, destinations and namespaces with
// (github.com/gobwas/glob through argo-cd util/glob): `*` any run of characters except the
// separators, `**` any run at all, `?` one character except a separator, `[abc]` `[!abc]`
// `[a-z]` `[!a-z]` one character, `{a,b*,c}` alternatives (nestable), `\` escapes the next
// character. The whole text must match. A malformed pattern ("[a", "[z-a]", invalid UTF-8)
// matches nothing, as Argo CD logs and returns false.
//
// Matching runs in time linear in text × pattern (a Thompson simulation, no backtracking), so
// hostile patterns cannot stall the controller.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

namespace plumb::argo {

// `separators` are single-byte characters ("/" for repository URLs, "" for none).
bool glob_match(std::string_view pattern, std::string_view text, std::string_view separators = {});

}  // namespace plumb::argo
