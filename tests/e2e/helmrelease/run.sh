#!/usr/bin/env bash
# End-to-end tests of the HelmRelease reconcile: a chart in a real git repository (git CLI),
# Flux GitRepository and HelmRelease objects, `plumb controller --once` (or the running
# controller) against a fresh `plumb cluster`; the cluster checked with kubectl and the
# release with the real helm (helm list/history read the release records Plumb wrote).
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl, git or
# helm; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git helm jq python3 curl

use_git_repo
reconcile() { "$PLUMB" controller --once --cache-dir "$WORK/cache" >>"$WORK/controller.log" 2>&1; }
hr_field() { kubectl -n demo get helmrelease web -o jsonpath="$1"; }
ready_is() { [ "$(hr_field '{.status.conditions[?(@.type=="Ready")].status}')" = "$1" ]; }
reason_is() { [ "$(hr_field '{.status.conditions[?(@.type=="Ready")].reason}')" = "$1" ]; }
# The release as the real helm lists it: "REVISION STATUS CHART", or "" when there is none.
helm_release() {
  helm list -n demo -o json | jq -r '.[] | select(.name == "web") | "\(.revision) \(.status) \(.chart)"'
}
helm_history() { helm history web -n "${1:-demo}" -o json | jq -r '.[] | "\(.revision) \(.status) \(.description | gsub("\n"; " "))"'; }

make_repo() {
  git init -q -b main "$REPO"
  write charts/web/Chart.yaml <<'YAML'
apiVersion: v2
name: web
version: 1.0.0
appVersion: "2.0"
YAML
  write charts/web/values.yaml <<'YAML'
replicaCount: 1
color: red
broken: false
YAML
  write charts/web/templates/deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
      - name: web
        image: nginx:1.27
YAML
  write charts/web/templates/settings.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  color: {{ .Values.color | quote }}
{{- if .Values.broken }}
---
apiVersion: example.com/v1
kind: NoSuchKind
metadata:
  name: {{ .Release.Name }}-broken
{{- end }}
YAML
  write charts/web/templates/extra.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra
data:
  release: {{ .Release.Name | quote }}
YAML
  commit "chart" >/dev/null
}

# apply_hr [values YAML lines (indented 4)] [more spec lines (indented 2)]; the chart is
# charts/$CHART (web by default) of the GitRepository, or what CHART_YAML says (spec lines).
apply_hr() {
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the HelmRelease"
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: demo
spec:
  interval: 10m
  releaseName: web
${CHART_YAML:-  chart:
    spec:
      chart: ./charts/${CHART:-web}
      sourceRef:
        kind: GitRepository
        name: charts
        namespace: flux-system}
  values:
${1:-    replicaCount: 1}
${2:-}
YAML
}

setup() {
  start
  make_repo
  reconcile || fail "controller on an empty cluster (installs the CRDs)"
  kubectl create namespace flux-system >/dev/null && kubectl create namespace demo >/dev/null ||
    fail "namespaces"
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the GitRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  interval: 10m
  url: file://$REPO
  ref:
    branch: main
YAML
}

scenario_install_upgrade_and_prune() {
  setup
  apply_hr "    replicaCount: 2"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list after install: '$(helm_release)'"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 2 ] || fail "Deployment"
  kubectl -n demo get cm web-extra >/dev/null || fail "ConfigMap web-extra not installed"
  ready_is True && reason_is InstallSucceeded || fail "Ready after install: $(hr_field '{.status.conditions}')"
  [ "$(hr_field '{.status.history[0].version}')" = 1 ] || fail "status.history: $(hr_field '{.status.history}')"
  [ "$(hr_field '{.status.lastAttemptedRevision}')" = 1.0.0 ] || fail "lastAttemptedRevision"
  [[ "$(hr_field '{.status.lastAttemptedConfigDigest}')" =~ ^sha256:[0-9a-f]{64}$ ]] ||
    fail "lastAttemptedConfigDigest: $(hr_field '{.status.lastAttemptedConfigDigest}')"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.metadata.annotations.meta\.helm\.sh/release-name}')" = web ] ||
    fail "Helm's release annotation"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.metadata.labels.helm\.toolkit\.fluxcd\.io/name}')" = web ] ||
    fail "helm-controller's label"
  # plumb tree hr: the release's objects (from Helm's storage), with health; plumb stats
  # counts them.
  local tree
  tree=$("$PLUMB" tree hr web -n demo) || fail "plumb tree hr exited $?"
  grep -qx "HelmRelease/demo/web  Current" <<<"$tree" || fail "tree root: $tree"
  grep -q "^[├└]── Deployment/demo/web  " <<<"$tree" && grep -q "^[├└]── ConfigMap/demo/web-extra  " <<<"$tree" ||
    fail "tree hr: $tree"
  "$PLUMB" stats -n demo | grep -q "^Managed objects: $(($(wc -l <<<"$tree") - 1)) (HelmRelease " ||
    fail "plumb stats: $("$PLUMB" stats -n demo)"

  # Unchanged chart and values: no new revision, nothing written.
  local deploy_rv
  deploy_rv=$(kubectl -n demo get deploy web -o jsonpath='{.metadata.resourceVersion}')
  reconcile || fail "second reconcile"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "a reconcile without changes made a revision: '$(helm_release)'"

  # A values change: revision 2, only the changed object written.
  apply_hr "    replicaCount: 2
    color: blue"
  reconcile || fail "upgrade: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "2 deployed web-1.0.0" ] || fail "helm list after upgrade: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = blue ] || fail "values not applied"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.metadata.resourceVersion}')" = "$deploy_rv" ] ||
    fail "the unchanged Deployment was written"
  reason_is UpgradeSucceeded || fail "Ready reason after upgrade: $(hr_field '{.status.conditions}')"
  [ "$(helm_history | head -1)" = "1 superseded Install complete" ] || fail "helm history: $(helm_history)"
  [ "$(helm get values web -n demo -o json | jq -r .color)" = blue ] || fail "helm get values"

  # A template removed from the chart: revision 3, its object pruned.
  git -C "$REPO" rm -q charts/web/templates/extra.yaml && commit "drop extra" >/dev/null
  reconcile || fail "upgrade to the new commit"
  [ "$(helm_release)" = "3 deployed web-1.0.0" ] || fail "helm list after the commit: '$(helm_release)'"
  expect_exit 1 kubectl -n demo get cm web-extra
  kubectl -n demo get cm web-settings >/dev/null || fail "web-settings pruned too"
}

