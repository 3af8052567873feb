// Progress of a long wait on stderr: what the command waits for and the elapsed time. On a
// terminal (use_color(stderr): the one place that decides) one line rewritten in place every
// second (\r and ANSI clear-line); otherwise plain lines only: one when the wait starts and,
// with PlainEnd::yes, one when it ends; never a \r. Where flux prints its own lines (reconcile)
// PlainEnd::no keeps the plain output exactly flux's.
//
// Thread safety: one owner thread calls the constructor, finish and the destructor; a ticker
// thread of its own rewrites the line on a terminal and is joined before finish prints.
#pragma once

#include <chrono>
#include <string>
#include <thread>

namespace plumb::cli {

enum class PlainEnd : bool { no, yes };

class Progress {
 public:
  // Starts showing "waiting for <what>".
  explicit Progress(std::string what, PlainEnd plain_end = PlainEnd::yes);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Ends the line with "<outcome> after <elapsed>" (e.g. "done", "failed"); once.
  void finish(std::string_view outcome);
  ~Progress();

 private:
  std::string line(std::string_view state) const;

  std::string m_what;
  std::chrono::steady_clock::time_point m_start;
  bool m_terminal;
  PlainEnd m_plain_end;
  bool m_finished = false;
  std::jthread m_ticker;  // last: started after the fields it reads exist
};

}  // namespace plumb::cli
