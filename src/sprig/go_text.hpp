// Private to the sprig module: the pieces of Go's strings and unicode packages the sprig
// functions are built on (runes decoded as Go decodes them, invalid bytes as U+FFFD), and
// the registration shorthand the group files share.
//
// Case mapping is Unicode's simple mapping, taken from glibc's C.UTF-8 locale (ASCII only
// when that locale is missing); unicode.IsSpace is Go's list. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gotemplate/template.hpp"

namespace plumb::sprig {

using gotemplate::Param;
using gotemplate::Value;
using Args = std::span<const Value>;

// funcs.add(name, FuncInfo{fn, params, variadic}).
void define(gotemplate::FuncMap& funcs, std::string name, std::vector<Param> params,
            gotemplate::Function fn, bool variadic = false);

bool go_is_space(int32_t r);  // unicode.IsSpace
bool go_is_upper(int32_t r);  // unicode.IsUpper
bool go_is_lower(int32_t r);  // unicode.IsLower
int32_t go_to_upper(int32_t r);
int32_t go_to_lower(int32_t r);
int32_t go_to_title(int32_t r);  // unicode.ToTitle: upper case but for the digraphs (ǅ)
bool go_is_title(int32_t r);     // unicode.IsTitle (the digraphs and a few Greek letters)

std::vector<int32_t> to_runes(std::string_view s);  // []rune(s)
std::string from_runes(std::span<const int32_t> runes);

std::string go_to_upper(std::string_view s);  // strings.ToUpper
std::string go_to_lower(std::string_view s);  // strings.ToLower
std::string go_repeat(std::string_view s, int64_t count);
// strings.Split / SplitN (n < 0: all; n == 0: none).
std::vector<std::string> go_split(std::string_view s, std::string_view sep, int64_t n = -1);
// strings.Replace(s, old, new, -1).
std::string go_replace_all(std::string_view s, std::string_view old, std::string_view with);

// sprig's strval: a string as is, anything else as fmt's %v prints it (nil is "<nil>").
std::string strval(const Value& v);

// A []string Value.
Value string_list(const std::vector<std::string>& items);

// The string group's other files, registered by add_string_functions (strings.cpp).
void add_encoding_functions(gotemplate::FuncMap& funcs);  // encoding.cpp
void add_regex_functions(gotemplate::FuncMap& funcs);     // regex.cpp
void add_path_functions(gotemplate::FuncMap& funcs);      // paths.cpp
void add_crypto_functions(gotemplate::FuncMap& funcs);    // crypto.cpp

}  // namespace plumb::sprig
