// plumb template in process over the helm-cases corpus (see bench/README.md, "helm"): each
// line of the case file is one case's arguments, tab-separated, as `plumb template` takes
// them, run from the corpus root. Reports the best round's CPU time of this thread and wall
// time (the command's output goes to /dev/null; the figures to the original stdout).
//   helm_bench CORPUS_ROOT CASE_FILE ROUNDS
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli.hpp"

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: helm_bench CORPUS_ROOT CASE_FILE ROUNDS\n");
    return 2;
  }
  std::vector<std::vector<std::string>> cases;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> args;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      args.push_back(
          line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    cases.push_back(std::move(args));
  }
  int rounds = std::atoi(argv[3]);
  if (chdir(argv[1]) != 0) {
    std::perror("chdir");
    return 2;
  }
  int results = dup(STDOUT_FILENO);  // the command's own output goes to /dev/null
  if (results < 0 || std::freopen("/dev/null", "w", stdout) == nullptr) return 2;
  double best_cpu = 1e9, best_wall = 1e9;
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    double cpu0 = thread_cpu_seconds();
    auto wall0 = std::chrono::steady_clock::now();
    failures = 0;
    for (const auto& args : cases) {
      std::vector<std::string_view> views(args.begin(), args.end());
      if (plumb::cli::template_command(views) != 0) ++failures;
    }
    double cpu = thread_cpu_seconds() - cpu0;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    best_cpu = std::min(best_cpu, cpu);
    best_wall = std::min(best_wall, wall);
  }
  std::fprintf(stderr,
               "in-process: %zu cases, best of %d rounds: cpu %.3f s, wall %.3f s, %d failed\n",
               cases.size(), rounds, best_cpu, best_wall, failures);
  dprintf(results, "%.6f %.6f %d\n", best_cpu, best_wall, failures);
  return 0;
}