scenario_missing_values_configmap_leaves_the_release() {
  setup
  apply_hr
  reconcile || fail "install"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list after install: '$(helm_release)'"
  apply_hr "    color: green" "  valuesFrom:
  - kind: ConfigMap
    name: web-values"
  expect_exit 1 reconcile
  ready_is False && reason_is ValuesError || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "could not find ConfigMap 'demo/web-values'" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "the release changed: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "objects changed"

  # The ConfigMap appears: its values, then spec.values over them.
  kubectl -n demo create configmap web-values --from-literal=values.yaml=$'color: yellow\nreplicaCount: 3' >/dev/null
  reconcile || fail "reconcile with the ConfigMap: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "2 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = green ] || fail "spec.values do not win"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 3 ] || fail "valuesFrom not applied"
}

scenario_failed_upgrade_is_rolled_back() {
  setup
  apply_hr "    replicaCount: 1" "  upgrade:
    remediation:
      retries: 0
      remediateLastFailure: true"
  reconcile || fail "install"
  apply_hr "    broken: true
    color: blue" "  upgrade:
    remediation:
      retries: 0
      remediateLastFailure: true"
  expect_exit 1 reconcile
  reason_is RollbackSucceeded || fail "Ready: $(hr_field '{.status.conditions}')"
  [ "$(hr_field '{.status.conditions[?(@.type=="Released")].reason}')" = UpgradeFailed ] ||
    fail "Released: $(hr_field '{.status.conditions}')"
  [ "$(helm_release)" = "3 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  helm_history | sed -n 2p | grep -q '^2 failed Upgrade "web" failed: ' || fail "helm history: $(helm_history)"
  [ "$(helm_history | sed -n 3p)" = "3 deployed Rollback to 1" ] || fail "helm history: $(helm_history)"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "not rolled back"
  [ "$(hr_field '{.status.upgradeFailures}')" = 1 ] || fail "upgradeFailures"
}

scenario_delete_uninstalls() {
  setup
  apply_hr
  reconcile || fail "install"
  [ "$(hr_field '{.metadata.finalizers[0]}')" = finalizers.fluxcd.io ] || fail "no finalizer"
  kubectl -n demo delete helmrelease web --wait=false >/dev/null || fail "kubectl delete"
  reconcile || fail "uninstall: $(cat "$WORK/controller.log")"
  [ -z "$(helm_release)" ] || fail "helm list after delete: '$(helm_release)'"
  expect_exit 1 kubectl -n demo get deploy web
  expect_exit 1 kubectl -n demo get helmrelease web
  [ -z "$(kubectl -n demo get secrets -l owner=helm -o name)" ] || fail "release records left"
}

scenario_keep_history_on_uninstall() {
  setup
  apply_hr "    replicaCount: 1" "  uninstall:
    keepHistory: true"
  reconcile || fail "install"
  kubectl -n demo delete helmrelease web --wait=false >/dev/null || fail "kubectl delete"
  reconcile || fail "uninstall"
  [ "$(helm list -n demo --uninstalled -o json | jq -r ".[] | \"\\(.revision) \\(.status)\"")" = "1 uninstalled" ] ||
    fail "helm list --uninstalled: $(helm list -n demo --uninstalled -o json)"
  expect_exit 1 kubectl -n demo get cm web-settings
}

scenario_unsupported_fields_are_named() {
  setup
  apply_hr "    replicaCount: 1" "  commonMetadata:
    labels:
      team: web"
  expect_exit 1 reconcile
  ready_is False && reason_is UnsupportedField || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "spec.commonMetadata is not supported" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ -z "$(helm_release)" ] || fail "installed anyway"
}

# A chart from a HelmRepository: `helm package` and `helm repo index` into a directory served
# over HTTP; the version range picks the highest, a new version in the index upgrades.
repo_field() { kubectl -n flux-system get helmrepository charts -o jsonpath="$1"; }
# helm_repository_is_ready_at INDEX: flux-system/charts Ready with INDEX's digest as artifact
# revision, as source-controller writes it.
helm_repository_is_ready_at() {
  local digest
  digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  [ "$(repo_field '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].message}')" = \
    "True stored artifact: revision '$digest'" ] || fail "HelmRepository Ready: $(repo_field '{.status.conditions}')"
  [ "$(repo_field '{.status.artifact.revision} {.status.artifact.digest} {.status.artifact.size}')" = \
    "$digest $digest $(stat -c %s "$1")" ] || fail "HelmRepository artifact: $(repo_field '{.status.artifact}')"
  [ "$(repo_field '{.status.artifact.path}')" = "helmrepository/flux-system/charts/index-${digest#sha256:}.yaml" ] ||
    fail "artifact.path: $(repo_field '{.status.artifact.path}')"
  [ "$(repo_field '{.status.conditions[?(@.type=="ArtifactInStorage")].status}')" = True ] ||
    fail "ArtifactInStorage: $(repo_field '{.status.conditions}')"
  [ "$(repo_field '{.status.observedGeneration}')" = "$(repo_field '{.metadata.generation}')" ] ||
    fail "observedGeneration"
}

scenario_helm_repository_chart() {
  setup
  local charts=$WORK/charts port
  mkdir -p "$charts"
  helm package "$REPO/charts/web" -d "$charts" >/dev/null || fail "helm package"
  sed -i 's/^version: 1.0.0/version: 1.1.0/' "$REPO/charts/web/Chart.yaml"
  sed -i 's/^color: red/color: teal/' "$REPO/charts/web/values.yaml"
  helm package "$REPO/charts/web" -d "$charts" >/dev/null || fail "helm package 1.1.0"
  mv "$charts/web-1.1.0.tgz" "$WORK/web-1.1.0.tgz"
  helm repo index "$charts" >/dev/null || fail "helm repo index"
  serve_http "$charts"
  port=$HTTP_PORT
  helm_repository "http://127.0.0.1:$port"
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the HelmRelease"
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: demo
spec:
  interval: 10m
  chart:
    spec:
      chart: web
      version: ">=1.0.0"
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
YAML
  reconcile || fail "install from the HelmRepository: $(cat "$WORK/controller.log")"
  helm_repository_is_ready_at "$charts/index.yaml"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "chart values"
  # A new version in the index: upgraded to it.
  mv "$WORK/web-1.1.0.tgz" "$charts/" && helm repo index "$charts" >/dev/null || fail "reindex"
  reconcile || fail "upgrade from the HelmRepository: $(cat "$WORK/controller.log")"
  helm_repository_is_ready_at "$charts/index.yaml"
  [ "$(helm_release)" = "2 deployed web-1.1.0" ] || fail "helm list after 1.1.0: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = teal ] || fail "1.1.0 not applied"
  [ "$(hr_field '{.status.lastAttemptedRevision}')" = 1.1.0 ] || fail "lastAttemptedRevision"
  # A version the index lacks: Ready=False naming it, the release untouched.
  kubectl -n demo patch helmrelease web --type merge -p '{"spec":{"chart":{"spec":{"version":"9.x"}}}}' >/dev/null
  expect_exit 1 reconcile
  reason_is ArtifactFailed || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "9.x" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(helm_release)" = "2 deployed web-1.1.0" ] || fail "the release changed: '$(helm_release)'"
  # The server gone: the HelmRepository Ready=False in source-controller's words, naming the
  # URL; its artifact kept.
  local revision
  revision=$(repo_field '{.status.artifact.revision}')
  kill "${EXTRA_PIDS[-1]}" && wait "${EXTRA_PIDS[-1]}" 2>/dev/null
  expect_exit 1 reconcile
  [ "$(repo_field '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}')" = "False Failed" ] ||
    fail "HelmRepository Ready: $(repo_field '{.status.conditions}')"
  repo_field '{.status.conditions[?(@.type=="Ready")].message}' |
    grep -q "^failed to fetch Helm repository index: .*127.0.0.1:$port" ||
    fail "message: $(repo_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(repo_field '{.status.artifact.revision}')" = "$revision" ] || fail "the artifact was dropped"
}

