// Go's fmt over template Values: fmt.Sprint, Sprintln and Sprintf as Go prints interface{}
// arguments — %v of float64 is the shortest %g (1234567.0 prints 1.234567e+06), maps print
// as map[k:v] in key order, lists as [a b], nil as <nil>; every verb and flag Go has for
// bool, integers, floats, strings, slices and maps, with Go's error forms (%!d(string=hi),
// %!s(MISSING), %!(EXTRA int=1), %!(BADINDEX), %!(NOVERB), %!(BADWIDTH), %!(BADPREC)).
// Invalid and nil Values print as a nil interface{} does ("<nil>"); objects print with
// Object::format.
// Pure functions; thread-safe for distinct outputs.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "gotemplate/value.hpp"

namespace plumb::gotemplate {

// fmt.Sprint: operands are separated by a space when neither side is a string.
void append_sprint(std::string& out, std::span<const Value> args);
// fmt.Sprintln: always separated by spaces, newline at the end.
void append_sprintln(std::string& out, std::span<const Value> args);
// fmt.Sprintf.
void append_sprintf(std::string& out, std::string_view format, std::span<const Value> args);
// fmt.Sprint of a single value (%v).
void append_value(std::string& out, const Value& value);

std::string sprint(std::span<const Value> args);
std::string sprintf(std::string_view format, std::span<const Value> args);

}  // namespace plumb::gotemplate
