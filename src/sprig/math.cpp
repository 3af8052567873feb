// sprig's numeric functions (numeric.go): integer arithmetic through cast.ToInt64 (add,
// add1, sub, mul, div, mod, max/biggest, min), float arithmetic through shopspring/decimal
// (addf, add1f, subf, mulf, divf: exact decimal sums of the floats' shortest forms, division
// rounded to 16 places), maxf/minf, floor, ceil, round, seq/until/untilStep, randInt, and
// the conversions atoi, int, int64, float64, toDecimal.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"
#include "sprig/convert.hpp"

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::GoType;
using gotemplate::ValueList;

namespace {

using Args = std::span<const Value>;
__extension__ typedef __int128 Int128;

int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t wrap_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// A shopspring decimal: mantissa × 10^exp. Where a result would not fit 128 bits (far
// beyond what charts compute), it falls back to double arithmetic.
struct Decimal {
  Int128 mant = 0;
  int exp = 0;
  bool inexact = false;  // holds `approx` instead
  double approx = 0;

  static Result<Decimal> from_float(double f) {
    if (std::isnan(f) || std::isinf(f)) {
      std::string s;
      gotemplate::append_value(s, Value::floating(f));
      return fail("Cannot create a Decimal from ", s);
    }
    Decimal d;
    if (f == 0) return d;
    std::string e = gotemplate::format_float(f, 'e', -1);  // -d.ddde±XX
    size_t epos = e.find('e');
    std::string digits;
    for (size_t i = 0; i < epos; ++i)
      if (e[i] >= '0' && e[i] <= '9') digits += e[i];
    int exp10 = std::atoi(e.c_str() + epos + 1);
    for (char c : digits)
      d.mant = d.mant * 10 + (c - '0');
    if (f < 0) d.mant = -d.mant;
    d.exp = exp10 - static_cast<int>(digits.size()) + 1;
    return d;
  }
  static Decimal approximate(double v) {
    Decimal d;
    d.inexact = true;
    d.approx = v;
    return d;
  }
  double to_double() const {
    if (inexact) return approx;
    if (mant == 0) return 0;
    Int128 m = mant < 0 ? -mant : mant;
    std::string s;
    while (m > 0) {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
      m /= 10;
    }
    s = (mant < 0 ? "-" : "") + s + "e" + std::to_string(exp);
    return std::strtod(s.c_str(), nullptr);
  }
};

bool scale(Int128& m, int times) {
  for (int i = 0; i < times; ++i)
    if (__builtin_mul_overflow(m, static_cast<Int128>(10), &m)) return false;
  return true;
}

Decimal add_dec(const Decimal& a, const Decimal& b, int sign) {
  if (!a.inexact && !b.inexact) {
    Int128 x = a.mant, y = b.mant;
    int e = std::min(a.exp, b.exp);
    Int128 r;
    if (scale(x, a.exp - e) && scale(y, b.exp - e) && !__builtin_add_overflow(x, sign * y, &r)) {
      Decimal d;
      d.mant = r;
      d.exp = e;
      return d;
    }
  }
  return Decimal::approximate(a.to_double() + sign * b.to_double());
}

Decimal mul_dec(const Decimal& a, const Decimal& b) {
  Int128 r;
  if (!a.inexact && !b.inexact && !__builtin_mul_overflow(a.mant, b.mant, &r)) {
    Decimal d;
    d.mant = r;
    d.exp = a.exp + b.exp;
    return d;
  }
  return Decimal::approximate(a.to_double() * b.to_double());
}

Result<Decimal> div_dec(const Decimal& a, const Decimal& b) {
  if (!b.inexact && b.mant == 0) return fail("decimal division by 0");
  constexpr int k_places = 16;
  if (!a.inexact && !b.inexact) {
    Int128 num = a.mant < 0 ? -a.mant : a.mant;
    Int128 den = b.mant < 0 ? -b.mant : b.mant;
    int shift = a.exp - b.exp + k_places;
    if (shift >= 0 ? scale(num, shift) : scale(den, -shift)) {
      Int128 q = num / den, r = num % den;
      if (2 * r >= den) ++q;  // half away from zero
      Decimal d;
      d.mant = ((a.mant < 0) != (b.mant < 0)) ? -q : q;
      d.exp = -k_places;
      return d;
    }
  }
  return Decimal::approximate(a.to_double() / b.to_double());
}

// sprig's execDecimalOp.
template <typename Op>
Result<Value> decimal_op(const Value& first, Args rest, Op op) {
  Decimal acc = TRY(Decimal::from_float(to_float64(first)));
  for (const Value& x : rest) {
    Decimal d = TRY(Decimal::from_float(to_float64(x)));
    acc = TRY(op(acc, d));
  }
  return Value::floating(acc.to_double());
}

constexpr uint64_t k_max_items = 1'000'000;

// sprig's untilStep; more than k_max_items items fail before any is made (Go would build them
// all, or run out of memory trying).
Result<ValueList> until_step(int64_t start, int64_t stop, int64_t step) {
  ValueList out;
  if (stop < start ? step >= 0 : step <= 0) return out;
  uint64_t span = stop < start ? static_cast<uint64_t>(start) - static_cast<uint64_t>(stop)
                               : static_cast<uint64_t>(stop) - static_cast<uint64_t>(start);
  uint64_t stride = step < 0 ? 0 - static_cast<uint64_t>(step) : static_cast<uint64_t>(step);
  uint64_t count = span / stride + (span % stride != 0 ? 1 : 0);
  if (count > k_max_items)
    return fail("sprig: ", std::to_string(count), " items is more than the limit of ",
                std::to_string(k_max_items));
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i)
    out.push_back(Value::integer(start + static_cast<int64_t>(static_cast<uint64_t>(step) * i)));
  return out;
}

