# ApplicationSets in `plumb controller` (sourced by run.sh, which has the helpers): sets as
# Argo CD's documentation writes them, a real git repository, results through the API.

appset_field() { kubectl -n argocd get applicationset "$1" -o jsonpath="$2"; }
app_names() { kubectl -n argocd get applications -o jsonpath='{range .items[*]}{.metadata.name} {end}'; }
apps_are() { [ "$(app_names)" = "$1" ]; }

# An app directory holding one ConfigMap named after it.
write_app_dir() {
  write "$1/configmap.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: $(basename "$1")
data:
  app: $(basename "$1")
YAML
}

# A git directory generator over apps/*: one Application per directory, named after it,
# deployed into the namespace of that name (Argo's "Git Generator - Directories" example).
git_directories_appset() {
  cat <<YAML
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: cluster-addons
  namespace: argocd
spec:
  generators:
  - git:
      repoURL: file://$REPO
      revision: HEAD
      directories:
      - path: apps/*
      - path: apps/excluded
        exclude: true
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      project: default
      source:
        repoURL: file://$REPO
        targetRevision: HEAD
        path: '{{path}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{path.basename}}'
      syncPolicy:
        automated:
          prune: true
        syncOptions:
        - CreateNamespace=true
YAML
}

scenario_appset_git_directories() {
  start
  git init -q -b main "$REPO"
  write_app_dir apps/alpha
  write_app_dir apps/beta
  write_app_dir apps/gamma
  write_app_dir apps/excluded
  local head
  head=$(commit "three apps")
  start_controller
  git_directories_appset | kubectl apply -f - >/dev/null || fail "apply the ApplicationSet"
  wait_for "three applications generated" 20 apps_are "alpha beta gamma "
  for app in alpha beta gamma; do
    wait_for "$app synced" 30 synced_at "$app" "$head"
    [ "$(kubectl -n "$app" get configmap "$app" -o jsonpath='{.data.app}')" = "$app" ] ||
      fail "the ConfigMap of $app"
  done
  [ "$(app_field alpha '{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}')" = \
    "ApplicationSet/cluster-addons" ] || fail "owner reference"
  [ "$(app_field alpha '{.metadata.finalizers[0]}')" = resources-finalizer.argocd.argoproj.io ] ||
    fail "the resources finalizer"
  wait_for "the set up to date" 10 eval \
    '[ "$(appset_field cluster-addons "{.status.conditions[?(@.type==\"ResourcesUpToDate\")].status}")" = True ]'
  expect_output "kubectl lists the set" cluster-addons kubectl -n argocd get applicationsets

  # A hand edit of a generated Application is undone.
  kubectl -n argocd patch application beta --type merge -p '{"spec":{"destination":{"namespace":"elsewhere"}}}' >/dev/null
  wait_for "the edit undone" 10 eval '[ "$(app_field beta {.spec.destination.namespace})" = beta ]'

  # A directory added (a commit): one more Application.
  write_app_dir apps/delta
  head=$(commit "delta")
  push
  wait_for "four applications" 20 apps_are "alpha beta delta gamma "
  wait_for "delta synced" 30 synced_at delta "$head"
  # A directory removed: its Application goes, and with it (its finalizer) its objects.
  git -C "$REPO" rm -rq apps/beta
  head=$(commit "beta out")
  push
  wait_for "beta's application gone" 20 apps_are "alpha delta gamma "
  wait_for "beta's ConfigMap deleted with it" 20 eval '! kubectl -n beta get configmap beta 2>/dev/null'
  for event in 'created Application "delta"' 'Deleted Application "beta"'; do
    expect_output "event: $event" "$event" kubectl -n argocd get events \
      --field-selector involvedObject.kind=ApplicationSet -o custom-columns=M:.message
  done
}

# A list generator with two elements and preserveResourcesOnDeletion, and a matrix of the git
# directories and a list.
scenario_appset_list_and_matrix() {
  start
  git init -q -b main "$REPO"
  write_app_dir apps/alpha
  write_app_dir apps/beta
  local head
  head=$(commit "two apps")
  start_controller
  kubectl apply -f - >/dev/null <<YAML || fail "apply the sets"
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  generators:
  - list:
      elements:
      - env: dev
        dir: alpha
      - env: prod
        dir: beta
  syncPolicy:
    preserveResourcesOnDeletion: true
  template:
    metadata:
      name: 'list-{{env}}'
      labels:
        env: '{{env}}'
    spec:
      project: default
      source:
        repoURL: file://$REPO
        targetRevision: HEAD
        path: 'apps/{{dir}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: 'list-{{env}}'
      syncPolicy:
        automated: {}
        syncOptions:
        - CreateNamespace=true
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: matrix
  namespace: argocd
  # Users put it on sets so that deleting one waits for the controller (which removes it).
  finalizers:
  - resources-finalizer.argocd.argoproj.io
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - matrix:
      generators:
      - git:
          repoURL: file://$REPO
          revision: HEAD
          directories:
          - path: apps/*
      - list:
          elements:
          - stage: one
          - stage: two
  template:
    metadata:
      name: '{{.path.basename}}-{{.stage}}'
    spec:
      project: default
      source:
        repoURL: file://$REPO
        targetRevision: HEAD
        path: '{{.path.path}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: 'm-{{.path.basename}}-{{.stage}}'
      syncPolicy:
        automated: {}
        syncOptions:
        - CreateNamespace=true
YAML
  wait_for "the list and matrix applications" 20 \
    apps_are "alpha-one alpha-two beta-one beta-two list-dev list-prod "
  for app in list-dev list-prod alpha-one beta-two; do
    wait_for "$app synced" 30 synced_at "$app" "$head"
  done
  [ "$(app_field list-prod '{.metadata.labels.env}')" = prod ] || fail "template labels"
  [ "$(app_field list-dev '{.metadata.finalizers}')" = "" ] ||
    fail "preserveResourcesOnDeletion leaves the finalizer out"
  kubectl -n m-beta-two get configmap beta >/dev/null || fail "matrix app's ConfigMap"
  # An element removed: its Application goes, its objects stay.
  kubectl -n argocd patch applicationset envs --type json \
    -p '[{"op":"remove","path":"/spec/generators/0/list/elements/1"}]' >/dev/null || fail "patch"
  wait_for "list-prod deleted" 20 apps_are "alpha-one alpha-two beta-one beta-two list-dev "
  sleep 1
  kubectl -n list-prod get configmap beta >/dev/null || fail "preserved resources deleted"
  # The set deleted (the controller takes its finalizer off): the garbage collector takes its
  # Applications.
  kubectl -n argocd delete applicationset matrix --timeout=20s >/dev/null || fail "delete the matrix set"
  wait_for "the matrix applications gone" 20 apps_are "list-dev "
}

# A clusters generator over the registered clusters (in-cluster and a second `plumb cluster`):
# an Application for each, synced into its cluster; the Secret removed, its Application goes
# (its objects stay, as Argo leaves them when the destination is gone).
scenario_appset_clusters() {
  start
  start_second
  git init -q -b main "$REPO"
  write_app_dir apps/alpha
  local head
  head=$(commit "one app")
  start_controller
  cluster_secret second "$SECOND_SERVER"
  kubectl apply -f - >/dev/null <<YAML || fail "apply the set"
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: everywhere
  namespace: argocd
spec:
  generators:
  - clusters: {}
  template:
    metadata:
      name: '{{name}}-alpha'
    spec:
      project: default
      source:
        repoURL: file://$REPO
        targetRevision: HEAD
        path: apps/alpha
      destination:
        server: '{{server}}'
        namespace: alpha
      syncPolicy:
        automated: {}
        syncOptions:
        - CreateNamespace=true
YAML
  wait_for "an application per cluster" 20 apps_are "in-cluster-alpha second-alpha "
  wait_for "synced in this cluster" 30 synced_at in-cluster-alpha "$head"
  wait_for "synced in the second cluster" 30 synced_at second-alpha "$head"
  kubectl -n alpha get configmap alpha >/dev/null || fail "ConfigMap in this cluster"
  "${SECOND[@]}" -n alpha get configmap alpha >/dev/null || fail "ConfigMap in the second cluster"
  [ "$(app_field second-alpha '{.spec.destination.server}')" = "$SECOND_SERVER" ] ||
    fail "the second cluster's server"
  kubectl -n argocd delete secret second >/dev/null || fail "delete the cluster Secret"
  wait_for "the second cluster's application gone" 20 apps_are "in-cluster-alpha "
  "${SECOND[@]}" -n alpha get configmap alpha >/dev/null || fail "objects of a gone cluster deleted"
}
