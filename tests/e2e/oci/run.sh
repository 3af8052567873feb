#!/usr/bin/env bash
# End-to-end tests of OCI registries as Flux sources: Debian's docker-registry (plain HTTP) on
# a free 127.0.0.1 port in the scenario's WORK directory; charts pushed by the real helm
# (`helm push --plain-http`), plain-manifest artifacts by `plumb push artifact`; Flux's
# HelmRepository (type oci), OCIRepository, HelmRelease and Kustomization objects reconciled
# by `plumb controller --once` against a fresh `plumb cluster`; the cluster checked with
# kubectl and the release with the real helm.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl, helm,
# docker-registry; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool helm jq python3 curl
[ -x /usr/bin/docker-registry ] || unavailable "/usr/bin/docker-registry (Debian package docker-registry)"

reconcile() { "$PLUMB" controller --once --cache-dir "$WORK/cache" >>"$WORK/controller.log" 2>&1; }
field() { kubectl -n "$1" get "$2" "$3" -o jsonpath="$4"; }
ready_of() { field "$1" "$2" "$3" '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}'; }
message_of() { field "$1" "$2" "$3" '{.status.conditions[?(@.type=="Ready")].message}'; }
# The release as the real helm lists it: "REVISION STATUS CHART", or "" when there is none.
helm_release() {
  helm list -n demo -o json | jq -r '.[] | select(.name == "web") | "\(.revision) \(.status) \(.chart)"'
}


# chart VERSION COLOR: the chart `web` at VERSION, packaged into $WORK/packages.
chart() {
  local dir=$WORK/chart-src/web
  mkdir -p "$dir/templates" "$WORK/packages"
  cat >"$dir/Chart.yaml" <<YAML
apiVersion: v2
name: web
version: $1
YAML
  printf 'color: %s\n' "$2" >"$dir/values.yaml"
  cat >"$dir/templates/settings.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  color: {{ .Values.color | quote }}
  version: {{ .Chart.Version | quote }}
YAML
  helm package "$dir" -d "$WORK/packages" >/dev/null || fail "helm package $1"
}
# helm_push VERSION COLOR PATH: the chart pushed by the real helm to oci://$REGISTRY/PATH.
helm_push() {
  chart "$1" "$2"
  helm push "$WORK/packages/web-$1.tgz" "oci://$REGISTRY/$3" --plain-http >>"$WORK/push.log" 2>&1 ||
    fail "helm push: $(cat "$WORK/push.log")"
}

setup() {
  start
  start_registry
  reconcile || fail "controller on an empty cluster (installs the CRDs)"
  kubectl create namespace flux-system >/dev/null && kubectl create namespace demo >/dev/null ||
    fail "namespaces"
}

apply_yaml() { kubectl apply -f - >/dev/null || fail "kubectl apply of $1"; }

