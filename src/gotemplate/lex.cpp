#include "gotemplate/lex.hpp"

#include <algorithm>
#include <cstring>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"

namespace plumb::gotemplate {

namespace {

constexpr int32_t k_eof = -1;

bool is_space(int32_t r) {
  return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

[[gnu::noinline]] bool is_unicode_alphanumeric(int32_t r) {
  return is_letter(r) || is_digit(r);
}

// Go's isAlphaNumeric: '_', unicode.IsLetter, unicode.IsDigit (ASCII answered inline: the
// lexer asks for every character of every identifier).
inline bool is_alphanumeric(int32_t r) {
  if (r < 0x80)
    return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  return is_unicode_alphanumeric(r);
}

bool has_left_trim_marker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && is_space(static_cast<unsigned char>(s[1]));
}

bool has_right_trim_marker(std::string_view s) {
  return s.size() >= 2 && is_space(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

size_t right_trim_length(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && is_space(static_cast<unsigned char>(s[n - 1])))
    --n;
  return s.size() - n;
}

size_t left_trim_length(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space(static_cast<unsigned char>(s[n])))
    ++n;
  return n;
}

// memchr from line to line: a template's text is mostly long runs between newlines.
int count_newlines(std::string_view s) {
  int n = 0;
  const char* p = s.data();
  const char* end = p + s.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
    ++n;
    ++p;
  }
  return n;
}

// %#U: "U+0023 '#'".
std::string sharp_u(int32_t r) {
  std::string out;
  Value v = Value::integer(r, GoType::int32);
  append_sprintf(out, "%#U", std::span<const Value>(&v, 1));
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view input, const LexOptions& options, std::string& error)
      : m_input(input), m_opt(options), m_error(error) {}

  std::vector<Item> run() {
    // Charts hold about one token per 7 bytes: reserving that saves the vector's regrowth.
    m_items.reserve(m_input.size() / 8 + 16);
    enum class State { text, left_delim, inside, done };
    State state = State::text;
    while (state != State::done) {
      switch (state) {
        case State::text:
          state = lex_text() ? State::left_delim : State::done;
          break;
        case State::left_delim:
          state = lex_left_delim() ? State::inside : (m_failed ? State::done : State::text);
          break;
        case State::inside:
          state = lex_inside_action() ? State::text : State::done;
          break;
        case State::done:
          break;
      }
    }
    return std::move(m_items);
  }

 private:
  int32_t next() {
    if (m_pos >= m_input.size()) {
      m_at_eof = true;
      return k_eof;
    }
    auto byte = static_cast<unsigned char>(m_input[m_pos]);
    if (byte < 0x80) {  // ASCII, nearly all of a template: no decoding
      ++m_pos;
      if (byte == '\n') ++m_line;
      return byte;
    }
    size_t width = 1;
    int32_t r = decode_utf8(m_input, m_pos, width);
    m_pos += width;
    return r;
  }
  int32_t peek() {
    size_t pos = m_pos;
    int line = m_line;
    bool at_eof = m_at_eof;
    int32_t r = next();
    m_pos = pos;
    m_line = line;
    m_at_eof = at_eof;
    return r;
  }
  void backup() {
    if (!m_at_eof && m_pos > 0) {
      if (static_cast<unsigned char>(m_input[m_pos - 1]) < 0x80) {  // ASCII: one byte back
        --m_pos;
        if (m_input[m_pos] == '\n') --m_line;
        return;
      }
      size_t start = m_pos - 1;
      while (start > 0 && m_pos - start < 4 &&
             (static_cast<unsigned char>(m_input[start]) & 0xC0) == 0x80)
        --start;
      size_t width = 1;
      decode_utf8(m_input, start, width);
      m_pos = start + width == m_pos ? start : m_pos - 1;
      if (m_input[m_pos] == '\n') --m_line;
    }
  }
  void emit(ItemType t) {
    m_items.push_back(Item{t, m_start, m_input.substr(m_start, m_pos - m_start), m_start_line});
    m_start = m_pos;
    m_start_line = m_line;
  }
  void ignore() {
    m_line += count_newlines(m_input.substr(m_start, m_pos - m_start));
    m_start = m_pos;
    m_start_line = m_line;
  }
  // Emits an error token; lexing stops.
  bool errorf(std::string message) {
    m_error = std::move(message);
    m_items.push_back(Item{ItemType::error, m_start, m_error, m_start_line});
    return false;
  }
  std::string_view rest() const { return m_input.substr(m_pos); }

