// The journal a running loop keeps (`plumb up`: DATA_DIR/journal.db; `plumb controller
// --journal PATH`), with its retention flags, and the observer that feeds it.
//
// Thread safety: open and close from the thread that runs the loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "controller/events.hpp"
#include "core/error.hpp"
#include "journal/journal.hpp"
#include "journal/observer.hpp"

namespace plumb::cli {

struct LoopJournal {
  std::unique_ptr<journal::Journal> journal;
  std::unique_ptr<journal::JournalObserver> observer;

  // The loop's observers: the journal's, when one is open.
  std::vector<controller::Observer*> observers() const;
  // Writes what is queued and closes the file (after the loop stopped).
  void close();
};

// Event recorder options whose events wait until the journal (if any) has made durable
// every entry appended before each event was recorded (at most 10 s: a journal that cannot
// write does not silence events for good).
controller::EventRecorderOptions journal_gated_events(journal::Journal* journal);

// The journal `plumb history` and `plumb rollback` read: --journal PATH, else
// DATA_DIR/journal.db (--data-dir, default plumb up's data directory).
std::string journal_path(const Flags& flags);

// Opens the journal at `path` with the retention the flags give: --journal-max-age DURATION
// (default 720h), --journal-max-size QUANTITY (default 512Mi).
Result<LoopJournal> open_loop_journal(const std::string& path, const Flags& flags);

}  // namespace plumb::cli