Value int_list(ValueList items) {
  return Value::list(std::move(items), GoType::list_int);
}

// sprig's seq: the numbers joined by spaces.
Result<Value> seq(Args args) {
  int64_t increment = 1;
  ValueList items;
  switch (args.size()) {
    case 1: {
      int64_t end = args[0].as_int();
      if (end < 1) increment = -1;
      items = TRY(until_step(1, end + increment, increment));
      break;
    }
    case 2: {
      int64_t start = args[0].as_int(), end = args[1].as_int(), step = 1;
      if (end < start) increment = step = -1;
      items = TRY(until_step(start, end + increment, step));
      break;
    }
    case 3: {
      int64_t start = args[0].as_int(), step = args[1].as_int(), end = args[2].as_int();
      if (end < start) {
        increment = -1;
        if (step > 0) return Value::string("");
      } else if (step < 0) {
        return Value::string("");
      }
      items = TRY(until_step(start, end + increment, step));
      break;
    }
    default:
      return Value::string("");
  }
  std::string out;
  for (const Value& item : items) {
    if (!out.empty()) out += ' ';
    out += std::to_string(item.as_int());
  }
  return Value::string(out);
}

// strconv.Atoi, the error ignored: 0 on bad syntax, the nearest int on overflow.
int64_t atoi(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return 0;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    if (v > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  if (neg) {
    if (overflow || v > uint64_t{1} << 63) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(0 - v);
  }
  if (overflow || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(v);
}

// strconv.ParseInt(s, 8, 64), 0 on any error.
int64_t parse_octal(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return 0;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '7') return 0;
    v = v * 8 + static_cast<uint64_t>(s[i] - '0');
    if (v > (uint64_t{1} << 63)) return 0;
  }
  if (!neg && v == (uint64_t{1} << 63)) return 0;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

}  // namespace