  // Scans text up to the next left delimiter; false at the end of the input.
  bool lex_text() {
    size_t x = m_input.find(m_opt.left_delim, m_pos);
    if (x != std::string_view::npos) {
      size_t ldn = m_opt.left_delim.size();
      m_pos = x;
      size_t trim = 0;
      if (has_left_trim_marker(m_input.substr(m_pos + ldn))) {
        trim = right_trim_length(m_input.substr(m_start, m_pos - m_start));
      }
      m_pos -= trim;
      if (m_pos > m_start) {
        m_line += count_newlines(m_input.substr(m_start, m_pos - m_start));
        emit(ItemType::text);
      }
      m_pos += trim;
      ignore();
      return true;
    }
    m_pos = m_input.size();
    if (m_pos > m_start) {
      m_line += count_newlines(m_input.substr(m_start));
      emit(ItemType::text);
    }
    emit(ItemType::eof);
    return false;
  }

  bool at_right_delim(bool& trim) {
    trim = false;
    if (m_pos < m_input.size() && !m_opt.right_delim.empty()) {  // most characters start neither
      char c = m_input[m_pos];
      if (c != m_opt.right_delim[0] && !is_space(static_cast<unsigned char>(c))) return false;
    }
    if (has_right_trim_marker(rest()) && rest().substr(2).starts_with(m_opt.right_delim)) {
      trim = true;
      return true;
    }
    return rest().starts_with(m_opt.right_delim);
  }

  // Scans the left delimiter: true to continue inside an action, false after a comment
  // (back to text) — or after an error (m_items ends with the error then).
  bool lex_left_delim() {
    m_pos += m_opt.left_delim.size();
    bool trim = has_left_trim_marker(rest());
    size_t after_marker = trim ? 2 : 0;
    if (m_input.substr(m_pos + after_marker).starts_with("/*")) {
      m_pos += after_marker;
      ignore();
      return lex_comment();
    }
    emit(ItemType::left_delim);
    m_pos += after_marker;
    ignore();
    m_paren_depth = 0;
    return true;
  }

  bool lex_comment() {
    m_pos += 2;
    size_t i = m_input.find("*/", m_pos);
    if (i == std::string_view::npos) {
      errorf("unclosed comment");
      m_failed = true;
      return false;
    }
    m_pos = i + 2;
    bool trim = false;
    if (!at_right_delim(trim)) {
      errorf("comment ends before closing delimiter");
      m_failed = true;
      return false;
    }
    if (m_opt.emit_comment) emit(ItemType::comment);
    if (trim) m_pos += 2;
    m_pos += m_opt.right_delim.size();
    if (trim) m_pos += left_trim_length(rest());
    ignore();
    return false;
  }

  void lex_right_delim() {
    bool trim = has_right_trim_marker(rest());
    if (trim) {
      m_pos += 2;
      ignore();
    }
    m_pos += m_opt.right_delim.size();
    emit(ItemType::right_delim);
    if (trim) {
      m_pos += left_trim_length(rest());
      ignore();
    }
  }

