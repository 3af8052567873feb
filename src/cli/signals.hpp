// Waiting for Ctrl-C or SIGTERM in a long-running command. Construct it before any thread
// starts: the stop signals are blocked in every thread and received here by wait().
#pragma once

#include <pthread.h>
#include <csignal>

namespace plumb::cli {

class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGINT);
    sigaddset(&m_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
  }
  // Returns the signal received.
  int wait() {
    int received = 0;
    sigwait(&m_signals, &received);
    return received;
  }

 private:
  sigset_t m_signals;
};

}  // namespace plumb::cli
