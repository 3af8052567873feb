#include "cli/loop_journal.hpp"

#include "cli/cli.hpp"

#include <cmath>

#include "localcluster/quantity.hpp"

namespace plumb::cli {
namespace {

Result<journal::Options> options_of(const Flags& flags) {
  journal::Options options;
  options.max_age =
      TRY(flags.duration("--journal-max-age", DurationRange::positive, std::chrono::hours(720)));
  std::string size = flags.value("--journal-max-size", "512Mi");
  auto bytes = localcluster::quantity_value(size);
  if (!bytes || *bytes < 1 || !std::isfinite(*bytes))
    return fail("--journal-max-size: \"", size, "\" is not a size (512Mi, 2Gi, 100M)");
  options.max_bytes = uint64_t(*bytes);
  return options;
}

}  // namespace

controller::EventRecorderOptions journal_gated_events(journal::Journal* journal) {
  controller::EventRecorderOptions options;
  if (!journal) return options;
  options.mark = [journal] { return journal->last_seq(); };
  options.before_write = [journal](uint64_t seq) {
    if (seq > 0) (void)journal->wait_durable(seq, std::chrono::seconds(10));
  };
  return options;
}

Result<LoopJournal> open_loop_journal(const std::string& path, const Flags& flags) {
  journal::Options options = TRY(options_of(flags));
  LoopJournal out;
  out.journal = TRY(journal::Journal::open(path, options));
  out.observer = std::make_unique<journal::JournalObserver>(*out.journal);
  return out;
}

std::vector<controller::Observer*> LoopJournal::observers() const {
  if (!observer) return {};
  return {observer.get()};
}

void LoopJournal::close() {
  if (journal) journal->close();
}

std::string journal_path(const Flags& flags) {
  if (flags.has_value("--journal")) return flags.value("--journal");
  return flags.value("--data-dir", default_data_dir()) + "/journal.db";
}

}  // namespace plumb::cli
