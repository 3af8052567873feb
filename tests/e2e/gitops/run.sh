#!/usr/bin/env bash
# End-to-end tests of the GitOps reconcilers: Flux GitRepository and Kustomization objects,
# written as Flux users write them, a real git repository made with the git CLI, and
# `plumb controller --once` against a fresh `plumb cluster`; results checked with kubectl.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git

use_git_repo
reconcile() { "$PLUMB" controller --once --cache-dir "$WORK/cache"; }
ks_field() { kubectl -n flux-system get kustomization "$1" -o jsonpath="$2"; }

make_repo() {
  git init -q -b main "$REPO"
  demo_files namespace settings web
  commit "apps" >/dev/null
}

# The Flux objects as the getting-started guides write them.
flux_objects() { git_kustomization podinfo 1m "targetNamespace: demo"; }

# dependent_ks NAME: a Kustomization of ./infra that depends on apps (retried every 10m).
dependent_ks() {
  cat <<YAML
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: $1
  namespace: flux-system
spec:
  interval: 10m
  retryInterval: 10m
  path: ./infra
  prune: true
  dependsOn:
  - name: apps
  sourceRef:
    kind: GitRepository
    name: podinfo
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

# kubectl get ks -A prints Flux's columns with values, also where an earlier Plumb installed
# the CRDs without printer columns (the controller brings them up to date).
scenario_kubectl_get_shows_flux_columns() {
  start
  local kind
  for kind in kustomizations.kustomize.toolkit.fluxcd.io:Kustomization:ks \
    gitrepositories.source.toolkit.fluxcd.io:GitRepository:gitrepo; do
    IFS=: read -r name k short <<<"$kind"
    cat <<YAML | kubectl apply --server-side --field-manager=plumb -f - >/dev/null || fail "old CRD $name"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: $name
spec:
  group: ${name#*.}
  scope: Namespaced
  names: {kind: $k, listKind: ${k}List, plural: ${name%%.*}, singular: $(tr A-Z a-z <<<"$k"), shortNames: [$short]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
  done
  make_repo
  reconcile >/dev/null || fail "controller with the old CRDs installed"
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  local crd_rv
  crd_rv=$(kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io -o jsonpath='{.metadata.resourceVersion}')
  reconcile >/dev/null || fail "reconcile"
  [ "$(kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io -o jsonpath='{.metadata.resourceVersion}')" = "$crd_rv" ] ||
    fail "an up-to-date CRD was written again"
  local out
  out=$(kubectl get ks -A 2>&1)
  grep -qE '^NAMESPACE +NAME +AGE +READY +STATUS$' <<<"$out" || fail "kubectl get ks -A header:
$out"
  grep -qE '^flux-system +apps +[0-9]+s +True +Applied revision: main@sha1:[0-9a-f]{40}$' <<<"$out" ||
    fail "kubectl get ks -A row:
$out"
  out=$(kubectl get gitrepositories -n flux-system 2>&1)
  grep -qE '^NAME +URL +AGE +READY +STATUS$' <<<"$out" || fail "kubectl get gitrepositories header:
$out"
  grep -qE "^podinfo +file://$REPO +[0-9]+s +True +stored artifact for revision 'main@sha1:[0-9a-f]{40}'$" <<<"$out" ||
    fail "kubectl get gitrepositories row:
$out"
}

# `path: ./` (the default of `flux create ks` and `plumb up --repo`) renders the repository's
# root kustomization, which refers to the apps below it.
scenario_root_path() {
  setup
  write kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- apps/namespace.yaml
- apps/config.yaml
YAML
  commit "root kustomization" >/dev/null
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"path":"./"}}' \
    >/dev/null || fail "patch"
  local out
  out=$(reconcile 2>&1) || fail "path ./: $out"
  ks_ready apps || fail "not Ready: $(ks_field apps '{.status.conditions}')"
  kubectl -n demo get cm settings >/dev/null || fail "the root kustomization was not applied"
}

# `plumb diff DIR` on what the controller applied: its labels (and the ApplySet's, which the
# diff would add) are not changes; a changed value is the only line that differs.
scenario_diff_of_controller_managed_objects() {
  setup
  reconcile >/dev/null || fail "reconcile"
  local out
  out=$("$PLUMB" diff "$REPO/apps" -n demo 2>&1)
  [ $? -eq 0 ] || fail "diff of what the controller applied is not empty: $out"
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  out=$("$PLUMB" diff "$REPO/apps" -n demo 2>&1)
  [ $? -eq 1 ] || fail "diff of a changed value did not exit 1: $out"
  grep -qx -- "-  color: blue" <<<"$out" || fail "live value not shown: $out"
  grep -qx -- "+  color: green" <<<"$out" || fail "new value not shown: $out"
  [ "$(grep -c '^[-+] ' <<<"$out")" -eq 2 ] || fail "diff shows more than the changed value: $out"
}

# `plumb diff ks NAME --path DIR` (as `flux diff ks`): what the next reconcile would change if
# the source held DIR at spec.path — rendered with the Kustomization's targetNamespace and
# labels (no change when DIR is what was applied), a changed value, a file removed (pruned).
scenario_diff_ks_shows_what_the_next_reconcile_changes() {
  setup
  reconcile >/dev/null || fail "reconcile"
  local out
  out=$("$PLUMB" diff ks apps --path "$REPO/apps" 2>&1)
  [ $? -eq 0 ] || fail "diff ks of what the controller applied is not empty: $out"
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  git -C "$REPO" rm -q apps/web.yaml
  out=$("$PLUMB" diff kustomization apps -n flux-system --path "$REPO/apps" 2>&1)
  [ $? -eq 1 ] || fail "diff ks of a change did not exit 1: $out"
  grep -qx -- "-  color: blue" <<<"$out" || fail "live value not shown: $out"
  grep -qx -- "+  color: green" <<<"$out" || fail "new value not shown: $out"
  grep -q "web" <<<"$out" || fail "the pruned Deployment is not shown: $out"
  grep -qx -- "-  name: web" <<<"$out" || fail "the pruned Deployment is not shown as removed: $out"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = blue ] || fail "diff changed the cluster"
  out=$("$PLUMB" diff ks apps --path "$WORK/nowhere" 2>&1)
  [ $? -eq 2 ] && grep -qF "spec.path: $WORK/nowhere: no such directory" <<<"$out" ||
    fail "a missing --path: $out"
  out=$("$PLUMB" diff ks apps 2>&1)
  [ $? -eq 2 ] && grep -qF -- "--path DIR is required" <<<"$out" || fail "no --path: $out"
  out=$("$PLUMB" diff ks missing --path "$REPO/apps" 2>&1)
  [ $? -eq 2 ] && grep -qF "kustomization flux-system/missing not found" <<<"$out" ||
    fail "a missing Kustomization: $out"
}

