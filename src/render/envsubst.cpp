#include "render/envsubst.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/utf8.hpp"

namespace plumb::render {
namespace {

// What a ${...} does with its variable.
enum class Op {
  value,        // ${v}
  length,       // ${#v}
  upper_first,  // ${v^}
  upper,        // ${v^^}
  lower_first,  // ${v,}
  lower,        // ${v,,}
  substring,    // ${v:off:len}
  trim_prefix,  // ${v#glob}
  trim_prefix_longest,
  trim_suffix,  // ${v%glob}
  trim_suffix_longest,
  replace_first,   // ${v/a/b}
  replace_all,     // ${v//a/b}
  replace_prefix,  // ${v/#a/b}
  replace_suffix,  // ${v/%a/b}
  fallback,        // = := :- :? :+
};

// How the arguments of an operator are read: separators and escapes.
enum class Args { none, one, colon_separated, slash_separated };

struct Expr {
  std::string text;  // a text node when name is empty
  std::string name;
  Op op = Op::value;
  std::vector<Expr> args;  // one argument per node: separators split text, ${...} stand alone
};

struct OpSpelling {
  std::string_view spelling;
  Op op;
  Args args;
};

// Longest spellings first.
constexpr OpSpelling k_ops[] = {
    {",,", Op::lower, Args::none},
    {",", Op::lower_first, Args::none},
    {"^^", Op::upper, Args::none},
    {"^", Op::upper_first, Args::none},
    {":=", Op::fallback, Args::one},
    {":-", Op::fallback, Args::one},
    {":?", Op::fallback, Args::one},
    {":+", Op::fallback, Args::one},
    {":", Op::substring, Args::colon_separated},
    {"##", Op::trim_prefix_longest, Args::one},
    {"#", Op::trim_prefix, Args::one},
    {"%%", Op::trim_suffix_longest, Args::one},
    {"%", Op::trim_suffix, Args::one},
    {"//", Op::replace_all, Args::slash_separated},
    {"/#", Op::replace_prefix, Args::slash_separated},
    {"/%", Op::replace_suffix, Args::slash_separated},
    {"/", Op::replace_first, Args::slash_separated},
    {"=", Op::fallback, Args::one},
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_s(text) {}

  Result<std::vector<Expr>> top() {
    std::vector<Expr> out;
    std::string text;
    while (m_p < m_s.size()) {
      char c = m_s[m_p];
      if (c == '$' && m_p + 1 < m_s.size() && m_s[m_p + 1] == '$') {
        text += '$';  // "$$" is "$": "$${v}" is the text "${v}"
        m_p += 2;
      } else if (c == '$' && m_p + 1 < m_s.size() && m_s[m_p + 1] == '{') {
        flush(text, out);
        m_p += 2;
        out.push_back(TRY(param()));
      } else {
        text += c;
        ++m_p;
      }
    }
    flush(text, out);
    return out;
  }

 private:
  static void flush(std::string& text, std::vector<Expr>& out) {
    if (text.empty()) return;
    out.push_back(Expr{std::move(text), "", Op::value, {}});
    text.clear();
  }

  // After "${".
  Result<Expr> param() {
    Expr e;
    bool length = m_p < m_s.size() && m_s[m_p] == '#';
    if (length) ++m_p;
    size_t start = m_p;
    while (m_p < m_s.size() && is_name_char(m_s[m_p]))
      ++m_p;
    e.name = m_s.substr(start, m_p - start);
    if (e.name.empty()) return fail("unable to parse variable name");
    if (m_p >= m_s.size()) return fail("missing closing brace");
    if (length) {
      if (m_s[m_p] != '}') return fail("missing closing brace");
      ++m_p;
      e.op = Op::length;
      return e;
    }
    if (m_s[m_p] == '}') {
      ++m_p;
      return e;
    }
    for (const OpSpelling& op : k_ops) {
      if (!m_s.substr(m_p).starts_with(op.spelling)) continue;
      m_p += op.spelling.size();
      e.op = op.op;
      if (op.args == Args::none) {
        if (m_p >= m_s.size() || m_s[m_p] != '}') return fail("missing closing brace");
        ++m_p;
      } else {
        e.args = TRY(arguments(op.args));
      }
      return e;
    }
    return fail("missing closing brace");
  }

  // The arguments up to the closing brace.
  Result<std::vector<Expr>> arguments(Args kind) {
    std::vector<Expr> out;
    std::string text;
    bool separated = false;  // a separator was seen: the argument after it exists, maybe empty
    auto end_argument = [&] {
      if (!text.empty() || separated) out.push_back(Expr{std::move(text), "", Op::value, {}});
      text.clear();
    };
    while (m_p < m_s.size()) {
      char c = m_s[m_p];
      if (c == '}') {
        ++m_p;
        end_argument();
        return out;
      }
      if (c == '$' && m_p + 1 < m_s.size() && m_s[m_p + 1] == '{') {
        flush(text, out);
        separated = false;
        m_p += 2;
        out.push_back(TRY(param()));
        continue;
      }
      if (kind == Args::slash_separated && c == '\\' && m_p + 1 < m_s.size() &&
          (m_s[m_p + 1] == '/' || m_s[m_p + 1] == '\\')) {
        text += m_s[m_p + 1];
        m_p += 2;
        continue;
      }
      if ((kind == Args::slash_separated && c == '/') ||
          (kind == Args::colon_separated && c == ':')) {
        end_argument();
        separated = true;
        ++m_p;
        continue;
      }
      text += c;
      ++m_p;
    }
    return fail("missing closing brace");
  }

  std::string_view m_s;
  size_t m_p = 0;
};

// --- the functions behind the operators (bytes, as Go's strings) ---

// Simple case mapping of one code point: ASCII, Latin-1, Latin Extended-A pairs, Greek and
// Cyrillic; others unchanged (as Go maps them for the scripts configuration values use).
char32_t to_upper(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 0) : (c % 2 == 1)) return c - 1;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
  if (c == 0x3C2) return 0x3A3;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

char32_t to_lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

// One UTF-8 sequence at s[i]: its code point and length; invalid bytes stand for themselves.
std::pair<char32_t, size_t> decode(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return {b, 1};
  char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {b, 1};
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  return {c, n};
}

// Maps the first code point (first_only) or all of them.
std::string map_case(std::string_view s, char32_t (*map)(char32_t), bool first_only) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto [c, n] = decode(s, i);
    if (n == 1 && c >= 0x80) {
      out += s[i];  // an invalid byte, kept
    } else {
      append_utf8(map(c), out);
    }
    i += n;
    if (first_only) {
      out.append(s.substr(i));
      break;
    }
  }
  return out;
}

