#!/usr/bin/env bash
# End-to-end tests of the GitOps reconcilers: Flux GitRepository and Kustomization objects,
# written as Flux users write them, a real git repository made with the git CLI, and
# `plumb controller --once` against a fresh `plumb cluster`; results checked with kubectl.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
command -v git >/dev/null || { echo "SKIP: git not installed"; exit 77; }

REPO=$WORK/repo
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com

write() {  # write PATH < content (in the repository)
  mkdir -p "$(dirname "$REPO/$1")"
  cat >"$REPO/$1"
}
commit() { git -C "$REPO" add -A && git -C "$REPO" commit -qm "$1" && git -C "$REPO" rev-parse HEAD; }
reconcile() { "$PLUMB" controller --once --cache-dir "$WORK/cache"; }
ks_field() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }

make_repo() {
  git init -q -b main "$REPO"
  write apps/namespace.yaml <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
YAML
  write apps/config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
YAML
  write apps/web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
YAML
  commit "apps" >/dev/null
}

# The Flux objects as the getting-started guides write them.
flux_objects() {
  cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m
  url: file://$REPO
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
  targetNamespace: demo
YAML
}

setup() {
  start
  make_repo
  reconcile >/dev/null || fail "controller on an empty cluster (installs the CRDs)"
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
}

scenario_commits_apply_and_prune() {
  setup
  local out head
  out=$(reconcile 2>&1) || fail "first reconcile: $out"
  head=$(git -C "$REPO" rev-parse HEAD)
  grep -q "Kustomization/flux-system/apps: main@sha1:$head (3 created)" <<<"$out" ||
    fail "first commit not applied: $out"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = blue ] || fail "configmap"
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].status}')" = True ] || fail "not Ready"
  [ "$(ks_field apps '{.status.lastAppliedRevision}')" = "main@sha1:$head" ] ||
    fail "lastAppliedRevision: $(ks_field apps '{.status.lastAppliedRevision}')"
  ks_field apps '{.status.inventory.entries[*].id}' | grep -q "demo_web_apps_Deployment" ||
    fail "inventory: $(ks_field apps '{.status.inventory.entries[*].id}')"
  [ "$(kubectl -n flux-system get gitrepository podinfo -o jsonpath='{.status.artifact.revision}')" = "main@sha1:$head" ] ||
    fail "GitRepository artifact revision"
  # A second commit changing one file configures only that object.
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  head=$(commit "green")
  out=$(reconcile 2>&1) || fail "second reconcile: $out"
  grep -q "main@sha1:$head (1 configured, 2 unchanged)" <<<"$out" || fail "not exactly one change: $out"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = green ] || fail "not green"
  # A removed file is pruned.
  git -C "$REPO" rm -q apps/config.yaml
  head=$(commit "remove config")
  out=$(reconcile 2>&1) || fail "third reconcile: $out"
  grep -q "1 deleted" <<<"$out" || fail "not pruned: $out"
  expect_exit 1 kubectl -n demo get cm settings
}

scenario_bad_commit_and_unreachable_remote() {
  setup
  reconcile >/dev/null || fail "first reconcile"
  local gen good out
  good=$(git -C "$REPO" rev-parse HEAD)
  gen=$(kubectl -n demo get deploy web -o jsonpath='{.metadata.generation}')
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [oops\n' >"$REPO/apps/broken.yaml"
  sed -i 's/replicas: 1/replicas: 3/' "$REPO/apps/web.yaml"
  commit "broken" >/dev/null
  out=$(reconcile 2>&1) && fail "a broken commit reconciled: $out"
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "broken.yaml" ||
    fail "Ready message does not name the file: $(ks_field apps '{.status.conditions}')"
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].status}')" = False ] || fail "still Ready"
  [ "$(ks_field apps '{.status.lastAppliedRevision}')" = "main@sha1:$good" ] || fail "lastApplied moved"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.metadata.generation}')" = "$gen" ] ||
    fail "a broken commit changed the cluster"
  git -C "$REPO" rm -q apps/broken.yaml
  good=$(commit "fixed")
  out=$(reconcile 2>&1) || fail "the next good commit did not recover: $out"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 3 ] || fail "fix not applied"
  # An unreachable remote: the cluster stays, Ready=False names the fetch error.
  kubectl -n flux-system patch gitrepository podinfo --type merge \
    -p "{\"spec\":{\"url\":\"file://$WORK/nowhere\"}}" >/dev/null || fail "patch url"
  out=$(reconcile 2>&1) && fail "an unreachable remote reconciled: $out"
  kubectl -n flux-system get gitrepository podinfo \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}' | grep -q "nowhere" ||
    fail "GitRepository Ready does not name the fetch error"
  expect_exit 0 kubectl -n demo get deploy web
}

scenario_depends_on() {
  setup
  write infra/quota.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: infra
  namespace: demo
YAML
  commit "infra" >/dev/null
  cat <<'YAML' | kubectl apply -f - >/dev/null || fail "apply dependent"
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: a-dependent
  namespace: flux-system
spec:
  interval: 10m
  path: ./infra
  prune: true
  dependsOn:
  - name: apps
  sourceRef:
    kind: GitRepository
    name: podinfo
YAML
  local out
  out=$(reconcile 2>&1) || fail "reconcile with dependsOn: $out"
  # "a-dependent" comes first in the list, yet it is applied after the Kustomization it
  # depends on.
  local first second
  first=$(grep -n "Kustomization/flux-system/apps:" <<<"$out" | cut -d: -f1)
  second=$(grep -n "Kustomization/flux-system/a-dependent:" <<<"$out" | cut -d: -f1)
  [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] || fail "order: $out"
  expect_exit 0 kubectl -n demo get cm infra
}

run_scenario
