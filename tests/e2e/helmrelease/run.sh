#!/usr/bin/env bash
# End-to-end tests of the HelmRelease reconcile: a chart in a real git repository (git CLI),
# Flux GitRepository and HelmRelease objects, `plumb controller --once` against a fresh
# `plumb cluster`; the cluster checked with kubectl and the release with the real helm
# (helm list/history read the release records Plumb wrote).
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl, git or
# helm; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git helm jq python3

use_git_repo
reconcile() { "$PLUMB" controller --once --cache-dir "$WORK/cache" >>"$WORK/controller.log" 2>&1; }
hr_field() { kubectl -n demo get helmrelease web -o jsonpath="$1"; }
ready_is() { [ "$(hr_field '{.status.conditions[?(@.type=="Ready")].status}')" = "$1" ]; }
reason_is() { [ "$(hr_field '{.status.conditions[?(@.type=="Ready")].reason}')" = "$1" ]; }
# The release as the real helm lists it: "REVISION STATUS CHART", or "" when there is none.
helm_release() {
  helm list -n demo -o json | jq -r '.[] | select(.name == "web") | "\(.revision) \(.status) \(.chart)"'
}
helm_history() { helm history web -n demo -o json | jq -r '.[] | "\(.revision) \(.status) \(.description | gsub("\n"; " "))"'; }

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

# apply_hr [values YAML lines (indented 4)] [more spec lines (indented 2)]
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
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: charts
        namespace: flux-system
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
  python3 -m http.server 0 --bind 127.0.0.1 --directory "$charts" >"$WORK/http.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the chart server" 10 grep -q "port" "$WORK/http.log"
  port=$(grep -o "port [0-9]*" "$WORK/http.log" | head -1 | cut -d' ' -f2)
  cat <<YAML | kubectl apply -f - >/dev/null || fail "kubectl apply of the HelmRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  interval: 10m
  url: http://127.0.0.1:$port
YAML
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
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list: '$(helm_release)'"
  [ "$(kubectl -n demo get cm web-settings -o jsonpath='{.data.color}')" = red ] || fail "chart values"
  # A new version in the index: upgraded to it.
  mv "$WORK/web-1.1.0.tgz" "$charts/" && helm repo index "$charts" >/dev/null || fail "reindex"
  reconcile || fail "upgrade from the HelmRepository: $(cat "$WORK/controller.log")"
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

run_scenario
