// sprig's date functions (date.go): now, date, dateInZone/date_in_zone, htmlDate,
// htmlDateInZone, dateModify/date_modify/mustDateModify, ago, duration, durationRound,
// toDate/mustToDate, unixEpoch. Times are time.Time objects (Format, Unix, Year ... and
// Go's String() when printed) over go_time.hpp.
#include "sprig/convert.hpp"
#include "sprig/go_time.hpp"
#include "sprig/sprig.hpp"

namespace plumb::sprig {

using gotemplate::CallContext;
using gotemplate::FuncInfo;
using gotemplate::GoType;

namespace {

using Args = std::span<const Value>;

class TimeObject : public gotemplate::Object {
 public:
  explicit TimeObject(GoTime t) : m_time(std::move(t)) {
    for (std::string_view name : k_method_names)
      m_methods.emplace_back(name, make_method(name));
  }
  TimeObject(const TimeObject&) = delete;
  TimeObject& operator=(const TimeObject&) = delete;

  std::string type_name() const override { return "time.Time"; }
  std::optional<Value> field(std::string_view) const override { return std::nullopt; }
  const FuncInfo* method(std::string_view name) const override {
    for (const auto& [n, info] : m_methods)
      if (n == name) return &info;
    return nullptr;
  }
  void format(std::string& out) const override { out += go_time_string(m_time); }
  // Time.MarshalJSON: RFC 3339 with nanoseconds.
  Node to_node() const override {
    return Node::string(go_format(m_time, "2006-01-02T15:04:05.999999999Z07:00"));
  }
  const GoTime& time() const { return m_time; }

 private:
  static constexpr std::string_view k_method_names[] = {
      "Format", "Unix",       "UnixNano", "Year", "Day",   "Hour",   "Minute",
      "Second", "Nanosecond", "YearDay",  "UTC",  "Local", "String", "IsZero"};
  FuncInfo make_method(std::string_view name) const;

