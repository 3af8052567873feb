// sprig's regex functions over Go's regexp (RE2 syntax, leftmost-first matching), run on
// std::regex (ECMAScript) after translating the pattern: Go's syntax is checked here with
// Go's error messages ("error parsing regexp: missing closing ): `(`"), named groups
// (?P<n>..) and (?<n>..) become plain groups (their names kept for $n in replacements),
// `.` excludes only \n, (?i) (?m) (?s) apply to the whole pattern, \A \z \Q..\E \x{..}
// become ECMAScript, \pL and \pN match ASCII letters/digits and any non-ASCII byte.
// FindAll, ReplaceAll (with Go's $ expansion) and Split follow Go's rules for empty matches.
// `.`, negated classes and \W \S \D take one rune, as Go's do. Limits: a class holding
// non-ASCII characters compares bytes; Unicode classes other than L and N are refused; flags
// inside a group apply to the whole pattern.
#include <pthread.h>

#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <unordered_map>

#include "gotemplate/strconv.hpp"
#include "sprig/go_text.hpp"
#include "sprig/regex_traits.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

namespace {

using gotemplate::CallContext;

struct Compiled {
  Regex re;
  std::vector<std::string> names;  // per group (index 0: the whole match), "" when unnamed
};

struct SyntaxError {
  std::string message;
};

std::string hex_escape(unsigned char c) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string("\\x") + digits[c >> 4] + digits[c & 15];
}