# A field Plumb cannot honour yet is named, never silently skipped: kubeConfig would apply to
# another cluster, so nothing is applied; healthCheckExprs is only reported.
scenario_unsupported_fields_are_named() {
  setup
  kubectl -n flux-system patch kustomization apps --type merge \
    -p '{"spec":{"kubeConfig":{"secretRef":{"name":"remote-cluster"}}}}' >/dev/null || fail "patch"
  reconcile >/dev/null 2>&1 && fail "a Kustomization with kubeConfig reconciled"
  ks_reason_is apps UnsupportedField || fail "reason: $(ks_field apps '{.status.conditions}')"
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "spec.kubeConfig" ||
    fail "the message does not name spec.kubeConfig"
  kubectl get ns demo >/dev/null 2>&1 && fail "something was applied"
  kubectl -n flux-system patch kustomization apps --type json \
    -p '[{"op":"remove","path":"/spec/kubeConfig"},{"op":"add","path":"/spec/healthCheckExprs","value":[]}]' \
    >/dev/null || fail "patch 2"
  reconcile >/dev/null || fail "a Kustomization with an ignored field failed"
  ks_ready apps || fail "not Ready"
  ks_field apps '{.status.conditions[?(@.type=="FieldsIgnored")].message}' |
    grep -q "spec.healthCheckExprs" || fail "the ignored field is not named: $(ks_field apps '{.status.conditions}')"
}

# postBuild as Flux runs it: ${var} from substitute and a substituteFrom ConfigMap, defaults,
# numbers read back typed; in strict mode (Flux's default) an unset variable fails the
# reconcile, named in Ready, and changes nothing.
scenario_post_build_substitutes_variables() {
  setup
  write apps/config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: ${color}
  size: ${size:=small}
  region: ${region}
YAML
  sed -i 's/replicas: 1/replicas: ${replicas}/' "$REPO/apps/web.yaml"
  commit "variables" >/dev/null
  kubectl -n flux-system create configmap cluster-vars --from-literal=region=eu-west-1 \
    --from-literal=replicas=2 >/dev/null || fail "create the ConfigMap"
  kubectl -n flux-system patch kustomization apps --type merge -p \
    '{"spec":{"postBuild":{"substitute":{"color":"green"},"substituteFrom":[{"kind":"ConfigMap","name":"cluster-vars"}]}}}' \
    >/dev/null || fail "patch"
  local out
  out=$(reconcile 2>&1) || fail "reconcile with postBuild: $out"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}/{.data.size}/{.data.region}')" = green/small/eu-west-1 ] ||
    fail "not substituted: $(kubectl -n demo get cm settings -o yaml)"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = 2 ] || fail "replicas not substituted"
  kubectl -n flux-system patch configmap cluster-vars --type json -p '[{"op":"remove","path":"/data/region"}]' \
    >/dev/null || fail "patch the ConfigMap"
  sed -i 's/${size:=small}/large/' "$REPO/apps/config.yaml"
  commit "large" >/dev/null
  out=$(reconcile 2>&1) && fail "an unset variable reconciled: $out"
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' |
    grep -qF 'variable not set (strict mode): "region"' || fail "Ready does not name the variable: $(ks_field apps '{.status.conditions}')"
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].reason}')" = BuildFailed ] || fail "reason is not BuildFailed"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.size}')" = small ] || fail "a failed substitution changed the cluster"
}

