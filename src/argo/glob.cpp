#include "argo/glob.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plumb::argo {

namespace {

constexpr char32_t k_end = 0xFFFFFFFF;

// One UTF-8 code point of `text` at `pos`: (code point, length); (k_end, 0) at the end;
// (U+FFFD, 1) and !valid for an invalid sequence.
struct Decoded {
  char32_t rune;
  size_t size;
  bool valid;
};

Decoded decode(std::string_view text, size_t pos) {
  if (pos >= text.size()) return {k_end, 0, true};
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) return {b0, 1, true};
  size_t size = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (size == 0 || b0 > 0xF4 || pos + size > text.size()) return {0xFFFD, 1, false};
  char32_t rune = b0 & (0x7F >> size);
  for (size_t i = 1; i < size; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return {0xFFFD, 1, false};
    rune = (rune << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (rune < k_min[size] || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF))
    return {0xFFFD, 1, false};
  return {rune, size, true};
}

// The program a pattern compiles to (a Thompson NFA).
enum class Op { rune, not_separator, any_rune, list, range, split, jump, match };

struct Inst {
  Op op;
  char32_t rune = 0;  // rune; range: lo
  char32_t hi = 0;    // range
  bool negate = false;
  std::u32string chars;  // list
  size_t x = 0, y = 0;   // split: both; jump: x
};

// Reads a pattern as gobwas/glob's lexer and parser do, emitting instructions as it goes.
class Compiler {
 public:
  explicit Compiler(std::string_view pattern) : m_pattern(pattern) {}

  std::optional<std::vector<Inst>> compile() {
    sequence(0);
    if (m_failed) return std::nullopt;
    emit(Inst{Op::match});
    return std::move(m_program);
  }

 private:
  Decoded peek() {
    Decoded d = decode(m_pattern, m_pos);
    if (!d.valid) m_failed = true;
    return d;
  }
  char32_t read() {
    Decoded d = peek();
    m_pos += d.size;
    return d.rune;
  }
  size_t emit(Inst inst) {
    m_program.push_back(std::move(inst));
    return m_program.size() - 1;
  }

  // Items up to the end, or (inside `{}`) up to an unescaped ',' or '}'.
  void sequence(int terms_level) {
    while (!m_failed) {
      Decoded d = peek();
      if (d.rune == k_end || m_failed) return;
      if (terms_level > 0 && (d.rune == ',' || d.rune == '}')) return;
      if (d.rune == '{') {
        m_pos += d.size;
        alternatives(terms_level + 1);
      } else if (d.rune == '[') {
        m_pos += d.size;
        char_class();
      } else if (d.rune == '?') {
        m_pos += d.size;
        emit(Inst{Op::not_separator});
      } else if (d.rune == '*') {
        m_pos += d.size;
        bool super = peek().rune == '*';
        if (super) ++m_pos;
        // L1: split L2, L3; L2: one rune; jump L1; L3:
        size_t split = emit(Inst{Op::split});
        emit(Inst{super ? Op::any_rune : Op::not_separator});
        emit(Inst{.op = Op::jump, .x = split});
        m_program[split].x = split + 1;
        m_program[split].y = m_program.size();
      } else {
        for (char32_t r : text(terms_level > 0 ? U"?*[{}," : U"?*[{"))
          emit(Inst{.op = Op::rune, .rune = r});
      }
    }
  }

  // {a,b,...}: split to each alternative, each jumps to the end. An unclosed '{' ends at the
  // end of the pattern, as gobwas's parser accepts it.
  void alternatives(int terms_level) {
    std::vector<size_t> jumps;
    while (true) {
      size_t split = emit(Inst{Op::split});
      m_program[split].x = split + 1;
      sequence(terms_level);
      if (m_failed) return;
      Decoded d = peek();
      if (d.rune == ',') {
        m_pos += d.size;
        jumps.push_back(emit(Inst{Op::jump}));
        m_program[split].y = m_program.size();
        continue;
      }
      if (d.rune == '}') m_pos += d.size;
      // The last alternative: its split is not needed; make it a jump to the next.
      m_program[split] = Inst{.op = Op::jump, .x = split + 1};
      break;
    }
    for (size_t jump : jumps)
      m_program[jump].x = m_program.size();
  }

