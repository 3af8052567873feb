#include "sync/result.hpp"

#include <gtest/gtest.h>

namespace plumb::sync {
namespace {

ObjectResult failed(std::string name, std::string message, int code) {
  return ObjectResult{ObjectRef{"", "v1", "ConfigMap", "ns", std::move(name)},
                      Action::failed,
                      std::move(message),
                      code,
                      {}};
}

TEST(SyncResult, AFailedObjectIsNamedWithTheServersWordsAndCode) {
  SyncResult result;
  result.objects.push_back(
      {ObjectRef{"", "v1", "ConfigMap", "ns", "ok"}, Action::created, "", 0, {}});
  result.objects.push_back(failed("bad", "422 data.k: must be a string", 422));
  result.fail_objects(SyncStep::apply, "apply");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.failed_step, SyncStep::apply);
  EXPECT_EQ(result.error.message(),
            "1 object failed to apply: ConfigMap/ns/bad: 422 data.k: must be a string");
  EXPECT_EQ(result.error.code(), 422);
  // The first failure is the one reported.
  result.fail(SyncStep::health, Error("later"));
  EXPECT_EQ(result.failed_step, SyncStep::apply);
}

TEST(SyncResult, ManyFailuresNameTheFirstFiveAndCountTheRest) {
  SyncResult result;
  for (int i = 0; i < 7; ++i)
    result.objects.push_back(failed("cm-" + std::to_string(i), "409 conflict", 409));
  result.fail_objects(SyncStep::prune, "prune");
  EXPECT_EQ(result.error.message(),
            "7 objects failed to prune: ConfigMap/ns/cm-0: 409 conflict; ConfigMap/ns/cm-1: 409 "
            "conflict; ConfigMap/ns/cm-2: 409 conflict; ConfigMap/ns/cm-3: 409 conflict; "
            "ConfigMap/ns/cm-4: 409 conflict; and 2 more");
  EXPECT_EQ(result.error.code(), 0);
}

TEST(SyncResult, NoFailedObjectIsNoFailure) {
  SyncResult result;
  result.fail_objects(SyncStep::apply, "apply");
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace plumb::sync
