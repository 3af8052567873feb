// plumb events [--for KIND[/NAME]]: the core/v1 Events of Flux objects, as `flux events`
// prints them (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; oldest first).
#include <algorithm>
#include <cstdio>
#include <set>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_table.hpp"
#include "core/strings.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb events [--for KIND[/NAME]] [flags]\n\n"
    "Prints the Kubernetes Events of Flux objects, oldest first, as `flux events` does.\n"
    "With --for Kustomization/NAME (or ks/NAME) the events of its source are shown too.\n\n"
    "Flags:\n"
    "  --for KIND[/NAME]     only the events of that object (or of every object of KIND)\n"
    "  -A, --all-namespaces  events of all namespaces\n"
    "  -w, --watch           after the table, print each new event\n"
    "  -n, --namespace NS    the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

const kube::Resource k_events{"", "v1", "Event", "events", true};

// The kinds `flux events` shows events of; others' events are left out.
constexpr std::string_view k_flux_kinds[] = {"Kustomization",
                                             "GitRepository",
                                             "OCIRepository",
                                             "Bucket",
                                             "HelmRepository",
                                             "HelmChart",
                                             "HelmRelease",
                                             "Alert",
                                             "Provider",
                                             "Receiver",
                                             "ImageRepository",
                                             "ImagePolicy",
                                             "ImageUpdateAutomation"};

std::optional<std::string_view> flux_kind(std::string_view word) {
  if (word == "ks") return "Kustomization";
  for (std::string_view kind : k_flux_kinds) {
    if (equal_fold(kind, word)) return kind;
  }
  return std::nullopt;
}

// An object whose events are shown; an empty name means every object of the kind, an
// empty namespace every namespace listed.
struct Target {
  std::string kind;
  std::string name;
  std::string ns;
};

struct Selection {
  std::vector<Target> targets;       // empty: every Flux object
  std::set<std::string> namespaces;  // {""}: all
  bool show_namespace = false;

  bool matches(const Node& event) const {
    std::string_view kind = event.string_at({"involvedObject", "kind"});
    std::string_view name = event.string_at({"involvedObject", "name"});
    std::string ns(event.string_at({"metadata", "namespace"}));
    if (!flux_kind(kind) || (!namespaces.count("") && !namespaces.count(ns))) return false;
    if (targets.empty()) return true;
    return std::any_of(targets.begin(), targets.end(), [&](const Target& t) {
      return t.kind == kind && (t.name.empty() || t.name == name) && (t.ns.empty() || t.ns == ns);
    });
  }
};

// --for KIND[/NAME]; the kind matched case-insensitively, `ks` for Kustomization.
Result<Target> parse_for(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view word = text.substr(0, slash);
  auto kind = flux_kind(word);
  if (!kind) return fail("--for: '", word, "' is not a recognized Flux kind");
  return Target{std::string(*kind),
                slash == std::string_view::npos ? "" : std::string(text.substr(slash + 1)), ""};
}

// What to show: every Flux object's events, or those of the --for target and, for a
// Kustomization, of its source too.
Result<Selection> select(kube::Client& client, std::optional<Target> target, const std::string& ns,
                         bool all_namespaces) {
  Selection s;
  s.namespaces.insert(all_namespaces ? "" : ns);
  s.show_namespace = all_namespaces;
  if (!target) return s;
  if (!all_namespaces) target->ns = ns;
  s.targets.push_back(*target);
  if (target->name.empty() || target->kind != "Kustomization") return s;
  Node ks = TRY(get_object(client, kustomization_kind(), ns, target->name));
  const Node* ref = ks.at_path({"spec", "sourceRef"});
  if (!ref) return s;
  Target source{std::string(ref->string_at({"kind"})), std::string(ref->string_at({"name"})),
                std::string(ref->string_at({"namespace"}))};
  if (source.kind.empty()) source.kind = "GitRepository";
  if (source.ns.empty()) source.ns = ns;
  if (!all_namespaces && source.ns != ns) {
    s.namespaces.insert(source.ns);
    s.show_namespace = true;
  }
  s.targets.push_back(source);
  return s;
}