std::string go_error(std::string_view code, std::string_view arg) {
  return "error parsing regexp: " + std::string(code) + ": `" + std::string(arg) + "`";
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// One rune of UTF-8 (or one invalid byte, which Go reads as U+FFFD).
constexpr std::string_view k_any_rune =
    "(?:[\\x00-\\x7F]|[\\xC0-\\xFF][\\x80-\\xBF]{0,3}|[\\x80-\\xBF])";

class Translator {
 public:
  explicit Translator(std::string_view pattern) : m_p(pattern) {}

  Result<Compiled> run() {
    size_t depth = 0;
    bool can_repeat = false;  // an operand precedes (a repetition may follow)
    bool just_repeated = false;
    size_t last_repeat_at = 0;
    Compiled out;
    out.names.push_back("");
    while (m_i < m_p.size()) {
      char c = m_p[m_i];
      switch (c) {
        case '\\': {
          TRY(escape(false));
          can_repeat = true;
          just_repeated = false;
          break;
        }
        case '[':
          TRY(char_class());
          can_repeat = true;
          just_repeated = false;
          break;
        case '(': {
          if (m_p.substr(m_i).starts_with("(?")) {
            size_t start = m_i;
            std::string_view rest = m_p.substr(m_i + 2);
            if (rest.starts_with("P<") || rest.starts_with("<")) {
              size_t name_start = m_i + 2 + (rest[0] == 'P' ? 2 : 1);
              size_t close = m_p.find('>', name_start);
              if (close == std::string_view::npos) {
                return fail(go_error("invalid named capture", m_p.substr(start)));
              }
              std::string name(m_p.substr(name_start, close - name_start));
              bool valid = !name.empty();
              for (char n : name)
                valid = valid && is_word_char(n);
              if (!valid) {
                return fail(
                    go_error("invalid named capture", m_p.substr(start, close + 1 - start)));
              }
              out.names.push_back(name);
              m_out += '(';
              m_i = close + 1;
              ++depth;
              can_repeat = false;
              just_repeated = false;
              continue;
            }
            // flags: (?flags) or (?flags:
            size_t j = m_i + 2;
            bool negate = false;
            bool any = false;
            while (j < m_p.size() && m_p[j] != ')' && m_p[j] != ':') {
              char fl = m_p[j];
              if (fl == '-' && !negate) {
                negate = true;
              } else if (fl == 'i' || fl == 'm' || fl == 's' || fl == 'U') {
                if (!negate) {
                  if (fl == 'i') m_icase = true;
                  if (fl == 'm') m_multiline = true;
                  if (fl == 's') m_dotall = true;
                  if (fl == 'U') return fail("regexp: the (?U) flag is not supported by plumb");
                } else if (fl == 's') {
                  m_dotall = false;
                }
                any = true;
              } else {
                return fail(
                    go_error("invalid or unsupported Perl syntax", m_p.substr(m_i, j + 1 - m_i)));
              }
              ++j;
            }
            if (j >= m_p.size()) return fail(go_error("missing closing )", m_p));
            if (m_p[j] == ':') {
              m_out += "(?:";
              ++depth;
              m_groups.push_back(false);
              m_i = j + 1;
              can_repeat = false;
              just_repeated = false;
              continue;
            }
            if (!any && !negate) {
              return fail(go_error("missing argument to repetition operator", "?"));
            }
            m_i = j + 1;
            continue;
          }
          out.names.push_back("");
          m_out += '(';
          ++m_i;
          ++depth;
          can_repeat = false;
          just_repeated = false;
          continue;
        }
        case ')':
          if (depth == 0) return fail(go_error("unexpected )", m_p));
          --depth;
          m_out += ')';
          can_repeat = true;
          just_repeated = false;
          break;
        case '|':
          m_out += '|';
          can_repeat = false;
          just_repeated = false;
          break;
        case '*':
        case '+':
        case '?': {
          size_t start = m_i;
          std::string op(1, c);
          if (m_i + 1 < m_p.size() && m_p[m_i + 1] == '?') op += '?';
          if (just_repeated) {
            return fail(go_error("invalid nested repetition operator",
                                 m_p.substr(last_repeat_at, start + op.size() - last_repeat_at)));
          }
          if (!can_repeat) {
            return fail(go_error("missing argument to repetition operator", op));
          }
          m_out += op;
          m_i += op.size();
          just_repeated = true;
          last_repeat_at = start;
          continue;
        }
        case '{': {
          size_t start = m_i;
          auto repeat = parse_repeat();
          if (!repeat) {
            m_out += hex_escape('{');
            can_repeat = true;
            just_repeated = false;
            break;
          }
          std::string text(m_p.substr(start, m_i - start));
          if (m_i < m_p.size() && m_p[m_i] == '?') {
            text += '?';
            ++m_i;
          }
          if (just_repeated) {
            return fail(go_error("invalid nested repetition operator",
                                 m_p.substr(last_repeat_at, m_i - last_repeat_at)));
          }
          if (!can_repeat) {
            return fail(go_error("missing argument to repetition operator", text));
          }
          auto [lo, hi] = *repeat;
          if (lo > 1000 || hi > 1000 || (hi >= 0 && lo > hi)) {
            return fail(go_error("invalid repeat count", m_p.substr(start, m_i - start)));
          }
          m_out += text;
          just_repeated = true;
          last_repeat_at = start;
          continue;
        }
        case '.':
          // one rune (its UTF-8 bytes), not one byte
          m_out += m_dotall ? "(?:[\\x00-\\x7F]|[\\xC0-\\xFF][\\x80-\\xBF]{0,3})"
                            : "(?:[^\\n\\x80-\\xFF]|[\\xC0-\\xFF][\\x80-\\xBF]{0,3})";
          can_repeat = true;
          just_repeated = false;
          break;
        case '^':
        case '$':
          m_out += c;
          can_repeat = true;
          just_repeated = false;
          break;
        case ']':
        case '}':
          m_out += hex_escape(static_cast<unsigned char>(c));
          can_repeat = true;
          just_repeated = false;
          break;
        default:
          literal(static_cast<unsigned char>(c));
          can_repeat = true;
          just_repeated = false;
          break;
      }
      ++m_i;
    }
    if (depth > 0) return fail(go_error("missing closing )", m_p));
    auto flags = std::regex::ECMAScript;
    if (m_icase) flags |= std::regex::icase;
    if (m_multiline) flags |= std::regex::multiline;
    try {
      out.re = Regex(m_out, flags);
    } catch (const std::regex_error& e) {
      return fail("regexp: ", std::string(m_p), " is beyond what plumb's regex engine takes (",
                  e.what(), ")");
    }
    return out;
  }

 private:
  void literal(unsigned char c) {
    if (c < 0x80 && !is_word_char(static_cast<char>(c)) && c != ' ') {
      m_out += hex_escape(c);
    } else {
      m_out += static_cast<char>(c);
    }
  }

  // {n}, {n,}, {n,m} at m_i: advances past it; nullopt (m_i unchanged) when not a repeat.
  std::optional<std::pair<int64_t, int64_t>> parse_repeat() {
    size_t j = m_i + 1;
    auto number = [&]() -> std::optional<int64_t> {
      size_t start = j;
      int64_t n = 0;
      while (j < m_p.size() && m_p[j] >= '0' && m_p[j] <= '9') {
        n = std::min<int64_t>(n * 10 + (m_p[j] - '0'), 100000);
        ++j;
      }
      if (j == start) return std::nullopt;
      return n;
    };
    auto lo = number();
    if (!lo) return std::nullopt;
    int64_t hi = *lo;
    if (j < m_p.size() && m_p[j] == ',') {
      ++j;
      if (j < m_p.size() && m_p[j] == '}') {
        hi = -1;
      } else {
        auto h = number();
        if (!h) return std::nullopt;
        hi = *h;
      }
    }
    if (j >= m_p.size() || m_p[j] != '}') return std::nullopt;
    m_i = j + 1;
    return std::pair{*lo, hi};
  }

  // An escape at m_i (the backslash); leaves m_i on its last character.
  Result<void> escape(bool in_class) {
    if (m_i + 1 >= m_p.size()) return fail(go_error("trailing backslash at end of expression", ""));
    char e = m_p[m_i + 1];
    ++m_i;
    switch (e) {
      case 'D':
      case 'W':
      case 'S':
        if (!in_class) {
          // one rune that is not a digit / word character / space
          m_out += std::string("(?:(?!\\") + static_cast<char>(e + 32) + ")" +
                   std::string(k_any_rune) + ")";
          return {};
        }
        m_out += '\\';
        m_out += e;
        return {};
      case 'd':
      case 'w':
      case 's':
        m_out += '\\';
        m_out += e;
        return {};
      case 'b':
      case 'B':
        if (in_class) return fail(go_error("invalid escape sequence", "\\b"));
        m_out += '\\';
        m_out += e;
        return {};
      case 'A':
        if (in_class) break;
        m_out += '^';
        return {};
      case 'z':
        if (in_class) break;
        m_out += '$';
        return {};
      case 'f':
        m_out += "\\f";
        return {};
      case 'n':
        m_out += "\\n";
        return {};
      case 'r':
        m_out += "\\r";
        return {};
      case 't':
        m_out += "\\t";
        return {};
      case 'v':
        m_out += "\\v";
        return {};
      case 'a':
        m_out += hex_escape(7);
        return {};
      case 'Q': {
        if (in_class) break;
        size_t end = m_p.find("\\E", m_i + 1);
        std::string_view lit = m_p.substr(
            m_i + 1, end == std::string_view::npos ? std::string_view::npos : end - m_i - 1);
        for (char c : lit)
          literal(static_cast<unsigned char>(c));
        m_i = end == std::string_view::npos ? m_p.size() - 1 : end + 1;
        return {};
      }
      case 'x': {
        size_t j = m_i + 1;
        uint32_t value = 0;
        if (j < m_p.size() && m_p[j] == '{') {
          size_t close = m_p.find('}', j);
          if (close == std::string_view::npos || close == j + 1)
            return fail(go_error("invalid escape sequence", m_p.substr(m_i - 1, 3)));
          for (size_t k = j + 1; k < close; ++k) {
            int d = hex_digit(m_p[k]);
            if (d < 0)
              return fail(go_error("invalid escape sequence", m_p.substr(m_i - 1, k + 2 - m_i)));
            value = value * 16 + static_cast<uint32_t>(d);
            if (value > 0x10FFFF)
              return fail(go_error("invalid escape sequence", m_p.substr(m_i - 1, k + 2 - m_i)));
          }
          m_i = close;
        } else {
          if (j + 1 >= m_p.size() || hex_digit(m_p[j]) < 0 || hex_digit(m_p[j + 1]) < 0) {
            return fail(go_error("invalid escape sequence",
                                 m_p.substr(m_i - 1, std::min<size_t>(4, m_p.size() - m_i + 1))));
          }
          value = static_cast<uint32_t>(hex_digit(m_p[j]) * 16 + hex_digit(m_p[j + 1]));
          m_i = j + 1;
        }
        std::string utf8;
        gotemplate::append_utf8(utf8, static_cast<int32_t>(value));
        if (utf8.size() == 1) {
          m_out += hex_escape(static_cast<unsigned char>(utf8[0]));
        } else if (in_class) {
          return fail("regexp: non-ASCII \\x escapes in a class are beyond plumb's regex engine");
        } else {
          m_out += "(?:" + utf8 + ")";
        }
        return {};
      }
      case 'p':
      case 'P': {
        std::string name;
        size_t j = m_i + 1;
        if (j < m_p.size() && m_p[j] == '{') {
          size_t close = m_p.find('}', j);
          if (close == std::string_view::npos)
            return fail(go_error("invalid character class range", m_p.substr(m_i - 1)));
          name = std::string(m_p.substr(j + 1, close - j - 1));
          m_i = close;
        } else if (j < m_p.size()) {
          name = std::string(1, m_p[j]);
          m_i = j;
        } else {
          return fail(go_error("invalid character class range", m_p.substr(m_i - 1)));
        }
        bool negate = e == 'P';
        if (name.starts_with("^")) {
          negate = !negate;
          name.erase(0, 1);
        }
        std::string set;
        if (name == "L") {
          set = "A-Za-z\\x80-\\xFF";
        } else if (name == "N" || name == "Nd") {
          set = "0-9";
        } else if (name == "Lu") {
          set = "A-Z";
        } else if (name == "Ll") {
          set = "a-z";
        } else {
          return fail("regexp: Unicode class \\p{", name, "} is beyond plumb's regex engine");
        }
        if (in_class) {
          if (negate) return fail("regexp: a negated Unicode class inside [...] is beyond plumb");
          m_out += set;
        } else {
          m_out += std::string(negate ? "[^" : "[") + set + "]";
        }
        return {};
      }
      default:
        break;
    }
    auto u = static_cast<unsigned char>(e);
    if (u < 0x80 && !is_word_char(e)) {
      m_out += hex_escape(u);
      return {};
    }
    return fail(go_error("invalid escape sequence", m_p.substr(m_i - 1, 2)));
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // A class at m_i ('['); leaves m_i on its ']'.
  Result<void> char_class() {
    size_t start = m_i;
    size_t open_at = m_out.size();
    m_out += '[';
    ++m_i;
    bool negated = false;
    if (m_i < m_p.size() && m_p[m_i] == '^') {
      negated = true;
      ++m_i;
    }
    bool first = true;
    while (true) {
      if (m_i >= m_p.size()) return fail(go_error("missing closing ]", m_p.substr(start)));
      char c = m_p[m_i];
      if (c == ']' && !first) break;
      first = false;
      if (c == '[' && m_p.substr(m_i).starts_with("[:")) {
        size_t close = m_p.find(":]", m_i + 2);
        if (close != std::string_view::npos) {
          m_out += m_p.substr(m_i, close + 2 - m_i);
          m_i = close + 2;
          continue;
        }
      }
      // a single item or a range lo-hi
      size_t item_start = m_i;
      // A class like \w ends its item: a '-' after it is a literal, as in Go ([\w-.]).
      bool perl_class = c == '\\' && m_i + 1 < m_p.size() &&
                        std::string_view("dDwWsSpP").find(m_p[m_i + 1]) != std::string_view::npos;
      int32_t lo = TRY(class_char());
      if (!perl_class && m_i + 1 < m_p.size() && m_p[m_i] == '-' && m_p[m_i + 1] != ']') {
        m_out += '-';
        ++m_i;
        int32_t hi = TRY(class_char());
        if (lo >= 0 && hi >= 0 && hi < lo) {
          return fail(
              go_error("invalid character class range", m_p.substr(item_start, m_i - item_start)));
        }
      }
    }
    m_out += ']';
    if (negated) {
      // Go's negated class takes one rune (not one byte) that is not in the class
      std::string positive = m_out.substr(open_at);
      m_out.resize(open_at);
      m_out += "(?:(?!" + positive + ")" + std::string(k_any_rune) + ")";
    }
    return {};
  }

  // One class character at m_i, written out; returns its value (-1 for a class like \d).
  Result<int32_t> class_char() {
    char c = m_p[m_i];
    if (c == '\\') {
      size_t before = m_out.size();
      char e = m_i + 1 < m_p.size() ? m_p[m_i + 1] : '\0';
      TRY(escape(true));
      ++m_i;
      if (e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S' || e == 'p' ||
          e == 'P')
        return -1;
      std::string_view written = std::string_view(m_out).substr(before);
      if (written.size() == 4 && written.starts_with("\\x"))
        return hex_digit(written[2]) * 16 + hex_digit(written[3]);
      if (written == "\\n") return '\n';
      if (written == "\\t") return '\t';
      if (written == "\\r") return '\r';
      if (written == "\\f") return '\f';
      if (written == "\\v") return '\v';
      return -1;
    }
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(m_p, m_i, width);
    if (width == 1) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x80 && !is_word_char(c)) {
        m_out += hex_escape(u);
      } else {
        m_out += c;
      }
    } else {
      // a multi-byte rune in a class: its bytes (an approximation)
      m_out += m_p.substr(m_i, width);
    }
    m_i += width;
    return r;
  }

  std::string_view m_p;
  size_t m_i = 0;
  std::string m_out;
  bool m_icase = false, m_multiline = false, m_dotall = false;
  std::vector<bool> m_groups;
};

