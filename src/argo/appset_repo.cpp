// What Argo's repo-server lists for the git generator, over a tree: GetGitDirectories (a
// filepath.WalkDir of the checkout) and GetGitFiles with the default globbing (`git ls-files
// -- PATTERN`: git's pathspec and its wildmatch without WM_PATHNAME). with_git_revision: the
// repository access over Plumb's git sources.
#include <algorithm>
#include <bitset>
#include <cctype>
#include <vector>

#include "argo/appset_parts.hpp"
#include "source/git.hpp"

namespace plumb::argo {

namespace appset {
namespace {

// A directory being walked: its path ("" for the root) and its entries.
struct Frame {
  std::string path;
  std::vector<std::string> names;
  size_t next = 0;
};

std::string child_of(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// A symlink (WalkDir does not follow them; git lists them as files): the path resolves
// elsewhere, or nowhere.
bool is_symlink(const FileSystem& tree, const std::string& path) {
  auto resolved = tree.resolve(path);
  return !resolved || *resolved != "/" + path;
}

// Visits the tree depth first in name order; `visit(path, is_dir)` says whether to descend.
template <typename Visit>
Result<void> walk(const FileSystem& tree, Visit visit) {
  std::vector<Frame> stack;
  stack.push_back(Frame{"", TRY(tree.list_dir("/")), 0});
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.names.size()) {
      stack.pop_back();
      continue;
    }
    std::string path = child_of(top.path, top.names[top.next++]);
    bool dir = !is_symlink(tree, path) && tree.is_dir(path);
    if (!visit(path, dir) || !dir) continue;
    std::vector<std::string> names = TRY(tree.list_dir("/" + path));
    stack.push_back(Frame{std::move(path), std::move(names), 0});
  }
  return {};
}

// git's wildmatch without WM_PATHNAME: `*` (and `**`) any run of bytes, `/` included; `?` any
// byte; `[...]` a class (ranges, `!` or `^` to negate, `\` escapes, [:alpha:] and the other
// POSIX classes); `\x` the byte x. A malformed pattern (unclosed class, unknown class name,
// trailing `\`) matches nothing, as dowild aborts on it. Matched greedily with one backtrack
// point (linear in text × pattern).
class Wildmatch {
 public:
  explicit Wildmatch(std::string_view pattern) { m_valid = compile(pattern); }

  bool matches(std::string_view text) const {
    if (!m_valid) return false;
    size_t t = 0, p = 0, star = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
      if (p < m_tokens.size() && !m_tokens[p].star &&
          m_tokens[p].set.test(static_cast<unsigned char>(text[t]))) {
        ++p;
        ++t;
      } else if (p < m_tokens.size() && m_tokens[p].star) {
        star = p++;
        star_t = t;
      } else if (star != std::string_view::npos) {
        p = star + 1;
        t = ++star_t;
      } else {
        return false;
      }
    }
    while (p < m_tokens.size() && m_tokens[p].star)
      ++p;
    return p == m_tokens.size();
  }

 private:
  struct Token {
    bool star = false;
    std::bitset<256> set;  // the bytes a single-byte token matches
  };

  static bool in_class(std::string_view name, unsigned char c) {
    if (name == "alnum") return std::isalnum(c);
    if (name == "alpha") return std::isalpha(c);
    if (name == "blank") return c == ' ' || c == '\t';
    if (name == "cntrl") return std::iscntrl(c);
    if (name == "digit") return std::isdigit(c);
    if (name == "graph") return std::isgraph(c);
    if (name == "lower") return std::islower(c);
    if (name == "print") return std::isprint(c);
    if (name == "punct") return std::ispunct(c);
    if (name == "space") return std::isspace(c);
    if (name == "upper") return std::isupper(c);
    return std::isxdigit(c);
  }

