// plumb get kustomizations|sources ...: the status of Flux objects, as `flux get` prints it.
#include <cstdio>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_table.hpp"
#include "cli/get_output.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb get KIND [NAME] [flags]\n\n"
    "Prints the status of Flux objects as `flux get` does: NAME, REVISION, SUSPENDED, READY,\n"
    "MESSAGE (NAMESPACE first with -A). REVISION is status.lastAppliedRevision of a\n"
    "Kustomization and status.artifact.revision of a source; READY and MESSAGE come from the\n"
    "Ready condition.\n\n"
    "Kinds:\n"
    "  kustomizations, kustomization, ks\n"
    "  helmreleases, helmrelease, hr\n"
    "  sources              every source kind (names prefixed with the kind)\n"
    "  sources git|helm|oci, source git|helm|oci\n\n"
    "Flags:\n"
    "  -A, --all-namespaces  list across all namespaces\n"
    "  -w, --watch           after the table, print a row each time an object changes\n"
    "      --no-header       skip the header\n"
    "  -o, --output FORMAT   wide (the table and a SOURCE column: source, chart or URL), json,\n"
    "                        yaml (as kubectl prints objects: one object for NAME, else a List)\n"
    "                        or name (KIND.GROUP/NAME, as kubectl -o name)\n"
    "  -n, --namespace NS    the namespace (default flux-system)\n"
    "      --kubeconfig FILE the kubeconfig (default $KUBECONFIG, then ~/.kube/config)\n"
    "      --context NAME    the kubeconfig context\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed (also when none were found), 1 NAME not found or the cluster\n"
    "failed, 2 usage error.\n\n"
    "Examples:\n"
    "  # The Kustomizations of every namespace\n"
    "  plumb get ks -A\n\n"
    "  # One GitRepository as YAML, as kubectl prints it\n"
    "  plumb get source git flux-system -o yaml\n";

struct Listing {
  const FluxKind& kind;
  bool all_namespaces;
  bool kind_prefix;  // `get sources`: gitrepository/NAME
  GetOutput output = GetOutput::table;
};

Row header_of(const Listing& l) {
  Row header{"NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"};
  if (l.all_namespaces) header.insert(header.begin(), "NAMESPACE");
  if (l.output == GetOutput::wide) header.push_back("SOURCE");
  return header;
}

Row row_of(const Listing& l, const Node& object) {
  std::string name(object.string_at({"metadata", "name"}));
  if (l.kind_prefix) name = std::string(l.kind.lower) + "/" + name;
  Readiness ready = readiness_of(object);
  Row row{name, revision_of(l.kind, object), is_suspended(object) ? "True" : "False", ready.status,
          ready.message};
  if (l.all_namespaces)
    row.insert(row.begin(), std::string(object.string_at({"metadata", "namespace"})));
  if (l.output == GetOutput::wide) row.push_back(source_column(object));
  return row;
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// The objects to show and the resourceVersion to watch from.
struct Snapshot {
  std::vector<Node> items;
  std::string version;
};

Result<Snapshot> read(kube::Client& client, const Listing& l, const std::string& ns,
                      const std::string& name) {
  Snapshot snapshot;
  if (!name.empty()) {
    Node object = TRY(get_object(client, l.kind, ns, name));
    snapshot.version = std::string(object.string_at({"metadata", "resourceVersion"}));
    snapshot.items.push_back(std::move(object));
    return snapshot;
  }
  auto list = client.list(*l.kind.resource, l.all_namespaces ? "" : ns);
  if (!list) {
    if (list.error().code() == 404) return snapshot;  // the CRD is not installed: none
    return std::unexpected(list.error());
  }
  snapshot.version = std::string(list->string_at({"metadata", "resourceVersion"}));
  if (const Node* items = list->find("items")) {
    snapshot.items.assign(items->items().begin(), items->items().end());
  }
  return snapshot;
}

// Prints a row for each change until interrupted (or the watch fails); the header first
// when it was not printed yet (nothing was listed).
Result<void> follow(kube::Client& client, const Listing& l, const std::string& ns,
                    const std::string& name, std::string version, Row header) {
  for (;;) {
    auto last = client.watch(
        *l.kind.resource, l.all_namespaces ? "" : ns, version, [&](const kube::WatchEvent& event) {
          if (event.type == "BOOKMARK") return true;
          if (!name.empty() && event.object.string_at({"metadata", "name"}) != name) {
            return true;
          }
          if (l.output == GetOutput::table || l.output == GetOutput::wide) {
            print(format_table(header, {row_of(l, event.object)}));
            header.clear();
          } else {
            // One document per change; YAML documents separated as kubectl -w separates them.
            std::string separator = l.output == GetOutput::yaml ? "---\n" : "";
            print(separator + format_object(event.object, l.output));
          }
          return true;
        });
    if (last) {
      version = *last;
    } else if (last.error().code() == 410) {
      version = TRY(read(client, l, ns, name)).version;
    } else {
      return std::unexpected(last.error());
    }
  }
}

}  // namespace