// A pattern's compiled form (or its syntax error), shared: matching only reads it.
using CompiledRef = std::shared_ptr<const Result<Compiled>>;

// Building a std::regex costs far more than matching with it (its bracket matchers are
// built through the locale), and charts call the regex functions with the same few literal
// patterns over and over (bitnami's helpers once per resource), so compiled patterns are
// kept for the process, errors included. Bounded: patterns computed from values could
// otherwise grow it without limit; when full it starts again.
CompiledRef compile(std::string_view pattern) {
  constexpr size_t k_max_cached = 512;
  static std::mutex mutex;
  static std::unordered_map<std::string, CompiledRef> cache;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(std::string(pattern));
    if (it != cache.end()) return it->second;
  }
  auto compiled = std::make_shared<const Result<Compiled>>(Translator(pattern).run());
  std::lock_guard lock(mutex);
  if (cache.size() >= k_max_cached) cache.clear();
  cache.emplace(std::string(pattern), compiled);
  return compiled;
}

// regexp.MustCompile's panic, as text/template reports it.
std::string must_compile_message(std::string_view pattern, const std::string& error) {
  std::string quoted = gotemplate::can_backquote(pattern) ? "`" + std::string(pattern) + "`"
                                                          : gotemplate::quote(pattern);
  return "regexp: Compile(" + quoted + "): " + error;
}