void add_math_functions(gotemplate::FuncMap& funcs) {
  auto int64_value = [](int64_t v) { return Value::integer(v, GoType::int64); };
  add(funcs, "add1", {Param::any}, Variadic::no, [=](CallContext&, Args args) -> Result<Value> {
    return int64_value(wrap_add(to_int64(args[0]), 1));
  });
  add(funcs, "add", {Param::any}, Variadic::yes, [=](CallContext&, Args args) -> Result<Value> {
    int64_t sum = 0;
    for (const Value& v : args)
      sum = wrap_add(sum, to_int64(v));
    return int64_value(sum);
  });
  add(funcs, "sub", {Param::any, Param::any}, Variadic::no,
      [=](CallContext&, Args args) -> Result<Value> {
        return int64_value(static_cast<int64_t>(static_cast<uint64_t>(to_int64(args[0])) -
                                                static_cast<uint64_t>(to_int64(args[1]))));
      });
  auto divide = [=](bool modulo) {
    return [=](CallContext&, Args args) -> Result<Value> {
      int64_t a = to_int64(args[0]), b = to_int64(args[1]);
      if (b == 0) return fail("runtime error: integer divide by zero");
      if (b == -1) return int64_value(modulo ? 0 : wrap_mul(a, -1));
      return int64_value(modulo ? a % b : a / b);
    };
  };
  add(funcs, "div", {Param::any, Param::any}, Variadic::no, divide(false));
  add(funcs, "mod", {Param::any, Param::any}, Variadic::no, divide(true));
  add(funcs, "mul", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        int64_t product = to_int64(args[0]);
        for (const Value& v : args.subspan(1))
          product = wrap_mul(product, to_int64(v));
        return int64_value(product);
      });
  auto max = [=](CallContext&, Args args) -> Result<Value> {
    int64_t m = to_int64(args[0]);
    for (const Value& v : args.subspan(1))
      m = std::max(m, to_int64(v));
    return int64_value(m);
  };
  add(funcs, "max", {Param::any, Param::any}, Variadic::yes, max);
  add(funcs, "biggest", {Param::any, Param::any}, Variadic::yes, max);
  add(funcs, "min", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        int64_t m = to_int64(args[0]);
        for (const Value& v : args.subspan(1))
          m = std::min(m, to_int64(v));
        return int64_value(m);
      });
  // math.Max / math.Min: NaN wins, +0 beats -0 for Max.
  auto fmax = [](double a, double b) {
    if (std::isinf(a) && a > 0) return a;
    if (std::isinf(b) && b > 0) return b;
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    if (a == 0 && a == b) return std::signbit(a) ? b : a;
    return a > b ? a : b;
  };
  auto fmin = [](double a, double b) {
    if (std::isinf(a) && a < 0) return a;
    if (std::isinf(b) && b < 0) return b;
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    if (a == 0 && a == b) return std::signbit(a) ? a : b;
    return a < b ? a : b;
  };
  add(funcs, "maxf", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        double m = to_float64(args[0]);
        for (const Value& v : args.subspan(1))
          m = fmax(m, to_float64(v));
        return Value::floating(m);
      });
  add(funcs, "minf", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        double m = to_float64(args[0]);
        for (const Value& v : args.subspan(1))
          m = fmin(m, to_float64(v));
        return Value::floating(m);
      });

  auto dec_add = [](const Decimal& a, const Decimal& b) -> Result<Decimal> {
    return add_dec(a, b, 1);
  };
  auto dec_sub = [](const Decimal& a, const Decimal& b) -> Result<Decimal> {
    return add_dec(a, b, -1);
  };
  auto dec_mul = [](const Decimal& a, const Decimal& b) -> Result<Decimal> {
    return mul_dec(a, b);
  };
  add(funcs, "add1f", {Param::any}, Variadic::no, [=](CallContext&, Args args) -> Result<Value> {
    Value one = Value::integer(1);
    return decimal_op(args[0], std::span(&one, 1), dec_add);
  });
  add(funcs, "addf", {Param::any}, Variadic::yes, [=](CallContext&, Args args) -> Result<Value> {
    return decimal_op(Value::floating(0), args, dec_add);
  });
  add(funcs, "subf", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        return decimal_op(args[0], args.subspan(1), dec_sub);
      });
  add(funcs, "mulf", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        return decimal_op(args[0], args.subspan(1), dec_mul);
      });
  add(funcs, "divf", {Param::any, Param::any}, Variadic::yes,
      [=](CallContext&, Args args) -> Result<Value> {
        return decimal_op(args[0], args.subspan(1), div_dec);
      });

  add(funcs, "floor", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    return Value::floating(std::floor(to_float64(args[0])));
  });
  add(funcs, "ceil", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    return Value::floating(std::ceil(to_float64(args[0])));
  });
  add(funcs, "round", {Param::any, Param::int_, Param::float64}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> {
        double round_on = args.size() > 2 ? args[2].as_float() : .5;
        double val = to_float64(args[0]);
        double pow = std::pow(10, static_cast<double>(args[1].as_int()));
        double digit = pow * val;
        double int_part;
        double frac = std::modf(digit, &int_part);
        double r = frac >= round_on ? std::ceil(digit) : std::floor(digit);
        return Value::floating(r / pow);
      });

  add(funcs, "seq", {Param::int_}, Variadic::yes,
      [](CallContext&, Args args) -> Result<Value> { return seq(args); });
  add(funcs, "until", {Param::int_}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    int64_t count = args[0].as_int();
    return int_list(TRY(until_step(0, count, count < 0 ? -1 : 1)));
  });
  add(funcs, "untilStep", {Param::int_, Param::int_, Param::int_}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return int_list(TRY(until_step(args[0].as_int(), args[1].as_int(), args[2].as_int())));
      });
  add(funcs, "randInt", {Param::int_, Param::int_}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        int64_t lo = args[0].as_int(), hi = args[1].as_int();
        if (hi - lo <= 0) return fail("invalid argument to Intn");
        std::random_device device;
        std::uniform_int_distribution<int64_t> dist(0, hi - lo - 1);
        return Value::integer(dist(device) + lo);
      });

  add(funcs, "atoi", {Param::string}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    return Value::integer(atoi(args[0].as_string()));
  });
  add(funcs, "int", {Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> { return Value::integer(to_int64(args[0])); });
  add(funcs, "int64", {Param::any}, Variadic::no,
      [=](CallContext&, Args args) -> Result<Value> { return int64_value(to_int64(args[0])); });
  add(funcs, "float64", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    return Value::floating(to_float64(args[0]));
  });
  add(funcs, "toDecimal", {Param::any}, Variadic::no,
      [=](CallContext&, Args args) -> Result<Value> {
        std::string text;
        gotemplate::append_value(text, args[0]);
        return int64_value(parse_octal(text));
      });
}

}  // namespace plumb::sprig
