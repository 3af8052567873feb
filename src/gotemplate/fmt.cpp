#include "gotemplate/fmt.hpp"

#include <cmath>

#include "gotemplate/strconv.hpp"

namespace plumb::gotemplate {

namespace {

constexpr std::string_view k_ldigits = "0123456789abcdefx";
constexpr std::string_view k_udigits = "0123456789ABCDEFX";

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    decode_utf8(s, i, width);
    i += width;
    ++n;
  }
  return n;
}

bool is_unsigned(GoType t) {
  return t == GoType::uint8 || t == GoType::uint64;
}

// One fmt.pp: flags of the verb being printed, the output, the argument in hand.
class Printer {
 public:
  explicit Printer(std::string& out) : m_out(out) {}

  void clear_flags() { m_f = Flags{}; }

  // pp.printArg: a top-level argument (nothing and nil are a nil interface{}).
  void print_arg(const Value& arg, char32_t verb) {
    m_arg = &arg;
    if (arg.is_nothing()) {
      if (verb == 'T' || verb == 'v') {
        pad_string("<nil>");
      } else {
        bad_verb(verb);
      }
      return;
    }
    if (verb == 'T') {
      fmt_s(arg.type_name());
      return;
    }
    print_value(arg, verb, 0);
  }

  // pp.printValue.
  void print_value(const Value& v, char32_t verb, int depth) {
    if (depth > 0) m_arg = &v;
    switch (v.kind()) {
      case Kind::invalid:
      case Kind::nil:
        if (depth == 0) {
          m_out += "<invalid reflect.Value>";
        } else if (m_f.sharp_v) {
          m_out += "interface {}(nil)";
        } else {
          m_out += "<nil>";
        }
        return;
      case Kind::boolean:
        fmt_bool(v.as_bool(), verb);
        return;
      case Kind::integer:
        fmt_integer(static_cast<uint64_t>(v.as_int()), !is_unsigned(v.type()), verb, v);
        return;
      case Kind::floating:
        fmt_float(v.as_float(), verb);
        return;
      case Kind::string:
        fmt_string(v.as_string(), verb);
        return;
      case Kind::list: {
        if (m_f.sharp_v) {
          m_out += v.type_name();
          if (v.items().empty() && false) m_out += "(nil)";
          m_out.push_back('{');
          bool first = true;
          for (const Value& item : v.items()) {
            if (!first) m_out += ", ";
            first = false;
            print_value(item, verb, depth + 1);
          }
          m_out.push_back('}');
          return;
        }
        m_out.push_back('[');
        bool first = true;
        for (const Value& item : v.items()) {
          if (!first) m_out.push_back(' ');
          first = false;
          print_value(item, verb, depth + 1);
        }
        m_out.push_back(']');
        return;
      }
      case Kind::map: {
        const ValueMap* map = v.map_ptr();
        if (m_f.sharp_v) {
          m_out += v.type_name();
          m_out.push_back('{');
        } else {
          m_out += "map[";
        }
        bool first = true;
        for (const auto& [key, value] : map->entries()) {
          if (!first) m_out += m_f.sharp_v ? ", " : " ";
          first = false;
          Value key_value = Value::string(key);
          print_value(key_value, verb, depth + 1);
          m_out.push_back(':');
          print_value(value, verb, depth + 1);
        }
        m_out.push_back(m_f.sharp_v ? '}' : ']');
        return;
      }
      case Kind::object: {
        std::string text;
        v.object_ptr()->format(text);
        if (verb == 'v' || verb == 's') {
          fmt_s(text);
        } else if (verb == 'q') {
          fmt_q(text);
        } else {
          fmt_s(text);
        }
        return;
      }
    }
  }

  void bad_verb(char32_t verb) {
    m_out += "%!";
    append_utf8(m_out, static_cast<int32_t>(verb));
    m_out.push_back('(');
    if (m_arg != nullptr && !m_arg->is_nothing()) {
      m_out += m_arg->type_name();
      m_out.push_back('=');
      const Value* arg = m_arg;
      print_arg(*arg, 'v');
    } else {
      m_out += "<nil>";
    }
    m_out.push_back(')');
  }

