// The parts of Go's strconv that templates show: quoting as strconv.Quote does, unquoting
// Go literals (strings, raw strings, characters), parsing Go number literals (hex, octal,
// binary, underscores) and formatting floats as strconv.FormatFloat does.
//
// Unicode classes are Go's (unicode.IsPrint, IsLetter, IsDigit) over Unicode 15.0, the
// version of Go 1.21-1.25, from tables generated with ICU (unicode_tables.cpp).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plumb::gotemplate {

// strconv.Quote; with ascii_only, strconv.QuoteToASCII.
void append_quoted(std::string& out, std::string_view s, bool ascii_only = false);
std::string quote(std::string_view s);
// strconv.QuoteRune ('x'), QuoteRuneToASCII with ascii_only.
void append_quoted_rune(std::string& out, int32_t r, bool ascii_only = false);
// strconv.CanBackquote.
bool can_backquote(std::string_view s);
// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
bool is_print(int32_t r);
bool is_letter(int32_t r);  // unicode.IsLetter
bool is_digit(int32_t r);   // unicode.IsDigit
bool is_space(int32_t r);   // unicode.IsSpace (what strings.TrimSpace trims)

struct UnicodeRange {
  uint32_t lo, hi;
};

// strconv.Unquote of a "...", `...` or '...' literal; nullopt on "invalid syntax".
std::optional<std::string> unquote(std::string_view literal);
// strconv.UnquoteChar(s, quote): the first character of s; `consumed` = its bytes.
std::optional<int32_t> unquote_char(std::string_view s, char quote, size_t& consumed);

// strconv.ParseInt(text, 0, 64) / ParseUint: base prefixes 0x 0o 0b and leading 0 (octal),
// underscores between digits, optional sign. nullopt on syntax error or overflow; `overflow`
// tells which.
std::optional<int64_t> parse_go_int(std::string_view text, bool* overflow = nullptr);
std::optional<uint64_t> parse_go_uint(std::string_view text, bool* overflow = nullptr);
// strconv.ParseFloat(text, 64) for Go literals: decimal and hex floats, underscores.
std::optional<double> parse_go_float(std::string_view text);

// strconv.AppendFloat(v, fmt, prec, 64) for fmt in "eEfFgG" (prec -1 = shortest).
void append_float(std::string& out, double v, char fmt, int prec);
std::string format_float(double v, char fmt, int prec);

// Appends one rune as UTF-8 (invalid runes as U+FFFD).
void append_utf8(std::string& out, int32_t r);
// Decodes one rune at s[i]; returns the rune (U+FFFD for invalid bytes) and sets width.
int32_t decode_utf8(std::string_view s, size_t i, size_t& width);

}  // namespace plumb::gotemplate
