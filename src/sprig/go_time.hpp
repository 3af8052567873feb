// Private to the sprig module: the parts of Go's time package sprig's date functions show —
// time.Time values in a Location (UTC, Local, a fixed zone, or one read from the system's
// zoneinfo files as time.LoadLocation does), Format and Parse with Go's layout strings
// (reference time Mon Jan 2 15:04:05 MST 2006) and their error texts, Duration's String and
// ParseDuration.
//
// Local is $TZ or /etc/localtime, as in Go. Times after a zone's last transition keep its
// last offset (Go applies the zone's POSIX rule there).
// Thread safety: locations are immutable and shared; pure functions otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::sprig {

struct GoLocation {
  struct Zone {
    int offset = 0;  // seconds east of UTC
    std::string abbr;
  };
  std::string name;
  std::vector<Zone> zones{Zone{0, "UTC"}};
  std::vector<int64_t> transitions;  // unix seconds
  std::vector<uint8_t> zone_of;      // zone index of each transition

  const Zone& lookup(int64_t unix) const;
};

using LocationPtr = std::shared_ptr<const GoLocation>;

LocationPtr utc_location();
LocationPtr local_location();
LocationPtr fixed_location(std::string name, int offset);
// time.LoadLocation: "" and "UTC" are UTC, "Local" is Local; an error for unknown names.
Result<LocationPtr> load_location(std::string_view name);

struct GoTime {
  int64_t unix = -62135596800;  // the zero Time, 0001-01-01 00:00:00 UTC
  int32_t nsec = 0;
  LocationPtr loc = utc_location();
  bool monotonic = false;  // time.Now(): String() prints an m=± reading

  static GoTime now();
  GoTime in(LocationPtr l) const {
    GoTime t = *this;
    t.loc = std::move(l);
    return t;
  }
  bool is_zero() const { return unix == -62135596800 && nsec == 0; }
};

// t.Format(layout).
std::string go_format(const GoTime& t, std::string_view layout);
// t.String(): "2006-01-02 15:04:05.999999999 -0700 MST" (+ " m=+0.000000001" when monotonic).
std::string go_time_string(const GoTime& t);
// time.ParseInLocation(layout, value, loc), with Go's "parsing time ..." errors.
Result<GoTime> go_parse(std::string_view layout, std::string_view value, const LocationPtr& loc);

// time.Duration's String(): "1h2m3.5s", "1.5ms", "0s".
std::string go_duration_string(int64_t ns);
// time.ParseDuration, with Go's "time: invalid duration ..." errors.
Result<int64_t> go_parse_duration(std::string_view text);

}  // namespace plumb::sprig
