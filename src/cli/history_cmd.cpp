// plumb history ks|hr|app NAME: what the sync journal keeps of an object's reconciles — a
// table (ID, TIME, REVISION, TRIGGER, RESULT, CHANGES, newest first), one entry with its
// per-object diffs (--show ID), or JSON (-o json).
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "cli/flux_table.hpp"
#include "cli/loop_journal.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "journal/journal.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb history ks|hr|app NAME [-n NAMESPACE] [--show ID] [-o json] [flags]\n\n"
    "Shows what the sync journal kept of a Kustomization's, HelmRelease's or Application's\n"
    "reconciles, newest first: when, which revision, why it ran (created, spec, interval,\n"
    "webhook, manual, source, dependency, drift, ...), the result and what changed.\n"
    "`plumb up` keeps the journal in its data directory; `plumb controller --journal PATH`\n"
    "where PATH says.\n\n"
    "Flags:\n"
    "  -n, --namespace NS  the object's namespace (default flux-system; argocd for app)\n"
    "  --show ID           one entry: its header and the diff of every object it changed\n"
    "                      (Secret values masked)\n"
    "  -o, --output json   JSON instead of a table\n"
    "  --limit N           at most N entries (default 50)\n"
    "  --journal PATH      the journal file (default DATA_DIR/journal.db)\n"
    "  --data-dir DIR      plumb up's data directory (default $XDG_DATA_HOME/plumb or\n"
    "                      ~/.local/share/plumb)\n";

struct KindAlias {
  std::string_view word;
  std::string_view kind;
  std::string_view default_namespace;
};

constexpr KindAlias k_kinds[] = {
    {"ks", "Kustomization", "flux-system"}, {"kustomization", "Kustomization", "flux-system"},
    {"hr", "HelmRelease", "flux-system"},   {"helmrelease", "HelmRelease", "flux-system"},
    {"app", "Application", "argocd"},       {"application", "Application", "argocd"},
};

const KindAlias* kind_of(std::string_view word) {
  for (const KindAlias& k : k_kinds)
    if (k.word == word) return &k;
  return nullptr;
}

// "2 created, 1 configured, 1 deleted": what the entry changed (unchanged objects are not
// kept); for a failure that changed nothing, its error.
std::string changes_of(const journal::Entry& e) {
  std::string out;
  for (std::string_view action : {"created", "configured", "deleted", "skipped", "failed"}) {
    size_t n =
        size_t(std::count_if(e.objects.begin(), e.objects.end(),
                             [&](const journal::ObjectChange& o) { return o.action == action; }));
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + std::string(action);
  }
  if (out.empty() && e.failed) out = e.error.size() > 60 ? e.error.substr(0, 57) + "..." : e.error;
  return out.empty() ? "-" : out;
}

Node json_of(const journal::Entry& e, bool diffs) {
  Node out = Node::map();
  out.set("id", Node::integer(e.id));
  out.set("time", Node::string(format_rfc3339_nano(e.time)));
  out.set("durationMs", Node::integer(e.duration.count()));
  out.set("apiVersion", Node::string(e.api_version));
  out.set("kind", Node::string(e.kind));
  out.set("namespace", Node::string(e.namespace_));
  out.set("name", Node::string(e.name));
  out.set("uid", Node::string(e.uid));
  out.set("trigger", Node::string(e.trigger));
  out.set("triggerDetail", Node::string(e.trigger_detail));
  out.set("revision", Node::string(e.revision));
  out.set("commitMessage", Node::string(e.commit_message));
  out.set("commitAuthor", Node::string(e.commit_author));
  out.set("result", Node::string(e.result));
  out.set("failed", Node::boolean(e.failed));
  out.set("error", Node::string(e.error));
  out.set("health", Node::string(e.health));
  out.set("actor", Node::string(e.actor));
  out.set("summary", Node::string(e.summary));
  Node objects = Node::list();
  for (const journal::ObjectChange& o : e.objects) {
    Node object = Node::map();
    object.set("action", Node::string(o.action));
    object.set("ref", Node::string(o.ref));
    if (!o.message.empty()) object.set("message", Node::string(o.message));
    if (diffs) object.set("diff", Node::string(o.diff));
    objects.push_back(std::move(object));
  }
  out.set("objects", std::move(objects));
  if (e.dropped_diffs > 0) out.set("droppedDiffs", Node::integer(e.dropped_diffs));
  return out;
}

std::string table_of(const std::vector<journal::Entry>& entries) {
  std::vector<flux::Row> rows;
  for (const journal::Entry& e : entries) {
    rows.push_back({std::to_string(e.id), format_rfc3339(e.time), e.revision, e.trigger, e.result,
                    changes_of(e)});
  }
  return flux::format_table({"ID", "TIME", "REVISION", "TRIGGER", "RESULT", "CHANGES"}, rows);
}

