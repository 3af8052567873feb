#!/usr/bin/env bash
# End-to-end tests of a new user's first hour with `plumb up` (issue 22), through the real
# binary, on a machine as a new user has it: no git identity configured, a kubeconfig with
# somebody else's context or none at all, a repository on a `master` branch given as a path.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
PLUMB=$1
SCENARIO=$2
source "$(dirname "$0")/../lib.sh"
require_tool git curl

# The "Try:" lines say `plumb`: this plumb is the one on PATH.
export PATH="$(dirname "$PLUMB"):$PATH"
# No git identity anywhere ($HOME is the empty $WORK): the user has never configured git.
export GIT_CONFIG_NOSYSTEM=1
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
# plumb up adds its context to ~/.kube/config, as kind and minikube do.
unset KUBECONFIG

REPO=$WORK/myrepo
as_t() { git -c user.name=t -c user.email=t@example.com "$@"; }

# start_up [flags...]: `plumb up` with its data in $WORK/up; waits for its start-up lines.
start_up() {
  "$PLUMB" up --data-dir "$WORK/up" --port 0 "$@" >"$WORK/controller.log" 2>&1 &
  PID=$!
  local deadline=$(($(date +%s) + 20))
  until grep -q "^Try:" "$WORK/controller.log"; do
    kill -0 "$PID" 2>/dev/null || fail "plumb up exited: $(cat "$WORK/controller.log")"
    [ "$(date +%s)" -lt "$deadline" ] || fail "plumb up printed no Try: lines"
    sleep 0.05
  done
}
ks_ready() {
  [ "$(kubectl -n flux-system get kustomization "$1" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
# The API server's port, from the start-up lines.
api_port() { sed -n 's|^plumb up: API server  https://127.0.0.1:\([0-9]*\)$|\1|p' "$WORK/controller.log"; }

# A repository as Flux's getting-started guide lays it out, on the branch `master`.
make_flux_repo() {
  git init -q -b master "$REPO"
  mkdir -p "$REPO/clusters/my-cluster" "$REPO/apps"
  cat >"$REPO/kustomization.yaml" <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- clusters/my-cluster
YAML
  cat >"$REPO/clusters/my-cluster/kustomization.yaml" <<'YAML'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- apps.yaml
YAML
  cat >"$REPO/clusters/my-cluster/apps.yaml" <<'YAML'
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
    name: flux-system
YAML
  cat >"$REPO/apps/config.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  color: blue
YAML
  as_t -C "$REPO" add -A && as_t -C "$REPO" commit -qm "apps" || fail "commit"
}
color_is() { [ "$(kubectl get cm settings -o jsonpath='{.data.color}')" = "$1" ]; }
artifact_of() {
  kubectl -n flux-system get gitrepository "$1" -o jsonpath='{.status.artifact.revision}'
}

# --repo takes a relative path; a branch the repository lacks fails at once, naming the
# branches there are; with no other flag (the branch its HEAD names, path ./, the root
# kustomization) the repository is applied, and its post-commit hook makes a commit fetched
# at once by every GitRepository with that URL.
scenario_up_repo_path_on_a_master_branch() {
  make_flux_repo
  cd "$WORK" || fail "cd"
  local out started=$SECONDS
  out=$(timeout 20 "$PLUMB" up --repo myrepo --branch main --data-dir "$WORK/up" --port 0 2>&1)
  local status=$?
  [ "$status" -eq 1 ] || fail "a missing branch: exit $status, expected 1 at once: $out"
  [ $((SECONDS - started)) -le 10 ] || fail "a missing branch took $((SECONDS - started)) s"
  grep -qF "git: file://$REPO: branch main not found; the branches are: master (pick one with --branch)" <<<"$out" ||
    fail "the error does not list the branches: $out"

  start_up --repo ./myrepo
  grep -qF "plumb up: repository  file://$REPO (branch master, path ./)" "$WORK/controller.log" ||
    fail "the relative path is not made an absolute file:// URL: $(cat "$WORK/controller.log")"
  wait_for "the repository applied" 30 ks_ready apps
  color_is blue || fail "apps/config.yaml not applied"
  grep -qF "plumb up: git hook    $REPO/.git/hooks/post-commit" "$WORK/controller.log" ||
    fail "no hook line: $(cat "$WORK/controller.log")"

  # A second GitRepository with the same URL (another form of it), fetched once an hour.
  kubectl apply -f - >/dev/null <<YAML || fail "apply the second GitRepository"
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: same-repo
  namespace: flux-system
spec:
  interval: 60m
  url: file://$REPO/.git
  ref:
    branch: master
YAML
  local head
  head=$(git -C "$REPO" rev-parse HEAD)
  wait_for "the second GitRepository fetched" 20 eval '[ "$(artifact_of same-repo)" = "master@sha1:$head" ]'
  sed -i 's/blue/green/' "$REPO/apps/config.yaml"
  as_t -C "$REPO" commit -qam green || fail "commit"
  head=$(git -C "$REPO" rev-parse HEAD)
  wait_for "the commit applied through the post-commit hook" 10 color_is green
  wait_for "the other GitRepository with that URL fetched too" 10 \
    eval '[ "$(artifact_of same-repo)" = "master@sha1:$head" ]'
}

ks_message() {
  kubectl -n flux-system get kustomization "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}'
}
ks_refused() { grep -qF "Deployment/default/web" <<<"$(ks_message apps)"; }

# The issue walked as a user would, after `plumb up --repo PATH --branch master`: kubectl get ks
# shows Flux's columns; a commit with a Deployment a real cluster refuses is refused whole, the
# object and the server's reason named in Ready and in an event, the ConfigMap change beside
# it not applied; a field Plumb does not honour yet is named in a condition; the fix applies.
scenario_a_refused_object_and_an_unsupported_field_are_named() {
  make_flux_repo
  start_up --repo "$REPO" --branch master
  wait_for "the repository applied" 30 ks_ready apps
  local out
  out=$(kubectl get ks -A 2>&1)
  grep -qE '^NAMESPACE +NAME +AGE +READY +STATUS$' <<<"$out" || fail "kubectl get ks -A header: $out"
  grep -qE '^flux-system +apps +[0-9]+s +True +Applied revision: master@sha1:[0-9a-f]{40}$' <<<"$out" ||
    fail "kubectl get ks -A row: $out"

  cat >"$REPO/apps/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        imagePullPolicy: Sometimes
YAML
  sed -i 's/blue/red/' "$REPO/apps/config.yaml"
  as_t -C "$REPO" add -A && as_t -C "$REPO" commit -qm "web" || fail "commit"
  wait_for "the refusal in Ready" 15 ks_refused
  out=$(ks_message apps)
  grep -qF 'Deployment/default/web: Deployment.apps "web" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"' <<<"$out" ||
    fail "Ready does not name the object and the server's reason: $out"
  ks_ready apps && fail "Ready=True with a refused object"
  kubectl -n flux-system get events -o jsonpath='{.items[*].message}' | grep -qF 'Deployment/default/web: Deployment.apps "web" is invalid' ||
    fail "no event names the refused object: $(kubectl -n flux-system get events)"
  color_is blue || fail "the ConfigMap beside the refused Deployment was applied"
  kubectl get deploy web >/dev/null 2>&1 && fail "the refused Deployment exists"

  # A field Plumb does not honour: named in a condition, nothing applied.
  cat >>"$REPO/clusters/my-cluster/apps.yaml" <<'YAML'
  kubeConfig:
    secretRef:
      name: remote-cluster
YAML
  as_t -C "$REPO" commit -qam "kubeConfig" || fail "commit"
  wait_for "spec.kubeConfig named" 15 eval 'ks_message apps | grep -qF spec.kubeConfig'
  [ "$(kubectl -n flux-system get kustomization apps -o jsonpath='{.status.conditions[?(@.type=="Ready")].reason}')" = UnsupportedField ] ||
    fail "the reason is not UnsupportedField: $(ks_message apps)"
  color_is blue || fail "a Kustomization with an unsupported field applied something"

  # The fix: applied whole.
  sed -i '/kubeConfig:/,$d' "$REPO/clusters/my-cluster/apps.yaml"
  sed -i 's/imagePullPolicy: Sometimes/imagePullPolicy: IfNotPresent/' "$REPO/apps/web.yaml"
  as_t -C "$REPO" commit -qam "fixed" || fail "commit"
  wait_for "the fix applied" 15 ks_ready apps
  color_is red || fail "the ConfigMap change was not applied with the fix"
  [ "$(kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].imagePullPolicy}')" = IfNotPresent ] ||
    fail "the fixed Deployment was not applied"
}

# plumb up adds a `plumb` context to ~/.kube/config and makes it current, keeping the user's
# other contexts; a fresh shell then finds the cluster. --no-kubeconfig leaves the file alone.
scenario_up_adds_a_plumb_context() {
  mkdir -p "$HOME/.kube"
  cat >"$HOME/.kube/config" <<'YAML'
apiVersion: v1
kind: Config
clusters:
- name: work
  cluster:
    server: https://work.example.com:6443
contexts:
- name: work
  context:
    cluster: work
    user: me
    namespace: team
users:
- name: me
  user:
    token: my-secret-token
current-context: work
YAML
  start_up
  grep -qF "plumb up: kubeconfig  $HOME/.kube/config (context plumb, now current" "$WORK/controller.log" ||
    fail "the start-up lines do not say where the context went: $(cat "$WORK/controller.log")"
  grep -q "export KUBECONFIG" "$WORK/controller.log" && fail "Try: still asks for export KUBECONFIG"
  [ "$(kubectl config current-context)" = plumb ] || fail "plumb is not the current context"
  [ "$(kubectl config view -o jsonpath='{.contexts[?(@.name=="work")].context.namespace}')" = team ] ||
    fail "the user's context changed: $(cat "$HOME/.kube/config")"
  [ "$(kubectl config view --raw -o jsonpath='{.users[?(@.name=="me")].user.token}')" = my-secret-token ] ||
    fail "the user's credentials changed"
  [ "$(stat -c %a "$HOME/.kube/config")" = 600 ] || fail "the kubeconfig is not private"
  wait_for "the examples applied" 30 ks_ready apps
  # A new shell: nothing but HOME and PATH.
  local out
  out=$(env -i HOME="$HOME" PATH="$PATH" plumb get ks 2>&1) || fail "plumb get ks in a new shell: $out"
  grep -q "^apps" <<<"$out" || fail "plumb get ks in a new shell: $out"
  env -i HOME="$HOME" PATH="$PATH" kubectl get ns staging >/dev/null 2>&1 ||
    fail "kubectl in a new shell does not find the cluster"
  # Restarted on another port, the context follows.
  stop
  start_up
  [ "$(kubectl config view -o jsonpath='{.clusters[?(@.name=="plumb")].cluster.server}')" = "https://127.0.0.1:$(api_port)" ] ||
    fail "the plumb context does not follow the new port: $(cat "$HOME/.kube/config")"
  stop
  kubectl config use-context work >/dev/null || fail "use-context work"
  cp "$HOME/.kube/config" "$WORK/before"
  start_up --no-kubeconfig
  cmp -s "$HOME/.kube/config" "$WORK/before" || fail "--no-kubeconfig changed ~/.kube/config"
  grep -qF "export KUBECONFIG=$WORK/up/kubeconfig" "$WORK/controller.log" ||
    fail "--no-kubeconfig: Try: does not say which kubeconfig to use"
}

# Without a cluster, each error says what is wrong and what to do.
scenario_clear_errors_without_a_cluster() {
  local out
  out=$(KUBECONFIG=$WORK/nowhere/config plumb get ks 2>&1) && fail "no kubeconfig: succeeded"
  grep -qF "\$KUBECONFIG names $WORK/nowhere/config, which does not exist" <<<"$out" ||
    fail "a missing \$KUBECONFIG file is not named: $out"
  out=$(plumb get ks 2>&1) && fail "no ~/.kube/config: succeeded"
  grep -qF "$HOME/.kube/config does not exist" <<<"$out" || fail "no ~/.kube/config: $out"
  grep -qF "plumb up" <<<"$out" || fail "no ~/.kube/config: plumb up not suggested: $out"

  start_up
  local port
  port=$(api_port)
  [ -n "$port" ] || fail "no API server line"
  # A port in use: plumb up and plumb cluster say so and suggest --port 0.
  out=$(timeout 20 "$PLUMB" up --data-dir "$WORK/up2" --port "$port" 2>&1) && fail "a taken port: plumb up ran"
  grep -qF "port $port is taken" <<<"$out" && grep -qF -- "--port 0 picks a free port" <<<"$out" ||
    fail "plumb up on a taken port: $out"
  out=$(timeout 20 "$PLUMB" cluster --data-dir "$WORK/c2" --port "$port" 2>&1) && fail "a taken port: plumb cluster ran"
  grep -qF -- "--port 0 picks a free port" <<<"$out" || fail "plumb cluster on a taken port: $out"
  out=$(timeout 20 "$PLUMB" up --data-dir "$WORK/up3" --port 0 --webhook-port "$port" 2>&1) &&
    fail "a taken webhook port: plumb up ran"
  grep -qF -- "--webhook-port 0 picks a free port" <<<"$out" || fail "plumb up on a taken webhook port: $out"

  # The cluster stopped: the server is named and plumb up suggested.
  stop
  out=$(plumb get ks 2>&1) && fail "a stopped cluster: succeeded"
  grep -qF "cannot connect to the API server https://127.0.0.1:$port (kubeconfig context \"plumb\"): Connection refused" <<<"$out" ||
    fail "connection refused: $out"
  grep -qF '`plumb up` starts one' <<<"$out" || fail "connection refused: plumb up not suggested: $out"
}

replicas_are() { [ "$(kubectl -n staging get deploy podinfo -o jsonpath='{.spec.replicas}')" = "$1" ]; }

# run_try_lines: runs the commands under "Try:" exactly as printed, in a new shell.
run_try_lines() {
  sed -n '/^Try:$/,/^$/p' "$WORK/controller.log" | sed '1d' >"$WORK/try.sh"
  [ -s "$WORK/try.sh" ] || fail "no Try: lines"
  (cd "$WORK" && bash -e "$WORK/try.sh") >"$WORK/try.out" 2>&1 ||
    fail "the Try: lines fail:
$(cat "$WORK/try.sh")
--- output:
$(cat "$WORK/try.out")"
}

# The Try: lines work as printed on a machine where git knows no user, and again after a
# restart (when the edit they suggested first is already made).
scenario_try_lines_work_without_git_identity_and_after_restart() {
  start_up
  wait_for "the examples applied" 30 ks_ready apps
  run_try_lines
  grep -q "git -c user.name=" "$WORK/try.sh" || fail "no identity given to git commit: $(cat "$WORK/try.sh")"
  wait_for "3 replicas applied" 10 replicas_are 3
  stop
  start_up
  wait_for "the examples applied after the restart" 30 ks_ready apps
  grep -qF "value: 3/value: 4" "$WORK/try.sh" && fail "the old Try: lines were kept"
  run_try_lines
  grep -qF "value: 3/value: 4" "$WORK/try.sh" || fail "after a restart: $(cat "$WORK/try.sh")"
  wait_for "4 replicas applied after the restart" 10 replicas_are 4
}

# The README opens with the two commands, claims no support that is not there (HelmCharts), says the
# embedded cluster runs no containers, and every command and flag of its table exists.
scenario_readme_states_what_is_true() {
  local readme
  readme="$(dirname "$0")/../../../README.md"
  [ "$(head -4 "$readme")" = '```
make demo    # installs what is missing, builds, runs the GitOps loop on the embedded cluster
make test    # installs what is missing, builds, runs every test
```' ] || fail "the README does not open with make demo and make test: $(head -4 "$readme")"
  local line
  while IFS= read -r line; do
    grep -qE "not|planned" <<<"$line" || fail "the README mentions HelmCharts as if supported: $line"
  # OCIRepository and HelmRepository are sources Plumb reconciles (tests/e2e/oci,
  # tests/e2e/helmrelease), and Argo CD Applications are reconciled (tests/e2e/argo): they
  # may be named as such.
  done < <(grep -E "HelmChart" "$readme")
  grep -q "No container runs" "$readme" && grep -q '`kubectl logs` has no output' "$readme" ||
    fail "the README does not say the embedded cluster simulates workloads"
  local commands cell help word flag
  commands=$("$PLUMB" help | sed -n 's/^  \([a-z]*\) .*/\1/p')
  while IFS= read -r cell; do
    help=""
    for word in $(grep -o '`\(plumb \)\?[a-z]*' <<<"$cell" | sed 's/`\(plumb \)\?//'); do
      grep -qx "$word" <<<"$commands" || continue
      help+=$("$PLUMB" "$word" --help 2>&1)
    done
    [ -n "$help" ] || fail "the README's table names no plumb command: $cell"
    for flag in $(grep -oE -- '--[a-z-]+|-[A-Za-z]\b' <<<"$cell"); do
      grep -qF -- "$flag" <<<"$help" || fail "the README's table shows $flag, which --help does not: $cell"
    done
  done < <(grep '^| `plumb' "$readme" | cut -d'|' -f2)
}

run_scenario