int get_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--all-namespaces", "--watch", "--no-header"},
                .values = {"--output"},
                .aliases = {{"-A", "--all-namespaces"}, {"-w", "--watch"}, {"-o", "--output"}}};
  KindCommand command =
      parse_kind_command(args, spec, "get", k_usage, AllSources::allowed, Names::at_most_one);
  if (command.exit) return *command.exit;
  const Flags& flags = command.flags;
  const KindSelection& selection = command.selection;
  bool watch = flags.has("--watch");
  if (watch && selection.all_sources) {
    return usage("get", "--watch needs a single kind, e.g. 'sources git'", k_usage);
  }
  std::string name = selection.names.empty() ? "" : selection.names[0];
  auto output = parse_get_output(flags.value("--output"));
  if (!output) return usage("get", output.error().message(), k_usage);
  bool objects =
      *output == GetOutput::json || *output == GetOutput::yaml || *output == GetOutput::name;

  auto session = connect(flags);
  if (!session) return failed(session.error());
  if (selection.all_sources) {
    // A table per source kind that has objects, each followed by a blank line (-o json|yaml:
    // one List of them all).
    std::vector<Node> all;
    for (const FluxKind* kind : source_kinds()) {
      Listing listing{*kind, flags.has("--all-namespaces"), true, *output};
      auto snapshot = read(*session->client, listing, session->ns, "");
      if (!snapshot) return failed(snapshot.error());
      std::vector<Row> rows;
      for (const Node& object : snapshot->items) {
        if (!name.empty() && object.string_at({"metadata", "name"}) != name) continue;
        rows.push_back(row_of(listing, object));
        all.push_back(object);
      }
      if (rows.empty() || objects) continue;
      print(format_table(flags.has("--no-header") ? Row{} : header_of(listing), rows) + "\n");
    }
    if (objects) print(format_objects(all, *output));
    return 0;
  }
  Listing listing{*selection.kind, flags.has("--all-namespaces"), false, *output};
  auto snapshot = read(*session->client, listing, session->ns, name);
  if (!snapshot) return failed(snapshot.error());
  if (objects) {
    print(name.empty() ? format_objects(snapshot->items, *output)
                       : format_object(snapshot->items[0], *output));
    if (!watch) return 0;
    auto followed = follow(*session->client, listing, session->ns, name, snapshot->version, {});
    return followed ? 0 : failed(followed.error());
  }
  Row header = flags.has("--no-header") ? Row{} : header_of(listing);
  std::vector<Row> rows;
  for (const Node& object : snapshot->items)
    rows.push_back(row_of(listing, object));
  if (!rows.empty()) {
    print(format_table(header, rows));
  } else {
    std::string where = listing.all_namespaces ? "any" : "\"" + session->ns + "\"";
    say(Mark::failure,
        "no " + std::string(listing.kind.kind) + " objects found in " + where + " namespace");
  }
  if (!watch) return 0;
  if (!rows.empty()) header.clear();
  auto followed =
      follow(*session->client, listing, session->ns, name, snapshot->version, std::move(header));
  return followed ? 0 : failed(followed.error());
}

}  // namespace plumb::cli
