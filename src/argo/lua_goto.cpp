// Lua 5.2's goto in a Lua 5.1 script, the way Argo CD's scripts use it (gopher-lua, which Argo CD
// runs, accepts 5.2's goto and labels): `goto continue` to a `::continue::` that ends an
// enclosing block. Such a block is wrapped in `repeat ... until true` and each goto to its label
// becomes `do break end`, text put in place of text so that line numbers stay. Any other goto
// (backwards, to a label in the middle of a block, out of a loop, or where a `break` of the block
// would then leave the wrong loop) is refused with a message saying so; a label no goto names is
// removed.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "argo/lua_sandbox.hpp"

namespace plumb::argo::lua_detail {
namespace {

enum class TokenKind { name, keyword, symbol, other, end_of_text };

struct Token {
  TokenKind kind;
  std::string_view text;
  size_t offset;
  int line;
};

constexpr std::string_view k_keywords[] = {"and",   "break", "do",       "else", "elseif", "end",
                                           "false", "for",   "function", "goto", "if",     "in",
                                           "local", "nil",   "not",      "or",   "repeat", "return",
                                           "then",  "true",  "until",    "while"};

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// The level of a long bracket opening at s[i] ("[[" 0, "[==[" 2), or nullopt.
std::optional<size_t> long_bracket(std::string_view s, size_t i) {
  if (i >= s.size() || s[i] != '[') return std::nullopt;
  size_t j = i + 1;
  while (j < s.size() && s[j] == '=')
    ++j;
  if (j < s.size() && s[j] == '[') return j - i - 1;
  return std::nullopt;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : m_text(text) {}

  Result<std::vector<Token>> tokens() {
    std::vector<Token> out;
    for (;;) {
      skip_space_and_comments();
      if (!m_error.empty()) return fail(m_error);
      if (m_at >= m_text.size()) {
        out.push_back({TokenKind::end_of_text, {}, m_at, m_line});
        return out;
      }
      size_t start = m_at;
      int line = m_line;
      TokenKind kind = next();
      if (!m_error.empty()) return fail(m_error);
      std::string_view text = m_text.substr(start, m_at - start);
      if (kind == TokenKind::name &&
          std::find(std::begin(k_keywords), std::end(k_keywords), text) != std::end(k_keywords))
        kind = TokenKind::keyword;
      out.push_back({kind, text, start, line});
    }
  }

 private:
  void skip_long(size_t level) {
    std::string close = "]" + std::string(level, '=') + "]";
    size_t end = m_text.find(close, m_at);
    if (end == std::string_view::npos) {
      m_error = "unfinished long string or comment";
      m_at = m_text.size();
      return;
    }
    m_line += static_cast<int>(std::count(m_text.begin() + static_cast<ptrdiff_t>(m_at),
                                          m_text.begin() + static_cast<ptrdiff_t>(end), '\n'));
    m_at = end + close.size();
  }

  void skip_space_and_comments() {
    while (m_at < m_text.size()) {
      char c = m_text[m_at];
      if (c == '\n') {
        ++m_line;
        ++m_at;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++m_at;
      } else if (m_text.substr(m_at, 2) == "--") {
        m_at += 2;
        if (auto level = long_bracket(m_text, m_at)) {
          m_at += *level + 2;
          skip_long(*level);
        } else {
          while (m_at < m_text.size() && m_text[m_at] != '\n')
            ++m_at;
        }
      } else {
        return;
      }
    }
  }

  TokenKind next() {
    char c = m_text[m_at];
    if (is_name_start(c)) {
      while (m_at < m_text.size() && is_name_char(m_text[m_at]))
        ++m_at;
      return TokenKind::name;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && m_at + 1 < m_text.size() &&
                                   m_text[m_at + 1] >= '0' && m_text[m_at + 1] <= '9')) {
      while (m_at < m_text.size() && (is_name_char(m_text[m_at]) || m_text[m_at] == '.' ||
                                      ((m_text[m_at] == '+' || m_text[m_at] == '-') &&
                                       (m_text[m_at - 1] == 'e' || m_text[m_at - 1] == 'E'))))
        ++m_at;
      return TokenKind::other;
    }
    if (c == '"' || c == '\'') {
      ++m_at;
      while (m_at < m_text.size() && m_text[m_at] != c) {
        if (m_text[m_at] == '\n') ++m_line;
        if (m_text[m_at] == '\\' && m_at + 1 < m_text.size()) {
          if (m_text[m_at + 1] == '\n') ++m_line;
          ++m_at;
        }
        ++m_at;
      }
      if (m_at >= m_text.size()) {
        m_error = "unfinished string";
        return TokenKind::other;
      }
      ++m_at;
      return TokenKind::other;
    }
    if (auto level = long_bracket(m_text, m_at)) {
      m_at += *level + 2;
      skip_long(*level);
      return TokenKind::other;
    }
    for (std::string_view symbol : {"...", "::", "..", "==", "~=", "<=", ">="}) {
      if (m_text.substr(m_at, symbol.size()) == symbol) {
        m_at += symbol.size();
        return TokenKind::symbol;
      }
    }
    ++m_at;
    return TokenKind::symbol;
  }

