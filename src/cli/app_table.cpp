#include "cli/app_table.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

#include "core/duration.hpp"

namespace plumb::cli::app {
namespace {

// Code points: every byte that does not continue a UTF-8 sequence (Go's utf8.RuneCount).
size_t runes(std::string_view text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// --- text/tabwriter ----------------------------------------------------------------------

struct Cell {
  std::string_view text;
  size_t width;
};
using Line = std::vector<Cell>;

class TabWriter {
 public:
  TabWriter(std::string_view text, size_t minwidth, size_t padding)
      : m_minwidth(minwidth), m_padding(padding) {
    for (size_t start = 0;;) {
      size_t nl = text.find('\n', start);
      std::string_view line =
          text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      Line cells;
      for (size_t from = 0;;) {
        size_t tab = line.find('\t', from);
        std::string_view cell =
            line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from);
        cells.push_back({cell, runes(cell)});
        if (tab == std::string_view::npos) break;
        from = tab + 1;
      }
      m_lines.push_back(std::move(cells));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
  }

  std::string run() {
    format(0, m_lines.size());
    return std::move(m_out);
  }

 private:
  // Column blocks, as Go's tabwriter finds them: a run of consecutive lines that all have a
  // (tab-terminated) cell in this column shares one width; to its right each block is
  // formatted on its own.
  void format(size_t line0, size_t line1) {
    size_t column = m_widths.size();
    for (size_t at = line0; at < line1; ++at) {
      if (column + 1 >= m_lines[at].size()) continue;
      write_lines(line0, at);
      line0 = at;
      size_t width = m_minwidth;
      for (; at < line1 && column + 1 < m_lines[at].size(); ++at)
        width = std::max(width, m_lines[at][column].width + m_padding);
      m_widths.push_back(width);
      format(line0, at);
      m_widths.pop_back();
      line0 = at;
    }
    write_lines(line0, line1);
  }

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const Line& line = m_lines[i];
      for (size_t j = 0; j < line.size(); ++j) {
        m_out.append(line[j].text);
        if (j < m_widths.size()) m_out.append(m_widths[j] - line[j].width, ' ');
      }
      if (i + 1 < m_lines.size()) m_out += '\n';
    }
  }

  size_t m_minwidth;
  size_t m_padding;
  std::vector<Line> m_lines;
  std::vector<size_t> m_widths;
  std::string m_out;
};

// --- Go's fmt and time --------------------------------------------------------------------

// fmt's %-Ns: text padded on the right to n code points.
std::string pad_right(std::string_view text, size_t n) {
  std::string out(text);
  for (size_t w = runes(text); w < n; ++w)
    out += ' ';
  return out;
}

// fmt's %Ns: text padded on the left to n code points.
std::string pad_left(std::string_view text, size_t n) {
  size_t w = runes(text);
  return std::string(w < n ? n - w : 0, ' ') + std::string(text);
}

// "+0000" or "+00:00" of a tm_gmtoff.
std::string zone_offset(long seconds, bool colon) {
  char sign = seconds < 0 ? '-' : '+';
  long minutes = (seconds < 0 ? -seconds : seconds) / 60;
  char text[48];
  std::snprintf(text, sizeof text, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign, minutes / 60,
                minutes % 60);
  return text;
}

struct LocalTime {
  std::tm tm{};
  long nanos = 0;
};

LocalTime local_time(SystemTime time) {
  auto since = time.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  LocalTime local;
  local.nanos = long(std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count());
  std::time_t t = std::time_t(secs.count());
  localtime_r(&t, &local.tm);
  return local;
}

std::string go_time_string(SystemTime time) {
  LocalTime local = local_time(time);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &local.tm);
  std::string out = date;
  if (local.nanos) {
    std::string fraction = std::to_string(local.nanos + 1000000000).substr(1);
    while (fraction.back() == '0')
      fraction.pop_back();
    out += "." + fraction;
  }
  out += " " + zone_offset(local.tm.tm_gmtoff, false) + " " + local.tm.tm_zone;
  return out;
}