  struct Flags {
    bool plus = false, minus = false, sharp = false, space = false, zero = false;
    bool plus_v = false, sharp_v = false;
    bool wid_present = false, prec_present = false;
    int wid = 0, prec = 0;
  };
  Flags m_f;
  const Value* m_arg = nullptr;

 private:
  void write_padding(int n) {
    if (n <= 0) return;
    m_out.append(static_cast<size_t>(n), m_f.zero && !m_f.minus ? '0' : ' ');
  }

  void pad(std::string_view s) {
    if (!m_f.wid_present || m_f.wid == 0) {
      m_out += s;
      return;
    }
    int width = m_f.wid - static_cast<int>(rune_count(s));
    if (!m_f.minus) {
      write_padding(width);
      m_out += s;
    } else {
      m_out += s;
      write_padding(width);
    }
  }
  void pad_string(std::string_view s) { pad(s); }

  std::string_view truncate(std::string_view s) const {
    if (!m_f.prec_present) return s;
    int n = m_f.prec;
    for (size_t i = 0; i < s.size();) {
      --n;
      if (n < 0) return s.substr(0, i);
      size_t width = 1;
      decode_utf8(s, i, width);
      i += width;
    }
    return s;
  }

  void fmt_s(std::string_view s) { pad_string(truncate(s)); }

  void fmt_q(std::string_view s) {
    s = truncate(s);
    if (m_f.sharp && can_backquote(s)) {
      std::string b = "`";
      b += s;
      b += "`";
      pad_string(b);
      return;
    }
    std::string q;
    append_quoted(q, s, m_f.plus);
    pad(q);
  }

  void fmt_sx(std::string_view s, std::string_view digits) {
    int length = static_cast<int>(s.size());
    if (m_f.prec_present && m_f.prec < length) length = m_f.prec;
    int width = 2 * length;
    if (width > 0) {
      if (m_f.space) {
        if (m_f.sharp) width *= 2;
        width += length - 1;
      } else if (m_f.sharp) {
        width += 2;
      }
    } else {
      if (m_f.wid_present) write_padding(m_f.wid);
      return;
    }
    if (m_f.wid_present && m_f.wid > width && !m_f.minus) write_padding(m_f.wid - width);
    if (m_f.sharp) {
      m_out.push_back('0');
      m_out.push_back(digits[16]);
    }
    for (int i = 0; i < length; ++i) {
      if (m_f.space && i > 0) {
        m_out.push_back(' ');
        if (m_f.sharp) {
          m_out.push_back('0');
          m_out.push_back(digits[16]);
        }
      }
      unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
      m_out.push_back(digits[c >> 4]);
      m_out.push_back(digits[c & 0xF]);
    }
    if (m_f.wid_present && m_f.wid > width && m_f.minus) write_padding(m_f.wid - width);
  }

  void fmt_string(std::string_view s, char32_t verb) {
    switch (verb) {
      case 'v':
        if (m_f.sharp_v) {
          fmt_q(s);
        } else {
          fmt_s(s);
        }
        return;
      case 's':
        fmt_s(s);
        return;
      case 'x':
        fmt_sx(s, k_ldigits);
        return;
      case 'X':
        fmt_sx(s, k_udigits);
        return;
      case 'q':
        fmt_q(s);
        return;
      default:
        bad_verb(verb);
        return;
    }
  }

  void fmt_bool(bool b, char32_t verb) {
    if (verb == 't' || verb == 'v') {
      pad_string(b ? "true" : "false");
    } else {
      bad_verb(verb);
    }
  }