// One entry: a header, then each object it changed with its diff.
std::string details_of(const journal::Entry& e) {
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    if (value.empty()) return;
    out += std::string(label) + std::string(12 - label.size(), ' ') + value + "\n";
  };
  line("ID:", std::to_string(e.id));
  line("Object:", e.kind + "/" + e.namespace_ + "/" + e.name);
  line("Time:", format_rfc3339(e.time) + " (took " + std::to_string(e.duration.count()) + "ms)");
  line("Trigger:", e.trigger + (e.trigger_detail.empty() ? "" : " (" + e.trigger_detail + ")"));
  line("Revision:", e.revision);
  line("Commit:", e.commit_message);
  line("Author:", e.commit_author);
  line("Result:", e.result);
  line("Error:", e.error);
  line("Health:", e.health);
  line("Actor:", e.actor);
  line("Changes:", e.summary);
  for (const journal::ObjectChange& o : e.objects) {
    out += "\n" + o.ref + " " + o.action + (o.message.empty() ? "" : ": " + o.message) + "\n";
    if (!o.diff.empty()) {
      out += o.diff;
      if (out.back() != '\n') out += '\n';
    } else if (e.dropped_diffs > 0 && o.action != "failed" && o.action != "skipped") {
      out += "(diff not kept: the journal's write queue was full)\n";
    }
  }
  return out;
}

int history(const Flags& flags, const KindAlias& kind, const std::string& name) {
  std::string path = journal_path(flags);
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr,
                 "plumb history: no journal at %s (plumb up keeps one in its data directory; "
                 "plumb controller keeps one with --journal PATH)\n",
                 path.c_str());
    return 1;
  }
  auto reader = journal::Reader::open(path);
  if (!reader) {
    std::fprintf(stderr, "plumb history: %s\n", reader.error().message().c_str());
    return 1;
  }
  std::string ns = flags.value("--namespace", kind.default_namespace);
  bool json = flags.value("--output") == "json";
  std::string object = std::string(kind.kind) + "/" + ns + "/" + name;
  if (flags.has_value("--show")) {
    auto id = flags.integer("--show", {.min = 1}, 0);
    if (!id) {
      std::fprintf(stderr, "plumb history: %s\n", id.error().message().c_str());
      return 2;
    }
    auto entry = reader->get(*id);
    if (!entry) {
      std::fprintf(stderr, "plumb history: %s\n", entry.error().message().c_str());
      return 1;
    }
    if (!*entry || (*entry)->kind != kind.kind || (*entry)->namespace_ != ns ||
        (*entry)->name != name) {
      std::fprintf(stderr, "plumb history: %s has no entry %lld\n", object.c_str(),
                   static_cast<long long>(*id));
      return 1;
    }
    std::string out =
        json ? to_json(json_of(**entry, true), JsonStyle::indented) + "\n" : details_of(**entry);
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  auto limit = flags.integer("--limit", {.min = 1, .max = 1000000}, 50);
  if (!limit) {
    std::fprintf(stderr, "plumb history: %s\n", limit.error().message().c_str());
    return 2;
  }
  auto entries = reader->list(std::string(kind.kind), ns, name, size_t(*limit));
  if (!entries) {
    std::fprintf(stderr, "plumb history: %s\n", entries.error().message().c_str());
    return 1;
  }
  if (json) {
    Node list = Node::list();
    for (const journal::Entry& e : *entries)
      list.push_back(json_of(e, false));
    std::fputs((to_json(list, JsonStyle::indented) + "\n").c_str(), stdout);
    return 0;
  }
  if (entries->empty()) {
    std::fprintf(stderr, "plumb history: nothing in %s for %s\n", path.c_str(), object.c_str());
    return 0;
  }
  std::fputs(table_of(*entries).c_str(), stdout);
  return 0;
}

}  // namespace

int history_command(std::span<const std::string_view> args) {
  FlagSpec spec{
      .booleans = {"--help"},
      .values = {"--namespace", "--show", "--output", "--journal", "--data-dir", "--limit"},
      .aliases = {{"-h", "--help"}, {"-n", "--namespace"}, {"-o", "--output"}}};
  auto flags = parse_flags(args, spec);
  if (!flags || flags->has("--help") || flags->positional.size() != 2 ||
      !kind_of(flags->positional[0])) {
    if (!flags) std::fprintf(stderr, "plumb history: %s\n\n", flags.error().message().c_str());
    bool help = flags && flags->has("--help");
    std::fputs(k_usage, help ? stdout : stderr);
    return help ? 0 : 2;
  }
  if (std::string output = flags->value("--output", "table");
      output != "table" && output != "json") {
    std::fprintf(stderr, "plumb history: --output: \"%s\" is not table or json\n", output.c_str());
    return 2;
  }
  return history(*flags, *kind_of(flags->positional[0]), flags->positional[1]);
}

}  // namespace plumb::cli