using Match = std::vector<std::pair<int64_t, int64_t>>;  // per group; -1 when unmatched

std::optional<Match> search(const Compiled& c, std::string_view s, size_t pos) {
  std::match_results<std::string_view::const_iterator> m;
  auto flags = std::regex_constants::match_default;
  if (pos > 0) flags |= std::regex_constants::match_prev_avail;
  if (!std::regex_search(s.begin() + static_cast<std::ptrdiff_t>(pos), s.end(), m, c.re, flags))
    return std::nullopt;
  Match out;
  for (size_t i = 0; i < m.size(); ++i) {
    if (!m[i].matched) {
      out.emplace_back(-1, -1);
    } else {
      out.emplace_back(m[i].first - s.begin(), m[i].second - s.begin());
    }
  }
  return out;
}

size_t rune_width(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 1;
  size_t width = 1;
  gotemplate::decode_utf8(s, pos, width);
  return width;
}

// Go's allMatches: successive non-overlapping matches; an empty match right after a match is
// dropped.
std::vector<Match> find_all(const Compiled& c, std::string_view s, int64_t n) {
  std::vector<Match> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  int64_t prev_end = -1;
  for (size_t pos = 0; static_cast<int64_t>(out.size()) < n && pos <= s.size();) {
    auto m = search(c, s, pos);
    if (!m) break;
    bool accept = true;
    auto [b, e] = (*m)[0];
    if (e == static_cast<int64_t>(pos)) {
      if (b == prev_end) accept = false;
      pos += rune_width(s, pos);
    } else {
      pos = static_cast<size_t>(e);
    }
    prev_end = e;
    if (accept) out.push_back(std::move(*m));
  }
  return out;
}

