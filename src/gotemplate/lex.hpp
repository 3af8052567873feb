// The lexer of Go templates (text/template/parse/lex.go), private to gotemplate/: splits a
// template into text and action tokens, applying trim markers ("{{- ", " -}}") and dropping
// comments. Scans the whole input up front; a lexing error ends the list with an error
// token whose text is Go's message ("unclosed action", "bad character U+0023 '#'").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plumb::gotemplate {

enum class ItemType : uint8_t {
  error,
  bool_,
  char_,          // printable ASCII character; grab bag for comma etc.
  char_constant,  // 'a'
  comment,
  complex,
  assign,   // =
  declare,  // :=
  eof,
  field,  // .Name
  identifier,
  left_delim,
  left_paren,
  number,
  pipe,
  raw_string,
  right_delim,
  right_paren,
  space,
  string,
  text,
  variable,  // $ or $name
  // keywords
  keyword,
  block,
  break_,
  continue_,
  dot,
  define,
  else_,
  end,
  if_,
  nil,
  range,
  template_,
  with,
};

struct Item {
  ItemType type;
  size_t pos;
  std::string_view val;  // into the input, or the error message (owned by the Lexer)
  int line;
};

struct LexOptions {
  std::string_view left_delim = "{{";
  std::string_view right_delim = "}}";
  bool emit_comment = false;
  bool break_ok = true;  // "break" is a keyword (no function of that name)
  bool continue_ok = true;
};

// The tokens of `input`, ending with eof or one error token. The error token's val points
// into `error` (its message), which must outlive the items.
std::vector<Item> lex(std::string_view input, const LexOptions& options, std::string& error);

// Go's item.String(): "EOF", the error text, <keyword>, "\"text\"" (quoted, %.10q... when
// longer than 10 bytes).
std::string item_string(const Item& item);

}  // namespace plumb::gotemplate
