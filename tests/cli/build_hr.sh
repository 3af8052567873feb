#!/usr/bin/env bash
# `plumb build hr` against the real `helm template` (the reference): the same chart with the
# values the controller composes (written out here by hand, so the composition is checked
# too) gives the same manifests, byte for byte — a GitRepository chart below --path with
# values and valuesFrom (ConfigMap, Secret with stringData and a targetPath), a
# targetNamespace, and a HelmRepository chart as a packaged .tgz. Refusals exit 1 with
# nothing on stdout and never print a value.
# Usage: build_hr.sh PLUMB
set -uo pipefail
plumb=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../support/require.sh
. "$here/../support/require.sh"
require_tool helm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
check() {  # check NAME WANT GOT
  if [[ "$2" != "$3" ]]; then
    printf 'FAIL %s\n' "$1"
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20
    failures=$((failures + 1))
  fi
}

mkdir -p repo/charts/web/templates repo/charts/web/crds values
cat >repo/charts/web/Chart.yaml <<'YAML'
apiVersion: v2
name: web
version: 1.2.0
appVersion: "2.0"
YAML
cat >repo/charts/web/values.yaml <<'YAML'
replicas: 1
image: {repository: nginx, tag: "1.27"}
config: {}
YAML
cat >repo/charts/web/crds/widget.yaml <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
YAML
cat >repo/charts/web/templates/deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    chart: {{ .Chart.Name }}-{{ .Chart.Version }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
YAML
cat >repo/charts/web/templates/config.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
{{- range $k, $v := .Values.config }}
  {{ $k }}: {{ $v | quote }}
{{- end }}
YAML
cat >hr.yaml <<'YAML'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: other
  namespace: apps
spec:
  interval: 5m
  chart:
    spec:
      chart: ./charts/missing
      sourceRef: {kind: GitRepository, name: repo}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 5m
  targetNamespace: prod
  chart:
    spec:
      chart: ./charts/../charts/web
      sourceRef: {kind: GitRepository, name: repo, namespace: flux-system}
  valuesFrom:
  - kind: ConfigMap
    name: web-defaults
  - kind: Secret
    name: web-secret
    valuesKey: token
    targetPath: config.token
  values:
    replicas: 3
    image: {tag: "1.28"}
YAML
cat >values/objects.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-defaults
  namespace: apps
data:
  values.yaml: |
    replicas: 2
    image: {repository: registry.example.com/nginx}
    config: {color: blue}
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
stringData:
  token: s3cr3t-value
YAML
# What helm-controller composes: the ConfigMap's map, the Secret's key at config.token, then
# spec.values over them.
cat >composed.yaml <<'YAML'
replicas: 3
image: {repository: registry.example.com/nginx, tag: "1.28"}
config: {color: blue, token: s3cr3t-value}
YAML
want=$(helm template prod-web repo/charts/web -n prod -f composed.yaml --include-crds 2>&1)
got=$("$plumb" build hr web --file hr.yaml --path repo --values-from-dir values 2>&1)
check "GitRepository chart, valuesFrom and targetNamespace" "$want" "$got"
[[ "$got" == *"registry.example.com/nginx:1.28"* && "$got" == *"replicas: 3"* ]] ||
  { echo "FAIL composed values not rendered"; failures=$((failures + 1)); }

# A HelmRepository chart: --path is the package; install.crds Skip leaves crds/ out.
helm package -d pkg repo/charts/web >/dev/null
cat >hr-repo.yaml <<'YAML'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 5m
  install: {crds: Skip}
  releaseName: shop
  chart:
    spec:
      chart: web
      version: 1.x
      sourceRef: {kind: HelmRepository, name: charts}
  values:
    config: {a: "1"}
YAML
printf 'config: {a: "1"}\n' >composed-repo.yaml
want=$(helm template shop pkg/web-1.2.0.tgz -n apps -f composed-repo.yaml 2>&1)
got=$("$plumb" build hr web --file hr-repo.yaml --path pkg/web-1.2.0.tgz 2>&1)
check "HelmRepository chart from a .tgz" "$want" "$got"

# Refusals: exit 1, nothing on stdout, never the Secret's value.
while IFS='|' read -r args want; do
  # shellcheck disable=SC2086
  out=$("$plumb" build hr $args 2>err)
  status=$?
  got=$(cat err)
  if [[ $status != 1 || -n "$out" || "$got" != "Error: $want" || "$got" == *s3cr3t* ]]; then
    printf 'FAIL build hr %s (exit %s)\n--- want\nError: %s\n--- got\n%s\n' "$args" "$status" "$want" "$got"
    failures=$((failures + 1))
  fi
done <<'ROWS'
web --file hr.yaml --path repo|spec.valuesFrom reads ConfigMap 'apps/web-defaults' from the cluster: give its manifest with --values-from-dir DIR
other --file hr.yaml --path repo|spec.chart.spec.chart: ./charts/missing: no such directory below repo
nope --file hr.yaml|no HelmRelease 'nope' in hr.yaml
web --file hr.yaml --path repo --values-from-dir pkg|could not find ConfigMap 'apps/web-defaults'
ROWS
"$plumb" build hr web --path repo >/dev/null 2>&1
[[ $? == 2 ]] || { echo "FAIL no --file is a usage error (exit 2)"; failures=$((failures + 1)); }

[[ $failures == 0 ]] && echo PASS
exit $((failures > 0))