const Node* first_source(const Node& app) {
  const Node* sources = app.at_path({"spec", "sources"});
  if (sources && sources->is_list() && !sources->empty()) return &sources->items()[0];
  return app.at_path({"spec", "source"});
}

std::string_view source_field(const Node& app, std::string_view key) {
  const Node* source = first_source(app);
  return source ? source->string_at({key}) : "";
}

std::string server_of(const Node& app) {
  std::string_view server = app.string_at({"spec", "destination", "server"});
  return std::string(server.empty() ? app.string_at({"spec", "destination", "name"}) : server);
}

std::string project_of(const Node& app) {
  std::string_view project = app.string_at({"spec", "project"});
  return std::string(project.empty() ? "default" : project);
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool looks_like_commit(std::string_view revision) {
  return revision.size() >= 7 && is_hex(revision);  // a full or truncated SHA-1
}

bool prune_enabled(const Node& app) {
  const Node* prune = app.at_path({"spec", "syncPolicy", "automated", "prune"});
  return prune && prune->as_bool();
}

std::span<const Node> items_at(const Node& object, std::initializer_list<std::string_view> path) {
  const Node* list = object.at_path(path);
  return list && list->is_list() ? list->items() : std::span<const Node>();
}

}  // namespace

void summary_field(std::string& out, std::string_view label, std::string_view value) {
  out += pad_right(label, 20);
  out.append(value);
  out += '\n';
}

void source_details(std::string& out, const Node& source) {
  summary_field(out, "- Repo:", source.string_at({"repoURL"}));
  summary_field(out, "  Target:", source.string_at({"targetRevision"}));
  if (std::string_view path = source.string_at({"path"}); !path.empty())
    summary_field(out, "  Path:", path);
  if (std::string_view ref = source.string_at({"ref"}); !ref.empty())
    summary_field(out, "  Ref:", ref);
  if (const Node* files = source.at_path({"helm", "valueFiles"}); files && !files->empty()) {
    std::string joined;
    for (const Node& f : files->items())
      joined += (joined.empty() ? "" : ",") + std::string(f.as_string());
    summary_field(out, "  Helm Values:", joined);
  }
  if (std::string_view prefix = source.string_at({"kustomize", "namePrefix"}); !prefix.empty()) {
    summary_field(out, "  Name Prefix:", prefix);
  }
}

std::string tabwrite(std::string_view text, size_t minwidth, size_t padding) {
  return TabWriter(text, minwidth, padding).run();
}

std::string go_time(std::string_view rfc3339) {
  auto time = parse_rfc3339(rfc3339);
  return time ? go_time_string(*time) : "0001-01-01 00:00:00 +0000 UTC";
}

std::string go_time_or_nil(std::string_view rfc3339) {
  return rfc3339.empty() ? "<nil>" : go_time(rfc3339);
}

std::string wait_timestamp(SystemTime now) {
  LocalTime local = local_time(now);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local.tm);
  return date + zone_offset(local.tm.tm_gmtoff, true);
}

std::string qualified_name(const Node& app) {
  std::string_view ns = app.string_at({"metadata", "namespace"});
  std::string_view name = app.string_at({"metadata", "name"});
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

std::string sync_policy_word(const Node& app) {
  if (!automated_sync_enabled(app)) return "Manual";
  return prune_enabled(app) ? "Auto-Prune" : "Auto";
}

std::string conditions_summary(const Node& app) {
  std::map<std::string, int, std::less<>> counts;
  for (const Node& c : items_at(app, {"status", "conditions"}))
    ++counts[std::string(c.string_at({"type"}))];
  std::vector<std::string> items;
  for (const auto& [type, count] : counts)
    items.push_back(count > 1 ? type + "(" + std::to_string(count) + ")" : type);
  std::sort(items.begin(), items.end());
  if (items.empty()) return "<none>";
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : ",") + item;
  return out;
}

