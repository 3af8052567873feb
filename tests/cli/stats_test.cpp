// plumb stats' counting and table, as flux stats counts and prints.
#include <gtest/gtest.h>

#include "cli/stats.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::stats {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

TEST(Stats, SizesAsFluxFormatsThem) {
  EXPECT_EQ(format_size(0), "-");
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(1536), "1.5 KiB");
  EXPECT_EQ(format_size(3 * 1024 * 1024), "3.0 MiB");
}

TEST(Stats, CountsRunningFailingSuspendedStorageAndManaged) {
  std::vector<Node> items = {
      yaml("status:\n  conditions: [{type: Ready, status: \"True\"}]\n"
           "  artifact: {size: 1024}\n  inventory: {entries: [{id: a}, {id: b}]}\n"),
      yaml("spec: {suspend: true}\nstatus:\n  conditions: [{type: Ready, status: \"False\"}]\n"
           "  artifact: {size: 512}\n"),
      yaml("status: {}\n"),  // not reconciled yet: neither failing nor ready
  };
  KindStats s = count("Kustomization", items, inventory_size);
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.running(), 2);
  EXPECT_EQ(s.failing, 1);
  EXPECT_EQ(s.suspended, 1);
  EXPECT_EQ(s.storage, 1536);
  EXPECT_EQ(s.managed, 2);
}

TEST(Stats, ApplicationsFailOnDegradedHealthOrAFailedSync) {
  std::vector<Node> items = {
      yaml("status:\n  health: {status: Degraded}\n  resources: [{kind: A}, {kind: J, hook: "
           "true}]\n"),
      yaml("status:\n  health: {status: Healthy}\n  operationState: {phase: Failed}\n"),
      yaml("status:\n  health: {status: Healthy}\n  resources: [{kind: A}]\n"),
  };
  KindStats s = count("Application", items, application_resources);
  EXPECT_EQ(s.failing, 2);
  EXPECT_EQ(s.managed, 2);
}

TEST(Stats, TableAsFluxPrintsItAndTheManagedLine) {
  std::vector<KindStats> rows = {
      {.kind = "GitRepository", .total = 1, .storage = 2048},
      {.kind = "Kustomization", .total = 2, .failing = 1, .suspended = 1, .managed = 7},
  };
  EXPECT_EQ(format(rows),
            "RECONCILERS  \tRUNNING\tFAILING\tSUSPENDED\tSTORAGE \n"
            "GitRepository\t1      \t0      \t0        \t2.0 KiB\t\n"
            "Kustomization\t1      \t1      \t1        \t-      \t\n"
            "\nManaged objects: 7 (Kustomization 7)\n");
}

}  // namespace
}  // namespace plumb::cli::stats
