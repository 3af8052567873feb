#!/bin/sh
# Runs the kustomize conformance cases against `plumb build` in one order; skipped (77) when
# the shared cases are not beside the checkout, failed so under CI (tests/support/require.sh).
. "$(dirname "$0")/../support/require.sh"
cases="$1/kustomize-cases"
plumb="$2"
order="$3"
[ -x "$cases/check" ] || unavailable "$cases not found (../shared beside the checkout)"
exec "$cases/check" --cmd "$plumb build" --order "$order"
