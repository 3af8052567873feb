// A test that needs a tool no machine has, for require_check.sh: it must be skipped without
// CI and fail with CI set. Not registered with CTest itself.
#include "support/require.hpp"

TEST(RequireProbe, NeedsAToolNoMachineHas) {
  PLUMB_REQUIRE(plumb::test_support::have_tool("plumb-no-such-tool"),
                "plumb-no-such-tool not installed");
}