// Go's extract: a $name or ${name} at the start of `t`.
bool extract(std::string_view t, std::string& name, int64_t& num, std::string_view& rest) {
  if (t.empty()) return false;
  bool brace = false;
  if (t[0] == '{') {
    brace = true;
    t.remove_prefix(1);
  }
  size_t i = 0;
  while (i < t.size()) {
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(t, i, width);
    if (!gotemplate::is_letter(r) && !gotemplate::is_digit(r) && r != '_') break;
    i += width;
  }
  if (i == 0) return false;
  name = std::string(t.substr(0, i));
  if (brace) {
    if (i >= t.size() || t[i] != '}') return false;
    ++i;
  }
  num = 0;
  for (char ch : name) {
    if (ch < '0' || ch > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (ch - '0');
  }
  if (name[0] == '0' && name.size() > 1) num = -1;
  rest = t.substr(i);
  return true;
}

void expand(std::string& out, std::string_view t, const Compiled& c, std::string_view s,
            const Match& m) {
  while (!t.empty()) {
    size_t dollar = t.find('$');
    if (dollar == std::string_view::npos) break;
    out += t.substr(0, dollar);
    t.remove_prefix(dollar + 1);
    if (!t.empty() && t[0] == '$') {
      out += '$';
      t.remove_prefix(1);
      continue;
    }
    std::string name;
    int64_t num = 0;
    std::string_view rest;
    if (!extract(t, name, num, rest)) {
      out += '$';
      continue;
    }
    t = rest;
    auto group = [&](size_t i) {
      if (i < m.size() && m[i].first >= 0)
        out += s.substr(static_cast<size_t>(m[i].first),
                        static_cast<size_t>(m[i].second - m[i].first));
    };
    if (num >= 0) {
      group(static_cast<size_t>(num));
    } else {
      for (size_t i = 0; i < c.names.size(); ++i) {
        if (c.names[i] == name && i < m.size() && m[i].first >= 0) {
          group(i);
          break;
        }
      }
    }
  }
  out += t;
}

// Go's replaceAll.
std::string replace_all(const Compiled& c, std::string_view s, std::string_view repl,
                        bool literal) {
  std::string out;
  size_t last_end = 0;
  size_t search_pos = 0;
  while (search_pos <= s.size()) {
    auto m = search(c, s, search_pos);
    if (!m) break;
    auto [b, e] = (*m)[0];
    out += s.substr(last_end, static_cast<size_t>(b) - last_end);
    if (static_cast<size_t>(e) > last_end || b == 0) {
      if (literal) {
        out += repl;
      } else {
        expand(out, repl, c, s, *m);
      }
    }
    last_end = static_cast<size_t>(e);
    size_t width = search_pos < s.size() ? rune_width(s, search_pos) : 0;
    if (search_pos + width > static_cast<size_t>(e)) {
      search_pos += width;
    } else if (search_pos + 1 > static_cast<size_t>(e)) {
      ++search_pos;
    } else {
      search_pos = static_cast<size_t>(e);
    }
  }
  out += s.substr(last_end);
  return out;
}

// Go's Regexp.Split.
std::vector<std::string> split(const Compiled& c, std::string_view pattern, std::string_view s,
                               int64_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (!pattern.empty() && s.empty()) return {""};
  std::vector<Match> matches = find_all(c, s, n);
  size_t beg = 0, end = 0;
  for (const Match& m : matches) {
    if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) break;
    end = static_cast<size_t>(m[0].first);
    if (m[0].second != 0) out.emplace_back(s.substr(beg, end - beg));
    beg = static_cast<size_t>(m[0].second);
  }
  if (end != s.size()) out.emplace_back(s.substr(beg));
  return out;
}