# The continuous controller: a new HelmRelease, a values change and a deletion are acted on
# from watch events (the intervals are 10m).
scenario_loop_install_upgrade_uninstall() {
  setup
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  apply_hr "    replicaCount: 2"
  wait_for "revision 1 deployed" 20 eval '[ "$(helm_release)" = "1 deployed web-1.0.0" ]'
  wait_for "Ready" 10 ready_is True
  apply_hr "    replicaCount: 2
    color: blue"
  wait_for "revision 2 deployed" 20 eval '[ "$(helm_release)" = "2 deployed web-1.0.0" ]'
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = blue ] || fail "values not applied"
  wait_for "Ready after the upgrade" 10 reason_is UpgradeSucceeded
  # The flux-like commands know the kind.
  local out
  out=$("$PLUMB" get hr -n demo 2>&1) || fail "plumb get hr: $out"
  grep -qE '^web[[:space:]]+1\.0\.0[[:space:]]+False[[:space:]]+True[[:space:]]+Helm upgrade succeeded for release demo/web\.v2 with chart web@1\.0\.0[[:space:]]*$' <<<"$out" ||
    fail "plumb get hr: $out"
  out=$("$PLUMB" reconcile hr web -n demo 2>&1) || fail "plumb reconcile hr: $out"
  grep -q "applied revision 1.0.0" <<<"$out" || fail "plumb reconcile hr: $out"
  "$PLUMB" suspend hr web -n demo >/dev/null 2>&1 || fail "plumb suspend hr"
  [ "$(hr_field '{.spec.suspend}')" = true ] || fail "not suspended"
  out=$("$PLUMB" resume hr web -n demo 2>&1) || fail "plumb resume hr: $out"
  timeout 30 kubectl -n demo delete helmrelease web >/dev/null || fail "kubectl delete (waits for the uninstall)"
  [ -z "$(helm_release)" ] || fail "helm list after delete: '$(helm_release)'"
  expect_exit 1 kubectl -n demo get deploy web
  grep -q "HelmRelease/demo/web: uninstalled" "$WORK/controller.log" || fail "no uninstall line"
}

# Flux's whole release lifecycle in the running controller, the same for each kind of source:
# the web chart of make_repo (1.0.0) from the source CHART_YAML names (spec lines, indented
# 2). Install; a values change upgrades, writing only the changed object; drift undone from
# watch events (driftDetection enabled), a deleted object recreated; a failed upgrade rolled
# back (upgrade remediation); the release uninstalled with the HelmRelease. The real helm
# lists each revision.
lifecycle_hr() {  # CHART_YAML VALUES_YAML
  CHART_YAML=$1 apply_hr "$2" "  driftDetection:
    mode: enabled
  upgrade:
    remediation:
      retries: 0
      remediateLastFailure: true"
}
release_lifecycle() {
  local chart=$1 deploy_rv color='{.data.color}'
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  lifecycle_hr "$chart" "    replicaCount: 2"
  wait_for "revision 1 deployed" 30 eval '[ "$(helm_release)" = "1 deployed web-1.0.0" ]'
  wait_for "Ready after the install" 10 reason_is InstallSucceeded
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 2 ] || fail "values"
  deploy_rv=$(kubectl -n demo get deploy web -o jsonpath='{.metadata.resourceVersion}')

  lifecycle_hr "$chart" "    replicaCount: 2
    color: blue"
  wait_for "revision 2 deployed" 30 eval '[ "$(helm_release)" = "2 deployed web-1.0.0" ]'
  wait_for "Ready after the upgrade" 10 reason_is UpgradeSucceeded
  [ "$(kubectl -n demo get cm web-settings -o jsonpath="$color")" = blue ] || fail "values not applied"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.metadata.resourceVersion}')" = "$deploy_rv" ] ||
    fail "the unchanged Deployment was written"

  kubectl -n demo patch cm web-settings --type merge -p '{"data":{"color":"black"}}' >/dev/null ||
    fail "patch"
  wait_for "the ConfigMap restored" 5 eval '[ "$(kubectl -n demo get cm web-settings -o jsonpath="$color")" = blue ]'
  kubectl -n demo delete deploy web >/dev/null || fail "delete"
  wait_for "the deleted Deployment recreated" 5 kubectl -n demo get deploy web
  [ "$(helm_release)" = "2 deployed web-1.0.0" ] || fail "a repair made a revision: '$(helm_release)'"

  lifecycle_hr "$chart" "    replicaCount: 2
    color: green
    broken: true"
  wait_for "the failed upgrade rolled back" 30 reason_is RollbackSucceeded
  [ "$(helm_release)" = "4 deployed web-1.0.0" ] || fail "helm list after the rollback: '$(helm_release)'"
  helm_history | sed -n 3p | grep -q '^3 failed Upgrade "web" failed: ' || fail "helm history: $(helm_history)"
  [ "$(helm_history | sed -n 4p)" = "4 deployed Rollback to 2" ] || fail "helm history: $(helm_history)"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath="$color")" = blue ] || fail "not rolled back"

  timeout 30 kubectl -n demo delete helmrelease web >/dev/null || fail "kubectl delete (waits for the uninstall)"
  [ -z "$(helm_release)" ] || fail "helm list after delete: '$(helm_release)'"
  expect_exit 1 kubectl -n demo get deploy web
  expect_exit 1 kubectl -n demo get cm web-settings
}

scenario_lifecycle_git_repository_chart() {
  setup
  release_lifecycle "  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: charts
        namespace: flux-system"
}