std::vector<Node> apps_for_list(std::vector<Node> apps, const ListFilter& filter) {
  std::erase_if(apps, [&](const Node& app) {
    const auto& projects = filter.projects;
    if (!projects.empty() &&
        std::find(projects.begin(), projects.end(), project_of(app)) == projects.end()) {
      return true;
    }
    if (!filter.repo.empty() && source_field(app, "repoURL") != filter.repo) return true;
    if (!filter.cluster.empty() &&
        app.string_at({"spec", "destination", "server"}) != filter.cluster &&
        app.string_at({"spec", "destination", "name"}) != filter.cluster) {
      return true;
    }
    return !filter.path.empty() && source_field(app, "path") != filter.path;
  });
  std::stable_sort(apps.begin(), apps.end(), [](const Node& a, const Node& b) {
    return a.string_at({"metadata", "name"}) < b.string_at({"metadata", "name"});
  });
  return apps;
}

std::string list_table(std::span<const Node> apps, ListColumns columns) {
  bool wide = columns == ListColumns::wide;
  std::string text = "NAME\tCLUSTER\tNAMESPACE\tPROJECT\tSTATUS\tHEALTH\tSYNCPOLICY\tCONDITIONS";
  text += wide ? "\tREPO\tPATH\tTARGET\n" : "\n";
  for (const Node& app : apps) {
    std::vector<std::string> cells{qualified_name(app),
                                   server_of(app),
                                   std::string(app.string_at({"spec", "destination", "namespace"})),
                                   project_of(app),
                                   std::string(app.string_at({"status", "sync", "status"})),
                                   std::string(app.string_at({"status", "health", "status"})),
                                   sync_policy_word(app),
                                   conditions_summary(app)};
    if (wide) {
      for (std::string_view key : {"repoURL", "path", "targetRevision"})
        cells.emplace_back(source_field(app, key));
    }
    for (size_t i = 0; i < cells.size(); ++i)
      text += cells[i] + (i + 1 == cells.size() ? "\n" : "\t");
  }
  return tabwrite(text);
}

std::string app_summary(const Node& app, const SyncWindows& windows) {
  std::string out;
  summary_field(out, "Name:", qualified_name(app));
  summary_field(out, "Project:", project_of(app));
  summary_field(out, "Server:", server_of(app));
  summary_field(out, "Namespace:", app.string_at({"spec", "destination", "namespace"}));
  std::span<const Node> sources = items_at(app, {"spec", "sources"});
  if (sources.empty()) {
    out += "Source:\n";
    if (const Node* source = app.at_path({"spec", "source"}); source && source->is_map()) {
      source_details(out, *source);
    }
  } else {
    out += "Sources:\n";
    for (const Node& source : sources)
      source_details(out, source);
  }
  summary_field(out, "SyncWindow:", windows.status);
  if (!windows.assigned.empty()) summary_field(out, "Assigned Windows:", windows.assigned);
  std::string policy = "Manual";
  if (automated_sync_enabled(app)) policy = prune_enabled(app) ? "Automated (Prune)" : "Automated";
  summary_field(out, "Sync Policy:", policy);
  std::string_view target = source_field(app, "targetRevision");
  std::string sync(app.string_at({"status", "sync", "status"}));
  if (sync == "Synced") sync += " to " + std::string(target);
  if (sync == "OutOfSync") sync += " from " + std::string(target);
  std::string_view revision = app.string_at({"status", "sync", "revision"});
  if (!looks_like_commit(target) && revision.size() > 7) {
    sync += " (" + std::string(revision.substr(0, 7)) + ")";
  }
  summary_field(out, "Sync Status:", sync);
  summary_field(out, "Health Status:", app.string_at({"status", "health", "status"}));
  return out;
}