std::string quote_meta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string group0(std::string_view s, const Match& m) {
  return std::string(
      s.substr(static_cast<size_t>(m[0].first), static_cast<size_t>(m[0].second - m[0].first)));
}

// Registers NAME (compile errors as MustCompile's panic) and mustNAME (as the error).
// std::regex's executor recurses for each character a pattern consumes, so a long input
// exhausts a thread's stack. Long inputs are matched on a thread of their own with a stack
// sized to the input (reserved address space; only what the recursion touches is used).
constexpr size_t k_small_input = 2048;
constexpr size_t k_stack_per_byte = 4096;

template <typename F>
Result<Value> run_deep(size_t input_size, F&& body) {
  if (input_size <= k_small_input) return body();
  struct Job {
    F* body;
    std::optional<Result<Value>> result;
  } job{&body, std::nullopt};
  size_t stack = (size_t{16} << 20) + input_size * k_stack_per_byte;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack);
  pthread_t thread;
  int rc = pthread_create(
      &thread, &attr,
      [](void* arg) -> void* {
        auto* j = static_cast<Job*>(arg);
        j->result.emplace((*j->body)());
        return nullptr;
      },
      &job);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    return fail("regexp: input of ", std::to_string(input_size),
                " bytes is too long for plumb's regex engine");
  }
  pthread_join(thread, nullptr);
  return std::move(*job.result);
}