# postBuild.substituteFrom as Flux reads it: a ConfigMap and a Secret, the later source
# overriding the earlier; a missing optional source is skipped; a missing required one fails
# the reconcile with Ready=False naming it, and nothing is applied. The Secret's values show
# in no status or event.
scenario_post_build_sources() {
  setup
  write apps/config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: ${color}
  token: ${api_token}
YAML
  commit "variables" >/dev/null
  kubectl -n flux-system create configmap cluster-vars --from-literal=color=blue \
    --from-literal=api_token=not-this-one >/dev/null || fail "create the ConfigMap"
  kubectl -n flux-system create secret generic cluster-secrets --from-literal=api_token=tok-from-secret \
    >/dev/null || fail "create the Secret"
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"postBuild":{"substituteFrom":[
    {"kind":"ConfigMap","name":"cluster-vars"},
    {"kind":"Secret","name":"cluster-secrets"},
    {"kind":"ConfigMap","name":"not-there","optional":true}]}}}' >/dev/null || fail "patch"
  local out all
  out=$(reconcile 2>&1) || fail "reconcile with a missing optional source: $out"
  all=$out
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}/{.data.token}')" = blue/tok-from-secret ] ||
    fail "not substituted, or the Secret did not override: $(kubectl -n demo get cm settings -o yaml)"
  # A required source that is missing.
  kubectl -n flux-system patch kustomization apps --type json -p \
    '[{"op":"add","path":"/spec/postBuild/substituteFrom/-","value":{"kind":"Secret","name":"gone"}}]' \
    >/dev/null || fail "patch required"
  kubectl -n flux-system patch configmap cluster-vars --type merge -p '{"data":{"color":"red"}}' >/dev/null ||
    fail "patch the ConfigMap"
  out=$(reconcile 2>&1) && fail "a missing required source reconciled: $out"
  all+=$out
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].status}')" = False ] || fail "still Ready"
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' | grep -qF "Secret/gone" ||
    fail "Ready does not name the source: $(ks_field apps '{.status.conditions}')"
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = blue ] || fail "applied without its source"
  all+=$(kubectl get events -A -o yaml)$(kubectl get kustomizations -A -o yaml)
  grep -qF tok-from-secret <<<"$all" && fail "the Secret's value leaked: $(grep -F tok-from-secret <<<"$all" | head -3)"
  return 0
}

# spec.decryption as Flux runs it: an age-encrypted and a PGP-encrypted Secret (SOPS files
# of ../shared/sops-cases) reach the cluster decrypted with the keys of the decryption Secret;
# their plaintext shows in no output, event, status or diff. A key that does not fit fails
# the reconcile naming the file, and applies nothing.
scenario_sops_secrets_are_decrypted() {
  local cases=${PLUMB_SHARED_DIR:-}/sops-cases
  if [ ! -d "$cases" ]; then
    [ -n "${CI:-}" ] && fail "$cases is missing"
    echo "SKIP: no $cases"
    exit 77
  fi
  setup
  reconcile >/dev/null || fail "first reconcile"
  cp "$cases/sops/gen-yaml-secret-encrypted-regex/encrypted.yaml" "$REPO/apps/db-secret.yaml"
  cp "$cases/sops/kc-algorithms-pgp/encrypted.yaml" "$REPO/apps/pgp-secret.yaml"
  commit "encrypted secrets" >/dev/null
  kubectl -n flux-system create secret generic sops-keys \
    --from-file=identity.agekey="$cases/keys/age/plumb-other.agekey" >/dev/null || fail "create keys"
  kubectl -n flux-system patch kustomization apps --type merge \
    -p '{"spec":{"decryption":{"provider":"sops","secretRef":{"name":"sops-keys"}}}}' >/dev/null ||
    fail "patch"
  local out all
  out=$(reconcile 2>&1) && fail "a wrong key reconciled: $out"
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "db-credentials\|pgp" ||
    fail "Ready does not name the object: $(ks_field apps '{.status.conditions}')"
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].reason}')" = BuildFailed ] || fail "reason"
  kubectl -n demo get secret db-credentials >/dev/null 2>&1 && fail "applied with a wrong key"
  all=$out
  kubectl -n flux-system delete secret sops-keys >/dev/null
  kubectl -n flux-system create secret generic sops-keys \
    --from-file=age.agekey="$cases/keys/age/flux-kc-test.agekey" \
    --from-file=pgp.asc="$cases/keys/pgp/flux-kc-test.asc" >/dev/null || fail "create keys"
  out=$(reconcile 2>&1) || fail "reconcile with the keys: $out"
  all+=$out
  [ "$(kubectl -n demo get secret db-credentials -o jsonpath='{.data.password}' | base64 -d)" = s3cr3t-password ] ||
    fail "age Secret not decrypted: $(kubectl -n demo get secret db-credentials -o yaml)"
  [ "$(kubectl -n demo get secret db-credentials -o jsonpath='{.data.connection}' | base64 -d)" = postgres://admin@db.apps.svc:5432/app ] ||
    fail "stringData not decrypted: $(kubectl -n demo get secret db-credentials -o yaml)"
  [ "$(kubectl -n demo get secret pgp -o jsonpath='{.data.key}' | base64 -d)" = value ] ||
    fail "PGP Secret not decrypted: $(kubectl -n demo get secret pgp -o yaml)"
  kubectl -n demo get secret pgp -o yaml | grep -q 'sops:\|ENC\[' && fail "sops metadata applied"
  # Drift on a decrypted Secret, previewed: the diff names the Secret, never its values.
  kubectl -n demo patch secret db-credentials --type merge \
    -p '{"stringData":{"password":"changed-by-hand"}}' >/dev/null || fail "patch the Secret"
  out=$("$PLUMB" diff ks apps --path "$REPO/apps" 2>&1)
  [ $? -eq 1 ] || fail "diff ks: expected exit 1: $out"
  grep -q "db-credentials" <<<"$out" || fail "diff does not show the Secret: $out"
  all+=$out
  out=$(reconcile 2>&1) || fail "repair: $out"
  all+=$out
  [ "$(kubectl -n demo get secret db-credentials -o jsonpath='{.data.password}' | base64 -d)" = s3cr3t-password ] ||
    fail "not repaired"
  all+=$(kubectl get events -A -o yaml)$(kubectl get kustomizations -A -o yaml)
  local secret
  for secret in s3cr3t-password czNjcjN0LXBhc3N3b3Jk postgres://admin@db.apps.svc changed-by-hand; do
    grep -qF -- "$secret" <<<"$all" && fail "plaintext '$secret' leaked: $(grep -F -- "$secret" <<<"$all" | head -3)"
  done
  return 0
}

