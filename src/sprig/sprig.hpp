// The template functions Helm v4.1.4 gives charts from sprig (v3, Masterminds): every
// function of sprig's TxtFuncMap except `env` and `expandenv`, which Helm removes, with
// Go's and sprig's results and error messages byte for byte (as `helm template` prints them).
// Helm's own functions (include, tpl, required, toYaml, lookup ...) are the helm module's.
//
//   gotemplate::FuncMap funcs = sprig::functions();
//   helm::add_helm_functions(funcs);   // may override
//
// The functions are grouped by file; each group registers itself (sprig_groups.hpp).
// Functions whose output is random (randAlphaNum, uuidv4, genCA ...) draw from the OS.
//
// Thread safety: the FuncMap is immutable once built; the functions keep no state.
#pragma once

#include <cstdint>
#include <string_view>

#include "gotemplate/template.hpp"

namespace plumb::sprig {

gotemplate::FuncMap functions();

// A time.Time as sprig's date functions make them: `unix` seconds and `nsec` nanoseconds in a
// fixed zone named `zone`, `offset` seconds east of UTC ("UTC" and 0: Go's time.UTC). Printed
// as Go's Time.String, marshalled as RFC 3339.
gotemplate::Value make_time_value(int64_t unix, int32_t nsec, std::string_view zone, int offset);

// The offset east of UTC, in seconds, of the local zone ($TZ or /etc/localtime) now.
int local_offset_now();

}  // namespace plumb::sprig