# helm_repository URL [TYPE]: a HelmRepository flux-system/charts (HTTP, or type oci).
helm_repository() {
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the HelmRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  interval: 10m
  url: $1
${2:+  type: $2
  insecure: true}
YAML
}
chart_from_helm_repository="  chart:
    spec:
      chart: web
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system"

# package_chart DIR: charts/web of the git repository packaged into DIR, its index rebuilt.
package_chart() {
  helm package "$REPO/charts/web" -d "$1" >/dev/null && helm repo index "$1" >/dev/null ||
    fail "helm package / repo index: $(grep '^version:' "$REPO/charts/web/Chart.yaml")"
}
# serve_helm_repository: the web chart in $WORK/charts, served over HTTP as the HelmRepository
# flux-system/charts.
serve_helm_repository() {
  mkdir -p "$WORK/charts"
  package_chart "$WORK/charts"
  serve_http "$WORK/charts"
  helm_repository "http://127.0.0.1:$HTTP_PORT"
}

scenario_lifecycle_http_helm_repository() {
  setup
  serve_helm_repository
  release_lifecycle "$chart_from_helm_repository"
}

# The running controller fetches a HelmRepository's index at its interval (or when asked:
# `plumb reconcile source helm`): a new index revision queues its HelmReleases, and a version
# range picks the new chart; `plumb get sources [helm]` list it.
scenario_loop_helm_repository_new_version() {
  setup
  local charts=$WORK/charts
  serve_helm_repository
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  CHART_YAML=${chart_from_helm_repository/version: 1.0.0/version: \">=1.0.0\"} apply_hr
  wait_for "revision 1 deployed" 30 eval '[ "$(helm_release)" = "1 deployed web-1.0.0" ]'
  wait_for "the HelmRepository Ready" 10 eval '[ -n "$(repo_field "{.status.artifact.revision}")" ]'
  helm_repository_is_ready_at "$charts/index.yaml"

  sed -i 's/^version: 1.0.0/version: 1.1.0/' "$REPO/charts/web/Chart.yaml"
  package_chart "$charts"
  local out digest
  digest=sha256:$(sha256sum "$charts/index.yaml" | cut -d' ' -f1)
  out=$("$PLUMB" reconcile source helm charts 2>&1) || fail "plumb reconcile source helm: $out"
  grep -qF "fetched revision $digest" <<<"$out" || fail "plumb reconcile source helm: $out"
  wait_for "revision 2 deployed" 30 eval '[ "$(helm_release)" = "2 deployed web-1.1.0" ]'
  helm_repository_is_ready_at "$charts/index.yaml"
  out=$("$PLUMB" get sources helm 2>&1) || fail "plumb get sources helm: $out"
  grep -qP "^charts\t$digest\tFalse    \tTrue \tstored artifact: revision '$digest'" <<<"$out" ||
    fail "plumb get sources helm: $out"
  out=$("$PLUMB" get sources 2>&1) || fail "plumb get sources: $out"
  grep -qP "^gitrepository/charts\t" <<<"$out" && grep -qP "^helmrepository/charts\t$digest" <<<"$out" ||
    fail "plumb get sources: $out"
  grep -q "HelmRepository/flux-system/charts: fetched sha256:" "$WORK/controller.log" ||
    fail "no fetch line: $(cat "$WORK/controller.log")"
}

# The chart pushed by the real helm to the local registry.
push_web_chart() {
  helm package "$REPO/charts/web" -d "$WORK" >/dev/null || fail "helm package"
  helm push "$WORK/web-1.0.0.tgz" "oci://$REGISTRY/charts" --plain-http >"$WORK/push.log" 2>&1 ||
    fail "helm push: $(cat "$WORK/push.log")"
}

scenario_lifecycle_oci_helm_repository() {
  setup
  start_registry
  push_web_chart
  helm_repository "oci://$REGISTRY/charts" oci
  release_lifecycle "$chart_from_helm_repository"
}

scenario_lifecycle_oci_repository_chart_ref() {
  setup
  start_registry
  push_web_chart
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the OCIRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  url: oci://$REGISTRY/charts/web
  insecure: true
  ref:
    tag: 1.0.0
YAML
  release_lifecycle "  chartRef:
    kind: OCIRepository
    name: web
    namespace: flux-system"
}

# driftDetection in the running controller. Mode enabled: a change to an object of the release
# is undone from its watch event (no new revision), a deleted one recreated, and the fields
# driftDetection.ignore names are left as changed. Mode warn: a Warning event, the change
# left. Without driftDetection (Flux's default) changes stay, unreported.
scenario_loop_drift_repaired_from_watch_events() {
  setup
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  local drift="  driftDetection:
    mode: enabled
    ignore:
    - paths: [/spec/replicas]
      target:
        kind: Deployment"
  apply_hr "    replicaCount: 2" "$drift"
  wait_for "revision 1 deployed" 20 eval '[ "$(helm_release)" = "1 deployed web-1.0.0" ]'
  wait_for "Ready" 10 ready_is True
  local color='{.data.color}' image='{.spec.template.spec.containers[0].image}'
  kubectl -n demo patch cm web-settings --type merge -p '{"data":{"color":"black"}}' >/dev/null ||
    fail "patch"
  wait_for "the ConfigMap restored" 5 eval '[ "$(kubectl -n demo get cm web-settings -o jsonpath="$color")" = red ]'
  kubectl -n demo delete cm web-extra >/dev/null || fail "delete"
  wait_for "the deleted ConfigMap recreated" 5 kubectl -n demo get cm web-extra
  # One change of two fields: the image is restored, the ignored replicas stay.
  kubectl -n demo patch deploy web --type json -p '[{"op":"replace","path":"/spec/replicas","value":4},
    {"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:drifted"}]' >/dev/null ||
    fail "patch of the Deployment"
  wait_for "the image restored" 5 eval '[ "$(kubectl -n demo get deploy web -o jsonpath="$image")" = nginx:1.27 ]'
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 4 ] ||
    fail "the ignored replicas were reverted: $(grep drift: "$WORK/controller.log")"
  grep -q "drift: ConfigMap/demo/web-settings changed outside Git; restored" "$WORK/controller.log" ||
    fail "no drift line: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "a repair made a revision: '$(helm_release)'"

  # Mode warn: the change is reported as a Warning event on the HelmRelease, once, and left.
  local reconciled='[ "$(hr_field "{.status.observedGeneration}")" = "$(hr_field "{.metadata.generation}")" ]'
  apply_hr "    replicaCount: 2" "  driftDetection:
    mode: warn"
  wait_for "reconciled with mode warn" 10 eval "$reconciled"
  kubectl -n demo patch cm web-settings --type merge -p '{"data":{"color":"black"}}' >/dev/null ||
    fail "patch"
  local warned='{range .items[?(@.reason=="DriftDetected")]}{.type} {.involvedObject.kind}/{.involvedObject.name}: {.message}{"\n"}{end}'
  wait_for "a DriftDetected event" 5 eval '[ -n "$(kubectl -n demo get events -o jsonpath="$warned")" ]'
  [ "$(kubectl -n demo get events -o jsonpath="$warned")" = \
    "Warning HelmRelease/web: ConfigMap/demo/web-settings changed outside Git; left as it is (driftDetection mode warn)" ] ||
    fail "events: $(kubectl -n demo get events -o jsonpath="$warned")"
  kubectl -n demo patch cm web-settings --type merge -p '{"data":{"color":"white"}}' >/dev/null ||
    fail "patch"
  sleep 1
  [ "$(kubectl -n demo get cm web-settings -o jsonpath="$color")" = white ] ||
    fail "drift corrected in mode warn"
  [ "$(kubectl -n demo get events -o jsonpath="$warned" | wc -l)" = 1 ] ||
    fail "reported more than once: $(kubectl -n demo get events -o jsonpath="$warned")"

  # driftDetection off: the next reconcile stops the watch; a change stays.
  apply_hr "    replicaCount: 2"
  wait_for "reconciled without driftDetection" 10 eval "$reconciled"
  kubectl -n demo delete cm web-extra >/dev/null || fail "delete"
  sleep 2
  expect_exit 1 kubectl -n demo get cm web-extra
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
}