std::string conditions_table(const Node& app) {
  std::string text = "CONDITION\tMESSAGE\tLAST TRANSITION\n";
  for (const Node& c : items_at(app, {"status", "conditions"})) {
    text += std::string(c.string_at({"type"})) + "\t" + std::string(c.string_at({"message"})) +
            "\t" + go_time_or_nil(c.string_at({"lastTransitionTime"})) + "\n";
  }
  return tabwrite(text);
}

std::string operation_summary(const Node& state, SystemTime now) {
  std::string out;
  if (const Node* result = state.find("syncResult"); result && result->is_map()) {
    summary_field(out, "Operation:", "Sync");
    std::span<const Node> revisions = items_at(*result, {"revisions"});
    if (result->find("sources") && result->find("revisions")) {
      std::string joined;
      for (const Node& r : revisions)
        joined += (joined.empty() ? "" : ", ") + std::string(r.as_string());
      summary_field(out, "Sync Revision:", joined);
    } else {
      summary_field(out, "Sync Revision:", result->string_at({"revision"}));
    }
  }
  summary_field(out, "Phase:", state.string_at({"phase"}));
  std::string_view started = state.string_at({"startedAt"});
  std::string_view finished = state.string_at({"finishedAt"});
  summary_field(out, "Start:", go_time(started));
  summary_field(out, "Finished:", go_time_or_nil(finished));
  auto start = parse_rfc3339(started);
  auto end = finished.empty() ? std::optional<SystemTime>(now) : parse_rfc3339(finished);
  int64_t seconds = 0;
  if (start && end) {
    auto whole = [](SystemTime t) {
      return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    seconds = whole(*end) - whole(*start);
  }
  summary_field(out, "Duration:", format_duration(std::chrono::seconds(seconds)));
  if (std::string_view message = state.string_at({"message"}); !message.empty()) {
    summary_field(out, "Message:", message);
  }
  return out;
}

bool ResourceState::merge(const ResourceState& next) {
  bool updated = false;
  for (auto member : {&ResourceState::status, &ResourceState::health, &ResourceState::hook,
                      &ResourceState::message}) {
    const std::string& value = next.*member;
    if (!value.empty() && this->*member != value) {
      this->*member = value;
      updated = true;
    }
  }
  return updated;
}

std::vector<ResourceState> resource_states(const Node& app,
                                           std::span<const ResourceFilter> filters) {
  auto key_of = [](const Node& r) {
    return std::string(r.string_at({"group"})) + "/" + std::string(r.string_at({"kind"})) + "/" +
           std::string(r.string_at({"namespace"})) + "/" + std::string(r.string_at({"name"}));
  };
  std::map<std::string, const Node*> by_key;  // sorted by group/kind/namespace/name
  for (const Node& r : items_at(app, {"status", "resources"}))
    by_key[key_of(r)] = &r;
  std::vector<ResourceState> states;
  for (const Node& r : items_at(app, {"status", "operationState", "syncResult", "resources"})) {
    std::string key = key_of(r);
    ResourceState s{std::string(r.string_at({"group"})),     std::string(r.string_at({"kind"})),
                    std::string(r.string_at({"namespace"})), std::string(r.string_at({"name"})),
                    std::string(r.string_at({"hookPhase"})), std::string(r.string_at({"status"})),
                    std::string(r.string_at({"hookType"})),  std::string(r.string_at({"message"}))};
    auto live = by_key.find(key);
    if (live != by_key.end() && s.hook.empty()) {
      s.health = std::string(live->second->string_at({"health", "status"}));
      s.status = std::string(live->second->string_at({"status"}));
    }
    states.push_back(std::move(s));
    if (live != by_key.end()) by_key.erase(live);
  }
  for (const auto& [key, r] : by_key) {
    states.push_back({std::string(r->string_at({"group"})), std::string(r->string_at({"kind"})),
                      std::string(r->string_at({"namespace"})), std::string(r->string_at({"name"})),
                      std::string(r->string_at({"status"})),
                      std::string(r->string_at({"health", "status"})), "", ""});
  }
  std::erase_if(states, [&](const ResourceState& s) {
    return !resource_selected(s.group, s.kind, s.ns, s.name, filters);
  });
  return states;
}

std::string resources_table(const Node& app) {
  std::string text = "GROUP\tKIND\tNAMESPACE\tNAME\tSTATUS\tHEALTH\tHOOK\tMESSAGE\n";
  for (const ResourceState& r : resource_states(app, {})) {
    text += r.group + "\t" + r.kind + "\t" + r.ns + "\t" + r.name + "\t" + r.status + "\t" +
            r.health + "\t" + r.hook + "\t" + r.message + "\n";
  }
  return tabwrite(text);
}

std::string history_table(const Node& app) {
  constexpr size_t k_short = 7;
  struct Entry {
    int64_t id;
    std::string date, revision;
  };
  std::vector<std::string> repos;  // in the order first seen
  std::map<std::string, std::vector<Entry>> by_repo;
  auto add = [&](std::string_view repo, Entry entry) {
    std::string key(repo);
    if (!by_repo.count(key)) repos.push_back(key);
    by_repo[key].push_back(std::move(entry));
  };
  for (const Node& h : items_at(app, {"status", "history"})) {
    int64_t id = h.find("id") ? h.find("id")->as_int() : 0;
    std::string date = go_time(h.string_at({"deployedAt"}));
    if (const Node* sources = h.find("sources"); sources && sources->is_list()) {
      std::span<const Node> revisions = items_at(h, {"revisions"});
      for (size_t i = 0; i < sources->size(); ++i) {
        const Node& source = sources->items()[i];
        std::string rev(source.string_at({"targetRevision"}));
        if (revisions.size() == sources->size() && revisions[i].as_string().size() >= k_short) {
          rev += " (" + std::string(revisions[i].as_string().substr(0, k_short)) + ")";
        }
        add(source.string_at({"repoURL"}), {id, date, rev});
      }
      continue;
    }
    std::string rev(h.string_at({"source", "targetRevision"}));
    std::string_view revision = h.string_at({"revision"});
    if (revision.size() >= k_short) rev += " (" + std::string(revision.substr(0, k_short)) + ")";
    add(h.string_at({"source", "repoURL"}), {id, date, rev});
  }
  std::string text;
  for (size_t i = 0; i < repos.size(); ++i) {
    text += "SOURCE\t" + repos[i] + "\nID\tDATE\tREVISION\n";
    for (const Entry& e : by_repo[repos[i]])
      text += std::to_string(e.id) + "\t" + e.date + "\t" + e.revision + "\n";
    if (i + 1 < repos.size()) text += "\n";
  }
  return tabwrite(text);
}

std::string history_ids(const Node& app) {
  std::string out;
  for (const Node& h : items_at(app, {"status", "history"}))
    out += std::to_string(h.find("id") ? h.find("id")->as_int() : 0) + "\n";
  return out;
}

std::string wait_rows(std::span<const ResourceState> states, std::string_view timestamp,
                      bool with_header) {
  auto row = [](std::span<const std::string_view> c) {
    return std::string(c[0]) + "\t" + pad_left(c[1], 5) + "\t" + pad_left(c[2], 10) + "\t" +
           pad_left(c[3], 10) + "\t" + pad_left(c[4], 20) + "\t" + pad_left(c[5], 8) + "\t" +
           pad_left(c[6], 7) + "\t" + pad_left(c[7], 10) + "\t" + std::string(c[8]) + "\n";
  };
  std::string text;
  if (with_header) {
    std::string_view header[] = {"TIMESTAMP", "GROUP",  "KIND", "NAMESPACE", "NAME",
                                 "STATUS",    "HEALTH", "HOOK", "MESSAGE"};
    text += row(header);
  }
  for (const ResourceState& s : states) {
    std::string_view cells[] = {timestamp, s.group,  s.kind, s.ns,     s.name,
                                s.status,  s.health, s.hook, s.message};
    text += row(cells);
  }
  return tabwrite(text, 5);
}

}  // namespace plumb::cli::app