Row row_of(const Selection& s, const Node& event, SystemTime now) {
  Row row{last_seen(event, now), std::string(event.string_at({"type"})),
          std::string(event.string_at({"reason"})),
          std::string(event.string_at({"involvedObject", "kind"})) + "/" +
              std::string(event.string_at({"involvedObject", "name"})),
          std::string(event.string_at({"message"}))};
  if (s.show_namespace)
    row.insert(row.begin(), std::string(event.string_at({"metadata", "namespace"})));
  return row;
}

Row header_of(const Selection& s) {
  Row header{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"};
  if (s.show_namespace) header.insert(header.begin(), "NAMESPACE");
  return header;
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

struct Listed {
  std::vector<Node> events;  // matching, oldest first
  std::string version;       // to watch from
};

Result<Listed> list_events(kube::Client& client, const Selection& s) {
  Listed listed;
  for (const std::string& ns : s.namespaces) {
    Node list = TRY(client.list(k_events, ns));
    listed.version = std::string(list.string_at({"metadata", "resourceVersion"}));
    const Node* items = list.find("items");
    for (const Node& event : items ? items->items() : std::span<const Node>()) {
      if (s.matches(event)) listed.events.push_back(event);
    }
  }
  std::stable_sort(listed.events.begin(), listed.events.end(),
                   [](const Node& a, const Node& b) { return event_time(a) < event_time(b); });
  return listed;
}

// Prints each new or updated event until interrupted (or the watch fails).
Result<void> follow(kube::Client& client, const Selection& s, std::string version, Row header) {
  std::string ns = s.namespaces.size() == 1 ? *s.namespaces.begin() : "";
  for (;;) {
    auto last = client.watch(k_events, ns, version, [&](const kube::WatchEvent& event) {
      if ((event.type == "ADDED" || event.type == "MODIFIED") && s.matches(event.object)) {
        print(format_table(header, {row_of(s, event.object, std::chrono::system_clock::now())}));
        header.clear();
      }
      return true;
    });
    if (last) {
      version = *last;
    } else if (last.error().code() == 410) {
      version = TRY(list_events(client, s)).version;
    } else {
      return std::unexpected(last.error());
    }
  }
}

}  // namespace

int events_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--all-namespaces", "--watch"},
                .values = {"--for"},
                .aliases = {{"-A", "--all-namespaces"}, {"-w", "--watch"}}};
  add_flux_flags(spec);
  Parsed parsed = parse_or_usage(args, spec, "events", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  if (!flags.positional.empty()) {
    return usage("events", "unexpected argument '" + flags.positional[0] + "'", k_usage);
  }
  std::optional<Target> target;
  if (flags.values.count("--for")) {
    auto parsed_for = parse_for(flags.value("--for"));
    if (!parsed_for) return usage("events", parsed_for.error().message(), k_usage);
    target = std::move(*parsed_for);
  }
  auto session = connect(flags);
  if (!session) return failed(session.error());
  kube::Client& client = *session->client;
  bool all_namespaces = flags.has("--all-namespaces");
  auto selection = select(client, target, session->ns, all_namespaces);
  if (!selection) return failed(selection.error());
  auto listed = list_events(client, *selection);
  if (!listed) return failed(listed.error());

  Row header = header_of(*selection);
  auto now = std::chrono::system_clock::now();
  std::vector<Row> rows;
  for (const Node& event : listed->events)
    rows.push_back(row_of(*selection, event, now));
  if (!rows.empty()) {
    print(format_table(header, rows));
    header.clear();
  } else if (!flags.has("--watch")) {
    say(Mark::failure,
        all_namespaces ? "No events found." : "No events found in " + session->ns + " namespace.");
  }
  if (!flags.has("--watch")) return 0;
  auto followed = follow(client, *selection, listed->version, std::move(header));
  return followed ? 0 : failed(followed.error());
}

}  // namespace plumb::cli