# (a) + (d): a HelmRepository of type oci; a version range picks the highest tag, a new tag
# upgrades, a missing version or an unreachable registry leaves the release as it is.
scenario_helm_repository_oci() {
  setup
  helm_push 1.0.0 red charts
  apply_yaml "the HelmRepository" <<YAML
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  type: oci
  interval: 10m
  insecure: true
  url: oci://$REGISTRY/charts
YAML
  apply_yaml "the HelmRelease" <<YAML
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
  reconcile || fail "install from the OCI HelmRepository: $(cat "$WORK/controller.log")"
  # Static, as in Flux: nothing fetched, no status.
  [ -z "$(field flux-system helmrepository charts '{.status}')" ] ||
    fail "status of a type oci HelmRepository: $(field flux-system helmrepository charts '{.status}')"
  expect_exit 1 "$PLUMB" reconcile source helm charts --timeout 5s
  expect_output "reconcile source helm, type oci" \
    "helmrepository flux-system/charts is of type oci: a static object, nothing to reconcile" \
    "$PLUMB" reconcile source helm charts --timeout 5s
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list after install: '$(helm_release)'"
  [ "$(field demo cm web-settings '{.data.color}')" = red ] || fail "chart values"
  [ "$(ready_of demo helmrelease web)" = "True InstallSucceeded" ] || fail "Ready: $(ready_of demo helmrelease web)"
  local cached
  cached=$(find "$WORK/cache" -path '*oci/sha256/*' -type f | wc -l)
  [ "$cached" -ge 1 ] || fail "no layer cached by digest under $WORK/cache"

  # A new version with `+` (a `_` in the tag): the range picks it, upgrade.
  helm_push 1.1.0+build.7 teal charts
  curl -fsS "http://$REGISTRY/v2/charts/web/tags/list" | grep -q '1.1.0_build.7' || fail "helm's tag"
  reconcile || fail "upgrade from the OCI HelmRepository: $(cat "$WORK/controller.log")"
  [ "$(helm_release)" = "2 deployed web-1.1.0+build.7" ] || fail "helm list after 1.1.0: '$(helm_release)'"
  [ "$(field demo cm web-settings '{.data.color}')" = teal ] || fail "1.1.0 not applied"
  [ "$(field demo helmrelease web '{.status.lastAttemptedRevision}')" = 1.1.0+build.7 ] ||
    fail "lastAttemptedRevision: $(field demo helmrelease web '{.status.lastAttemptedRevision}')"
  [ "$(ready_of demo helmrelease web)" = "True UpgradeSucceeded" ] || fail "Ready: $(ready_of demo helmrelease web)"

  # An exact version the registry lacks: ArtifactFailed naming the registry, repository and
  # version; the release untouched.
  kubectl -n demo patch helmrelease web --type merge -p '{"spec":{"chart":{"spec":{"version":"9.9.9"}}}}' >/dev/null
  expect_exit 1 reconcile
  [ "$(ready_of demo helmrelease web)" = "False ArtifactFailed" ] || fail "Ready: $(ready_of demo helmrelease web)"
  message_of demo helmrelease web | grep -qF "$REGISTRY/charts/web:9.9.9: not found" ||
    fail "message: $(message_of demo helmrelease web)"
  [ "$(helm_release)" = "2 deployed web-1.1.0+build.7" ] || fail "the release changed: '$(helm_release)'"

  # (d) The registry goes away: Ready=False naming it, the release and its objects untouched.
  kubectl -n demo patch helmrelease web --type merge -p '{"spec":{"chart":{"spec":{"version":"1.x"}}}}' >/dev/null
  stop_registry
  expect_exit 1 reconcile
  [ "$(ready_of demo helmrelease web)" = "False ArtifactFailed" ] || fail "Ready: $(ready_of demo helmrelease web)"
  message_of demo helmrelease web | grep -qF "$REGISTRY" || fail "message: $(message_of demo helmrelease web)"
  message_of demo helmrelease web | grep -qF "HelmRepository 'flux-system/charts'" ||
    fail "message: $(message_of demo helmrelease web)"
  [ "$(helm_release)" = "2 deployed web-1.1.0+build.7" ] || fail "the release changed: '$(helm_release)'"
  [ "$(field demo cm web-settings '{.data.color}')" = teal ] || fail "objects changed"
}

