// YAML benchmark: parse and emit speed of Plumb's reader and writer on one stream, the size
// of the parsed tree per input byte, and libyaml's bare event parser on the same bytes for
// comparison. Also checks that parse + emit reproduces the stream byte for byte.
//
//   yaml_bench STREAM.yaml [ROUNDS] [FILE.yaml ...]
//
// The optional extra files (for example every file of a kustomize tree) are parsed as a
// second, many-small-inputs figure. Exit status 1 when the round trip differs.
#include <yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/yaml.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// CPU time of this thread: unlike wall time, it does not count the time spent waiting for a
// core, so figures stay comparable when other processes load the machine.
double thread_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 1e30;  // fastest round, seconds
  double cpu = 1e30;
};

// The fastest of `rounds` runs. `reset` runs before each round, outside the timing (it frees
// the previous result).
Timing best_of(
    int rounds, const std::function<void()>& run, const std::function<void()>& reset = [] {}) {
  Timing best;
  for (int i = 0; i < rounds; ++i) {
    reset();
    auto start = Clock::now();
    double cpu_start = thread_seconds();
    run();
    best.cpu = std::min(best.cpu, thread_seconds() - cpu_start);
    best.wall = std::min(best.wall, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

void report(const char* what, double mb, const Timing& t) {
  std::printf("%-16s %7.1f MB/s cpu  %7.1f MB/s wall  (%.1f ms cpu)\n", what, mb / t.cpu,
              mb / t.wall, t.cpu * 1e3);
}

// Parses to events only, as fast as libyaml goes: no tree, no scalar resolution.
size_t libyaml_events(const std::string& text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  size_t events = 0;
  for (;;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::fprintf(stderr, "libyaml: %s\n", parser.problem ? parser.problem : "error");
      break;
    }
    bool done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    ++events;
    if (done) break;
  }
  yaml_parser_delete(&parser);
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STREAM.yaml [ROUNDS] [FILE.yaml ...]\n", argv[0]);
    return 2;
  }
  const std::string text = read_file(argv[1]);
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const double mb = static_cast<double>(text.size()) / 1e6;

  auto parsed = plumb::parse_yaml_stream(text, argv[1]);
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message().c_str());
    return 1;
  }
  const std::vector<plumb::Node>& docs = *parsed;

  plumb::Result<std::vector<plumb::Node>> again;
  Timing parse_t = best_of(
      rounds,
      [&] {
        again = plumb::parse_yaml_stream(text, argv[1]);
        if (!again || again->size() != docs.size()) std::abort();
      },
      [&] { again = std::vector<plumb::Node>(); });
  again = std::vector<plumb::Node>();
  std::string out;
  Timing emit_t = best_of(
      rounds, [&] { out = plumb::to_yaml_stream(docs); }, [&] { out = std::string(); });
  size_t events = 0;
  Timing libyaml_t = best_of(rounds, [&] { events = libyaml_events(text); });

  size_t tree_bytes = 0;
  for (const plumb::Node& doc : docs)
    tree_bytes += doc.heap_bytes() + sizeof(plumb::Node);
  const bool identical = out == text;

  std::printf("input            %s: %.2f MB, %zu documents, %zu libyaml events\n", argv[1], mb,
              docs.size(), events);
  report("parse", mb, parse_t);
  report("emit", mb, emit_t);
  report("libyaml events", mb, libyaml_t);
  std::printf("tree             %7.2f bytes per input byte (%zu bytes)\n",
              static_cast<double>(tree_bytes) / static_cast<double>(text.size()), tree_bytes);
  std::printf("round trip       %s\n", identical ? "byte-identical" : "DIFFERENT");

  if (argc > 3) {
    std::vector<std::string> files;
    size_t total = 0;
    for (int i = 3; i < argc; ++i) {
      files.push_back(read_file(argv[i]));
      total += files.back().size();
    }
    std::vector<std::vector<plumb::Node>> trees(files.size());
    Timing files_t = best_of(
        rounds,
        [&] {
          for (size_t i = 0; i < files.size(); ++i) {
            auto result = plumb::parse_yaml_stream(files[i], argv[i + 3]);
            if (!result) {
              std::fprintf(stderr, "%s\n", result.error().message().c_str());
              std::exit(1);
            }
            trees[i] = std::move(*result);
          }
        },
        [&] {
          for (auto& tree : trees)
            tree.clear();
        });
    std::printf("(%zu tree files, %.2f MB)\n", files.size(), static_cast<double>(total) / 1e6);
    report("parse tree files", static_cast<double>(total) / 1e6, files_t);
  }
  return identical ? 0 : 1;
}