  std::string_view m_text;
  size_t m_at = 0;
  int m_line = 1;
  std::string m_error;
};

enum class BlockKind { chunk, plain, loop, function, loop_head, if_head, function_head };

struct Block {
  BlockKind kind;
  int parent;    // the enclosing block (-1 for the chunk)
  size_t start;  // where its statements begin
};

struct Label {
  std::string_view name;
  int block;
  size_t offset, size;  // from the first "::" to the end of the second
  bool last;            // the last statement of its block
  int line;
};

struct Jump {
  std::string_view name;
  int block;
  size_t offset, size;  // "goto NAME"
  int line;
};

struct Edit {
  size_t offset, size;
  std::string text;
};

bool is_block(BlockKind k) {
  return k == BlockKind::chunk || k == BlockKind::plain || k == BlockKind::loop ||
         k == BlockKind::function;
}

bool ends_block(const Token& t) {
  return t.kind == TokenKind::end_of_text ||
         (t.kind == TokenKind::keyword &&
          (t.text == "end" || t.text == "else" || t.text == "elseif" || t.text == "until"));
}

std::unexpected<Error> refuse(int line, std::string_view what, std::string_view why) {
  return fail("<string>:", std::to_string(line), ": ", what, ": ", why,
              " (Plumb runs Lua 5.1, which has no goto; it takes only a goto that leaves an "
              "enclosing block to the label ending it, as `goto continue` does)");
}
std::unexpected<Error> refuse(const Jump& jump, std::string_view why) {
  return refuse(jump.line, "goto " + std::string(jump.name), why);
}

}  // namespace