# spec.postRenderers: a strategic merge patch, a JSON 6902 patch with a target and an image
# override, applied in order over the chart's output; the record's manifest (helm get
# manifest) holds the post-rendered objects; a change of post-renderers is an upgrade.
scenario_post_renderers_patch_the_release() {
  setup
  apply_hr "    replicaCount: 1" "  postRenderers:
  - kustomize:
      patches:
      - patch: |
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            labels:
              patched: smp
          spec:
            replicas: 3
      - patch: |
          - op: add
            path: /data/patched
            value: json6902
        target:
          kind: ConfigMap
          name: web-.*
      images:
      - name: nginx
        newTag: \"1.28\"
  - kustomize:
      patches:
      - patch: |
          - op: replace
            path: /data/patched
            value: second
        target:
          kind: ConfigMap
          name: web-extra"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 3 ] || fail "SMP replicas"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.metadata.labels.patched}')" = smp ] || fail "SMP label"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = nginx:1.28 ] ||
    fail "image: $(kubectl -n demo get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.patched}')" = json6902 ] || fail "JSON patch on web-settings"
  [ "$(kubectl -n demo get cm web-extra -o jsonpath='{.data.patched}')" = second ] || fail "the second post-renderer"
  local manifest
  manifest=$(helm get manifest web -n demo) || fail "helm get manifest"
  grep -q "image: nginx:1.28" <<<"$manifest" || fail "manifest without the image: $manifest"
  grep -q "patched: json6902" <<<"$manifest" || fail "manifest without the JSON patch: $manifest"
  grep -q "postrender-filename" <<<"$manifest" && fail "the file name annotation left in: $manifest"
  grep -q "^# Source: web/templates/deployment.yaml" <<<"$manifest" || fail "manifest sources: $manifest"
  # The post-renderers dropped: an upgrade back to the chart's objects.
  apply_hr "    replicaCount: 1"
  reconcile || fail "upgrade without post-renderers: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "2 deployed web-1.0.0" ] || fail "helm list after the change: '$(helm_release)'"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" = nginx:1.27 ] ||
    fail "image not back"
  # A patch that does not apply: Ready=False naming the post-renderer, the release untouched.
  apply_hr "    replicaCount: 1" "  postRenderers:
  - kustomize:
      patches:
      - patch: |
          - op: replace
            path: /data/missing
            value: x
        target:
          kind: ConfigMap
          name: web-settings"
  expect_exit 1 reconcile
  ready_is False || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "postRenderers\[0\]" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(helm_release)" = "2 deployed web-1.0.0" ] || fail "the release changed: '$(helm_release)'"
}

# chart.spec.valuesFiles: files of the source merged in order into the chart's values (which
# they replace: values.yaml counts only when listed), spec.values over them; a missing file
# named, or skipped with ignoreMissingValuesFiles.
scenario_values_files() {
  setup
  write charts/web/values-prod.yaml <<'YAML'
color: purple
replicaCount: 2
YAML
  write env/prod-overrides.yaml <<'YAML'
replicaCount: 4
YAML
  commit "values files" >/dev/null
  # spec.chart.spec and spec.values set with merge patches (lists replaced whole).
  chart_spec() {
    kubectl -n demo patch helmrelease web --type merge -p "{\"spec\":{\"chart\":{\"spec\":$1},\"values\":${2:-null}}}" >/dev/null ||
      fail "kubectl patch $1"
  }
  apply_hr "    {}"
  chart_spec '{"valuesFiles":["charts/web/values.yaml","charts/web/values-prod.yaml","./env/prod-overrides.yaml"]}'
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = purple ] || fail "values-prod.yaml not applied"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 4 ] || fail "the later file does not win"
  [ -z "$(helm get values web -n demo -o json | jq -r '.color // empty')" ] || fail "the files' values are user values"
  # spec.values over the files.
  chart_spec '{}' '{"color":"gold"}'
  reconcile || fail "upgrade: $(cat "$WORK/controller.log")"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = gold ] || fail "spec.values do not win"
  # values.yaml not listed: the chart's defaults are gone (replicaCount from the file).
  chart_spec '{"valuesFiles":["charts/web/values-prod.yaml"]}'
  reconcile || fail "upgrade without values.yaml: $(cat "$WORK/controller.log")"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 2 ] || fail "values-prod.yaml alone"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = purple ] || fail "values-prod.yaml alone"
  # A missing file: Ready=False naming it, the release untouched.
  chart_spec '{"valuesFiles":["charts/web/values-prod.yaml","charts/web/nope.yaml"]}'
  expect_exit 1 reconcile
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' |
    grep -q "no values file found at path '/charts/web/nope.yaml' (reference 'charts/web/nope.yaml')" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(helm_release)" = "3 deployed web-1.0.0" ] || fail "the release changed: '$(helm_release)'"
  # ignoreMissingValuesFiles: skipped.
  chart_spec '{"ignoreMissingValuesFiles":true}'
  reconcile || fail "with ignoreMissingValuesFiles: $(cat "$WORK/controller.log")"
  ready_is True || fail "Ready: $(hr_field '{.status.conditions}')"
}

