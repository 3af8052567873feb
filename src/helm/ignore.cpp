#include "helm/ignore.hpp"

#include "core/strings.hpp"

namespace plumb::helm {
namespace {

struct BadPattern {};

// One UTF-8 sequence at the front of s (an invalid byte counts alone, as U+FFFD).
char32_t decode_rune(std::string_view s, size_t& n) {
  auto b = static_cast<unsigned char>(s[0]);
  auto cont = [&](size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  };
  if (b < 0x80) {
    n = 1;
    return b;
  }
  size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || b >= 0xF8) {
    n = 1;
    return 0xFFFD;
  }
  char32_t r = b & (0x7F >> len);
  for (size_t i = 1; i < len; ++i) {
    if (!cont(i)) {
      n = 1;
      return 0xFFFD;
    }
    r = (r << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  n = len;
  return r;
}

void scan_chunk(std::string_view& pattern, bool& star, std::string_view& chunk) {
  star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  chunk = pattern.substr(0, i);
  pattern.remove_prefix(i);
}

char32_t get_esc(std::string_view& chunk) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') throw BadPattern{};
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) throw BadPattern{};
  }
  size_t n = 0;
  char32_t r = decode_rune(chunk, n);
  if (r == 0xFFFD && n == 1 && static_cast<unsigned char>(chunk[0]) >= 0x80) throw BadPattern{};
  chunk.remove_prefix(n);
  if (chunk.empty()) throw BadPattern{};
  return r;
}

// Matches chunk at the front of s; the rest of s on success.
bool match_chunk(std::string_view chunk, std::string_view s, std::string_view& rest) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        char32_t r = 0;
        if (!failed) {
          size_t n = 0;
          r = decode_rune(s, n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int nrange = 0;
        while (true) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          char32_t lo = get_esc(chunk);
          char32_t hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            hi = get_esc(chunk);
          }
          if (lo <= r && r <= hi) match = true;
          ++nrange;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          size_t n = 0;
          decode_rune(s, n);
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) throw BadPattern{};
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return false;
  rest = s;
  return true;
}

bool match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    bool star = false;
    std::string_view chunk;
    scan_chunk(pattern, star, chunk);
    if (star && chunk.empty()) return name.find('/') == std::string_view::npos;
    std::string_view t;
    bool ok = match_chunk(chunk, name, t);
    if (ok && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    bool matched = false;
    if (star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        if (match_chunk(chunk, name.substr(i + 1), t)) {
          if (pattern.empty() && !t.empty()) continue;
          name = t;
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    // The rest of the pattern must still be well formed.
    while (!pattern.empty()) {
      scan_chunk(pattern, star, chunk);
      std::string_view ignored;
      match_chunk(chunk, "", ignored);
    }
    return false;
  }
  return name.empty();
}

}  // namespace

Result<bool> go_path_match(std::string_view pattern, std::string_view name) {
  try {
    return match(pattern, name);
  } catch (const BadPattern&) {
    return fail("syntax error in pattern");
  }
}

Result<IgnoreRules> IgnoreRules::parse(std::string_view text) {
  IgnoreRules rules;
  bool first = true;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (first && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    first = false;
    TRY_VOID(rules.add_rule(line));
  }
  return rules;
}

void IgnoreRules::add_defaults() {
  (void)add_rule("templates/.?*");
}

Result<void> IgnoreRules::add_rule(std::string_view rule) {
  rule = trim(rule);
  if (rule.empty() || rule.starts_with('#')) return {};
  if (rule.find("**") != std::string_view::npos)
    return fail("double-star (**) syntax is not supported");
  TRY_VOID(go_path_match(rule, "abc"));
  Pattern p;
  if (rule.starts_with('!')) {
    p.negate = true;
    rule.remove_prefix(1);
  }
  if (rule.ends_with('/')) {
    p.must_dir = true;
    rule.remove_suffix(1);
  }
  if (rule.starts_with('/')) {
    rule.remove_prefix(1);
    p.match = Pattern::Match::path;
  } else if (rule.find('/') != std::string_view::npos) {
    p.match = Pattern::Match::path;
  }
  p.rule = std::string(rule);
  auto plain = [](std::string_view s) {
    return s.find_first_of("*?[\\") == std::string_view::npos;
  };
  if (plain(rule))
    p.shape = Pattern::Shape::literal;
  else if (rule.size() > 1 && rule[0] == '*' && plain(rule.substr(1)))
    p.shape = Pattern::Shape::star_suffix;
  m_patterns.push_back(std::move(p));
  return {};
}

bool IgnoreRules::ignore(std::string_view path, bool is_dir) const {
  if (path.empty() || path == "." || path == "./") return false;
  for (const Pattern& p : m_patterns) {
    std::string_view subject = path;
    if (p.match == Pattern::Match::base_name) {
      // filepath.Base: the last element, trailing slashes dropped.
      while (subject.size() > 1 && subject.back() == '/')
        subject.remove_suffix(1);
      size_t slash = subject.rfind('/');
      if (slash != std::string_view::npos && subject.size() > 1)
        subject = subject.substr(slash + 1);
    }
    bool matched = false;
    switch (p.shape) {
      case Pattern::Shape::literal:
        matched = subject == p.rule;
        break;
      case Pattern::Shape::star_suffix: {  // `*` takes any run without '/'
        std::string_view suffix = std::string_view(p.rule).substr(1);
        matched =
            subject.ends_with(suffix) &&
            subject.substr(0, subject.size() - suffix.size()).find('/') == std::string_view::npos;
        break;
      }
      case Pattern::Shape::glob:
        matched = go_path_match(p.rule, subject).value_or(false);
        break;
    }
    if (p.negate) {
      if (p.must_dir && !is_dir) return true;
      if (!matched) return true;
      continue;
    }
    if (p.must_dir && !is_dir) continue;
    if (matched) return true;
  }
  return false;
}

}  // namespace plumb::helm