# A key rotation as a Flux user does it with plumb alone: a Secret made by `plumb create
# secret --export`, encrypted by `plumb sops encrypt` for the key .sops.yaml names, decrypted
# by the controller with that key; then .sops.yaml names a new key, `plumb sops updatekeys`
# re-wraps the data key, and once the cluster's decryption Secret holds the new key the
# Kustomization is Ready again (with the old key alone it fails and changes nothing); a value
# edited with `plumb sops edit` under the new key reaches the cluster. No plaintext anywhere.
scenario_sops_key_rotation() {
  require_tool age-keygen
  setup
  reconcile >/dev/null || fail "first reconcile"
  local old new out all=""
  age-keygen -o "$WORK/old.agekey" 2>/dev/null && age-keygen -o "$WORK/new.agekey" 2>/dev/null ||
    fail "age-keygen"
  old=$(age-keygen -y "$WORK/old.agekey") new=$(age-keygen -y "$WORK/new.agekey")
  sops_rule() {  # sops_rule RECIPIENTS
    write .sops.yaml <<YAML
creation_rules:
  - path_regex: apps/.*secret.*\.yaml\$
    encrypted_regex: ^(data|stringData)\$
    age: $1
YAML
  }
  sops_rule "$old"
  (cd "$REPO" && "$PLUMB" create secret generic db -n demo --from-literal=password=rotate-me-first \
    --export >apps/db-secret.yaml && "$PLUMB" sops encrypt -i apps/db-secret.yaml) ||
    fail "create and encrypt the Secret"
  grep -q 'ENC\[AES256_GCM' "$REPO/apps/db-secret.yaml" || fail "not encrypted: $(cat "$REPO/apps/db-secret.yaml")"
  commit "encrypted db secret" >/dev/null
  "$PLUMB" create secret generic sops-age -n flux-system --from-file=age.agekey="$WORK/old.agekey" \
    >/dev/null 2>&1 || fail "plumb create secret (apply) of the decryption key"
  kubectl -n flux-system patch kustomization apps --type merge \
    -p '{"spec":{"decryption":{"provider":"sops","secretRef":{"name":"sops-age"}}}}' >/dev/null ||
    fail "patch"
  out=$(reconcile 2>&1) || fail "reconcile with the old key: $out"
  all+=$out
  secret_password() { kubectl -n demo get secret db -o jsonpath='{.data.password}' | base64 -d; }
  [ "$(secret_password)" = rotate-me-first ] || fail "not decrypted: $(kubectl -n demo get secret db -o yaml)"

  # Rotate: the rule names the new key only; updatekeys needs the old key to unwrap.
  sops_rule "$new"
  out=$(cd "$REPO" && SOPS_AGE_KEY_FILE="$WORK/old.agekey" "$PLUMB" sops updatekeys -y apps/db-secret.yaml 2>&1) ||
    fail "updatekeys: $out"
  all+=$out
  grep -q "$new" "$REPO/apps/db-secret.yaml" || fail "new recipient not in the file"
  grep -q "$old" "$REPO/apps/db-secret.yaml" && fail "old recipient still in the file"
  out=$(SOPS_AGE_KEY_FILE="$WORK/old.agekey" "$PLUMB" sops decrypt "$REPO/apps/db-secret.yaml" 2>&1) &&
    fail "the old key still decrypts"
  commit "rotate to the new key" >/dev/null
  out=$(reconcile 2>&1) && fail "reconciled with a key that is no longer a recipient: $out"
  all+=$out
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].reason}')" = BuildFailed ] ||
    fail "reason: $(ks_field apps '{.status.conditions}')"
  [ "$(secret_password)" = rotate-me-first ] || fail "the failed reconcile changed the Secret"
  "$PLUMB" create secret generic sops-age -n flux-system --from-file=age.agekey="$WORK/new.agekey" \
    >/dev/null 2>&1 || fail "replace the decryption key"
  out=$(reconcile 2>&1) || fail "reconcile with the new key: $out"
  all+=$out
  [ "$(ks_field apps '{.status.conditions[?(@.type=="Ready")].status}')" = True ] || fail "not Ready"

  # An edit under the new key: only that value changes, and it reaches the cluster.
  local before_b64 after_b64
  before_b64=$(printf rotate-me-first | base64) after_b64=$(printf rotate-me-second | base64)
  printf '#!/bin/sh\nsed -i "s|%s|%s|" "$1"\n' "$before_b64" "$after_b64" >"$WORK/editor"
  chmod +x "$WORK/editor"
  (cd "$REPO" && SOPS_AGE_KEY_FILE="$WORK/new.agekey" EDITOR="$WORK/editor" "$PLUMB" sops edit apps/db-secret.yaml) ||
    fail "sops edit"
  commit "new password" >/dev/null
  out=$(reconcile 2>&1) || fail "reconcile after the edit: $out"
  all+=$out
  [ "$(secret_password)" = rotate-me-second ] || fail "edit not applied"
  all+=$(kubectl get events -A -o yaml)$(kubectl get kustomizations -A -o yaml)$(git -C "$REPO" log -p)
  local secret
  for secret in rotate-me-first rotate-me-second "$before_b64" "$after_b64"; do
    grep -qF -- "$secret" <<<"$all" && fail "plaintext '$secret' leaked: $(grep -F -- "$secret" <<<"$all" | head -3)"
  done
  return 0
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
  dependent_ks a-dependent | kubectl apply -f - >/dev/null || fail "apply dependent"
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

# ---- the continuous controller --------------------------------------------------------

