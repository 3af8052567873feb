#include "sops/rule_regex.hpp"

#include <cctype>
#include <string>

namespace plumb::sops {

struct RuleRegex::Compiled {
  regex_t regex{};
  ~Compiled() { regfree(&regex); }
};

namespace {

constexpr std::string_view k_ere_special = ".[]()*+?{}|^$\\";

bool is_quantifier_end(char c) {
  return c == '*' || c == '+' || c == '?' || c == '}';
}

// The inside of a bracket expression, from just after `[` (and `^`); returns the position
// after the closing `]`.
Result<size_t> translate_class(std::string_view p, size_t i, std::string& out) {
  bool first = true;
  while (i < p.size()) {
    char c = p[i];
    if (c == ']' && !first) {
      out += ']';
      return i + 1;
    }
    first = false;
    if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      size_t end = p.find(":]", i + 2);
      if (end == std::string_view::npos) return fail("unterminated [: class");
      out += p.substr(i, end + 2 - i);
      i = end + 2;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= p.size()) return fail("trailing backslash");
      char e = p[i + 1];
      i += 2;
      switch (e) {
        case 'd':
          out += "0-9";
          continue;
        case 's':
          out += "[:space:]";
          continue;
        case 'w':
          out += "[:alnum:]_";
          continue;
        case 'n':
          out += '\n';
          continue;
        case 't':
          out += '\t';
          continue;
        case ']':
        case '^':
        case '-':
        case '[':
          return fail("escaped '", std::string(1, e), "' in a character class is not supported");
        default:
          if (std::isalnum(static_cast<unsigned char>(e)))
            return fail("\\", std::string(1, e), " in a character class is not supported");
          out += e;  // \. \\ \/ ...: the character itself (a backslash is literal in POSIX)
          continue;
      }
    }
    out += c;
    ++i;
  }
  return fail("missing closing ]");
}

Result<std::string> translate(std::string_view p) {
  std::string out;
  size_t i = 0;
  bool after_quantifier = false;  // the last token emitted was an unescaped quantifier
  while (i < p.size()) {
    char c = p[i];
    bool was_quantifier = after_quantifier;
    after_quantifier = false;
    if (c == '\\') {
      if (i + 1 >= p.size()) return fail("trailing backslash");
      char e = p[i + 1];
      i += 2;
      switch (e) {
        case 'd':
          out += "[0-9]";
          break;
        case 'D':
          out += "[^0-9]";
          break;
        case 's':
          out += "[[:space:]]";
          break;
        case 'S':
          out += "[^[:space:]]";
          break;
        case 'w':
          out += "[[:alnum:]_]";
          break;
        case 'W':
          out += "[^[:alnum:]_]";
          break;
        case 'b':
        case 'B':
          out += '\\';
          out += e;  // GNU extensions in glibc's ERE
          break;
        case 'A':
          out += '^';
          break;
        case 'z':
          out += '$';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        default:
          if (std::isalnum(static_cast<unsigned char>(e)))
            return fail("\\", std::string(1, e), " is not supported");
          if (k_ere_special.find(e) != std::string_view::npos) out += '\\';
          out += e;
      }
      continue;
    }
    if (c == '[') {
      out += '[';
      ++i;
      if (i < p.size() && p[i] == '^') {
        out += '^';
        ++i;
      }
      i = TRY(translate_class(p, i, out));
      continue;
    }
    if (c == '(' && i + 1 < p.size() && p[i + 1] == '?') {
      if (p.substr(i).starts_with("(?:")) {
        out += '(';
        i += 3;
        continue;
      }
      if (p.substr(i).starts_with("(?P<") || p.substr(i).starts_with("(?<")) {
        size_t close = p.find('>', i);
        if (close == std::string_view::npos) return fail("unterminated group name");
        out += '(';
        i = close + 1;
        continue;
      }
      return fail("flags inside the pattern are not supported");
    }
    if (c == '?' && was_quantifier) {
      ++i;  // lazy quantifier: the same answer to "does it match"
      continue;
    }
    after_quantifier = is_quantifier_end(c);
    out += c;
    ++i;
  }
  return out;
}

}  // namespace

Result<RuleRegex> RuleRegex::compile(std::string_view pattern) {
  if (pattern.size() > 1024) return fail("the rule's regular expression is too long");
  int flags = REG_EXTENDED | REG_NOSUB;
  if (pattern.starts_with("(?")) {
    size_t close = pattern.find(')');
    std::string_view group = pattern.substr(2, close == std::string_view::npos ? 0 : close - 2);
    if (close != std::string_view::npos && !group.empty() &&
        group.find_first_not_of("ims") == std::string_view::npos) {
      if (group.find('i') != std::string_view::npos) flags |= REG_ICASE;
      pattern.remove_prefix(close + 1);
    }
  }
  auto translated = translate(pattern);
  if (!translated) return fail("the rule's regular expression: ", translated.error().message());
  auto compiled = std::make_shared<Compiled>();
  if (regcomp(&compiled->regex, translated->c_str(), flags) != 0) {
    // regcomp leaves nothing to free on failure; keep the destructor from freeing garbage.
    compiled->regex = regex_t{};
    return fail("the rule's regular expression does not compile");
  }
  RuleRegex out;
  out.m_compiled = std::move(compiled);
  return out;
}

bool RuleRegex::search(std::string_view text) const {
  // REG_STARTEND bounds the match (keys may hold NUL bytes), but regexec is still handed a
  // NUL-terminated copy: sanitizers' interceptors read up to the NUL (found by sops_fuzz).
  std::string subject(text);
  regmatch_t range[1];
  range[0].rm_so = 0;
  range[0].rm_eo = static_cast<regoff_t>(subject.size());
  return regexec(&m_compiled->regex, subject.c_str(), 1, range, REG_STARTEND) == 0;
}

}  // namespace plumb::sops
