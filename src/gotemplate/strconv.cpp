#include "gotemplate/strconv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/utf8.hpp"

namespace plumb::gotemplate {

namespace {

constexpr char k_lower_hex[] = "0123456789abcdef";

}  // namespace

void append_utf8(std::string& out, int32_t r) {
  uint32_t cp = static_cast<uint32_t>(r);
  if (r < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  plumb::append_utf8(cp, out);
}

int32_t decode_utf8(std::string_view s, size_t i, size_t& width) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  width = 1;
  if (c < 0x80) return c;
  size_t need = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return 0xFFFD;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return 0xFFFD;
    unsigned char d = byte(i + k);
    if ((d & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  width = need + 1;
  return static_cast<int32_t>(cp);
}

extern const UnicodeRange k_print_ranges[];
extern const size_t k_print_ranges_size;
extern const UnicodeRange k_letter_ranges[];
extern const size_t k_letter_ranges_size;
extern const UnicodeRange k_digit_ranges[];
extern const size_t k_digit_ranges_size;

namespace {

bool in_ranges(const UnicodeRange* ranges, size_t size, int32_t r) {
  if (r < 0) return false;
  auto c = static_cast<uint32_t>(r);
  const UnicodeRange* end = ranges + size;
  const UnicodeRange* it =
      std::upper_bound(ranges, end, c, [](uint32_t v, const UnicodeRange& x) { return v < x.lo; });
  return it != ranges && c <= (it - 1)->hi;
}

}  // namespace

bool is_print(int32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  return in_ranges(k_print_ranges, k_print_ranges_size, r);
}

bool is_space(int32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  return in_ranges(k_letter_ranges, k_letter_ranges_size, r);
}

bool is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return in_ranges(k_digit_ranges, k_digit_ranges_size, r);
}

namespace {

void append_escaped_rune(std::string& out, int32_t r, char quote, bool ascii_only) {
  if (r == quote || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only ? (r < 0x80 && is_print(r)) : is_print(r)) {
    append_utf8(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    out.push_back(k_lower_hex[(r >> 4) & 0xF]);
    out.push_back(k_lower_hex[r & 0xF]);
  } else if (r < 0x10000) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4)
      out.push_back(k_lower_hex[(r >> shift) & 0xF]);
  } else {
    out += "\\U";
    for (int shift = 28; shift >= 0; shift -= 4)
      out.push_back(k_lower_hex[(r >> shift) & 0xF]);
  }
}

}  // namespace

void append_quoted(std::string& out, std::string_view s, bool ascii_only) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = decode_utf8(s, i, width);
    if (r == 0xFFFD && width == 1 && static_cast<unsigned char>(s[i]) >= 0x80) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out.push_back(k_lower_hex[c >> 4]);
      out.push_back(k_lower_hex[c & 0xF]);
      ++i;
      continue;
    }
    append_escaped_rune(out, r, '"', ascii_only);
    i += width;
  }
  out.push_back('"');
}

std::string quote(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

void append_quoted_rune(std::string& out, int32_t r, bool ascii_only) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  out.push_back('\'');
  append_escaped_rune(out, r, '\'', ascii_only);
  out.push_back('\'');
}