# start_controller: `plumb controller` in the background, its log in $WORK/controller.log.
start_controller() {
  "$PLUMB" controller --cache-dir "$WORK/cache" --webhook-port 0 >"$WORK/controller.log" 2>&1 &
  EXTRA_PIDS+=($!)
  wait_for "the controller installs the Flux CRDs" 10 kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io
  wait_for "the webhook receiver" 10 grep -q "webhook receiver on" "$WORK/controller.log"
  HOOK=$(grep -o "http://127.0.0.1:[0-9]*" "$WORK/controller.log" | head -1)/hook
}

# event_exists REASON [MESSAGE-PART]: a core/v1 Event in flux-system says so.
event_exists() {
  kubectl -n flux-system get events -o jsonpath='{range .items[*]}{.reason}{" "}{.message}{"\n"}{end}' |
    grep -F -- "$1 ${2:-}" >/dev/null
}

# What `flux reconcile source git` asks for: the controller fetches now.
request_fetch() {
  kubectl -n flux-system annotate gitrepository "${1:-podinfo}" --overwrite \
    "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null || fail "annotate"
}

ks_ready() { [ "$(ks_field "$1" '{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
applied_is() { [ "$(ks_field "$1" '{.status.lastAppliedRevision}')" = "main@sha1:$2" ]; }
cm_color_is() { [ "$(kubectl -n demo get cm settings -o jsonpath='{.data.color}')" = "$1" ]; }
replicas_are() { [ "$(kubectl -n demo get deploy web -o jsonpath='{.spec.replicas}')" = "$1" ]; }
loop_setup() {
  start
  make_repo
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "kubectl apply of the Flux objects"
  wait_for "the first commit is applied" 20 ks_ready apps
}

scenario_loop_commits_apply_and_prune() {
  require_tool curl
  loop_setup
  cm_color_is blue || fail "configmap not applied"
  local head web_generation ns_version
  web_generation=$(kubectl -n demo get deploy web -o jsonpath='{.metadata.generation}')
  ns_version=$(kubectl get ns demo -o jsonpath='{.metadata.resourceVersion}')
  # The next commit changes one file: that object alone is configured.
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  head=$(commit "green")
  # A webhook call fetches at once (the GitRepository's interval is 1m).
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$HOOK/flux-system/podinfo")" = 202 ] ||
    fail "webhook"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$HOOK/flux-system/nothing")" = 404 ] ||
    fail "webhook for a GitRepository that does not exist"
  wait_for "the second commit is applied" 20 applied_is apps "$head"
  cm_color_is green || fail "configmap not green"
  [ "$(kubectl -n demo get deploy web -o jsonpath='{.metadata.generation}')" = "$web_generation" ] ||
    fail "the Deployment was written although its file did not change"
  [ "$(kubectl get ns demo -o jsonpath='{.metadata.resourceVersion}')" = "$ns_version" ] ||
    fail "the Namespace was written although its file did not change"
  grep -q "1 configured, 2 unchanged" "$WORK/controller.log" || fail "log does not say 1 configured"
  wait_for "an event says what was configured" 5 event_exists ReconciliationSucceeded "ConfigMap/demo/settings configured"
  wait_for "an event for the new artifact" 5 event_exists NewArtifact "stored artifact for revision 'main@sha1:$head'"
  # A removed file is pruned; `plumb reconcile --with-source` returns once it is applied.
  git -C "$REPO" rm -q apps/config.yaml
  head=$(commit "remove config")
  expect_output "plumb reconcile ks --with-source" "applied revision main@sha1:$head" \
    "$PLUMB" reconcile ks apps --with-source
  applied_is apps "$head" || fail "reconcile returned before the commit was applied"
  expect_output "plumb get ks" "main@sha1:$head" "$PLUMB" get ks apps
  expect_exit 1 kubectl -n demo get cm settings
  kubectl -n demo get deploy web >/dev/null || fail "the Deployment was pruned too"
}

# Drift is undone from the watch, long before the interval (10m): the bound is loose because a
# loaded CI machine is slow; the latency itself is measured by bench/mttp.
scenario_loop_drift_is_undone() {
  loop_setup
  kubectl -n demo delete deploy web >/dev/null || fail "kubectl delete"
  expect_within_ms "deleted Deployment restored" 5000 kubectl -n demo get deploy web
  kubectl -n demo scale deploy web --replicas=5 >/dev/null || fail "kubectl scale"
  expect_within_ms "scaled replicas restored" 5000 replicas_are 1
  kubectl -n demo patch cm settings --type merge -p '{"data":{"color":"red"}}' >/dev/null ||
    fail "kubectl patch"
  expect_within_ms "edited ConfigMap restored" 5000 cm_color_is blue
  # A field Plumb does not apply is left alone.
  kubectl -n demo label cm settings extra=kept >/dev/null || fail "kubectl label"
  sleep 1
  [ "$(kubectl -n demo get cm settings -o jsonpath='{.metadata.labels.extra}')" = kept ] ||
    fail "a label Plumb does not manage was removed"
  grep -q "drift: Deployment/demo/web deleted outside Git; restored" "$WORK/controller.log" ||
    fail "the repair is not in the log"
  wait_for "an event records the repair" 5 event_exists DriftCorrected "Deployment/demo/web deleted outside Git; restored"
}

