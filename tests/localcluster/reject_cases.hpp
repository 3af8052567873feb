// The invalid objects of rejects_test.cpp, as data: how each is sent, and what a Kubernetes
// API server answers (code, reason, message, first cause's field).
#pragma once

#include <string_view>
#include <vector>

namespace plumb::localcluster {

enum class Way { create, update, apply, json_patch, merge_patch, strategic_patch };
enum class Match { exact, suffix };

struct RejectCase {
  std::string_view name;
  Way way;
  std::string_view object;  // YAML; for update/patch/apply also the stored base unless `base`
  int code;
  std::string_view reason;
  std::string_view message;
  std::string_view field = "";  // the first cause's field, when the answer has causes
  Match match = Match::exact;
  std::string_view base = "";   // the object stored before an update, patch or apply
  std::string_view patch = "";  // YAML of the patch
  bool dry_run = false;
};

constexpr std::string_view k_web = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
)";

inline const std::vector<RejectCase> k_decode_cases = {
    {"DeploymentReplicasString", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: two
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     400, "BadRequest",
     R"(Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32)"},
    {"DeploymentReplicasFraction", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1.5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     400, "BadRequest",
     R"(Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32)"},
    {"ContainerPortString", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: http}]}]}
)",
     400, "BadRequest",
     R"(Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32)"},
    {"ConfigMapNumberValue", Way::create, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {port: 8080}
)",
     400, "BadRequest",
     R"(ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string)"},
    {"ServiceTargetPortBool", Way::create, R"(
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80, targetPort: true}]}
)",
     400, "BadRequest",
     R"(Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32)"},
    {"PodContainersObject", Way::create, R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: {name: web, image: nginx}}
)",
     400, "BadRequest",
     R"(Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container)"},
    {"LabelValueNumber", Way::create, R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, labels: {tier: 1}}
)",
     400, "BadRequest",
     R"(ServiceAccount in version "v1" cannot be handled as a ServiceAccount: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string)"},
    {"CpuLimitNotAQuantity", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {limits: {cpu: two}}}
)",
     400, "BadRequest",
     R"(Deployment in version "v1" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$')"},
    {"MemoryQuantityBadSuffix", Way::create, R"(
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
  - type: Container
    default: {memory: 1GG}
)",
     400, "BadRequest",
     R"(LimitRange in version "v1" cannot be handled as a LimitRange: unable to parse quantity's suffix)"},
    {"SecretDataNotBase64", Way::create, R"(
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {password: "not base64!"}
)",
     400, "BadRequest",
     R"(Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3)"},
    {"JobBackoffLimitString", Way::create, R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  backoffLimit: three
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: busybox}]
)",
     400, "BadRequest",
     R"(Job in version "v1" cannot be handled as a Job: json: cannot unmarshal string into Go struct field JobSpec.spec.backoffLimit of type int32)"},
    {"ServiceAccountAutomountString", Way::create, R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
automountServiceAccountToken: "yes"
)",
     400, "BadRequest",
     R"(ServiceAccount in version "v1" cannot be handled as a ServiceAccount: json: cannot unmarshal string into Go struct field ServiceAccount.automountServiceAccountToken of type bool)"},
    {"UpdateConfigMapBoolValue", Way::update, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {debug: true}
)",
     400, "BadRequest",
     R"(ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ConfigMap.data of type string)",
     "", Match::exact, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {debug: "true"}
)"},
    {"ApplyReplicasString", Way::apply, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec: {replicas: two}
)",
     500, "",
     R"(failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string)",
     "", Match::exact, k_web},
    {"ApplyConfigMapNumberValue", Way::apply, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: default}
data: {port: 8080}
)",
     500, "",
     R"(failed to create typed patch object (default/cfg; /v1, Kind=ConfigMap): .data.port: expected string, got &value.valueUnstructured{Value:8080})",
     "", Match::exact, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
)"},
    {"ApplyContainerPortString", Way::apply, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  template:
    spec:
      containers:
      - name: web
        ports: [{containerPort: http}]
        stdin: "yes"
)",
     500, "",
     "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n"
     "  .spec.template.spec.containers[name=\"web\"].ports[containerPort=\"http\",protocol="
     "\"TCP\"].containerPort: expected numeric (int or float), got string\n"
     "  .spec.template.spec.containers[name=\"web\"].stdin: expected boolean, got &{yes}",
     "", Match::exact, k_web},
    {"StrategicPatchReplicasString", Way::strategic_patch, k_web, 422, "Invalid",
     R"( "" is invalid: patch: Invalid value: "map[spec:map[replicas:two]]": unrecognized type: int32)",
     "patch", Match::exact, "", "{spec: {replicas: two}}"},
    {"StrategicPatchConfigMapNumber", Way::strategic_patch, R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: b}
)",
     422, "Invalid",
     R"( "" is invalid: patch: Invalid value: "map[data:map[a:1]]": cannot convert int64 to string)",
     "patch", Match::exact, "", "{data: {a: 1}}"},
    {"MergePatchReplicasString", Way::merge_patch, k_web, 422, "Invalid",
     R"(: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32)",
     "patch", Match::suffix, "", "{spec: {replicas: two}}"},
    {"JsonPatchPortString", Way::json_patch, R"(
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
)",
     422, "Invalid",
     R"(: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32)",
     "patch", Match::suffix, "", R"([{op: replace, path: /spec/ports/0/port, value: "80"}])"},
};

}  // namespace plumb::localcluster