bool can_backquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = decode_utf8(s, i, width);
    if (r == 0xFFFD && width == 1 && static_cast<unsigned char>(s[i]) >= 0x80) return false;
    if (width == 1) {
      if (r == '`' || r == 0x7F) return false;
      if (r < ' ' && r != '\t') return false;
    } else if (r == 0xFEFF) {
      return false;
    }
    i += width;
  }
  return true;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One character of a quoted literal at s[i] (Go's UnquoteChar); returns false on a syntax
// error. `multibyte` tells whether the value must be written as UTF-8 (false for \x and \ooo
// bytes).
bool unquote_one(std::string_view s, size_t& i, char quote, int32_t& value, bool& multibyte) {
  multibyte = true;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t width = 1;
    value = decode_utf8(s, i, width);
    i += width;
    return true;
  }
  if (c != '\\') {
    value = c;
    ++i;
    return true;
  }
  if (i + 1 >= s.size()) return false;
  char e = s[i + 1];
  i += 2;
  switch (e) {
    case 'a':
      value = '\a';
      return true;
    case 'b':
      value = '\b';
      return true;
    case 'f':
      value = '\f';
      return true;
    case 'n':
      value = '\n';
      return true;
    case 'r':
      value = '\r';
      return true;
    case 't':
      value = '\t';
      return true;
    case 'v':
      value = '\v';
      return true;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (i + n > s.size()) return false;
      int64_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        int h = hex_value(s[i + k]);
        if (h < 0) return false;
        v = v * 16 + h;
      }
      i += n;
      if (e == 'x') {
        value = static_cast<int32_t>(v);
        multibyte = false;
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      value = static_cast<int32_t>(v);
      return true;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      int v = e - '0';
      if (i + 2 > s.size()) return false;
      for (size_t k = 0; k < 2; ++k) {
        char d = s[i + k];
        if (d < '0' || d > '7') return false;
        v = v * 8 + (d - '0');
      }
      if (v > 255) return false;
      i += 2;
      value = v;
      multibyte = false;
      return true;
    }
    case '\\':
      value = '\\';
      return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      value = e;
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> unquote(std::string_view literal) {
  if (literal.size() < 2) return std::nullopt;
  char q = literal.front();
  if (q != literal.back()) return std::nullopt;
  std::string_view body = literal.substr(1, literal.size() - 2);
  if (q == '`') {
    if (body.find('`') != std::string_view::npos) return std::nullopt;
    // Carriage returns are dropped; the runs between them are copied whole (charts hold
    // dashboards of hundreds of KB in raw strings).
    std::string out;
    out.reserve(body.size());
    for (size_t cr; (cr = body.find('\r')) != std::string_view::npos; body.remove_prefix(cr + 1))
      out.append(body.substr(0, cr));
    out.append(body);
    return out;
  }
  if (q != '"' && q != '\'') return std::nullopt;
  if (body.find('\n') != std::string_view::npos) return std::nullopt;
  // Most literals are plain ASCII without escapes: each character stands for itself (what
  // the loop below would conclude one character at a time).
  if (q == '"' && std::all_of(body.begin(), body.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80 && c != '\\' && c != '"';
      }))
    return std::string(body);
  std::string out;
  size_t i = 0;
  int count = 0;
  while (i < body.size()) {
    int32_t value = 0;
    bool multibyte = true;
    if (!unquote_one(body, i, q, value, multibyte)) return std::nullopt;
    if (multibyte || value < 0x80) {
      append_utf8(out, value);
    } else {
      out.push_back(static_cast<char>(value));
    }
    ++count;
  }
  if (q == '\'' && count != 1) return std::nullopt;
  return out;
}

std::optional<int32_t> unquote_char(std::string_view s, char quote, size_t& consumed) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  int32_t value = 0;
  bool multibyte = true;
  if (!unquote_one(s, i, quote, value, multibyte)) return std::nullopt;
  consumed = i;
  return value;
}

namespace {

// Go's underscoreOK: underscores only between digits or after a base prefix.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'b' || p == 'o' || p == 'x') {
      i = 2;
      saw = '0';
      hex = p == 'x';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char l = static_cast<char>(c | 0x20);
    if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::string without_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// Digits of text (sign already removed) in Go syntax with base 0. Returns the magnitude.
std::optional<uint64_t> parse_magnitude(std::string_view text, bool* overflow) {
  if (text.empty() || !underscore_ok(text)) return std::nullopt;
  std::string clean = without_underscores(text);
  std::string_view s = clean;
  int base = 10;
  if (s[0] == '0' && s.size() > 1) {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16, s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8, s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2, s.remove_prefix(2);
    } else {
      base = 8, s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
  }
  uint64_t value = 0;
  bool over = false;
  for (char c : s) {
    int d = hex_value(c);
    if (d < 0 || d >= base) return std::nullopt;
    if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) over = true;
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (over) {
    if (overflow) *overflow = true;
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<uint64_t> parse_go_uint(std::string_view text, bool* overflow) {
  if (overflow) *overflow = false;
  if (!text.empty() && text[0] == '+') return std::nullopt;
  return parse_magnitude(text, overflow);
}

std::optional<int64_t> parse_go_int(std::string_view text, bool* overflow) {
  if (overflow) *overflow = false;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto magnitude = parse_magnitude(text, overflow);
  if (!magnitude) return std::nullopt;
  if (negative) {
    if (*magnitude > static_cast<uint64_t>(INT64_MAX) + 1) {
      if (overflow) *overflow = true;
      return std::nullopt;
    }
    return static_cast<int64_t>(0 - *magnitude);
  }
  if (*magnitude > static_cast<uint64_t>(INT64_MAX)) {
    if (overflow) *overflow = true;
    return std::nullopt;
  }
  return static_cast<int64_t>(*magnitude);
}

std::optional<double> parse_go_float(std::string_view text) {
  std::string clean;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  bool hex = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (!underscore_ok(text)) return std::nullopt;
  clean = without_underscores(text);
  if (clean.empty()) return std::nullopt;
  double value = 0;
  if (hex) {
    std::string_view h = std::string_view(clean).substr(2);
    if (h.find_first_of("pP") == std::string_view::npos) return std::nullopt;  // hex float needs p
    auto [ptr, ec] = std::from_chars(h.data(), h.data() + h.size(), value, std::chars_format::hex);
    if (ec != std::errc() || ptr != h.data() + h.size()) return std::nullopt;
  } else {
    for (char c : clean) {
      if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != 'e' && c != 'E' &&
          c != '+' && c != '-')
        return std::nullopt;
    }
    auto [ptr, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value);
    if (ec == std::errc::result_out_of_range) return std::nullopt;
    if (ec != std::errc() || ptr != clean.data() + clean.size()) return std::nullopt;
  }
  return negative ? -value : value;
}

namespace {

// Decimal digits of |v| (no leading or trailing zeros) and the decimal point position:
// v = 0.d1d2... * 10^dp. nd == 0 for zero.
struct Digits {
  char d[800];
  int nd = 0;
  int dp = 0;
};

// Shortest digits (prec < 0) or `prec` significant digits.
void digits_of(double v, int prec, Digits& out) {
  out.nd = 0;
  out.dp = 0;
  if (v == 0) return;
  char buf[64];
  std::to_chars_result r;
  if (prec < 0) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, prec - 1);
  }
  const char* p = buf;
  const char* e = static_cast<const char*>(std::memchr(buf, 'e', static_cast<size_t>(r.ptr - buf)));
  for (; p < e; ++p) {
    if (*p >= '0' && *p <= '9') out.d[out.nd++] = *p;
  }
  int exponent = 0;
  const char* x = e + 1;
  if (*x == '+') ++x;
  std::from_chars(x, r.ptr, exponent);
  while (out.nd > 0 && out.d[out.nd - 1] == '0')
    --out.nd;
  out.dp = exponent + 1;
}

void fmt_e(std::string& out, bool negative, const Digits& d, int prec, char fmt) {
  if (negative) out.push_back('-');
  out.push_back(d.nd > 0 ? d.d[0] : '0');
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    int m = std::min(d.nd, prec + 1);
    for (; i < m; ++i)
      out.push_back(d.d[i]);
    for (; i <= prec; ++i)
      out.push_back('0');
  }
  out.push_back(fmt);
  int exp = d.nd == 0 ? 0 : d.dp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void fmt_f(std::string& out, bool negative, const Digits& d, int prec) {
  if (negative) out.push_back('-');
  if (d.dp > 0) {
    int m = std::min(d.nd, d.dp);
    out.append(d.d, static_cast<size_t>(m));
    for (; m < d.dp; ++m)
      out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = d.dp + i - 1;
      out.push_back(j >= 0 && j < d.nd ? d.d[j] : '0');
    }
  }
}

}  // namespace

