# Health of custom resources judged by Lua scripts, as Argo CD's argocd-cm configures them
# (sourced by run.sh, which has the helpers).

CERT_HEALTH=${PLUMB_SHARED_DIR:-}/argo-health/resource_customizations/cert-manager.io/Certificate/health.lua

# A cert-manager-style Certificate and its CRD, in git.
write_certificate_app() {
  write certs/crd.yaml <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.cert-manager.io
spec:
  group: cert-manager.io
  names:
    kind: Certificate
    listKind: CertificateList
    plural: certificates
    singular: certificate
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
YAML
  write certs/certificate.yaml <<'YAML'
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  dnsNames:
  - web.example.com
  issuerRef:
    name: letsencrypt
YAML
}

# argocd-cm with a health script for cert-manager.io/Certificate (the file given).
health_config() {
  kubectl -n argocd create configmap argocd-cm --dry-run=client -o yaml \
    --from-file=resource.customizations.health.cert-manager.io_Certificate="$1" |
    kubectl apply -f - >/dev/null || fail "argocd-cm"
}

app_health() { app_field "$1" '{.status.health.status}'; }

scenario_lua_health_of_custom_resources() {
  [ -f "$CERT_HEALTH" ] || unavailable "no $CERT_HEALTH (PLUMB_SHARED_DIR)"
  start
  git init -q -b main "$REPO"
  write_certificate_app
  local head
  head=$(commit "a certificate")
  start_controller
  health_config "$CERT_HEALTH"
  DEST=web application certs certs "$AUTOMATED"
  wait_for "synced, and Progressing while the certificate is not issued" 30 eval \
    '[ "$(app_field certs "{.status.sync.status} {.status.health.status}")" = "Synced Progressing" ]'
  [ "$(app_field certs '{.status.resources[?(@.kind=="Certificate")].health.message}')" = \
    "Waiting for certificate" ] || fail "the script's message"
  # cert-manager issues it: the script says Healthy.
  kubectl -n web patch certificate web --type merge -p \
    '{"status":{"conditions":[{"type":"Ready","status":"True","message":"Certificate issued successfully"}]}}' \
    >/dev/null || fail "status"
  wait_for "Healthy once the certificate is Ready" 20 eval '[ "$(app_health certs)" = Healthy ]'
  # An override in argocd-cm changes the verdict (Argo reads it at the next refresh).
  printf 'hs = {}\nhs.status = "Degraded"\nhs.message = "overridden"\nreturn hs\n' >"$WORK/degraded.lua"
  health_config "$WORK/degraded.lua"
  kubectl -n argocd annotate application certs argocd.argoproj.io/refresh=normal >/dev/null
  wait_for "Degraded by the override" 20 eval '[ "$(app_health certs)" = Degraded ]'
  # A script that never ends: stopped, the resource Unknown, the controller still working.
  printf 'while true do end\n' >"$WORK/forever.lua"
  health_config "$WORK/forever.lua"
  kubectl -n argocd annotate --overwrite application certs argocd.argoproj.io/refresh=hard >/dev/null
  wait_for "Unknown when the script is stopped" 20 eval '[ "$(app_health certs)" = Unknown ]'
  app_field certs '{.status.resources[?(@.kind=="Certificate")].health.message}' | grep -q . ||
    fail "no message for the stopped script"
}
