#include "controller/sealedsecret.hpp"

#include "core/json.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"
#include "sealed/sealed.hpp"

namespace plumb::controller {

const kube::Resource k_sealed_secrets{"bitnami.com", "v1alpha1", "SealedSecret", "sealedsecrets",
                                      true};

namespace {

// The controller's annotations on an existing Secret.
constexpr std::string_view k_managed_annotation = "sealedsecrets.bitnami.com/managed";
constexpr std::string_view k_patch_annotation = "sealedsecrets.bitnami.com/patch";
constexpr std::string_view k_synced = "Synced";
constexpr std::string_view k_unsealed_message = "SealedSecret unsealed successfully";

// The CRD's schema and columns, as the sealed-secrets chart ships them (descriptions left out).
constexpr std::string_view k_crd_yaml = R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: sealedsecrets.bitnami.com
spec:
  group: bitnami.com
  names:
    kind: SealedSecret
    listKind: SealedSecretList
    plural: sealedsecrets
    singular: sealedsecret
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    additionalPrinterColumns:
    - jsonPath: .status.conditions[0].message
      name: Status
      type: string
    - jsonPath: .status.conditions[0].status
      name: Synced
      type: string
    - jsonPath: .metadata.creationTimestamp
      name: Age
      type: date
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        required: [spec]
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
            type: object
            required: [encryptedData]
            properties:
              data: {type: string, format: byte}
              encryptedData:
                type: object
                additionalProperties: {type: string}
                x-kubernetes-preserve-unknown-fields: true
              template:
                type: object
                properties:
                  data:
                    type: object
                    nullable: true
                    additionalProperties: {type: string}
                  immutable: {type: boolean}
                  metadata:
                    type: object
                    nullable: true
                    x-kubernetes-preserve-unknown-fields: true
                    properties:
                      annotations:
                        type: object
                        additionalProperties: {type: string}
                      finalizers:
                        type: array
                        items: {type: string}
                      labels:
                        type: object
                        additionalProperties: {type: string}
                      name: {type: string}
                      namespace: {type: string}
                  type: {type: string}
          status:
            type: object
            properties:
              conditions:
                type: array
                items:
                  type: object
                  required: [status, type]
                  properties:
                    lastTransitionTime: {type: string, format: date-time}
                    lastUpdateTime: {type: string, format: date-time}
                    message: {type: string}
                    reason: {type: string}
                    status: {type: string}
                    type: {type: string}
              observedGeneration: {type: integer, format: int64}
)";

std::string id_of(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

bool annotated_true(const Node& object, std::string_view annotation) {
  const Node* annotations = object.at_path({"metadata", "annotations"});
  const Node* value = annotations ? annotations->find(annotation) : nullptr;
  return value && value->as_string() == "true";
}

// metav1.IsControlledBy: the controller owner reference names the SealedSecret's uid.
bool controlled_by(const Node& secret, const Node& sealed_secret) {
  const Node* refs = secret.at_path({"metadata", "ownerReferences"});
  if (!refs) return false;
  std::string_view uid = sealed_secret.string_at({"metadata", "uid"});
  for (const Node& ref : refs->items()) {
    const Node* controller = ref.find("controller");
    if (controller && controller->as_bool() && ref.string_at({"uid"}) == uid) return true;
  }
  return false;
}

// Sets map[key] to *value, or removes it when value is null or absent.
void replace_field(Node& map, std::string_view key, const Node* value) {
  if (value && !value->is_null())
    map.set(key, *value);
  else
    map.erase(key);
}

// Copies every entry of `from`'s map at `key` into `into`'s (the patch annotation's merge).
void merge_field(Node& into, const Node& from, std::string_view key) {
  const Node* entries = from.find(key);
  if (!entries || !entries->is_map() || entries->empty()) return;
  Node& target = into[key];
  if (!target.is_map()) target = Node::map();
  for (const auto& entry : entries->entries())
    target.set(entry.key.as_string(), entry.value);
}

// The existing Secret made to hold the unsealed one, as the controller's update does.
Node updated_secret(const Node& existing, const Node& unsealed) {
  Node secret = existing;
  Node metadata = *existing.find("metadata");
  const Node& wanted = *unsealed.find("metadata");
  if (annotated_true(existing, k_patch_annotation)) {
    merge_field(secret, unsealed, "data");
    merge_field(metadata, wanted, "labels");
    merge_field(metadata, wanted, "annotations");
    if (annotated_true(existing, k_managed_annotation))
      replace_field(metadata, "ownerReferences", wanted.find("ownerReferences"));
  } else {
    replace_field(secret, "data", unsealed.find("data"));
    replace_field(metadata, "annotations", wanted.find("annotations"));
    replace_field(metadata, "labels", wanted.find("labels"));
    replace_field(metadata, "ownerReferences", wanted.find("ownerReferences"));
  }
  replace_field(secret, "type", unsealed.find("type"));
  secret.set("metadata", std::move(metadata));
  return secret;
}

bool is_immutable_error(const Error& error) {
  return error.message().ends_with("field is immutable when `immutable` is set");
}

}  // namespace

Node sealed_secret_crd() {
  return parse_yaml(k_crd_yaml, "SealedSecret CRD").value();
}

std::string_view to_string(SealedReason reason) {
  switch (reason) {
    case SealedReason::unsealed:
      return "Unsealed";
    case SealedReason::unseal_failed:
      return "ErrUnsealFailed";
    case SealedReason::update_failed:
      return "ErrUpdateFailed";
  }
  return "Unknown";
}

std::optional<Node> sealed_status(const Node& sealed_secret, const SealedOutcome& outcome,
                                  std::string_view now) {
  const Node* old = sealed_secret.find("status");
  Node status = old && old->is_map() ? *old : Node::map();
  Node& conditions = status["conditions"];
  if (!conditions.is_list()) conditions = Node::list();
  Node* synced = nullptr;
  for (Node& condition : conditions.items_mut()) {
    if (condition.string_at({"type"}) == k_synced) synced = &condition;
  }
  if (!synced) {
    Node condition = Node::map();
    condition.set("type", Node::string(k_synced));
    conditions.push_back(std::move(condition));
    synced = &conditions.items_mut().back();
  }
  std::string_view wanted = outcome.failed() ? "False" : "True";
  bool transition = synced->string_at({"status"}) != wanted;
  synced->set("lastUpdateTime", Node::string(now));
  if (transition) {
    synced->set("status", Node::string(wanted));
    synced->set("lastTransitionTime", Node::string(now));
  }
  if (outcome.failed())
    synced->set("message", Node::string(outcome.error));
  else
    synced->erase("message");
  const Node* generation = sealed_secret.at_path({"metadata", "generation"});
  const Node* observed = status.find("observedGeneration");
  int64_t current = generation ? generation->as_int() : 0;
  if (!transition && observed && observed->as_int() == current) return std::nullopt;
  status.set("observedGeneration", Node::integer(current));
  return status;
}

SealedOutcome SealedSecretReconciler::reconcile(const Node& sealed_secret,
                                                const std::vector<sealed::KeyPair>& keys) {
  auto run = [&]() -> Step<SecretWrite> {
    Node secret = TRY(unseal(sealed_secret, keys));
    std::optional<Node> current = TRY(existing(sealed_secret, secret));
    TRY_VOID(may_replace(sealed_secret, current));
    return write(sealed_secret, secret, current);
  };
  Step<SecretWrite> written = run();
  if (!written) return std::move(written).error();
  return {.reason = SealedReason::unsealed,
          .event = std::string(k_unsealed_message),
          .write = *written};
}

Result<bool> SealedSecretReconciler::write_status(const Node& sealed_secret,
                                                  const SealedOutcome& outcome) {
  std::optional<Node> status = sealed_status(sealed_secret, outcome, now_rfc3339());
  if (!status) return false;
  Node body = Node::map();
  body.set("status", std::move(*status));
  std::string ns(sealed_secret.string_at({"metadata", "namespace"}));
  std::string name(sealed_secret.string_at({"metadata", "name"}));
  TRY(m_client.request({.method = "PATCH",
                        .target = kube::resource_path(k_sealed_secrets, ns, name) + "/status",
                        .body = to_json(body),
                        .content_type = "application/merge-patch+json"},
                       "status of SealedSecret " + ns + "/" + name));
  return true;
}

auto SealedSecretReconciler::unseal(const Node& sealed_secret,
                                    const std::vector<sealed::KeyPair>& keys) -> Step<Node> {
  auto secret = sealed::unseal_object(sealed_secret, keys);
  if (secret) return std::move(*secret);
  std::string message = secret.error().message();
  return std::unexpected(SealedOutcome{.reason = SealedReason::unseal_failed,
                                       .event = "Failed to unseal: " + message,
                                       .error = message});
}

auto SealedSecretReconciler::existing(const Node& sealed_secret, const Node& secret)
    -> Step<std::optional<Node>> {
  auto current = m_client.get(k_core_secrets, sealed_secret.string_at({"metadata", "namespace"}),
                              secret.string_at({"metadata", "name"}));
  if (current) return std::move(*current);
  std::string message = current.error().message();
  return std::unexpected(
      SealedOutcome{.reason = SealedReason::update_failed, .event = message, .error = message});
}

auto SealedSecretReconciler::may_replace(const Node& sealed_secret,
                                         const std::optional<Node>& existing) -> Step<void> {
  if (!existing || controlled_by(*existing, sealed_secret) ||
      annotated_true(*existing, k_managed_annotation) ||
      annotated_true(*existing, k_patch_annotation))
    return {};
  std::string message = "Resource \"" + std::string(existing->string_at({"metadata", "name"})) +
                        "\" already exists and is not managed by SealedSecret";
  return std::unexpected(SealedOutcome{.reason = SealedReason::update_failed,
                                       .event = message,
                                       .error = "failed update: " + message});
}

auto SealedSecretReconciler::write(const Node& sealed_secret, const Node& secret,
                                   const std::optional<Node>& existing) -> Step<SecretWrite> {
  std::string ns(sealed_secret.string_at({"metadata", "namespace"}));
  std::string name(secret.string_at({"metadata", "name"}));
  std::string what = "Secret " + ns + "/" + name;
  Node body = secret;
  SecretWrite done = SecretWrite::created;
  kube::HttpRequest request{.method = "POST",
                            .target = kube::resource_path(k_core_secrets, ns, ""),
                            .content_type = "application/json"};
  if (existing) {
    body = updated_secret(*existing, secret);
    if (body == *existing) return SecretWrite::unchanged;
    done = SecretWrite::updated;
    request.method = "PUT";
    request.target = kube::resource_path(k_core_secrets, ns, name);
  }
  request.body = to_json(body);
  auto written = m_client.request(std::move(request), what);
  if (written) return done;
  // The event explains an immutable Secret; the status keeps the API server's words.
  std::string message = written.error().message();
  std::string event = is_immutable_error(written.error())
                          ? "Error updating " + id_of(sealed_secret) +
                                ": the target Secret is immutable. Once a Secret is marked as "
                                "immutable, it is not possible to revert this change nor to "
                                "mutate the contents of the data field. You can only delete "
                                "and recreate the Secret."
                          : message;
  return std::unexpected(
      SealedOutcome{.reason = SealedReason::update_failed, .event = event, .error = message});
}

}  // namespace plumb::controller