template <typename F>
void define_pair(gotemplate::FuncMap& f, const std::string& name, std::vector<Param> params,
                 F body) {
  auto upper = name;
  upper[0] = static_cast<char>(upper[0] - 32);
  define(f, name, params, [body](CallContext&, Args a) -> Result<Value> {
    CompiledRef ref = compile(a[0].as_string());
    const Result<Compiled>& c = *ref;
    if (!c) return fail(must_compile_message(a[0].as_string(), c.error().message()));
    return run_deep(a[1].as_string().size(), [&] { return body(*c, a); });
  });
  define(f, "must" + upper, params, [body](CallContext&, Args a) -> Result<Value> {
    CompiledRef ref = compile(a[0].as_string());
    const Result<Compiled>& c = *ref;
    if (!c) return std::unexpected(c.error());
    return run_deep(a[1].as_string().size(), [&] { return body(*c, a); });
  });
}

}  // namespace

void add_regex_functions(gotemplate::FuncMap& f) {
  using P = Param;
  define(f, "regexMatch", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    CompiledRef ref = compile(a[0].as_string());
    const Result<Compiled>& c = *ref;
    if (!c) return Value::boolean(false);
    return run_deep(a[1].as_string().size(), [&]() -> Result<Value> {
      return Value::boolean(search(*c, a[1].as_string(), 0).has_value());
    });
  });
  define(f, "mustRegexMatch", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    CompiledRef ref = compile(a[0].as_string());
    if (!*ref) return std::unexpected(ref->error());
    return run_deep(a[1].as_string().size(), [&]() -> Result<Value> {
      return Value::boolean(search(**ref, a[1].as_string(), 0).has_value());
    });
  });
  define_pair(f, "regexFind", {P::string, P::string},
              [](const Compiled& c, Args a) -> Result<Value> {
                auto m = search(c, a[1].as_string(), 0);
                return Value::string(m ? group0(a[1].as_string(), *m) : "");
              });
  define_pair(f, "regexFindAll", {P::string, P::string, P::int_},
              [](const Compiled& c, Args a) -> Result<Value> {
                std::vector<std::string> out;
                for (const Match& m : find_all(c, a[1].as_string(), a[2].as_int()))
                  out.push_back(group0(a[1].as_string(), m));
                return string_list(out);
              });
  define_pair(f, "regexReplaceAll", {P::string, P::string, P::string},
              [](const Compiled& c, Args a) -> Result<Value> {
                return Value::string(replace_all(c, a[1].as_string(), a[2].as_string(), false));
              });
  define_pair(f, "regexReplaceAllLiteral", {P::string, P::string, P::string},
              [](const Compiled& c, Args a) -> Result<Value> {
                return Value::string(replace_all(c, a[1].as_string(), a[2].as_string(), true));
              });
  define_pair(f, "regexSplit", {P::string, P::string, P::int_},
              [](const Compiled& c, Args a) -> Result<Value> {
                return string_list(split(c, a[0].as_string(), a[1].as_string(), a[2].as_int()));
              });
  define(f, "regexQuoteMeta", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return Value::string(quote_meta(a[0].as_string()));
  });
}

}  // namespace plumb::sprig