# install.remediation.retries: a failing install is uninstalled and retried by the next
# reconcile until the retries are used up; the last failure is left in place (helm history
# shows it), Ready=False, and no further install is attempted for the same inputs.
scenario_install_remediation_retries() {
  setup
  apply_hr "    broken: true" "  install:
    remediation:
      retries: 1"
  expect_exit 1 reconcile
  ready_is False && reason_is InstallFailed || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "Helm uninstall remediation for release demo/web.v1 with chart web@1.0.0 succeeded" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ -z "$(helm_release)" ] || fail "the failed install was not uninstalled: '$(helm_release)'"
  expect_exit 1 kubectl -n demo get cm web-settings
  [ "$(hr_field '{.status.installFailures}')" = 1 ] || fail "installFailures: $(hr_field '{.status}')"
  # The retry fails too: no retries left, the failed release stays.
  expect_exit 1 reconcile
  [ "$(hr_field '{.status.installFailures}')" = 2 ] || fail "installFailures after the retry: $(hr_field '{.status}')"
  helm_history | grep -q '^1 failed Release "web" failed: ' || fail "helm history: $(helm_history)"
  # Nothing more is tried: the history is unchanged.
  expect_exit 1 reconcile
  ready_is False && reason_is InstallFailed || fail "Ready: $(hr_field '{.status.conditions}')"
  hr_field '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "exceeded maximum retries: cannot remediate failed release" ||
    fail "message: $(hr_field '{.status.conditions[?(@.type=="Ready")].message}')"
  [ "$(helm_history | wc -l)" = 1 ] || fail "another install was tried: $(helm_history)"
  # New values: the counters start again and the install succeeds.
  apply_hr "    broken: false" "  install:
    remediation:
      retries: 1"
  reconcile || fail "install with fixed values: $(cat "$WORK/controller.log")"
  ready_is True || fail "Ready: $(hr_field '{.status.conditions}')"
  [ "$(hr_field '{.status.installFailures}')" = 0 ] || fail "installFailures not reset"
}