  GoTime m_time;
  std::vector<std::pair<std::string_view, FuncInfo>> m_methods;
};

Value time_value(GoTime t) {
  return Value::object(std::make_shared<TimeObject>(std::move(t)));
}

const GoTime* as_time(const Value& v) {
  const auto* object = dynamic_cast<const TimeObject*>(v.object_ptr());
  return object != nullptr ? &object->time() : nullptr;
}

Result<GoTime> time_arg(const Value& v) {
  if (const GoTime* t = as_time(v)) return *t;
  return fail("wrong type for value; expected time.Time; got ",
              v.is_nothing() ? std::string("interface {}") : v.type_name());
}

FuncInfo TimeObject::make_method(std::string_view name) const {
  const TimeObject* self = this;
  auto field = [self](auto get) {
    return FuncInfo{[self, get](CallContext&, Args) -> Result<Value> { return get(self->m_time); },
                    {}};
  };
  auto civil_int = [field](std::string_view layout) {
    std::string l(layout);
    return field([l](const GoTime& t) { return Value::integer(std::stoll(go_format(t, l))); });
  };
  if (name == "Format")
    return FuncInfo{[self](CallContext&, Args args) -> Result<Value> {
                      return Value::string(go_format(self->m_time, args[0].as_string()));
                    },
                    {Param::string}};
  if (name == "Unix")
    return field([](const GoTime& t) { return Value::integer(t.unix, GoType::int64); });
  if (name == "UnixNano")
    return field([](const GoTime& t) {
      return Value::integer(t.unix * 1000000000 + t.nsec, GoType::int64);
    });
  if (name == "Year") return civil_int("2006");
  if (name == "Day") return civil_int("2");
  if (name == "Hour") return civil_int("15");
  if (name == "Minute") return civil_int("4");
  if (name == "Second") return civil_int("5");
  if (name == "YearDay") return civil_int("__2");
  if (name == "Nanosecond") return field([](const GoTime& t) { return Value::integer(t.nsec); });
  if (name == "UTC") return field([](const GoTime& t) { return time_value(t.in(utc_location())); });
  if (name == "Local")
    return field([](const GoTime& t) { return time_value(t.in(local_location())); });
  if (name == "String")
    return field([](const GoTime& t) { return Value::string(go_time_string(t)); });
  return field([](const GoTime& t) { return Value::boolean(t.is_zero()); });  // IsZero
}

// sprig's dateInZone: a time.Time, or Unix seconds as int, int64 or int32; anything else is
// now. An unknown zone is UTC.
std::string date_in_zone(std::string_view layout, const Value& date, std::string_view zone) {
  GoTime t;
  if (const GoTime* given = as_time(date)) {
    t = *given;
  } else if (date.kind() == gotemplate::Kind::integer &&
             (date.type() == GoType::int_ || date.type() == GoType::int64 ||
              date.type() == GoType::int32)) {
    t.unix = date.as_int();
    t.nsec = 0;
  } else {
    t = GoTime::now();
  }
  auto loc = load_location(zone);
  return go_format(t.in(loc ? *loc : utc_location()), layout);
}

int64_t since(const GoTime& t) {
  GoTime now = GoTime::now();
  return (now.unix - t.unix) * 1000000000 + (now.nsec - t.nsec);
}

// Duration.Round(time.Second).
int64_t round_second(int64_t d) {
  constexpr int64_t m = 1000000000;
  int64_t r = d % m;
  auto less_than_half = [](int64_t x) {
    return static_cast<uint64_t>(x) * 2 < static_cast<uint64_t>(m);
  };
  if (d < 0) {
    r = -r;
    if (less_than_half(r)) return d + r;
    return d - m + r;
  }
  if (less_than_half(r)) return d - r;
  return d + m - r;
}

Result<Value> modify(const Value& duration, const Value& date, bool must) {
  GoTime t = TRY(time_arg(date));
  auto d = go_parse_duration(duration.as_string());
  if (!d) {
    if (must) return std::unexpected(d.error());
    return time_value(t);
  }
  int64_t ns = t.nsec + *d % 1000000000;
  t.unix += *d / 1000000000 + (ns < 0 ? -1 : ns >= 1000000000 ? 1 : 0);
  t.nsec = static_cast<int32_t>((ns % 1000000000 + 1000000000) % 1000000000);
  return time_value(t);
}

}  // namespace

void add_date_functions(gotemplate::FuncMap& funcs) {
  add(funcs, "now", {}, Variadic::no,
      [](CallContext&, Args) -> Result<Value> { return time_value(GoTime::now()); });
  add(funcs, "date", {Param::string, Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::string(date_in_zone(args[0].as_string(), args[1], "Local"));
      });
  auto in_zone = [](CallContext&, Args args) -> Result<Value> {
    return Value::string(date_in_zone(args[0].as_string(), args[1], args[2].as_string()));
  };
  add(funcs, "dateInZone", {Param::string, Param::any, Param::string}, Variadic::no, in_zone);
  add(funcs, "date_in_zone", {Param::string, Param::any, Param::string}, Variadic::no, in_zone);
  add(funcs, "htmlDate", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    return Value::string(date_in_zone("2006-01-02", args[0], "Local"));
  });
  add(funcs, "htmlDateInZone", {Param::any, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return Value::string(date_in_zone("2006-01-02", args[0], args[1].as_string()));
      });
  auto date_modify = [](CallContext&, Args args) -> Result<Value> {
    return modify(args[0], args[1], false);
  };
  add(funcs, "dateModify", {Param::string, Param::any}, Variadic::no, date_modify);
  add(funcs, "date_modify", {Param::string, Param::any}, Variadic::no, date_modify);
  auto must_date_modify = [](CallContext&, Args args) -> Result<Value> {
    return modify(args[0], args[1], true);
  };
  add(funcs, "mustDateModify", {Param::string, Param::any}, Variadic::no, must_date_modify);
  add(funcs, "must_date_modify", {Param::string, Param::any}, Variadic::no, must_date_modify);
  add(funcs, "ago", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    GoTime t;
    const Value& v = args[0];
    if (const GoTime* given = as_time(v)) {
      t = *given;
    } else if (v.kind() == gotemplate::Kind::integer &&
               (v.type() == GoType::int_ || v.type() == GoType::int64)) {
      t.unix = v.as_int();
    } else {
      t = GoTime::now();
    }
    return Value::string(go_duration_string(round_second(since(t))));
  });
  add(funcs, "duration", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    const Value& v = args[0];
    int64_t n = 0;
    if (v.is_string()) {
      // strconv.ParseInt(s, 10, 64), 0 on any error.
      std::string_view s = v.as_string();
      bool neg = !s.empty() && (s[0] == '-' || s[0] == '+') && s[0] == '-';
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
      uint64_t u = 0;
      bool ok = !s.empty();
      for (char c : s) {
        if (c < '0' || c > '9' || u > (uint64_t{1} << 63) / 10) {
          ok = false;
          break;
        }
        u = u * 10 + static_cast<uint64_t>(c - '0');
      }
      if (ok && (u < (uint64_t{1} << 63) || (neg && u == (uint64_t{1} << 63))))
        n = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
    } else if (v.kind() == gotemplate::Kind::integer && v.type() == GoType::int64) {
      n = v.as_int();
    }
    return Value::string(
        go_duration_string(static_cast<int64_t>(static_cast<uint64_t>(n) * 1000000000)));
  });
  add(funcs, "durationRound", {Param::any}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        const Value& v = args[0];
        int64_t d = 0;
        if (v.is_string()) {
          d = go_parse_duration(v.as_string()).value_or(0);
        } else if (v.kind() == gotemplate::Kind::integer && v.type() == GoType::int64) {
          d = v.as_int();
        } else if (const GoTime* t = as_time(v)) {
          d = since(*t);
        }
        uint64_t u = static_cast<uint64_t>(d);
        if (d < 0) u = 0 - u;
        constexpr uint64_t second = 1000000000, minute = 60 * second, hour = 60 * minute,
                           day = 24 * hour, month = 30 * day, year = 365 * day;
        std::string out = "0s";
        if (u > year)
          out = std::to_string(u / year) + "y";
        else if (u > month)
          out = std::to_string(u / month) + "mo";
        else if (u > day)
          out = std::to_string(u / day) + "d";
        else if (u > hour)
          out = std::to_string(u / hour) + "h";
        else if (u > minute)
          out = std::to_string(u / minute) + "m";
        else if (u > second)
          out = std::to_string(u / second) + "s";
        return Value::string(out);
      });
  add(funcs, "toDate", {Param::string, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        auto t = go_parse(args[0].as_string(), args[1].as_string(), local_location());
        return time_value(t ? *t : GoTime());
      });
  add(funcs, "mustToDate", {Param::string, Param::string}, Variadic::no,
      [](CallContext&, Args args) -> Result<Value> {
        return time_value(
            TRY(go_parse(args[0].as_string(), args[1].as_string(), local_location())));
      });
  add(funcs, "unixEpoch", {Param::any}, Variadic::no, [](CallContext&, Args args) -> Result<Value> {
    GoTime t = TRY(time_arg(args[0]));
    return Value::string(std::to_string(t.unix));
  });
}

Value make_time_value(int64_t unix, int32_t nsec, std::string_view zone, int offset) {
  GoTime t;
  t.unix = unix;
  t.nsec = nsec;
  t.loc = zone == "UTC" && offset == 0 ? utc_location() : fixed_location(std::string(zone), offset);
  return time_value(std::move(t));
}

int local_offset_now() {
  return local_location()->lookup(GoTime::now().unix).offset;
}

}  // namespace plumb::sprig
