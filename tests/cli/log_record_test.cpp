// The controller's log records: the object read from a line, JSON both ways, the filter and
// what plumb logs prints.
#include <gtest/gtest.h>

#include "cli/log_record.hpp"

namespace plumb::cli {
namespace {

SystemTime at(std::string_view text) {
  return parse_rfc3339(text).value();
}

TEST(LogRecord, ObjectFromTheLinesPrefix) {
  LogRecord r = make_log_record("Kustomization/flux-system/apps: main@sha1:1: 3 created",
                                at("2026-12-04T10:00:00.5Z"));
  EXPECT_EQ(r.kind, "Kustomization");
  EXPECT_EQ(r.namespace_, "flux-system");
  EXPECT_EQ(r.name, "apps");
  EXPECT_EQ(r.level, "info");
  EXPECT_EQ(r.ts, "2026-12-04T10:00:00.5Z");
  LogRecord drift =
      make_log_record("drift: Deployment/staging/web changed outside Git; re-apply failed: 422",
                      at("2026-12-04T10:00:00Z"));
  EXPECT_EQ(drift.kind, "Deployment");
  EXPECT_EQ(drift.name, "web");
  EXPECT_EQ(drift.level, "error");
  LogRecord cluster_scoped = make_log_record("Namespace/web: deleted", at("2026-12-04T10:00:00Z"));
  EXPECT_EQ(cluster_scoped.namespace_, "");
  EXPECT_EQ(cluster_scoped.name, "web");
  LogRecord plain = make_log_record("controller started (4 workers)", at("2026-12-04T10:00:00Z"));
  EXPECT_EQ(plain.kind, "");
  EXPECT_EQ(plain.name, "");
}

TEST(LogRecord, JsonRoundTripAndFilter) {
  LogRecord r = make_log_record("GitRepository/flux-system/repo: fetch failed: timeout",
                                at("2026-12-04T10:00:00Z"));
  std::string line = format_json(r);
  EXPECT_EQ(line,
            "{\"ts\":\"2026-12-04T10:00:00Z\",\"level\":\"error\",\"kind\":\"GitRepository\","
            "\"namespace\":\"flux-system\",\"name\":\"repo\","
            "\"msg\":\"GitRepository/flux-system/repo: fetch failed: timeout\"}\n");
  auto back = parse_log_record(line.substr(0, line.size() - 1));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->msg, r.msg);
  EXPECT_TRUE(log_matches(*back, {.kind = "gitrepository", .name = "repo"}));
  EXPECT_FALSE(log_matches(*back, {.kind = "Kustomization"}));
  EXPECT_FALSE(log_matches(*back, {.namespace_ = "default"}));
  EXPECT_TRUE(log_matches(*back, {.level = "error"}));
  EXPECT_FALSE(
      log_matches(make_log_record("Kustomization/a/b: applied", at("2026-12-04T10:00:00Z")),
                  {.level = "error"}));
  EXPECT_FALSE(log_matches(*back, {.since = at("2026-12-04T10:00:01Z")}));
  EXPECT_TRUE(log_matches(*back, {.since = at("2026-12-04T09:59:59Z")}));
  EXPECT_EQ(format_for_logs(*back),
            "2026-12-04T10:00:00Z error GitRepository/repo.flux-system - fetch failed: timeout\n");
  EXPECT_FALSE(parse_log_record("10:00:00 text line"));
}

}  // namespace
}  // namespace plumb::cli
