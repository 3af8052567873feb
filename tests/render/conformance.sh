#!/bin/sh
# Runs the kustomize conformance cases against `plumb build` in one order; skips (77) when
# the shared cases are not beside the checkout.
cases="$1/kustomize-cases"
plumb="$2"
order="$3"
if [ ! -x "$cases/check" ]; then
  echo "skipped: $cases not found"
  exit 77
fi
exec "$cases/check" --cmd "$plumb build" --order "$order"
