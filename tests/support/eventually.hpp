// Test helper: polls a condition until it holds or a deadline passes (tests that wait for a
// controller's threads or an API server's watch).
#pragma once

#include <chrono>
#include <thread>

namespace plumb {

// Polls done() every 20 ms until it returns true (true) or 20 s have passed (false).
template <typename Fn>
bool eventually(Fn done) {
  using namespace std::chrono_literals;
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    if (done()) return true;
  }
  return false;
}

}  // namespace plumb
