// Output pieces of the flux-like commands that are pure functions: the table layout the flux
// CLI prints (olekukonko/tablewriter v0.0.5 with no borders and tab padding) and the LAST SEEN
// column of `events` (timestamps are core/time.hpp's).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "core/time.hpp"

namespace plumb::cli::flux {

using Row = std::vector<std::string>;

// The table as `flux get` prints it: every cell padded to its column's width (in code
// points) and followed by a tab; the header's last cell by a space instead. No header line
// when header is empty. A cell with line breaks spans several lines.
std::string format_table(const Row& header, const std::vector<Row>& rows);

// When an Event last happened, for sorting: series.lastObservedTime, else lastTimestamp,
// else eventTime.
SystemTime event_time(const Node& event);

// The LAST SEEN column: "12s", "3m4s", "5m (x3 over 10m)", "<unknown>".
std::string last_seen(const Node& event, SystemTime now);

}  // namespace plumb::cli::flux