# .Capabilities from the cluster: the API server's version and the API versions it serves
# (the HelmRelease CRD's kind is there, which helm's default list lacks).
scenario_capabilities_from_the_cluster() {
  setup
  write charts/web/templates/caps.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-caps
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  helmrelease: {{ .Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2/HelmRelease" | quote }}
  group: {{ .Capabilities.APIVersions.Has "helm.toolkit.fluxcd.io/v2" | quote }}
  nosuch: {{ .Capabilities.APIVersions.Has "example.com/v1/NoSuchKind" | quote }}
YAML
  commit "capabilities" >/dev/null
  apply_hr
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  local server
  server=$(kubectl version -o json | jq -r .serverVersion.gitVersion)
  [ -n "$server" ] && [ "$(kubectl -n demo get cm web-caps -o jsonpath='{.data.kube}')" = "$server" ] ||
    fail "KubeVersion: $(kubectl -n demo get cm web-caps -o jsonpath='{.data}') (server $server)"
  [ "$(kubectl -n demo get cm web-caps -o jsonpath='{.data.helmrelease}')" = true ] || fail "the CRD's kind"
  [ "$(kubectl -n demo get cm web-caps -o jsonpath='{.data.group}')" = true ] || fail "the CRD's group version"
  [ "$(kubectl -n demo get cm web-caps -o jsonpath='{.data.nosuch}')" = false ] || fail "a kind not served"
}

# driftDetection.ignore: fields a rule names keep the cluster's value when the deployed
# revision is applied again; other drift is corrected.
scenario_drift_ignore_rules() {
  setup
  apply_hr "    replicaCount: 1" "  driftDetection:
    mode: enabled
    ignore:
    - paths: [/spec/replicas]
      target:
        kind: Deployment
    - paths: [/data/release]"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  kubectl -n demo scale deploy web --replicas=4 >/dev/null || fail "kubectl scale"
  kubectl -n demo patch cm web-settings --type merge -p '{"data":{"color":"black"}}' >/dev/null || fail "patch"
  kubectl -n demo patch cm web-extra --type merge -p '{"data":{"release":"edited"}}' >/dev/null || fail "patch"
  reconcile || fail "reconcile: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 4 ] || fail "ignored replicas reverted"
  [ "$(kubectl -n demo get cm web-extra -o jsonpath='{.data.release}')" = edited ] || fail "ignored data.release reverted"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "drift not corrected"
}

# Helm hooks, run as Helm runs them: podinfo 6.14.1 of ../shared/helm-cases (its
# hooks/job.yaml) and hooks added to charts/web. The order hooks ran in is read from the
# release records (last_run, as Helm stores it) and compared with the real helm installing
# the same chart into the same cluster; delete policies are checked by what remains.
PODINFO=${PLUMB_SHARED_DIR:-}/helm-cases/charts/podinfo-6.14.1
ready_state() { hr_field '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}'; }
ready_message() { hr_field '{.status.conditions[?(@.type=="Ready")].message}'; }
# The hook records of revision REV of release NAME in NS, as Helm stores them (JSON lines).
hook_records() {
  kubectl -n "$1" get secret "sh.helm.release.v1.$2.v$3" -o jsonpath='{.data.release}' |
    base64 -d | base64 -d | gunzip | jq -c '.hooks[]'
}
# The hooks of EVENT that ran, in the order they started, with the release prefix cut.
hook_order() {
  hook_records "$1" "$2" "$3" | jq -rs --arg e "$4" --arg p "$2-" \
    '[.[] | select(.events | index($e)) | select(.last_run.started_at)] | sort_by(.last_run.started_at) | .[] | "\(.kind)/\(.name | ltrimstr($p)) \(.last_run.phase)"'
}
job_exists() { kubectl -n "$1" get job "$2" >/dev/null 2>&1; }

# apply_chart CHART VALUES [more spec lines]: apply_hr for charts/CHART, hooks given 30s.
apply_chart() {
  CHART=$1 apply_hr "$2" "  timeout: 30s${3:+
$3}"
}
# add_hook_charts: podinfo (with more hooks) beside charts/web, and hooks in charts/web: a
# pre-upgrade/pre-rollback Job and a test Job (images from values migrateImage, testImage).
add_hook_charts() {
  [ -d "$PODINFO" ] || unavailable "$PODINFO is missing"
  mkdir -p "$REPO/charts"
  cp -r "$PODINFO" "$REPO/charts/podinfo"
  # More hooks of one event than podinfo has: a weight before it, and a Job and a ConfigMap
  # of equal weight whose names order them otherwise than their kinds would.
  write charts/podinfo/templates/hooks/extra.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-z-config
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
data: {}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-first
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-weight": "-5"
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-b-job
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation,hook-failed
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: b
        image: busybox:1.36
YAML
  write charts/web/templates/migrate.yaml <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    "helm.sh/hook": pre-upgrade,pre-rollback
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: {{ .Values.migrateImage | default "busybox:1.36" }}
YAML
  write charts/web/templates/tests/smoke.yaml <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-smoke
  annotations:
    "helm.sh/hook": test
    "helm.sh/hook-delete-policy": before-hook-creation
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: smoke
        image: {{ .Values.testImage | default "busybox:1.36" }}
YAML
  commit "hook charts" >/dev/null
}

PODINFO_HOOKS="    hooks:
      preInstall: {job: {enabled: true, hookDeletePolicy: hook-succeeded}}
      postInstall: {job: {enabled: true, hookDeletePolicy: before-hook-creation}}
      preUpgrade: {job: {enabled: true, hookDeletePolicy: hook-failed}}
      postUpgrade: {job: {enabled: true, hookDeletePolicy: hook-succeeded}}"

# podinfo with its pre/post-install and -upgrade Jobs and three more pre hooks: the order
# they ran in (the records' last_run) is the order the real helm runs them in, installing
# the same chart with the same values into another namespace; the delete policies leave
# what they should.
scenario_podinfo_hooks_in_helms_order() {
  setup
  add_hook_charts
  apply_chart podinfo "$PODINFO_HOOKS"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True InstallSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  [ "$(helm_history)" = "1 deployed Install complete" ] || fail "helm history: $(helm_history)"
  local ours theirs
  ours=$(hook_order demo web 1 pre-install)
  [ "$(wc -l <<<"$ours")" = 4 ] || fail "pre-install hooks run: $ours"
  # The reference: the real helm, same chart and values.
  kubectl create namespace ref >/dev/null
  helm install web "$REPO/charts/podinfo" -n ref --timeout 60s -f <(kubectl -n demo get helmrelease web -o jsonpath='{.spec.values}') \
    >"$WORK/helm.log" 2>&1 || fail "helm install: $(cat "$WORK/helm.log")"
  theirs=$(hook_order ref web 1 pre-install)
  [ "$ours" = "$theirs" ] || fail "pre-install order differs from helm's:
plumb:
$ours
helm:
$theirs"
  [ "$ours" = "Secret/first Succeeded
Job/b-job Succeeded
Job/podinfo-pre-install Succeeded
ConfigMap/z-config Succeeded" ] || fail "pre-install order: $ours"
  # post-install ran after the release's objects: its Job is newer than the Deployment.
  [ "$(hook_order demo web 1 post-install)" = "Job/podinfo-post-install Succeeded" ] ||
    fail "post-install: $(hook_order demo web 1 post-install)"
  local deployed post
  deployed=$(kubectl -n demo get deploy web-podinfo -o jsonpath='{.metadata.creationTimestamp}')
  post=$(kubectl -n demo get job web-podinfo-post-install -o jsonpath='{.metadata.creationTimestamp}')
  [[ ! "$post" < "$deployed" ]] || fail "post-install Job ($post) before the Deployment ($deployed)"
  # Delete policies: what remains is what helm left in its namespace.
  local remains ref_remains
  remains=$(kubectl -n demo get jobs,configmaps,secrets -o name | grep -E 'web-(z-config|first|b-job|podinfo-(pre|post)-install)' | sort)
  ref_remains=$(kubectl -n ref get jobs,configmaps,secrets -o name | grep -E 'web-(z-config|first|b-job|podinfo-(pre|post)-install)' | sort)
  [ "$remains" = "$ref_remains" ] || fail "hook objects left: $remains; helm left: $ref_remains"
  [ "$remains" = "configmap/web-z-config
job.batch/web-b-job
job.batch/web-podinfo-post-install" ] || fail "hook objects left: $remains"
  # Hooks are not part of the release's objects.
  # (Read whole before grep -q: with pipefail, helm writing on after grep's match is a SIGPIPE.)
  local manifest hooks
  manifest=$(helm get manifest web -n demo) || fail "helm get manifest: $manifest"
  grep -q 'pre-install' <<<"$manifest" && fail "a hook in the release manifest"
  hooks=$(helm get hooks web -n demo) || fail "helm get hooks: $hooks"
  grep -q 'name: web-podinfo-pre-install' <<<"$hooks" || fail "helm get hooks: $hooks"

  # Upgrade: pre-upgrade hooks, before-hook-creation replaces the Job left by install.
  apply_chart podinfo "$PODINFO_HOOKS
    replicaCount: 2"
  reconcile || fail "upgrade: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True UpgradeSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  [ "$(helm_history | tail -1)" = "2 deployed Upgrade complete" ] || fail "helm history: $(helm_history)"
  helm upgrade web "$REPO/charts/podinfo" -n ref --timeout 60s -f <(kubectl -n demo get helmrelease web -o jsonpath='{.spec.values}') \
    >"$WORK/helm.log" 2>&1 || fail "helm upgrade: $(cat "$WORK/helm.log")"
  for event in pre-upgrade post-upgrade; do
    ours=$(hook_order demo web 2 $event)
    theirs=$(hook_order ref web 2 $event)
    [ "$ours" = "$theirs" ] || fail "$event order differs from helm's:
plumb:
$ours
helm:
$theirs"
  done
  [ "$(hook_order demo web 2 pre-upgrade)" = "Secret/first Succeeded
Job/b-job Succeeded
Job/podinfo-pre-upgrade Succeeded
ConfigMap/z-config Succeeded" ] || fail "pre-upgrade: $(hook_order demo web 2 pre-upgrade)"
  remains=$(kubectl -n demo get jobs,configmaps,secrets -o name | grep -E 'web-(z-config|first|b-job|podinfo-(pre|post)-)' | sort)
  ref_remains=$(kubectl -n ref get jobs,configmaps,secrets -o name | grep -E 'web-(z-config|first|b-job|podinfo-(pre|post)-)' | sort)
  [ "$remains" = "$ref_remains" ] || fail "hook objects left after the upgrade: $remains; helm left: $ref_remains"
  grep -q "job.batch/web-podinfo-pre-upgrade" <<<"$remains" || fail "pre-upgrade Job (hook-failed only) deleted"
  grep -q "web-podinfo-post-upgrade" <<<"$remains" && fail "post-upgrade Job (hook-succeeded) left"
  [ "$(helm_history ref | tail -1)" = "2 deployed Upgrade complete" ] || fail "helm's own upgrade: $(helm_history ref)"
}

# A pre-upgrade hook Job that fails (its image matches the cluster's fail pattern): the
# upgrade fails naming the hook as Helm words it, nothing of the new revision is applied,
# remediation rolls back (its pre-rollback hook runs with the deployed revision's image),
# Ready=False names the hook.
scenario_failed_pre_upgrade_hook_rolls_back() {
  setup
  add_hook_charts
  local remediation="  upgrade:
    remediation:
      retries: 0
      remediateLastFailure: true"
  apply_chart web "    color: red" "$remediation"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True InstallSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  expect_exit 1 kubectl -n demo get job web-migrate  # pre-upgrade only: not run on install
  apply_chart web "    color: blue
    migrateImage: busybox:fail" "$remediation"
  expect_exit 1 reconcile
  [ "$(ready_state)" = "False RollbackSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  ready_message | grep -q "Helm upgrade failed for release demo/web with chart web@1.0.0: pre-upgrade hooks failed: job web-migrate failed: BackoffLimitExceeded" ||
    fail "Ready message: $(ready_message)"
  helm_history | sed -n 2p | grep -q '^2 failed Upgrade "web" failed: pre-upgrade hooks failed: job web-migrate failed: BackoffLimitExceeded$' ||
    fail "helm history: $(helm_history)"
  [ "$(helm_history | sed -n 3p)" = "3 deployed Rollback to 1" ] || fail "helm history: $(helm_history)"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "the upgrade's values applied"
  [ "$(hook_order demo web 2 pre-upgrade)" = "Job/migrate Failed" ] || fail "revision 2 hooks: $(hook_records demo web 2)"
  # The rollback ran revision 1's pre-rollback hook (its image), which replaced the failed Job.
  [ "$(hook_order demo web 3 pre-rollback)" = "Job/migrate Succeeded" ] || fail "revision 3 hooks: $(hook_records demo web 3)"
  [ "$(kubectl -n demo get job web-migrate -o jsonpath='{.spec.template.spec.containers[0].image}')" = busybox:1.36 ] ||
    fail "the pre-rollback Job"
  [ "$(hr_field '{.status.upgradeFailures}')" = 1 ] || fail "upgradeFailures"
}

# Uninstall (the HelmRelease deleted): podinfo's pre-delete Job runs before the release's
# objects are deleted, its post-delete Job after; both kept (before-hook-creation).
scenario_uninstall_runs_delete_hooks() {
  setup
  add_hook_charts
  apply_chart podinfo "    hooks:
      preDelete: {job: {enabled: true, hookDeletePolicy: before-hook-creation}}
      postDelete: {job: {enabled: true, hookDeletePolicy: before-hook-creation}}" "  uninstall:
    keepHistory: true"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  expect_exit 1 kubectl -n demo get job web-podinfo-pre-delete
  kubectl -n demo delete helmrelease web --wait=false >/dev/null || fail "kubectl delete"
  reconcile || fail "uninstall: $(cat "$WORK/controller.log")"
  expect_exit 1 kubectl -n demo get deploy web-podinfo
  [ "$(kubectl -n demo get job web-podinfo-pre-delete -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')" = True ] ||
    fail "pre-delete Job: $(kubectl -n demo get jobs 2>&1)"
  [ "$(kubectl -n demo get job web-podinfo-post-delete -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')" = True ] ||
    fail "post-delete Job: $(kubectl -n demo get jobs 2>&1)"
  local pre post
  pre=$(hook_records demo web 1 | jq -r 'select(.events | index("pre-delete")) | .last_run.completed_at')
  post=$(hook_records demo web 1 | jq -r 'select(.events | index("post-delete")) | .last_run.started_at')
  [[ -n "$pre" && "$pre" < "$post" ]] || fail "pre-delete done at '$pre', post-delete started at '$post'"
  [ "$(helm list -n demo --uninstalled -o json | jq -r '.[] | "\(.revision) \(.status)"')" = "1 uninstalled" ] ||
    fail "helm list --uninstalled"
}

# install.disableHooks and upgrade.disableHooks: no hook runs, the release is made.
scenario_disabled_hooks_are_not_run() {
  setup
  add_hook_charts
  local disabled="  install:
    disableHooks: true
  upgrade:
    disableHooks: true"
  apply_chart podinfo "$PODINFO_HOOKS" "$disabled"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(helm_history)" = "1 deployed Install complete" ] || fail "helm history: $(helm_history)"
  [ -z "$(kubectl -n demo get jobs -o name)" ] || fail "hooks ran: $(kubectl -n demo get jobs -o name)"
  [ -z "$(hook_records demo web 1 | jq -r 'select(.last_run.started_at) | .name')" ] || fail "a hook has a last run"
  apply_chart web "    migrateImage: busybox:fail" "$disabled"
  reconcile || fail "upgrade: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True UpgradeSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  expect_exit 1 kubectl -n demo get job web-migrate
}

# spec.test.enable: the test hooks run after a successful upgrade (not before); a failing test
# rolls the upgrade back unless its failures are ignored.
scenario_test_hooks_after_upgrade() {
  setup
  add_hook_charts
  local tests="  test:
    enable: true
  upgrade:
    remediation:
      retries: 0
      remediateLastFailure: true"
  apply_chart web "    color: red" "$tests"
  reconcile || fail "install: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True TestSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  [ "$(ready_message)" = "Helm test succeeded for release demo/web.v1 with chart web@1.0.0: 1 test hook completed successfully" ] ||
    fail "Ready message: $(ready_message)"
  [ "$(hr_field '{.status.conditions[?(@.type=="TestSuccess")].status}')" = True ] || fail "TestSuccess"
  [ "$(hook_order demo web 1 test)" = "Job/smoke Succeeded" ] || fail "test hook record: $(hook_records demo web 1)"
  # A failing test after an upgrade: rolled back.
  apply_chart web "    color: blue
    testImage: busybox:fail" "$tests"
  expect_exit 1 reconcile
  [ "$(ready_state)" = "False RollbackSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  [ "$(hr_field '{.status.conditions[?(@.type=="TestSuccess")].message}')" = "Helm test failed for release demo/web.v2 with chart web@1.0.0: job web-smoke failed: BackoffLimitExceeded" ] ||
    fail "TestSuccess: $(hr_field '{.status.conditions}')"
  [ "$(helm_history | sed -n 3p)" = "3 deployed Rollback to 1" ] || fail "helm history: $(helm_history)"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "not rolled back"
  # Ignored test failures: the upgrade stands.
  apply_chart web "    color: green
    testImage: busybox:fail" "  test:
    enable: true
    ignoreFailures: true"
  reconcile || fail "upgrade with ignored test failures: $(cat "$WORK/controller.log")"
  [ "$(ready_state)" = "True UpgradeSucceeded" ] || fail "Ready: $(ready_state) $(ready_message)"
  [ "$(hr_field '{.status.conditions[?(@.type=="TestSuccess")].status}')" = False ] || fail "TestSuccess"
  [ "$(helm_history | tail -1)" = "4 deployed Upgrade complete" ] || fail "helm history: $(helm_history)"
}

run_scenario