  // dowild's `[` branch, from the byte after `[`; i ends after the closing `]`.
  static bool compile_class(std::string_view p, size_t& i, std::bitset<256>& set) {
    auto at = [&](size_t k) -> unsigned char { return k < p.size() ? p[k] : 0; };
    unsigned char c = at(i);
    if (c == '^') c = '!';
    bool negated = c == '!';
    if (negated) c = at(++i);
    unsigned char prev = 0;
    do {
      if (!c) return false;
      if (c == '\\') {
        c = at(++i);
        if (!c) return false;
        set.set(c);
      } else if (c == '-' && prev && at(i + 1) && at(i + 1) != ']') {
        c = at(++i);
        if (c == '\\') {
          c = at(++i);
          if (!c) return false;
        }
        for (unsigned v = prev; v <= c; ++v)
          set.set(v);
        c = 0;
      } else if (c == '[' && at(i + 1) == ':') {
        size_t s = i + 2, k = s;
        while (at(k) && at(k) != ']')
          ++k;
        if (!at(k)) return false;
        if (k == s || at(k - 1) != ':') {  // no ":]": a plain `[`
          set.set('[');
          prev = '[';
          c = at(++i);
          continue;
        }
        std::string_view name = p.substr(s, k - 1 - s);
        static constexpr std::string_view k_names[] = {"alnum", "alpha", "blank", "cntrl",
                                                       "digit", "graph", "lower", "print",
                                                       "punct", "space", "upper", "xdigit"};
        if (std::find(std::begin(k_names), std::end(k_names), name) == std::end(k_names))
          return false;
        for (unsigned v = 1; v < 256; ++v)
          if (in_class(name, static_cast<unsigned char>(v))) set.set(v);
        i = k;
        c = 0;
      } else {
        set.set(c);
      }
      prev = c;
      c = at(++i);
    } while (c != ']');
    ++i;
    if (negated) set.flip();
    set.reset(0);
    return true;
  }

  bool compile(std::string_view p) {
    for (size_t i = 0; i < p.size();) {
      unsigned char c = p[i];
      Token token;
      if (c == '*') {
        while (i < p.size() && p[i] == '*')
          ++i;
        token.star = true;
      } else if (c == '?') {
        token.set.set();
        ++i;
      } else if (c == '[') {
        ++i;
        if (!compile_class(p, i, token.set)) return false;
      } else if (c == '\\') {
        if (i + 1 >= p.size()) return false;
        token.set.set(static_cast<unsigned char>(p[i + 1]));
        i += 2;
      } else {
        token.set.set(c);
        ++i;
      }
      token.set.reset(0);
      m_tokens.push_back(token);
    }
    return true;
  }

  bool m_valid = false;
  std::vector<Token> m_tokens;
};

// git's prefix_path for a pathspec given at the top: "." and empty components dropped, ".."
// taken back (not past the top), a trailing "/" kept.
Result<std::string> normalize_pathspec(std::string_view pattern) {
  std::string clean = clean_path(pattern);
  if (is_abs_path(clean) || clean == ".." || clean.starts_with("../"))
    return fail("'", pattern, "' is outside repository");
  if (clean == ".") return std::string();
  if (pattern.ends_with('/')) clean += '/';
  return clean;
}

}  // namespace

bool pathspec_matches(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return true;
  if (pattern.size() <= path.size() && path.substr(0, pattern.size()) == pattern) {
    if (pattern.size() == path.size()) return true;
    if (pattern.back() == '/' || path[pattern.size()] == '/') return true;
  }
  if (pattern.find_first_of("*?[\\") == std::string_view::npos) return false;
  return Wildmatch(pattern).matches(path);
}

Result<std::vector<std::string>> git_directories(const FileSystem& tree) {
  std::vector<std::string> out;
  TRY_VOID(walk(tree, [&](const std::string& path, bool dir) {
    if (!dir) return false;
    if (base_name(path).starts_with('.')) return false;  // hidden: left out with its contents
    out.push_back(path);
    return true;
  }));
  return out;
}

Result<std::vector<std::string>> git_files(const FileSystem& tree, std::string_view pattern) {
  std::string spec = TRY(normalize_pathspec(pattern));
  std::vector<std::string> out;
  TRY_VOID(walk(tree, [&](const std::string& path, bool dir) {
    if (dir) return path != ".git";
    if (pathspec_matches(spec, path)) out.push_back(path);
    return false;
  }));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace appset

Result<void> with_git_revision(source::GitSource& source, std::string_view revision,
                               const RepoUse& use) {
  std::string ref = revision == "HEAD" ? "" : std::string(revision);
  source::Revision resolved = TRY(source.fetch_git_ref(ref, source::GitAuth{}));
  std::unique_ptr<FileSystem> files = TRY(source.files(resolved.commit));
  return use(RepoSnapshot{resolved.commit, files.get()});
}

}  // namespace plumb::argo
