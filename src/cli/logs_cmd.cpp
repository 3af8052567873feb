// plumb logs: the controller's log lines for one object, read from the JSON log file the
// loop appends to (cli/log_record.hpp), filtered, optionally followed as the file grows.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/log_record.hpp"
#include "cli/loop_journal.hpp"

namespace plumb::cli {
namespace {

constexpr std::string_view k_usage =
    "Usage: plumb logs [flags]\n\n"
    "Prints the controller's log lines, as `flux logs` does: TIME LEVEL Kind/name.namespace -\n"
    "message. They are read from the log file the controller appends JSON lines to: `plumb up`\n"
    "writes DATA_DIR/controller.log, `plumb controller` writes controller.log beside its\n"
    "--journal file (or --log-file PATH). The level is error for lines that report a failure,\n"
    "info for the others.\n\n"
    "Flags:\n"
    "      --kind KIND       only lines about objects of this kind (Kustomization, ...)\n"
    "      --name NAME       only lines about objects of this name\n"
    "  -n, --namespace NS    only lines about objects of this namespace\n"
    "      --level LEVEL     error: only errors; info or debug: every line (default info)\n"
    "      --since DURATION  only lines of the last DURATION (such as 10m, 1h)\n"
    "  -f, --follow          keep printing lines as they are written, until interrupted\n"
    "      --file PATH       the log file (default: controller.log beside --journal, else in\n"
    "                        --data-dir)\n"
    "      --journal PATH    the controller's --journal file: its log is beside it\n"
    "      --data-dir DIR    plumb up's data directory (default $XDG_DATA_HOME/plumb or\n"
    "                        ~/.local/share/plumb)\n"
    "  -h, --help            this help\n\n"
    "Exit status: 0 printed (also when no line matched), 1 the log file cannot be read, 2 usage\n"
    "error.\n\n"
    "Examples:\n"
    "  # What the controller said about the Kustomization apps\n"
    "  plumb logs --kind Kustomization --name apps -n flux-system\n\n"
    "  # Errors of the last ten minutes, then new ones as they come\n"
    "  plumb logs --level error --since 10m --follow\n";

std::string log_file(const Flags& flags) {
  if (flags.has_value("--file")) return flags.value("--file");
  std::string journal = journal_path(flags);
  size_t slash = journal.rfind('/');
  return (slash == std::string::npos ? std::string() : journal.substr(0, slash + 1)) +
         "controller.log";
}

// Prints the matching records of the complete lines read; keeps an incomplete last line.
void print_matching(std::string& pending, const LogFilter& filter) {
  size_t start = 0;
  for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
    auto record = parse_log_record(std::string_view(pending).substr(start, end - start));
    if (record && log_matches(*record, filter)) {
      std::string text = format_for_logs(*record);
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  }
  pending.erase(0, start);
  std::fflush(stdout);
}

Result<LogFilter> filter_of(const Flags& flags) {
  LogFilter filter{.kind = flags.value("--kind"),
                   .namespace_ = flags.value("--namespace"),
                   .name = flags.value("--name"),
                   .level = flags.value("--level", "info"),
                   .since = std::nullopt};
  if (filter.level != "error" && filter.level != "info" && filter.level != "debug")
    return fail("--level: must be error, info or debug, got ", filter.level);
  if (flags.has_value("--since")) {
    auto since = TRY(flags.duration("--since", DurationRange::positive, {}));
    filter.since = std::chrono::system_clock::now() - since;
  }
  return filter;
}

}  // namespace

int logs_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--follow", "--help"},
                .values = {"--kind", "--name", "--namespace", "--level", "--since", "--file",
                           "--journal", "--data-dir"},
                .aliases = {{"-n", "--namespace"}, {"-f", "--follow"}, {"-h", "--help"}}};
  flux::Parsed parsed = flux::parse_or_usage(args, spec, "logs", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  if (!flags.positional.empty()) return flux::usage("logs", "takes no arguments", k_usage);
  auto filter = filter_of(flags);
  if (!filter) return flux::usage("logs", filter.error().message(), k_usage);
  std::string path = log_file(flags);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return flux::failed(
        Error("cannot read the log file " + path + " (is plumb up or plumb controller running?)"));
  }
  std::string pending;
  char buffer[65536];
  for (;;) {
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      pending.append(buffer, size_t(in.gcount()));
      print_matching(pending, *filter);
    }
    if (!flags.has("--follow")) return 0;
    in.clear();  // at the end: look again, as tail -f does, until interrupted
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace plumb::cli
