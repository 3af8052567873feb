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

#include "gotemplate/template.hpp"

namespace plumb::sprig {

gotemplate::FuncMap functions();

}  // namespace plumb::sprig