  // Scans inside an action up to its right delimiter: true when it closed, false on error.
  bool lex_inside_action() {
    if (m_failed) return false;
    for (;;) {
      bool trim = false;
      if (at_right_delim(trim)) {
        if (m_paren_depth == 0) {
          lex_right_delim();
          return true;
        }
        return errorf("unclosed left paren");
      }
      int32_t r = next();
      if (r == k_eof) return errorf("unclosed action");
      if (is_space(r)) {
        backup();
        if (lex_space()) {
          lex_right_delim();
          return true;
        }
        continue;
      }
      bool ok = true;
      switch (r) {
        case '=':
          emit(ItemType::assign);
          break;
        case ':':
          if (next() != '=') return errorf("expected :=");
          emit(ItemType::declare);
          break;
        case '|':
          emit(ItemType::pipe);
          break;
        case '"':
          ok = lex_quote();
          break;
        case '`':
          ok = lex_raw_quote();
          break;
        case '$':
          ok = lex_variable();
          break;
        case '\'':
          ok = lex_char();
          break;
        case '(':
          emit(ItemType::left_paren);
          ++m_paren_depth;
          break;
        case ')':
          emit(ItemType::right_paren);
          --m_paren_depth;
          if (m_paren_depth < 0)
            return errorf("unexpected right paren");  // Go 1.25 (1.19 added %#U)
          break;
        default:
          if (r == '.') {
            if (m_pos < m_input.size()) {
              char c = m_input[m_pos];
              if (c < '0' || c > '9') {
                ok = lex_field_or_variable(ItemType::field);
                break;
              }
            }
            backup();
            ok = lex_number();
          } else if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
            backup();
            ok = lex_number();
          } else if (is_alphanumeric(r)) {
            backup();
            ok = lex_identifier();
          } else if (r < 0x80 && r >= 0x20 && r < 0x7F) {
            emit(ItemType::char_);
          } else {
            return errorf("unrecognized character in action: " + sharp_u(r));
          }
      }
      if (!ok) return false;
    }
  }

  // A run of spaces; true when it ends at a trim-marked right delimiter reached directly.
  bool lex_space() {
    int num_spaces = 0;
    for (;;) {
      int32_t r = peek();
      if (!is_space(r)) break;
      next();
      ++num_spaces;
    }
    if (has_right_trim_marker(m_input.substr(m_pos - 1)) &&
        m_input.substr(m_pos - 1 + 2).starts_with(m_opt.right_delim)) {
      backup();
      if (num_spaces == 1) return true;
    }
    emit(ItemType::space);
    return false;
  }

  bool at_terminator() {
    int32_t r = peek();
    if (is_space(r)) return true;
    switch (r) {
      case k_eof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return rest().starts_with(m_opt.right_delim);
  }

  bool lex_identifier() {
    for (;;) {
      int32_t r = next();
      if (is_alphanumeric(r)) continue;
      backup();
      std::string_view word = m_input.substr(m_start, m_pos - m_start);
      if (!at_terminator()) return errorf("bad character " + sharp_u(r));
      ItemType keyword = keyword_of(word);
      if (keyword != ItemType::error) {
        if ((keyword == ItemType::break_ && !m_opt.break_ok) ||
            (keyword == ItemType::continue_ && !m_opt.continue_ok)) {
          emit(ItemType::identifier);
        } else {
          emit(keyword);
        }
      } else if (word[0] == '.') {
        emit(ItemType::field);
      } else if (word == "true" || word == "false") {
        emit(ItemType::bool_);
      } else {
        emit(ItemType::identifier);
      }
      return true;
    }
  }

  static ItemType keyword_of(std::string_view word) {
    if (word == ".") return ItemType::dot;
    if (word == "block") return ItemType::block;
    if (word == "break") return ItemType::break_;
    if (word == "continue") return ItemType::continue_;
    if (word == "define") return ItemType::define;
    if (word == "else") return ItemType::else_;
    if (word == "end") return ItemType::end;
    if (word == "if") return ItemType::if_;
    if (word == "range") return ItemType::range;
    if (word == "nil") return ItemType::nil;
    if (word == "template") return ItemType::template_;
    if (word == "with") return ItemType::with;
    return ItemType::error;
  }

  bool lex_variable() {
    if (at_terminator()) {
      emit(ItemType::variable);
      return true;
    }
    return lex_field_or_variable(ItemType::variable);
  }

  bool lex_field_or_variable(ItemType type) {
    if (at_terminator()) {
      emit(type == ItemType::variable ? ItemType::variable : ItemType::dot);
      return true;
    }
    int32_t r = 0;
    for (;;) {
      r = next();
      if (!is_alphanumeric(r)) {
        backup();
        break;
      }
    }
    if (!at_terminator()) return errorf("bad character " + sharp_u(r));
    emit(type);
    return true;
  }

  bool lex_char() {
    for (;;) {
      int32_t r = next();
      if (r == '\\') {
        int32_t e = next();
        if (e != k_eof && e != '\n') continue;
        return errorf("unterminated character constant");
      }
      if (r == k_eof || r == '\n') return errorf("unterminated character constant");
      if (r == '\'') break;
    }
    emit(ItemType::char_constant);
    return true;
  }

  bool accept(std::string_view valid) {
    int32_t r = next();
    if (r != k_eof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos)
      return true;
    backup();
    return false;
  }
  void accept_run(std::string_view valid) {
    for (;;) {
      int32_t r = next();
      if (r == k_eof || r >= 0x80 || valid.find(static_cast<char>(r)) == std::string_view::npos)
        break;
    }
    backup();
  }

  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 10 + 1 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 16 + 6 + 1 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (is_alphanumeric(peek())) {
      next();
      return false;
    }
    return true;
  }

  bool lex_number() {
    if (!scan_number())
      return errorf("bad number syntax: " + quote(m_input.substr(m_start, m_pos - m_start)));
    int32_t sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scan_number() || m_input[m_pos - 1] != 'i') {
        return errorf("bad number syntax: " + quote(m_input.substr(m_start, m_pos - m_start)));
      }
      emit(ItemType::complex);
    } else {
      emit(ItemType::number);
    }
    return true;
  }

  bool lex_quote() {
    for (;;) {
      int32_t r = next();
      if (r == '\\') {
        int32_t e = next();
        if (e != k_eof && e != '\n') continue;
        return errorf("unterminated quoted string");
      }
      if (r == k_eof || r == '\n') return errorf("unterminated quoted string");
      if (r == '"') break;
    }
    emit(ItemType::string);
    return true;
  }

  // The closing quote is searched for at once: next() one character at a time stops at the same
  // byte ('`' is ASCII, never inside a UTF-8 sequence), and charts hold whole dashboards in raw
  // strings.
  bool lex_raw_quote() {
    size_t close = m_input.find('`', m_pos);
    size_t end = close == std::string_view::npos ? m_input.size() : close;
    m_line += count_newlines(m_input.substr(m_pos, end - m_pos));
    m_pos = end;
    if (close == std::string_view::npos) {
      m_at_eof = true;
      return errorf("unterminated raw quoted string");
    }
    ++m_pos;
    emit(ItemType::raw_string);
    return true;
  }

  std::string_view m_input;
  const LexOptions& m_opt;
  std::string& m_error;
  std::vector<Item> m_items;
  size_t m_pos = 0;
  size_t m_start = 0;
  bool m_at_eof = false;
  bool m_failed = false;
  int m_paren_depth = 0;
  int m_line = 1;
  int m_start_line = 1;
};

}  // namespace

std::vector<Item> lex(std::string_view input, const LexOptions& options, std::string& error) {
  Lexer lexer(input, options, error);
  return lexer.run();
}

std::string item_string(const Item& item) {
  if (item.type == ItemType::eof) return "EOF";
  if (item.type == ItemType::error) return std::string(item.val);
  if (item.type > ItemType::keyword) return "<" + std::string(item.val) + ">";
  std::string out;
  Value v = Value::string(item.val);
  if (item.val.size() > 10) {
    append_sprintf(out, "%.10q...", std::span<const Value>(&v, 1));
  } else {
    append_quoted(out, item.val);
  }
  return out;
}

}  // namespace plumb::gotemplate