scenario_loop_suspend_and_resume() {
  loop_setup
  "$PLUMB" suspend ks apps >/dev/null 2>&1 || fail "plumb suspend"
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  local head
  head=$(commit "green")
  expect_output "plumb reconcile source git" "fetched revision main@sha1:$head" \
    "$PLUMB" reconcile source git podinfo
  expect_exit 1 "$PLUMB" reconcile ks apps  # suspended
  wait_for "the source fetched the commit" 20 eval '[ "$(kubectl -n flux-system get gitrepository podinfo -o jsonpath={.status.artifact.revision})" = "main@sha1:$head" ]'
  kubectl -n demo delete cm settings >/dev/null || fail "kubectl delete"
  sleep 1.5
  expect_exit 1 kubectl -n demo get cm settings  # suspended: no drift correction either
  applied_is apps "$head" && fail "a suspended Kustomization applied a commit"
  # resume waits for the reconcile it triggers.
  expect_output "plumb resume" "applied revision main@sha1:$head" "$PLUMB" resume ks apps
  applied_is apps "$head" || fail "resume did not catch up"
  cm_color_is green || fail "configmap not recreated green"
}

ks_condition() { ks_field "$1" "{.status.conditions[?(@.type==\"$2\")].$3}"; }

# plumb rollback re-applies an earlier commit from the git object store and pins the
# Kustomization there; a new commit moves on, and so does plumb resume.
scenario_loop_rollback_pins_until_a_new_commit() {
  loop_setup
  local first second third out
  first=$(git -C "$REPO" rev-parse HEAD)
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  second=$(commit "green")
  "$PLUMB" reconcile ks apps --with-source >/dev/null 2>&1 || fail "reconcile the second commit"
  cm_color_is green || fail "configmap not green"
  # Without a journal, only full revisions: the default and a short hash need one.
  expect_output "no --to without a journal" "the previous revision comes from the journal" \
    "$PLUMB" rollback ks apps --data-dir "$WORK/no-data"
  expect_output "a short hash without a journal" "is looked up in the journal" \
    "$PLUMB" rollback ks apps --to "${first:0:7}" --data-dir "$WORK/no-data"
  expect_output "not a revision" "give BRANCH@sha1:HASH" "$PLUMB" rollback ks apps --to main
  USER=alice expect_output "plumb rollback" "pinned to main@sha1:$first" \
    "$PLUMB" rollback ks apps --to "$first"
  cm_color_is blue || fail "the rollback did not restore the first commit's ConfigMap"
  applied_is apps "$first" || fail "lastAppliedRevision is not the pinned revision"
  [ "$(ks_condition apps Pinned status)" = True ] || fail "no Pinned condition"
  [ "$(ks_condition apps Pinned reason)" = RolledBack ] || fail "Pinned reason"
  ks_condition apps Pinned message | grep -qF "pinned to main@sha1:$first by alice" ||
    fail "Pinned message: $(ks_condition apps Pinned message)"
  wait_for "a RolledBack event" 5 event_exists RolledBack "pinned to main@sha1:$first by alice"
  # Pinned: interval and manual reconciles keep the earlier revision; drift is repaired to it.
  "$PLUMB" reconcile ks apps >/dev/null 2>&1 || fail "reconcile while pinned"
  cm_color_is blue || fail "a reconcile while pinned applied the source's revision"
  kubectl -n demo patch cm settings --type merge -p '{"data":{"color":"red"}}' >/dev/null
  wait_for "drift repaired to the pinned revision" 5 cm_color_is blue
  # A revision that is not in the source's history is refused, and changes nothing.
  expect_exit 1 "$PLUMB" rollback ks apps --to 0123456789012345678901234567890123456789
  ks_condition apps Ready message | grep -qF "not in the history" || fail "unknown commit not named"
  cm_color_is blue || fail "a refused rollback changed the cluster"
  "$PLUMB" resume ks apps >/dev/null 2>&1 || fail "plumb resume"
  applied_is apps "$second" || fail "resume did not move back to the source's revision"
  cm_color_is green || fail "resume did not apply the source's revision"
  [ -z "$(ks_condition apps Pinned status)" ] || fail "Pinned condition left after resume"
  [ -z "$(ks_field apps '{.metadata.annotations.plumb\.dev/rollback-to}')" ] ||
    fail "the pin annotation is left after resume"
  # Pinned again; a new commit clears the pin.
  "$PLUMB" rollback ks apps --to "main@sha1:$first" >/dev/null 2>&1 || fail "second rollback"
  cm_color_is blue || fail "second rollback"
  sed -i 's/green/yellow/' "$REPO/apps/config.yaml"
  third=$(commit "yellow")
  out=$("$PLUMB" reconcile ks apps --with-source 2>&1) || fail "reconcile the third commit: $out"
  wait_for "the new commit applies" 10 applied_is apps "$third"
  cm_color_is yellow || fail "the new commit did not apply"
  [ -z "$(ks_condition apps Pinned status)" ] || fail "Pinned condition left after a new commit"
  wait_for "a RollbackPinCleared event" 5 event_exists RollbackPinCleared "the source moved to main@sha1:$third"
}

scenario_loop_depends_on_is_an_event() {
  start
  make_repo
  sed -i 's/nginx:1.27/fail:1/' "$REPO/apps/web.yaml"  # never becomes ready
  write infra/cm.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: after-apps
  namespace: demo
YAML
  commit "failing image" >/dev/null
  start_controller
  local wait_too='s/^  prune: true$/  prune: true\n  wait: true/'
  { flux_objects | sed "$wait_too"; dependent_ks later; } | kubectl apply -f - >/dev/null ||
    fail "apply"
  wait_for "the Deployment is applied" 20 kubectl -n demo get deploy web
  sleep 2
  expect_exit 1 kubectl -n demo get cm after-apps
  [ "$(ks_field later '{.status.conditions[?(@.type=="Ready")].reason}')" = DependencyNotReady ] ||
    fail "dependent: $(ks_field later '{.status.conditions}')"
  # Fixing the image makes apps Ready; the dependent follows at once, not after its 10m retry.
  sed -i 's/fail:1/nginx:1.27/' "$REPO/apps/web.yaml"
  commit "good image" >/dev/null
  request_fetch
  wait_for "apps becomes Ready" 20 ks_ready apps
  expect_within_ms "the dependent applied after its dependency became Ready" 5000 \
    kubectl -n demo get cm after-apps
}

