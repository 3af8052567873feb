// Variable substitution in text as Flux's postBuild does it (fluxcd/pkg envsubst, a fork of
// drone/envsubst): `${name}` and bash-like operators inside the braces; `$name` without braces
// and every other `$` are left alone; `$$` is an escape for `$` (so `$${name}` is the literal
// text `${name}`).
//
//   ${v}  ${#v} (length in bytes)  ${v^} ${v^^} ${v,} ${v,,} (case)  ${v:off} ${v:off:len}
//   ${v#glob} ${v##glob} ${v%glob} ${v%%glob} (trim)  ${v/a/b} ${v//a/b} ${v/#a/b} ${v/%a/b}
//   ${v=d} ${v:=d} ${v:-d} ${v:?d} ${v:+d} — every one of these takes the default d when v is
//   unset or empty (unlike bash); d may hold text and further ${...}.
//
// Names are letters, digits and `_`. Parse errors: "missing closing brace", "unable to parse
// variable name". An unset variable is empty, or with Unset::error (Flux's strict mode, the
// default since kustomize-controller v1.9) an error `variable not set (strict mode): "v"`
// unless a default operator gives it a value. Values are never expanded again.
//
// Pure functions, thread-safe.
#pragma once

#include <functional>  // std::less<>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::render {

using Variables = std::map<std::string, std::string, std::less<>>;

enum class Unset : bool { empty, error };

Result<std::string> envsubst(std::string_view text, const Variables& vars, Unset unset);

}  // namespace plumb::render
