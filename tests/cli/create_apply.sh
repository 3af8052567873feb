#!/usr/bin/env bash
# `plumb create` without --export against `plumb cluster` and the real `plumb controller`: a
# GitRepository and a HelmRelease (values from a --values file) applied and waited for until
# the controller reports them Ready, the release's objects in the cluster; a HelmRepository
# served here waited for until its index is fetched, one that cannot be reached failing with
# the controller's message, one of type oci applied and not waited for; an OCIRepository whose registry cannot be reached fails with
# the controller's message; a HelmRelease whose chart is missing fails with the controller's message (exit 1).
# Usage: create_apply.sh PLUMB
PLUMB=$(realpath "$1")
SCENARIO=create_apply
source "$(dirname "$0")/../e2e/lib.sh"
require_tool git python3
use_git_repo

scenario_create_apply() {
  start
  git init -q -b main "$REPO"
  write charts/web/Chart.yaml <<<$'apiVersion: v2\nname: web\nversion: 1.0.0'
  write charts/web/values.yaml <<<'color: red'
  write charts/web/templates/cm.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  color: {{ .Values.color }}
YAML
  commit chart >/dev/null
  kubectl create namespace flux-system >/dev/null && kubectl create namespace apps >/dev/null
  "$PLUMB" controller --cache-dir "$WORK/cache" --webhook-port 0 >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  expect_output "create source git" "fetched revision: main@sha1:" \
    "$PLUMB" create source git charts --url "file://$REPO" --branch main --timeout 60s
  echo 'color: blue' >"$WORK/values.yaml"
  expect_output "create hr" "HelmRelease web is ready" \
    "$PLUMB" create hr web --source GitRepository/charts --chart ./charts/web \
    --target-namespace apps --values "$WORK/values.yaml" --timeout 60s
  [ "$(kubectl -n apps get configmap apps-web -o jsonpath='{.data.color}')" = blue ] ||
    fail "the release's ConfigMap does not hold the --values file's color"
  [ "$(kubectl -n flux-system get hr web -o jsonpath='{.spec.values.color}')" = blue ] ||
    fail "spec.values is not the --values file's"
  local port
  mkdir -p "$WORK/charts" && printf 'apiVersion: v1\nentries: {}\n' >"$WORK/charts/index.yaml"
  serve_http "$WORK/charts"
  port=$HTTP_PORT
  expect_output "create source helm" \
    "fetched revision: sha256:$(sha256sum "$WORK/charts/index.yaml" | cut -d' ' -f1)" \
    "$PLUMB" create source helm local --url "http://127.0.0.1:$port" --timeout 60s
  expect_output "create source helm, unreachable" "failed to fetch Helm repository index: " \
    "$PLUMB" create source helm gone --url http://127.0.0.1:1 --timeout 60s
  expect_exit 1 "$PLUMB" create source helm gone --url http://127.0.0.1:1 --timeout 60s
  expect_output "create source helm, type oci" "not waiting" \
    "$PLUMB" create source helm podinfo --url oci://ghcr.io/stefanprodan/charts
  [ "$(kubectl -n flux-system get helmrepository podinfo -o jsonpath='{.spec.type}')" = oci ] ||
    fail "the HelmRepository was not applied"
  # An OCIRepository the controller cannot pull (no such registry here): its message, exit 1.
  expect_exit 1 "$PLUMB" create source oci podinfo --url oci://registry.invalid/x/podinfo --tag 1 \
    --timeout 60s
  expect_output "create source oci" "oci://registry.invalid/x/podinfo: " \
    "$PLUMB" create source oci podinfo --url oci://registry.invalid/x/podinfo --tag 1 --timeout 60s
  expect_exit 1 "$PLUMB" create hr bad --source GitRepository/charts --chart ./charts/none \
    --timeout 60s
  expect_output "create hr, missing chart" "./charts/none: no such directory in the source" \
    "$PLUMB" create hr bad --source GitRepository/charts --chart ./charts/none --timeout 60s
}

run_scenario