bool parse_int(std::string_view s, long long& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);  // Go's Atoi takes a sign
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::string substring(const std::string& s, const std::vector<std::string>& args) {
  if (args.empty()) return s;
  long long pos;
  if (!parse_int(args[0], pos)) return s;  // as bash: an offset it cannot read keeps the value
  long long size = static_cast<long long>(s.size());
  if (pos < 0) pos = std::max(0LL, size + pos);
  if (args.size() == 1) return pos < size ? s.substr(size_t(pos)) : "";
  long long length;
  if (!parse_int(args[1], length)) return s;
  if (pos + length >= size) return pos < size ? s.substr(size_t(pos)) : "";
  if (length < 0) return "";
  return s.substr(size_t(pos), size_t(length));
}

// A shell glob over the whole of `s`: `*` any bytes, `?` one, `[...]` a class (`^`/`!`
// negates, ranges), `\` escapes. False for a malformed pattern.
bool glob(std::string_view p, std::string_view s, bool& malformed) {
  size_t pi = 0, si = 0, star = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      star_s = si;
      continue;
    }
    bool matched = false;
    size_t next = pi;
    if (pi < p.size()) {
      if (p[pi] == '?') {
        matched = true;
        next = pi + 1;
      } else if (p[pi] == '[') {
        size_t k = pi + 1;
        bool negate = k < p.size() && (p[k] == '^' || p[k] == '!');
        if (negate) ++k;
        bool in = false;
        bool first = true;
        while (k < p.size() && (first || p[k] != ']')) {
          first = false;
          char lo = p[k];
          if (lo == '\\' && k + 1 < p.size()) lo = p[++k];
          ++k;
          char hi = lo;
          if (k + 1 < p.size() && p[k] == '-' && p[k + 1] != ']') {
            hi = p[++k];
            if (hi == '\\' && k + 1 < p.size()) hi = p[++k];
            ++k;
          }
          in = in || (s[si] >= lo && s[si] <= hi);
        }
        if (k >= p.size()) {
          malformed = true;
          return false;
        }
        matched = in != negate;
        next = k + 1;
      } else if (p[pi] == '\\' && pi + 1 < p.size()) {
        matched = p[pi + 1] == s[si];
        next = pi + 2;
      } else {
        matched = p[pi] == s[si];
        next = pi + 1;
      }
    }
    if (matched) {
      pi = next;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

// The value without its shortest (or longest) prefix matching `pattern`.
std::string trim_prefix(const std::string& s, const std::string& pattern, bool longest) {
  size_t best = std::string::npos;
  for (size_t n = 0; n <= s.size(); ++n) {
    bool malformed = false;
    bool match = glob(pattern, std::string_view(s).substr(0, n), malformed);
    if (malformed) return s;
    if (match) {
      best = n;
      if (!longest) break;
    }
  }
  // As Flux: an empty match trims nothing.
  return best == std::string::npos || best == 0 ? s : s.substr(best);
}

std::string reversed(std::string_view s) {
  return std::string(s.rbegin(), s.rend());
}

std::string trim_suffix(const std::string& s, const std::string& pattern, bool longest) {
  return reversed(trim_prefix(reversed(s), reversed(pattern), longest));
}

std::string replace(const std::string& s, const std::vector<std::string>& args, bool all) {
  if (args.empty()) return s;
  const std::string& from = args[0];
  const std::string& to = args.size() > 1 ? args[1] : std::string();
  std::string out;
  size_t at = 0;
  while (true) {
    size_t found = s.find(from, at);
    if (found == std::string::npos) break;
    out.append(s, at, found - at);
    out += to;
    at = found + from.size();
    if (from.empty()) {  // Go: an empty `from` matches before every character
      if (at < s.size()) out += s[at];
      ++at;
      if (at > s.size()) break;
    }
    if (!all) break;
  }
  if (at <= s.size()) out.append(s, at);
  return out;
}

class Evaluator {
 public:
  Evaluator(const Variables& vars, Unset unset) : m_vars(vars), m_unset(unset) {}

  Result<void> eval(const Expr& e, std::string& out) const {
    if (e.name.empty()) {
      out += e.text;
      return {};
    }
    std::vector<std::string> args;
    for (const Expr& a : e.args) {
      std::string value;
      TRY_VOID(eval(a, value));
      args.push_back(std::move(value));
    }
    auto found = m_vars.find(e.name);
    bool set = found != m_vars.end();
    std::string v = set ? found->second : "";
    if (!set && m_unset == Unset::error && e.op != Op::fallback)
      return fail("variable not set (strict mode): \"", e.name, "\"");
    switch (e.op) {
      case Op::value:
        out += v;
        break;
      case Op::length:
        out += std::to_string(v.size());
        break;
      case Op::upper_first:
        out += map_case(v, to_upper, true);
        break;
      case Op::upper:
        out += map_case(v, to_upper, false);
        break;
      case Op::lower_first:
        out += map_case(v, to_lower, true);
        break;
      case Op::lower:
        out += map_case(v, to_lower, false);
        break;
      case Op::substring:
        out += substring(v, args);
        break;
      case Op::trim_prefix:
      case Op::trim_prefix_longest:
        out += args.empty() ? v : trim_prefix(v, args[0], e.op == Op::trim_prefix_longest);
        break;
      case Op::trim_suffix:
      case Op::trim_suffix_longest:
        out += args.empty() ? v : trim_suffix(v, args[0], e.op == Op::trim_suffix_longest);
        break;
      case Op::replace_first:
      case Op::replace_all:
        out += replace(v, args, e.op == Op::replace_all);
        break;
      case Op::replace_prefix:
        out += args.size() == 2 && v.starts_with(args[0]) ? args[1] + v.substr(args[0].size()) : v;
        break;
      case Op::replace_suffix:
        out += args.size() == 2 && v.ends_with(args[0])
                   ? v.substr(0, v.size() - args[0].size()) + args[1]
                   : v;
        break;
      case Op::fallback:
        if (v.empty()) {
          for (const std::string& a : args)
            out += a;
        } else {
          out += v;
        }
        break;
    }
    return {};
  }

 private:
  const Variables& m_vars;
  Unset m_unset;
};

}  // namespace

Result<std::string> envsubst(std::string_view text, const Variables& vars, Unset unset) {
  if (text.find("${") == std::string_view::npos && text.find("$$") == std::string_view::npos)
    return std::string(text);
  std::vector<Expr> exprs = TRY(Parser(text).top());
  Evaluator evaluator(vars, unset);
  std::string out;
  out.reserve(text.size());
  for (const Expr& e : exprs)
    TRY_VOID(evaluator.eval(e, out));
  return out;
}

}  // namespace plumb::render