namespace {

// %b (-ddddp±ddd) and %x (-0x1.yyyp±dd) from the float's bits, as strconv writes them.
void append_binary_float(std::string& out, double v, char fmt, int prec) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  bool negative = (bits >> 63) != 0;
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  if (exp == 0) {
    ++exp;
  } else {
    mant |= uint64_t{1} << 52;
  }
  exp -= 1023;
  if (negative) out.push_back('-');
  if (fmt == 'b') {
    out += std::to_string(mant);
    out.push_back('p');
    int e = exp - 52;
    if (e >= 0) out.push_back('+');
    out += std::to_string(e);
    return;
  }
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if ((mant & (uint64_t{1} << 61)) != 0) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
}

}  // namespace

void append_float(std::string& out, double v, char fmt, int prec) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
    append_binary_float(out, v, fmt, prec);
    return;
  }
  bool negative = std::signbit(v);
  double a = std::fabs(v);
  if ((fmt == 'e' || fmt == 'E' || fmt == 'f' || fmt == 'F') && prec >= 0) {
    char buf[400];
    auto format =
        (fmt == 'e' || fmt == 'E') ? std::chars_format::scientific : std::chars_format::fixed;
    auto r = std::to_chars(buf, buf + sizeof buf, a, format, prec);
    if (r.ec == std::errc()) {
      if (negative) out.push_back('-');
      for (char* p = buf; p < r.ptr; ++p)
        out.push_back(fmt == 'E' && *p == 'e' ? 'E' : *p);
      return;
    }
  }
  Digits d;
  bool shortest = prec < 0;
  if (fmt == 'g' || fmt == 'G') {
    if (!shortest && prec == 0) prec = 1;
    digits_of(a, shortest ? -1 : std::min(prec, 767), d);
    if (shortest) prec = d.nd;
    int eprec = prec;
    if (eprec > d.nd && d.nd >= d.dp) eprec = d.nd;
    if (shortest) eprec = 6;
    int exp = d.dp - 1;
    if (exp < -4 || exp >= eprec) {
      if (prec > d.nd) prec = d.nd;
      fmt_e(out, negative, d, prec - 1, fmt == 'g' ? 'e' : 'E');
      return;
    }
    if (prec > d.dp) prec = d.nd;
    fmt_f(out, negative, d, std::max(prec - d.dp, 0));
    return;
  }
  digits_of(a, -1, d);
  if (fmt == 'e' || fmt == 'E') {
    fmt_e(out, negative, d, std::max(d.nd - 1, 0), fmt);
  } else {
    fmt_f(out, negative, d, std::max(d.nd - d.dp, 0));
  }
}

std::string format_float(double v, char fmt, int prec) {
  std::string out;
  append_float(out, v, fmt, prec);
  return out;
}

}  // namespace plumb::gotemplate