  void fmt_integer_base(uint64_t u, int base, bool is_signed, char32_t verb,
                        std::string_view digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (m_f.prec_present) {
      prec = m_f.prec;
      if (prec == 0 && u == 0) {
        bool old = m_f.zero;
        m_f.zero = false;
        write_padding(m_f.wid);
        m_f.zero = old;
        return;
      }
    } else if (m_f.zero && m_f.wid_present) {
      prec = m_f.wid;
      if (negative || m_f.plus || m_f.space) --prec;
    }
    std::string buf;
    do {
      buf.push_back(digits[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
    while (static_cast<int>(buf.size()) < prec)
      buf.push_back('0');
    if (m_f.sharp) {
      switch (base) {
        case 2:
          buf += "b0";
          break;
        case 8:
          if (buf.back() != '0') buf.push_back('0');
          break;
        case 16:
          buf.push_back(digits[16]);
          buf.push_back('0');
          break;
        default:
          break;
      }
    }
    if (verb == 'O') buf += "o0";
    if (negative) {
      buf.push_back('-');
    } else if (m_f.plus) {
      buf.push_back('+');
    } else if (m_f.space) {
      buf.push_back(' ');
    }
    std::string text(buf.rbegin(), buf.rend());
    bool old = m_f.zero;
    m_f.zero = false;
    pad(text);
    m_f.zero = old;
  }

  void fmt_unicode(uint64_t u) {
    int prec = 4;
    if (m_f.prec_present && m_f.prec > 4) prec = m_f.prec;
    std::string digits;
    uint64_t x = u;
    do {
      digits.push_back(k_udigits[x & 0xF]);
      x >>= 4;
    } while (x != 0);
    while (static_cast<int>(digits.size()) < prec)
      digits.push_back('0');
    std::string text = "U+";
    text.append(digits.rbegin(), digits.rend());
    if (m_f.sharp && u <= 0x10FFFF && is_print(static_cast<int32_t>(u))) {
      text += " '";
      append_utf8(text, static_cast<int32_t>(u));
      text += "'";
    }
    bool old = m_f.zero;
    m_f.zero = false;
    pad(text);
    m_f.zero = old;
  }

  static int32_t as_rune(uint64_t u) {
    if (u > 0x10FFFF) return 0xFFFD;
    return static_cast<int32_t>(u);
  }

  void fmt_integer(uint64_t v, bool is_signed, char32_t verb, const Value& value) {
    switch (verb) {
      case 'v':
        if (m_f.sharp_v && !is_signed) {
          bool old = m_f.sharp;
          m_f.sharp = true;
          fmt_integer_base(v, 16, false, verb, k_ldigits);
          m_f.sharp = old;
        } else {
          fmt_integer_base(v, 10, is_signed, verb, k_ldigits);
        }
        return;
      case 'd':
        fmt_integer_base(v, 10, is_signed, verb, k_ldigits);
        return;
      case 'b':
        fmt_integer_base(v, 2, is_signed, verb, k_ldigits);
        return;
      case 'o':
      case 'O':
        fmt_integer_base(v, 8, is_signed, verb, k_ldigits);
        return;
      case 'x':
        fmt_integer_base(v, 16, is_signed, verb, k_ldigits);
        return;
      case 'X':
        fmt_integer_base(v, 16, is_signed, verb, k_udigits);
        return;
      case 'c': {
        std::string text;
        append_utf8(text, (is_signed && static_cast<int64_t>(v) < 0) ? 0xFFFD : as_rune(v));
        pad(text);
        return;
      }
      case 'q': {
        std::string text;
        append_quoted_rune(text, (is_signed && static_cast<int64_t>(v) < 0) ? 0xFFFD : as_rune(v),
                           m_f.plus);
        pad(text);
        return;
      }
      case 'U':
        fmt_unicode(v);
        return;
      default:
        (void)value;
        bad_verb(verb);
        return;
    }
  }

  void fmt_float_verb(double v, char verb, int prec) {
    if (m_f.prec_present) prec = m_f.prec;
    std::string num = "+";
    append_float(num, v, verb, prec);
    if (num[1] == '-' || num[1] == '+') {
      num.erase(0, 1);
    } else {
      num[0] = '+';
    }
    if (m_f.space && num[0] == '+' && !m_f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = m_f.zero;
      m_f.zero = false;
      if (num[1] == 'N' && !m_f.space && !m_f.plus) num.erase(0, 1);
      pad(num);
      m_f.zero = old;
      return;
    }
    if (m_f.sharp && verb != 'b') sharp_float(num, verb, prec);
    if (m_f.plus || num[0] != '+') {
      if (m_f.zero && m_f.wid_present && m_f.wid > static_cast<int>(num.size())) {
        m_out.push_back(num[0]);
        write_padding(m_f.wid - static_cast<int>(num.size()));
        m_out.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  // The # flag: keep a decimal point, and for %g keep trailing zeros up to the precision.
  static void sharp_float(std::string& num, char verb, int prec) {
    int digits = 0;
    if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') digits = prec == -1 ? 6 : prec;
    std::string tail;
    bool has_point = false;
    bool saw_nonzero = false;
    for (size_t i = 1; i < num.size(); ++i) {
      char c = num[i];
      if (c == '.') {
        has_point = true;
      } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
        tail = num.substr(i);
        num.erase(i);
        break;
      } else {
        if (c != '0') saw_nonzero = true;
        if (saw_nonzero) --digits;
      }
    }
    if (!has_point) {
      if (num.size() == 2 && num[1] == '0') --digits;
      num.push_back('.');
    }
    for (; digits > 0; --digits)
      num.push_back('0');
    num += tail;
  }

  void fmt_float(double v, char32_t verb) {
    switch (verb) {
      case 'v':
        fmt_float_verb(v, 'g', -1);
        return;
      case 'b':
      case 'x':
      case 'X':
      case 'g':
      case 'G':
        fmt_float_verb(v, static_cast<char>(verb), -1);
        return;
      case 'f':
      case 'e':
      case 'E':
      case 'F':
        fmt_float_verb(v, static_cast<char>(verb == 'F' ? 'f' : verb), 6);
        return;
      default:
        bad_verb(verb);
        return;
    }
  }

  std::string& m_out;
};

bool is_go_string(const Value& v) {
  return v.kind() == Kind::string;
}

int parse_num(std::string_view s, size_t& i, bool& ok) {
  ok = false;
  int num = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (num > 1000000 || num < -1000000) {  // Go's tooLarge: the rest of the format is consumed
      ok = false;
      i = s.size();
      return 0;
    }
    num = num * 10 + (s[i] - '0');
    ok = true;
    ++i;
  }
  return num;
}

}  // namespace

void append_sprint(std::string& out, std::span<const Value> args) {
  Printer p(out);
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = is_go_string(args[i]);
    if (i > 0 && !is_string && !prev_string) out.push_back(' ');
    p.clear_flags();
    p.print_arg(args[i], 'v');
    prev_string = is_string;
  }
}

void append_sprintln(std::string& out, std::span<const Value> args) {
  Printer p(out);
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    p.clear_flags();
    p.print_arg(args[i], 'v');
  }
  out.push_back('\n');
}

void append_value(std::string& out, const Value& value) {
  Printer p(out);
  p.print_arg(value, 'v');
}

namespace {

// pp.argNumber: an explicit [n] index.
size_t arg_number(std::string_view format, size_t& i, size_t arg_num, size_t num_args, bool& found,
                  bool& reordered, bool& good_arg_num) {
  found = false;
  if (i >= format.size() || format[i] != '[') return arg_num;
  reordered = true;
  // parseArgNumber
  std::string_view rest = format.substr(i);
  if (rest.size() >= 3) {
    for (size_t k = 1; k < rest.size(); ++k) {
      if (rest[k] == ']') {
        size_t j = 1;
        bool ok = false;
        int width = parse_num(rest.substr(0, k), j, ok);
        if (!ok || j != k) {
          i += k + 1;
          good_arg_num = false;
          return arg_num;
        }
        i += k + 1;
        int index = width - 1;
        if (index >= 0 && static_cast<size_t>(index) < num_args) {
          found = true;
          return static_cast<size_t>(index);
        }
        good_arg_num = false;
        found = true;
        return arg_num;
      }
    }
  }
  i += 1;
  good_arg_num = false;
  return arg_num;
}

bool int_from_arg(std::span<const Value> args, size_t& arg_num, int& num) {
  bool is_int = false;
  num = 0;
  if (arg_num < args.size()) {
    const Value& a = args[arg_num];
    if (a.kind() == Kind::integer) {
      int64_t n = a.as_int();
      if (a.type() == GoType::uint64 && n < 0) {
        is_int = false;
      } else if (n >= INT32_MIN && n <= INT32_MAX) {
        num = static_cast<int>(n);
        is_int = true;
      }
    }
    ++arg_num;
    if (num > 1000000 || num < -1000000) {
      num = 0;
      is_int = false;
    }
  }
  return is_int;
}

}  // namespace

void append_sprintf(std::string& out, std::string_view format, std::span<const Value> args) {
  Printer p(out);
  size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  bool reordered = false;
  for (size_t i = 0; i < end;) {
    bool good_arg_num = true;
    size_t last = i;
    while (i < end && format[i] != '%')
      ++i;
    if (i > last) out.append(format.substr(last, i - last));
    if (i >= end) break;
    ++i;
    p.clear_flags();
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.m_f.sharp = true;
      } else if (c == '0') {
        p.m_f.zero = !p.m_f.minus;
      } else if (c == '+') {
        p.m_f.plus = true;
      } else if (c == '-') {
        p.m_f.minus = true;
        p.m_f.zero = false;
      } else if (c == ' ') {
        p.m_f.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && arg_num < args.size()) {
          if (c == 'v') {
            p.m_f.sharp_v = p.m_f.sharp;
            p.m_f.sharp = false;
            p.m_f.plus_v = p.m_f.plus;
            p.m_f.plus = false;
          }
          p.print_arg(args[arg_num], static_cast<char32_t>(c));
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;

    arg_num = arg_number(format, i, arg_num, args.size(), after_index, reordered, good_arg_num);
    if (i < end && format[i] == '*') {
      ++i;
      p.m_f.wid_present = int_from_arg(args, arg_num, p.m_f.wid);
      if (!p.m_f.wid_present) out += "%!(BADWIDTH)";
      if (p.m_f.wid < 0) {
        p.m_f.wid = -p.m_f.wid;
        p.m_f.minus = true;
        p.m_f.zero = false;
      }
      after_index = false;
    } else {
      p.m_f.wid = parse_num(format, i, p.m_f.wid_present);
      if (after_index && p.m_f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      arg_num = arg_number(format, i, arg_num, args.size(), after_index, reordered, good_arg_num);
      if (i < end && format[i] == '*') {
        ++i;
        p.m_f.prec_present = int_from_arg(args, arg_num, p.m_f.prec);
        if (p.m_f.prec < 0) {
          p.m_f.prec = 0;
          p.m_f.prec_present = false;
        }
        if (!p.m_f.prec_present) out += "%!(BADPREC)";
        after_index = false;
      } else {
        p.m_f.prec = parse_num(format, i, p.m_f.prec_present);
        if (!p.m_f.prec_present) {
          p.m_f.prec = 0;
          p.m_f.prec_present = true;
        }
      }
    }
    if (!after_index) {
      arg_num = arg_number(format, i, arg_num, args.size(), after_index, reordered, good_arg_num);
    }
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    size_t width = 1;
    char32_t verb = static_cast<unsigned char>(format[i]);
    if (verb >= 0x80) verb = static_cast<char32_t>(decode_utf8(format, i, width));
    i += width;
    if (verb == '%') {
      out.push_back('%');
    } else if (!good_arg_num) {
      out += "%!";
      append_utf8(out, static_cast<int32_t>(verb));
      out += "(BADINDEX)";
    } else if (arg_num >= args.size()) {
      out += "%!";
      append_utf8(out, static_cast<int32_t>(verb));
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.m_f.sharp_v = p.m_f.sharp;
        p.m_f.sharp = false;
        p.m_f.plus_v = p.m_f.plus;
        p.m_f.plus = false;
      }
      p.print_arg(args[arg_num], verb);
      ++arg_num;
    }
  }
  if (!reordered && arg_num < args.size()) {
    p.clear_flags();
    out += "%!(EXTRA ";
    for (size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) out += ", ";
      if (args[k].is_nothing()) {
        out += "<nil>";
      } else {
        out += args[k].type_name();
        out.push_back('=');
        p.print_arg(args[k], 'v');
      }
    }
    out.push_back(')');
  }
}

std::string sprint(std::span<const Value> args) {
  std::string out;
  append_sprint(out, args);
  return out;
}

std::string sprintf(std::string_view format, std::span<const Value> args) {
  std::string out;
  append_sprintf(out, format, args);
  return out;
}

}  // namespace plumb::gotemplate
