// Whether the CLI colours what it prints, decided in one place: only on a terminal, never
// with --no-color (any command; cli::run takes it out of the arguments), NO_COLOR set (any
// value, no-color.org) or TERM=dumb.
//
// Thread safety: disable_color before threads start; the rest only reads.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace plumb::cli {

enum class Color { green, yellow, red };

// --no-color was given.
void disable_color();
// Colour for what goes to `stream` (stdout or stderr).
bool use_color(std::FILE* stream);
// text between the ANSI codes of color (whatever the stream).
std::string paint(std::string_view text, Color color);
// text in colour when use_color(stream), else text as it is.
std::string colored(std::string_view text, Color color, std::FILE* stream);

}  // namespace plumb::cli
