// The flag reader's typed values (numbers, durations) and their errors, also as the real
// binary prints them.
#include "cli/flags.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "support/require.hpp"

namespace plumb::cli {
namespace {

using namespace std::chrono_literals;

Flags given(std::vector<std::string_view> args) {
  FlagSpec spec{.values = {"--workers", "--port", "--qps", "--timeout"}};
  return parse_flags(args, spec).value();
}

std::string error_of(const auto& result) {
  return result ? std::string("no error") : result.error().message();
}

TEST(Flags, IntegerReadsWholeNumbersOrTheFallback) {
  EXPECT_EQ(given({"--workers", "8"}).integer("--workers", {.min = 1, .max = 64}, 4), 8);
  EXPECT_EQ(given({"--workers=-3"}).integer("--workers", {}, 4), -3);
  EXPECT_EQ(given({}).integer("--workers", {.min = 1, .max = 64}, 4), 4);
}

TEST(Flags, IntegerRefusesWhatIsNotAWholeNumber) {
  for (std::string_view bad : {"4x", "", "x4", "4.0", " 4", "+4", "0x10"}) {
    auto n = given({"--workers", bad}).integer("--workers", {}, 4);
    EXPECT_EQ(error_of(n), "--workers: \"" + std::string(bad) + "\" is not a whole number") << bad;
  }
}

TEST(Flags, IntegerOutOfRangeNamesTheRange) {
  EXPECT_EQ(error_of(given({"--workers", "0"}).integer("--workers", {.min = 1}, 4)),
            "--workers: must be at least 1, got 0");
  EXPECT_EQ(error_of(given({"--port", "65536"}).integer("--port", k_port_range, 0)),
            "--port: must be between 0 and 65535, got 65536");
  EXPECT_EQ(given({"--port", "65535"}).integer("--port", k_port_range, 0), 65535);
  EXPECT_EQ(error_of(given({"--port", "99999999999999999999"}).integer("--port", k_port_range, 0)),
            "--port: must be between 0 and 65535, got 99999999999999999999");
}

TEST(Flags, NumberReadsDecimals) {
  EXPECT_EQ(given({"--qps", "2.5"}).number("--qps", 0, 1), 2.5);
  EXPECT_EQ(given({"--qps", "10"}).number("--qps", 0, 1), 10);
  EXPECT_EQ(given({}).number("--qps", 0, 1), 1);
  for (std::string_view bad : {"2.5x", "", "fast", "inf", "nan", "1e3"})
    EXPECT_EQ(error_of(given({"--qps", bad}).number("--qps", 0, 1)),
              "--qps: \"" + std::string(bad) + "\" is not a number")
        << bad;
  EXPECT_EQ(error_of(given({"--qps", "-1"}).number("--qps", 0, 1)),
            "--qps: must be at least 0, got -1");
}

TEST(Flags, DurationReadsGoDurations) {
  EXPECT_EQ(given({"--timeout", "1m30s"}).duration("--timeout", DurationRange::positive, 5min),
            90s);
  EXPECT_EQ(given({}).duration("--timeout", DurationRange::positive, 5min), 5min);
  EXPECT_EQ(given({"--timeout=0s"}).duration("--timeout", DurationRange::non_negative, 5min), 0s);
}

TEST(Flags, DurationRefusesBadOrOutOfRangeValues) {
  EXPECT_EQ(error_of(given({"--timeout", "5"}).duration("--timeout", DurationRange::positive, 1s)),
            "--timeout: \"5\" is not a duration (such as 30s, 5m or 1h30m)");
  EXPECT_EQ(error_of(given({"--timeout", "5x"}).duration("--timeout", DurationRange::positive, 1s)),
            "--timeout: \"5x\" is not a duration (such as 30s, 5m or 1h30m)");
  EXPECT_EQ(error_of(given({"--timeout", "0s"}).duration("--timeout", DurationRange::positive, 1s)),
            "--timeout: must be positive, got 0s");
  EXPECT_EQ(
      error_of(given({"--timeout", "-1m"}).duration("--timeout", DurationRange::non_negative, 1s)),
      "--timeout: must not be negative, got -1m");
}

// What `plumb ARGS` prints on stderr, and its exit code.
struct Exit {
  int status = -1;
  std::string output;
};

Exit plumb(const std::string& args) {
  Exit run;
  std::string command = std::string(PLUMB_BINARY) + " " + args + " 2>&1 >/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe))
    run.output += buf;
  int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(Flags, CommandsRefuseBadNumbersBeforeDoingAnything) {
  PLUMB_REQUIRE(std::filesystem::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  Exit workers = plumb("controller --workers 4x --kubeconfig /nonexistent");
  EXPECT_EQ(workers.status, 2);
  EXPECT_EQ(workers.output, "plumb controller: --workers: \"4x\" is not a whole number\n");
  Exit port = plumb("cluster --port 70000");
  EXPECT_EQ(port.status, 2);
  EXPECT_EQ(port.output, "plumb cluster: --port: must be between 0 and 65535, got 70000\n");
  Exit burst = plumb("controller --kube-api-burst 0 --kubeconfig /nonexistent");
  EXPECT_EQ(burst.status, 2);
  EXPECT_NE(burst.output.find("--kube-api-burst: must be between 1 and"), std::string::npos)
      << burst.output;
}

// `plumb diff ks NAME` printed only the usage, with no line saying what was wrong.
TEST(Flags, ApplyAndDiffSayWhyThePathIsWrongFirst) {
  PLUMB_REQUIRE(std::filesystem::exists(PLUMB_BINARY), "no plumb binary at " PLUMB_BINARY);
  auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
  Exit by_name = plumb("apply ks apps");
  EXPECT_EQ(by_name.status, 2);
  EXPECT_EQ(first_line(by_name.output),
            "plumb apply: a Kustomization by name (ks apps) is not supported yet: use plumb apply "
            "PATH with the directory it renders (e.g. ./clusters/my-cluster)");
  EXPECT_NE(by_name.output.find("Usage: plumb apply PATH"), std::string::npos) << by_name.output;
  Exit without_path = plumb("diff ks apps");
  EXPECT_EQ(without_path.status, 2);
  EXPECT_EQ(first_line(without_path.output),
            "plumb diff: --path DIR is required with a Kustomization: the directory that stands "
            "for its source's spec.path (as flux diff ks takes it)");
  EXPECT_NE(without_path.output.find("plumb diff ks NAME --path DIR"), std::string::npos)
      << without_path.output;
  Exit path_alone = plumb("diff ./x --path ./y");
  EXPECT_EQ(path_alone.status, 2);
  EXPECT_EQ(first_line(path_alone.output),
            "plumb diff: --path goes with ks NAME; give a PATH alone");
  Exit none = plumb("apply");
  EXPECT_EQ(none.status, 2);
  EXPECT_EQ(first_line(none.output), "plumb apply: missing PATH (a directory or a YAML file)");
  Exit two = plumb("diff a b");
  EXPECT_EQ(two.status, 2);
  EXPECT_EQ(first_line(two.output), "plumb diff: expected one PATH, got 2 arguments: a b");
}

}  // namespace
}  // namespace plumb::cli