  // Text up to a breaker; `\` escapes the next character, a trailing `\` is dropped.
  std::u32string text(std::u32string_view breakers) {
    std::u32string out;
    bool escaped = false;
    while (true) {
      Decoded d = peek();
      if (d.rune == k_end || m_failed) break;
      if (!escaped) {
        if (d.rune == '\\') {
          escaped = true;
          m_pos += d.size;
          continue;
        }
        if (breakers.find(d.rune) != std::u32string_view::npos) break;
      }
      escaped = false;
      out.push_back(d.rune);
      m_pos += d.size;
    }
    return out;
  }

  // After '[': "!"? then a list of characters or lo-hi, then ']'.
  void char_class() {
    Inst inst{Op::list};
    bool seen_not = false, want_hi = false, is_range = false;
    char32_t lo = 0;
    while (!m_failed) {
      char32_t r = read();
      if (r == k_end) break;
      if (want_hi) {
        inst = Inst{.op = Op::range, .rune = lo, .hi = r, .negate = inst.negate};
        is_range = true;
        return close_class(std::move(inst), is_range, lo, r);
      }
      if (!seen_not && r == '!') {
        seen_not = inst.negate = true;
        continue;
      }
      if (peek().rune == '-') {
        ++m_pos;
        lo = r;
        want_hi = true;
        continue;
      }
      m_pos -= decode_back(r);
      inst.chars = text(U"]");
      return close_class(std::move(inst), false, 0, 0);
    }
    m_failed = true;  // "unexpected end of input"
  }

  void close_class(Inst inst, bool is_range, char32_t lo, char32_t hi) {
    if (read() != ']') {
      m_failed = true;  // "expected close range character"
      return;
    }
    bool is_chars = !inst.chars.empty();
    if (is_range) is_range = lo != 0 && hi != 0;
    if (is_chars == is_range || (is_range && hi < lo)) {
      m_failed = true;  // "could not parse range", "hi character ... should be greater"
      return;
    }
    emit(std::move(inst));
  }

  // The byte length of the (valid) rune just read.
  static size_t decode_back(char32_t r) {
    return r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
  }

  std::string_view m_pattern;
  size_t m_pos = 0;
  bool m_failed = false;
  std::vector<Inst> m_program;
};

// Adds `pc` and what it reaches without reading a rune (`stack` is scratch space).
void add_state(const std::vector<Inst>& program, size_t pc, std::vector<size_t>& set,
               std::vector<uint32_t>& mark, uint32_t generation, std::vector<size_t>& stack) {
  stack.assign(1, pc);
  while (!stack.empty()) {
    size_t at = stack.back();
    stack.pop_back();
    if (mark[at] == generation) continue;
    mark[at] = generation;
    const Inst& inst = program[at];
    if (inst.op == Op::jump) {
      stack.push_back(inst.x);
    } else if (inst.op == Op::split) {
      stack.push_back(inst.y);
      stack.push_back(inst.x);
    } else {
      set.push_back(at);
    }
  }
}

bool accepts(const Inst& inst, char32_t r, std::string_view separators) {
  switch (inst.op) {
    case Op::rune:
      return inst.rune == r;
    case Op::not_separator:
      return r >= 0x80 || separators.find(static_cast<char>(r)) == std::string_view::npos;
    case Op::any_rune:
      return true;
    case Op::list:
      return (inst.chars.find(r) != std::u32string::npos) != inst.negate;
    case Op::range:
      return (inst.rune <= r && r <= inst.hi) != inst.negate;
    default:
      return false;
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, std::string_view separators) {
  std::optional<std::vector<Inst>> program = Compiler(pattern).compile();
  if (!program) return false;
  std::vector<uint32_t> mark(program->size(), 0);
  uint32_t generation = 1;
  std::vector<size_t> current, next, stack;
  add_state(*program, 0, current, mark, generation, stack);
  for (size_t pos = 0; pos < text.size() && !current.empty();) {
    Decoded d = decode(text, pos);
    pos += d.size;
    next.clear();
    ++generation;
    for (size_t pc : current)
      if (accepts((*program)[pc], d.rune, separators))
        add_state(*program, pc + 1, next, mark, generation, stack);
    std::swap(current, next);
  }
  for (size_t pc : current)
    if ((*program)[pc].op == Op::match) return true;
  return false;
}

}  // namespace plumb::argo