Result<std::string> rewrite_goto(std::string_view source) {
  if (source.find("goto") == std::string_view::npos && source.find("::") == std::string_view::npos)
    return std::string(source);
  std::vector<Token> tokens = TRY(Lexer(source).tokens());

  std::vector<Block> blocks{{BlockKind::chunk, -1, 0}};
  std::vector<int> stack{0};
  std::vector<Label> labels;
  std::vector<Jump> jumps;
  std::vector<std::pair<int, int>> breaks;  // block, line
  // The innermost statement block (headers hold expressions only).
  auto current = [&]() {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it)
      if (is_block(blocks[static_cast<size_t>(*it)].kind)) return *it;
    return 0;
  };
  auto push = [&](BlockKind kind, size_t start) {
    blocks.push_back({kind, current(), start});
    stack.push_back(static_cast<int>(blocks.size() - 1));
  };
  auto top_kind = [&]() { return blocks[static_cast<size_t>(stack.back())].kind; };
  auto after = [](const Token& t) { return t.offset + t.text.size(); };

  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::keyword) {
      if (t.text == "function") {
        push(BlockKind::function_head, 0);
      } else if (t.text == "while" || t.text == "for") {
        push(BlockKind::loop_head, 0);
      } else if (t.text == "if") {
        push(BlockKind::if_head, 0);
      } else if (t.text == "do") {
        if (top_kind() == BlockKind::loop_head) {
          stack.pop_back();
          push(BlockKind::loop, after(t));
        } else {
          push(BlockKind::plain, after(t));
        }
      } else if (t.text == "repeat") {
        push(BlockKind::loop, after(t));
      } else if (t.text == "then" && top_kind() == BlockKind::if_head) {
        stack.pop_back();
        push(BlockKind::plain, after(t));
      } else if ((t.text == "elseif" || t.text == "else") && stack.size() > 1) {
        stack.pop_back();
        push(t.text == "else" ? BlockKind::plain : BlockKind::if_head, after(t));
      } else if ((t.text == "end" || t.text == "until") && stack.size() > 1) {
        stack.pop_back();
      } else if (t.text == "goto" && i + 1 < tokens.size() &&
                 tokens[i + 1].kind == TokenKind::name) {
        jumps.push_back(
            {tokens[i + 1].text, current(), t.offset, after(tokens[i + 1]) - t.offset, t.line});
        ++i;
      } else if (t.text == "break") {
        breaks.emplace_back(current(), t.line);
      }
    } else if (t.kind == TokenKind::symbol && t.text == ")" &&
               top_kind() == BlockKind::function_head) {
      stack.pop_back();
      push(BlockKind::function, after(t));
    } else if (t.kind == TokenKind::symbol && t.text == "::" && i + 2 < tokens.size() &&
               tokens[i + 1].kind == TokenKind::name && tokens[i + 2].text == "::") {
      size_t j = i + 3;
      while (tokens[j].text == ";" ||
             (tokens[j].text == "::" && j + 2 < tokens.size() && tokens[j + 2].text == "::"))
        j += tokens[j].text == ";" ? 1 : 3;
      labels.push_back({tokens[i + 1].text, current(), t.offset, after(tokens[i + 2]) - t.offset,
                        ends_block(tokens[j]), t.line});
      i += 2;
    }
  }

  auto parent = [&](int block) { return blocks[static_cast<size_t>(block)].parent; };
  auto kind = [&](int block) { return blocks[static_cast<size_t>(block)].kind; };

  // Each goto's label: the innermost visible one of its name.
  std::vector<Edit> edits;
  std::map<size_t, int> wrapped;  // label index → its block
  std::vector<std::pair<const Jump*, size_t>> resolved;
  for (const Jump& jump : jumps) {
    std::optional<size_t> target;
    for (int b = jump.block; b >= 0 && !target; b = parent(b)) {
      for (size_t l = 0; l < labels.size(); ++l)
        if (labels[l].block == b && labels[l].name == jump.name) target = l;
      if (kind(b) == BlockKind::function) break;
    }
    if (!target) return refuse(jump, "no visible label");
    const Label& label = labels[*target];
    if (label.offset < jump.offset) return refuse(jump, "it jumps backwards");
    if (!label.last) return refuse(jump, "its label does not end its block");
    for (int b = jump.block; b != label.block; b = parent(b))
      if (kind(b) == BlockKind::loop || kind(b) == BlockKind::function)
        return refuse(jump, "it leaves a loop");
    wrapped[*target] = label.block;
    resolved.emplace_back(&jump, *target);
  }
  // Wrapping a block must not change where a break goes, nor cross another wrapped block.
  auto wraps = [&](int block) {
    return std::any_of(wrapped.begin(), wrapped.end(),
                       [&](const auto& w) { return w.second == block; });
  };
  for (auto [block_of_break, line] : breaks) {
    for (int b = block_of_break; b >= 0 && kind(b) != BlockKind::function; b = parent(b)) {
      if (wraps(b))
        return refuse(line, "break", "it would leave the block a goto leaves, not its loop");
      if (kind(b) == BlockKind::loop) break;
    }
  }
  for (auto [jump, target] : resolved) {
    for (int b = jump->block; b != labels[target].block; b = parent(b))
      if (wraps(b)) return refuse(*jump, "it crosses another label's block");
    edits.push_back({jump->offset, jump->size, "do break end"});
  }
  for (size_t l = 0; l < labels.size(); ++l) {
    if (wrapped.count(l)) {
      edits.push_back({blocks[static_cast<size_t>(labels[l].block)].start, 0, " repeat "});
      edits.push_back({labels[l].offset, labels[l].size, "until true"});
    } else {
      edits.push_back({labels[l].offset, labels[l].size, std::string(labels[l].size, ' ')});
    }
  }
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  std::string out;
  size_t at = 0;
  for (const Edit& e : edits) {
    out.append(source.substr(at, e.offset - at));
    out.append(e.text);
    at = e.offset + e.size;
  }
  out.append(source.substr(at));
  return out;
}

}  // namespace plumb::argo::lua_detail
