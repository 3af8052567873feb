#include "cli/progress.hpp"

#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "cli/color.hpp"
#include "core/duration.hpp"

namespace plumb::cli {
namespace {

constexpr std::string_view k_clear_line = "\r\x1b[2K";

void write_stderr(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

Progress::Progress(std::string what, PlainEnd plain_end)
    : m_what(std::move(what)),
      m_start(std::chrono::steady_clock::now()),
      m_terminal(use_color(stderr)),
      m_plain_end(plain_end) {
  if (!m_terminal) {
    write_stderr("◎ waiting for " + m_what + "\n");
    return;
  }
  write_stderr(std::string(k_clear_line) + line("waiting"));
  m_ticker = std::jthread([this](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; }) &&
           !stop.stop_requested()) {
      write_stderr(std::string(k_clear_line) + line("waiting"));
    }
  });
}

std::string Progress::line(std::string_view state) const {
  auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_start);
  return "◎ " + std::string(state) + " for " + m_what + " (" +
         format_duration(std::chrono::milliseconds(elapsed)) + ")";
}

void Progress::finish(std::string_view outcome) {
  if (m_finished) return;
  m_finished = true;
  if (m_ticker.joinable()) {
    m_ticker.request_stop();
    m_ticker.join();
  }
  if (!m_terminal && m_plain_end == PlainEnd::no) return;
  auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_start);
  std::string text = "◎ " + m_what + ": " + std::string(outcome) + " after " +
                     format_duration(std::chrono::milliseconds(elapsed)) + "\n";
  write_stderr(m_terminal ? std::string(k_clear_line) + text : text);
}

Progress::~Progress() {
  finish("stopped");
}

}  // namespace plumb::cli