# The objects exactly as Flux's getting-started guide writes them (only the URL points at a
# local repository, and its default branch is master as podinfo's is).
scenario_loop_flux_guide_yaml() {
  start
  git init -q -b master "$REPO"
  write kustomize/kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - hpa.yaml
  - deployment.yaml
  - service.yaml
YAML
  write kustomize/deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  minReadySeconds: 3
  revisionHistoryLimit: 5
  progressDeadlineSeconds: 60
  strategy:
    rollingUpdate:
      maxUnavailable: 0
    type: RollingUpdate
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
      - name: podinfod
        image: ghcr.io/stefanprodan/podinfo:6.7.0
        ports:
        - name: http
          containerPort: 9898
          protocol: TCP
YAML
  write kustomize/service.yaml <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  type: ClusterIP
  selector:
    app: podinfo
  ports:
    - name: http
      port: 9898
      protocol: TCP
      targetPort: http
YAML
  write kustomize/hpa.yaml <<'YAML'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: podinfo
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: podinfo
  minReplicas: 2
  maxReplicas: 4
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 99
YAML
  commit "podinfo" >/dev/null
  start_controller
  kubectl create namespace flux-system >/dev/null
  cat <<YAML | kubectl apply -f - >/dev/null || fail "apply the guide's YAML"
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: master
  url: file://$REPO
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 30m0s
  path: ./kustomize
  prune: true
  retryInterval: 2m0s
  sourceRef:
    kind: GitRepository
    name: podinfo
  targetNamespace: default
  timeout: 3m0s
  wait: true
YAML
  wait_for "the guide's Kustomization becomes Ready" 30 ks_ready podinfo
  kubectl -n default get deploy podinfo >/dev/null || fail "no Deployment in targetNamespace"
  kubectl -n default get hpa podinfo >/dev/null || fail "no HPA"
  kubectl -n default get svc podinfo >/dev/null || fail "no Service"
  [ "$(kubectl -n default get deploy podinfo -o jsonpath='{.metadata.labels.kustomize\.toolkit\.fluxcd\.io/name}')" = podinfo ] ||
    fail "objects not labelled with their Kustomization"
}

scenario_loop_untouched_app_not_rendered_and_deletion_prunes() {
  start
  make_repo
  write infra/cm.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: after-apps
  namespace: demo
data:
  v: "1"
YAML
  commit "infra" >/dev/null
  start_controller
  { flux_objects; dependent_ks later; } | kubectl apply -f - >/dev/null || fail "apply"
  wait_for "both applied" 20 ks_ready later
  # A commit that touches only ./infra: apps is neither rendered nor written again.
  local head
  sed -i 's/v: "1"/v: "2"/' "$REPO/infra/cm.yaml"
  head=$(commit "infra v2")
  request_fetch
  wait_for "infra's change applied" 20 applied_is later "$head"
  wait_for "apps at the new revision too" 20 applied_is apps "$head"
  grep -q "Kustomization/flux-system/apps: main@sha1:$head: its inputs did not change: not rendered again" \
    "$WORK/controller.log" || fail "apps was rendered again"
  grep -q "Kustomization/flux-system/later: main@sha1:$head: 1 configured" "$WORK/controller.log" ||
    fail "infra's change not configured"
  # Deleting a Kustomization with prune: true deletes what it applied, as Flux does; its
  # finalizer holds it until then, so kubectl delete returns once the objects are gone.
  timeout 20 kubectl -n flux-system delete kustomization later >/dev/null || fail "delete ks"
  kubectl -n demo get cm after-apps >/dev/null 2>&1 && fail "kubectl delete returned before the prune"
  kubectl -n demo get cm settings >/dev/null || fail "another Kustomization's object was pruned"
}

ks_reason_is() { [ "$(ks_field "$1" '{.status.conditions[?(@.type=="Ready")].reason}')" = "$2" ]; }

scenario_loop_deleting_a_suspended_kustomization_keeps_its_objects() {
  start
  make_repo
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "apply"
  wait_for "apps applied" 20 ks_ready apps
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"suspend":true}}' \
    >/dev/null || fail "suspend"
  timeout 20 kubectl -n flux-system delete kustomization apps >/dev/null || fail "delete ks"
  kubectl -n demo get deploy web >/dev/null || fail "a suspended Kustomization's objects were pruned"
}

# A render with no objects while the inventory has some would prune everything: refused,
# unless the Kustomization says it is meant (plumb.dev/allow-empty).
scenario_loop_empty_render_is_refused() {
  start
  make_repo
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "apply"
  wait_for "apps applied" 20 ks_ready apps
  git -C "$REPO" rm -q apps/namespace.yaml apps/config.yaml apps/web.yaml
  write apps/kustomization.yaml <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: []
YAML
  commit "nothing left" >/dev/null
  request_fetch
  wait_for "Ready=False EmptyRender" 20 ks_reason_is apps EmptyRender
  ks_field apps '{.status.conditions[?(@.type=="Ready")].message}' | grep -q "allow-empty" ||
    fail "the message does not say how to allow it"
  kubectl -n demo get deploy web >/dev/null || fail "the empty render pruned the Deployment"
  kubectl -n demo get cm settings >/dev/null || fail "the empty render pruned the ConfigMap"
  kubectl -n flux-system annotate kustomization apps --overwrite plumb.dev/allow-empty=true \
    "reconcile.fluxcd.io/requestedAt=$(date +%s%N)" >/dev/null || fail "annotate"
  wait_for "pruned once allowed" 20 eval '! kubectl -n demo get cm settings'
  ks_ready apps || fail "not Ready after an allowed empty render"
}