# `plumb push artifact`: the manifest Flux's media types and annotations, the digest printed
# is the registry's, the layer holds the directory's files (GNU tar reads it), .git left out.
scenario_push_artifact() {
  start_registry
  mkdir -p "$WORK/site/apps" "$WORK/site/.git"
  echo "kind: ConfigMap" >"$WORK/site/apps/cm.yaml"
  echo "ref: refs/heads/main" >"$WORK/site/.git/HEAD"
  local digest manifest layer
  digest=$("$PLUMB" push artifact "oci://$REGISTRY/manifests/site:v1" --path "$WORK/site" \
    --source https://example.com/site.git --revision "main@sha1:0123abc" --insecure 2>"$WORK/push.log") ||
    fail "plumb push: $(cat "$WORK/push.log")"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "printed: '$digest'"
  grep -qF "artifact successfully pushed to $REGISTRY/manifests/site:v1" "$WORK/push.log" || fail "$(cat "$WORK/push.log")"
  manifest=$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY/v2/manifests/site/manifests/v1") || fail "manifest"
  [ "sha256:$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)" = "$digest" ] || fail "digest differs from the manifest's"
  [ "$(jq -r .config.mediaType <<<"$manifest")" = application/vnd.cncf.flux.config.v1+json ] || fail "config: $manifest"
  [ "$(jq -r '.layers[0].mediaType' <<<"$manifest")" = application/vnd.cncf.flux.content.v1.tar+gzip ] || fail "layer: $manifest"
  [ "$(jq -r '.annotations["org.opencontainers.image.revision"]' <<<"$manifest")" = "main@sha1:0123abc" ] || fail "revision: $manifest"
  [ "$(jq -r '.annotations["org.opencontainers.image.source"]' <<<"$manifest")" = https://example.com/site.git ] || fail "source: $manifest"
  layer=$(jq -r '.layers[0].digest' <<<"$manifest")
  curl -fsS "http://$REGISTRY/v2/manifests/site/blobs/$layer" -o "$WORK/layer.tgz" || fail "layer blob"
  [ "$(tar -tzf "$WORK/layer.tgz")" = apps/cm.yaml ] || fail "layer files: $(tar -tzf "$WORK/layer.tgz")"
  # The same tree again: the same layer (reproducible), the tag unchanged.
  "$PLUMB" push artifact "oci://$REGISTRY/manifests/site:v2" --path "$WORK/site" \
    --source https://example.com/site.git --revision "main@sha1:0123abc" --insecure >/dev/null 2>&1 || fail "push v2"
  [ "$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REGISTRY/v2/manifests/site/manifests/v2" | jq -r '.layers[0].digest')" = "$layer" ] ||
    fail "the same tree gave another layer"
  expect_output "no tag" "must name a tag" "$PLUMB" push artifact "oci://$REGISTRY/manifests/site" --path "$WORK/site" --source s --revision r
  expect_exit 2 "$PLUMB" push artifact "oci://$REGISTRY/manifests/site:v3" --path "$WORK/site" --revision r
}

# (b) An OCIRepository holding a chart (written as v1beta2, as most users still do) and a
# HelmRelease with chartRef: installed; a new tag in the range upgrades.
scenario_oci_repository_chart_ref() {
  setup
  helm_push 1.0.0 red charts
  local digest
  digest=$(grep -o 'Digest: sha256:[0-9a-f]*' "$WORK/push.log" | tail -1 | cut -d' ' -f2)
  apply_yaml "the OCIRepository" <<YAML
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  url: oci://$REGISTRY/charts/web
  insecure: true
  ref:
    semver: ">=1.0.0"
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
YAML
  apply_yaml "the HelmRelease" <<YAML
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: demo
spec:
  interval: 10m
  chartRef:
    kind: OCIRepository
    name: web
    namespace: flux-system
  values:
    color: green
YAML
  reconcile || fail "install from the OCIRepository: $(cat "$WORK/controller.log")"
  [ "$(ready_of flux-system ocirepository web)" = "True Succeeded" ] || fail "OCIRepository Ready: $(ready_of flux-system ocirepository web)"
  [ "$(field flux-system ocirepository web '{.status.artifact.revision}')" = "1.0.0@$digest" ] ||
    fail "artifact.revision: $(field flux-system ocirepository web '{.status.artifact.revision}'), pushed $digest"
  [[ "$(field flux-system ocirepository web '{.status.artifact.digest}')" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "artifact.digest"
  [ "$(field flux-system ocirepository web '{.status.conditions[?(@.type=="ArtifactInStorage")].status}')" = True ] ||
    fail "ArtifactInStorage: $(field flux-system ocirepository web '{.status.conditions}')"
  [ "$(field flux-system ocirepository web '{.status.observedGeneration}')" = 1 ] || fail "observedGeneration"
  [ "$(kubectl get ocirepository -n flux-system web -o jsonpath='{.apiVersion}')" = source.toolkit.fluxcd.io/v1 ] ||
    fail "served as v1: $(kubectl get ocirepository -n flux-system web -o jsonpath='{.apiVersion}')"
  [ "$(helm_release)" = "1 deployed web-1.0.0" ] || fail "helm list after install: '$(helm_release)'"
  [ "$(field demo cm web-settings '{.data.color}')" = green ] || fail "values"
  [ "$(ready_of demo helmrelease web)" = "True InstallSucceeded" ] || fail "Ready: $(ready_of demo helmrelease web)"

  helm_push 1.1.0 blue charts
  reconcile || fail "upgrade from the OCIRepository: $(cat "$WORK/controller.log")"
  [[ "$(field flux-system ocirepository web '{.status.artifact.revision}')" == 1.1.0@sha256:* ]] || fail "new revision"
  [ "$(helm_release)" = "2 deployed web-1.1.0" ] || fail "helm list after 1.1.0: '$(helm_release)'"
  [ "$(field demo cm web-settings '{.data.version}')" = 1.1.0 ] || fail "1.1.0 not applied"
}

# (c) An OCIRepository of plain manifests pushed by `plumb push artifact` and a Kustomization:
# applied; a new tag in the semver range upgrades (and prunes); (d) the registry gone: the
# OCIRepository Ready=False naming it, the applied objects untouched.
scenario_oci_repository_kustomization() {
  setup
  local site=$WORK/site
  mkdir -p "$site/apps"
  cat >"$site/apps/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  color: red
YAML
  cat >"$site/extra.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: extra
  namespace: demo
data:
  here: "yes"
YAML
  push() {
    "$PLUMB" push artifact "oci://$REGISTRY/manifests/site:$1" --path "$site" --source https://example.com/site.git \
      --revision "main@sha1:$2" --insecure 2>>"$WORK/push.log" || fail "plumb push: $(cat "$WORK/push.log")"
  }
  local first second
  first=$(push 1.0.0 aaaa)
  apply_yaml "the OCIRepository" <<YAML
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: site
  namespace: flux-system
spec:
  interval: 10m
  url: oci://$REGISTRY/manifests/site
  insecure: true
  ref:
    semver: "1.x"
YAML
  apply_yaml "the Kustomization" <<YAML
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: site
  namespace: flux-system
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef:
    kind: OCIRepository
    name: site
YAML
  reconcile || fail "apply from the OCIRepository: $(cat "$WORK/controller.log")"
  [ "$(field flux-system ocirepository site '{.status.artifact.revision}')" = "1.0.0@$first" ] ||
    fail "artifact.revision: $(field flux-system ocirepository site '{.status.artifact.revision}')"
  [ "$(field demo cm settings '{.data.color}')" = red ] || fail "settings not applied"
  [ "$(field demo cm extra '{.data.here}')" = yes ] || fail "extra not applied"
  [ "$(field flux-system kustomization site '{.status.lastAppliedRevision}')" = "1.0.0@$first" ] ||
    fail "lastAppliedRevision: $(field flux-system kustomization site '{.status.lastAppliedRevision}')"

  # A new tag: the range picks it, changes applied, what it dropped pruned; 2.0.0 is outside.
  sed -i 's/color: red/color: blue/' "$site/apps/cm.yaml"
  rm "$site/extra.yaml"
  second=$(push 1.1.0 bbbb)
  echo "broken: [" >"$site/apps/cm.yaml"
  push 2.0.0 cccc >/dev/null
  reconcile || fail "upgrade from the OCIRepository: $(cat "$WORK/controller.log")"
  [ "$(field flux-system ocirepository site '{.status.artifact.revision}')" = "1.1.0@$second" ] ||
    fail "artifact.revision after 1.1.0: $(field flux-system ocirepository site '{.status.artifact.revision}')"
  [ "$(field demo cm settings '{.data.color}')" = blue ] || fail "1.1.0 not applied"
  expect_exit 1 kubectl -n demo get cm extra
  [ "$(ready_of flux-system kustomization site)" = "True ReconciliationSucceeded" ] ||
    fail "Kustomization Ready: $(ready_of flux-system kustomization site)"

  # (d) The registry is gone: the source says so, naming it; the cluster keeps its state.
  stop_registry
  expect_exit 1 reconcile
  [ "$(ready_of flux-system ocirepository site)" = "False OCIArtifactPullFailed" ] ||
    fail "OCIRepository Ready: $(ready_of flux-system ocirepository site)"
  message_of flux-system ocirepository site | grep -qF "oci://$REGISTRY/manifests/site: " ||
    fail "message: $(message_of flux-system ocirepository site)"
  [ "$(field flux-system ocirepository site '{.status.artifact.revision}')" = "1.1.0@$second" ] || fail "artifact lost"
  [ "$(field demo cm settings '{.data.color}')" = blue ] || fail "objects changed"
}

# The continuous controller: an OCIRepository is pulled from its watch event and its
# Kustomization applied when the artifact arrives; a new tag pushed and a
# reconcile.fluxcd.io/requestedAt annotation on the source bring the upgrade.
scenario_loop_oci_repository() {
  setup
  mkdir -p "$WORK/site"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: looped\n  namespace: demo\ndata:\n  v: "1"\n' >"$WORK/site/cm.yaml"
  "$PLUMB" push artifact "oci://$REGISTRY/manifests/loop:1.0.0" --path "$WORK/site" --source s --revision r1 \
    --insecure >/dev/null 2>&1 || fail "push 1.0.0"
  "$PLUMB" controller --cache-dir "$WORK/cache" >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  apply_yaml "the OCIRepository and Kustomization" <<YAML
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: loop
  namespace: flux-system
spec:
  interval: 10m
  url: oci://$REGISTRY/manifests/loop
  insecure: true
  ref:
    semver: ">=1.0.0"
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: loop
  namespace: flux-system
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef:
    kind: OCIRepository
    name: loop
YAML
  wait_for "the ConfigMap from the artifact" 20 eval '[ "$(field demo cm looped "{.data.v}")" = 1 ]'
  wait_for "OCIRepository Ready" 10 eval '[ "$(ready_of flux-system ocirepository loop)" = "True Succeeded" ]'
  sed -i 's/v: "1"/v: "2"/' "$WORK/site/cm.yaml"
  "$PLUMB" push artifact "oci://$REGISTRY/manifests/loop:1.1.0" --path "$WORK/site" --source s --revision r2 \
    --insecure >/dev/null 2>&1 || fail "push 1.1.0"
  kubectl -n flux-system annotate ocirepository loop --overwrite reconcile.fluxcd.io/requestedAt="$(date +%s)" >/dev/null
  wait_for "the new tag applied" 20 eval '[ "$(field demo cm looped "{.data.v}")" = 2 ]'
  [[ "$(field flux-system kustomization loop '{.status.lastAppliedRevision}')" == 1.1.0@sha256:* ]] ||
    fail "lastAppliedRevision: $(field flux-system kustomization loop '{.status.lastAppliedRevision}')"
}

run_scenario
