#!/bin/sh
# Shows the rule of require.sh and require.hpp can fail: a test whose tool is missing is
# skipped (exit 77; GoogleTest: SKIPPED, exit 0) without CI and fails (exit 1; GoogleTest:
# FAILED) with CI set; a tool that is there lets the test go on.
#   require_check.sh SOURCE_DIR REQUIRE_PROBE_BINARY
src=$1
probe=$2
failures=0
check() {  # check WHAT WANT GOT
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected $2, got $3"; failures=1; fi
}
script() {  # script CI_VALUE SHELL_CODE: runs the code after sourcing require.sh; prints its exit
  CI=$1 sh -c ". '$src/tests/support/require.sh'; $2" >/dev/null 2>&1
  echo $?
}

check "shell, missing tool, no CI: skipped" 77 "$(script "" "require_tool plumb-no-such-tool")"
check "shell, missing tool, CI=1: failed" 1 "$(script 1 "require_tool plumb-no-such-tool")"
check "shell, missing input, CI=true: failed" 1 "$(script true "unavailable no ../shared")"
check "shell, tools present, CI=1: goes on" 5 "$(script 1 "require_tool sh cat; exit 5")"

out=$(env -u CI "$probe" 2>&1)
check "C++, missing tool, no CI: exit" 0 $?
case $out in *"[  SKIPPED ] RequireProbe.NeedsAToolNoMachineHas"*) skipped=yes ;; *) skipped=no ;; esac
check "C++, missing tool, no CI: skipped" yes $skipped

out=$(CI=1 "$probe" 2>&1)
check "C++, missing tool, CI=1: exit" 1 $?
case $out in *"[  FAILED  ] RequireProbe.NeedsAToolNoMachineHas"*) failed=yes ;; *) failed=no ;; esac
check "C++, missing tool, CI=1: failed" yes $failed
case $out in *"plumb-no-such-tool not installed (CI is set"*) said=yes ;; *) said=no ;; esac
check "C++, missing tool, CI=1: says what is missing" yes $said
exit $failures