# After a restart with an empty git cache, the revision in the source's status names a
# commit the cache lacks: the Kustomization waits for the fetch instead of failing.
scenario_loop_restart_with_an_empty_cache() {
  start
  make_repo
  start_controller
  flux_objects | kubectl apply -f - >/dev/null || fail "apply"
  wait_for "apps applied" 20 ks_ready apps
  kill "${EXTRA_PIDS[-1]}" && wait "${EXTRA_PIDS[-1]}" 2>/dev/null
  rm -rf "$WORK/cache"
  kubectl -n flux-system patch kustomization apps --type merge -p '{"spec":{"retryInterval":"59m"}}' \
    >/dev/null || fail "patch"
  local generation
  generation=$(ks_field apps '{.metadata.generation}')
  start_controller
  wait_for "the new generation reconciled" 20 \
    eval '[ "$(ks_field apps "{.status.observedGeneration}")" = "$generation" ]'
  ks_ready apps || fail "not Ready after the restart: $(ks_field apps '{.status.conditions}')"
  grep -q "is not fetched" "$WORK/controller.log" && fail "it failed before the fetch"
  event_exists BuildFailed && fail "a BuildFailed event"
  return 0
}

# A controller whose stdout nobody reads (a full pipe) goes on reconciling and repairing.
scenario_loop_blocked_stdout_does_not_stall_the_controller() {
  start
  make_repo
  python3 - "$PLUMB" "$WORK" <<'PY' &
import fcntl, os, subprocess, sys
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: one page
os.write(w, b"x" * 4096)    # full before the controller writes a line
p = subprocess.Popen([sys.argv[1], "controller", "--cache-dir", sys.argv[2] + "/cache"],
                     stdout=w, stderr=subprocess.DEVNULL)
open(sys.argv[2] + "/controller.pid", "w").write(str(p.pid))
p.wait()  # r stays open and unread
PY
  EXTRA_PIDS+=($!)
  wait_for "the controller started" 10 test -s "$WORK/controller.pid"
  EXTRA_PIDS=("$(cat "$WORK/controller.pid")" "${EXTRA_PIDS[@]}")
  wait_for "the controller installs the Flux CRDs" 10 kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io
  flux_objects | kubectl apply -f - >/dev/null || fail "apply"
  wait_for "apps applied with stdout blocked" 20 ks_ready apps
  local head
  sed -i 's/color: blue/color: red/' "$REPO/apps/config.yaml"
  head=$(commit "red")
  request_fetch
  wait_for "a new commit applied with stdout blocked" 20 applied_is apps "$head"
  kubectl -n demo delete deploy web >/dev/null || fail "kubectl delete"
  wait_for "drift repaired with stdout blocked" 5 kubectl -n demo get deploy web
}

# ---- plumb up ------------------------------------------------------------------------

# start_up: `plumb up` with its data in $WORK/up; waits until the apps are Ready.
start_up() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 >"$WORK/controller.log" 2>&1 &
  PID=$!
  export KUBECONFIG=$WORK/up/kubeconfig
  wait_for "plumb up prints what to try" 20 grep -q "^Try:" "$WORK/controller.log"
  wait_for "the example apps are applied and Ready" 30 ks_ready apps
}

scenario_up_bootstraps_the_examples() {
  start_up
  ks_ready flux-system || fail "flux-system not Ready"
  [ "$(kubectl -n staging get deploy podinfo -o jsonpath='{.spec.replicas}')" = 2 ] ||
    fail "the staging overlay's replica patch is not applied"
  kubectl -n staging get cm -o name | grep -q "podinfo-config-" || fail "generated ConfigMap"
  # The repository holds the bootstrap objects, pointing at itself.
  grep -q "url: file://$WORK/up/repo" "$WORK/up/repo/clusters/local/flux-system.yaml" ||
    fail "the GitRepository does not point at the created repository"
  # A commit is applied at once: the post-commit hook calls the webhook.
  sed -i 's/value: 2/value: 3/' "$WORK/up/repo/apps/staging/kustomization.yaml"
  git -C "$WORK/up/repo" -c user.name=t -c user.email=t@example.com commit -qam "three" ||
    fail "commit"
  expect_within_ms "a commit applied through the post-commit webhook" 10000 \
    eval '[ "$(kubectl -n staging get deploy podinfo -o jsonpath={.spec.replicas})" = 3 ]'
  kubectl -n staging delete deploy podinfo >/dev/null || fail "kubectl delete"
  # Event-driven (the interval is 10m); bench/mttp measures the latency itself (~10 ms): the
  # limit only leaves room for a loaded CI machine.
  expect_within_ms "deleted Deployment restored" 5000 kubectl -n staging get deploy podinfo
  grep -q "drift: .*changed outside Git" "$WORK/controller.log" &&
    fail "objects nobody touched were taken for drift"
  # Restarted on the same data directory: same repository, same cluster state.
  stop
  start_up
  [ "$(kubectl -n staging get deploy podinfo -o jsonpath='{.spec.replicas}')" = 3 ] ||
    fail "state lost across a restart"
  [ "$(git -C "$WORK/up/repo" rev-list --count HEAD)" = 2 ] || fail "the repository was recreated"
}

run_scenario
