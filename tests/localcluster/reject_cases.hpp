// The invalid objects of rejects_test.cpp, as data: how each is sent, and what a Kubernetes
// API server answers (code, reason, message, first cause's field).
#pragma once

#include <string>
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
  std::string_view setup = "";  // YAML of an object created first (a CRD)
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

// A Deployment with one change to k_web's container or spec.
inline std::string web_with(std::string_view container_extra, std::string_view spec_extra = "",
                            std::string_view name = "web") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + std::string(name) +
         "}\nspec:\n  selector: {matchLabels: {app: web}}\n" + std::string(spec_extra) +
         "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
         "      - name: web\n        image: nginx\n" +
         std::string(container_extra);
}

inline const std::string k_pull_sometimes = web_with("        imagePullPolicy: Sometimes\n");
inline const std::string k_port_70000 = web_with("        ports: [{containerPort: 70000}]\n");
inline const std::string k_port_tcp =
    web_with("        ports: [{containerPort: 80, protocol: tcp}]\n");
inline const std::string k_bad_name = web_with("", "", "Web_1");
inline const std::string k_replicas_negative = web_with("", "  replicas: -1\n");
inline const std::string k_requests_over_limits =
    web_with("        resources: {limits: {cpu: \"1\"}, requests: {cpu: \"2\"}}\n");
inline const std::string k_negative_memory =
    web_with("        resources: {limits: {memory: -1Gi}}\n");
inline const std::string k_mount_without_volume =
    web_with("        volumeMounts: [{name: data, mountPath: /data}]\n");
inline const std::string k_second_web = web_with("      - {name: web, image: nginx}\n");
inline const std::string k_restart_never = web_with("      restartPolicy: Never\n");
inline const std::string k_big_annotation =
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  annotations:\n    big: " +
    std::string(262144, 'x') + "\n";
inline const std::string k_long_cron_name(53, 'c');
inline const std::string k_long_cron_job =
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: " + k_long_cron_name + R"(}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
)";

constexpr std::string_view k_invalid_pull =
    R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never")";

inline const std::vector<RejectCase> k_validation_cases = {
    // --- metadata ---
    {"DeploymentNameNotDns", Way::create, k_bad_name, 422, "Invalid",
     R"(Deployment.apps "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'))",
     "metadata.name"},
    {"NamespaceNameWithDots", Way::create,
     "{apiVersion: v1, kind: Namespace, metadata: {name: my.ns}}", 422, "Invalid",
     R"(Namespace "my.ns" is invalid: metadata.name: Invalid value: "my.ns": must not contain dots)",
     "metadata.name"},
    {"ServiceNameStartsWithDigit", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: 1web}, spec: {ports: [{port: 80}]}}", 422,
     "Invalid",
     R"(Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'))",
     "metadata.name"},
    {"LabelValueWithSpace", Way::create,
     "{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, labels: {tier: a b}}}", 422,
     "Invalid",
     R"(ConfigMap "cfg" is invalid: metadata.labels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'))",
     "metadata.labels"},
    {"LabelKeyWithSpace", Way::create,
     "{apiVersion: v1, kind: Secret, metadata: {name: s, labels: {my label: x}}}", 422, "Invalid",
     R"(Secret "s" is invalid: metadata.labels: Invalid value: "my label": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'))",
     "metadata.labels"},
    {"AnnotationsTooLarge", Way::create, k_big_annotation, 422, "Invalid",
     R"(ServiceAccount "sa" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes)",
     "metadata.annotations"},
    // --- workloads ---
    {"DeploymentImagePullPolicy", Way::create, k_pull_sometimes, 422, "Invalid", k_invalid_pull,
     "spec.template.spec.containers[0].imagePullPolicy"},
    {"ApplyImagePullPolicy", Way::apply, k_pull_sometimes, 422, "Invalid", k_invalid_pull,
     "spec.template.spec.containers[0].imagePullPolicy", Match::exact, k_web},
    {"DryRunImagePullPolicy", Way::create, k_pull_sometimes, 422, "Invalid", k_invalid_pull,
     "spec.template.spec.containers[0].imagePullPolicy", Match::exact, "", "", true},
    {"DeploymentSelectorMismatch", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`)",
     "spec.template.metadata.labels"},
    {"DeploymentSelectorMissing", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`])",
     "spec.selector"},
    {"DeploymentEmptySelector", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment)",
     "spec.selector"},
    {"DeploymentNegativeReplicas", Way::create, k_replicas_negative, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0)",
     "spec.replicas"},
    {"DeploymentNoContainers", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: []}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers: Required value)",
     "spec.template.spec.containers"},
    {"DeploymentContainerWithoutImage", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value)",
     "spec.template.spec.containers[0].image"},
    {"ContainerNameUppercase", Way::create, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: Web, image: nginx}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'))",
     "spec.template.spec.containers[0].name"},
    {"DuplicateContainerName", Way::create, k_second_web, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[1].name: Duplicate value: "web")",
     "spec.template.spec.containers[1].name"},
    {"ContainerPortOutOfRange", Way::create, k_port_70000, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive)",
     "spec.template.spec.containers[0].ports[0].containerPort"},
    {"ContainerPortProtocolLowercase", Way::create, k_port_tcp, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP")",
     "spec.template.spec.containers[0].ports[0].protocol"},
    {"RequestsAboveLimits", Way::create, k_requests_over_limits, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1)",
     "spec.template.spec.containers[0].resources.requests"},
    {"NegativeMemoryLimit", Way::create, k_negative_memory, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0)",
     "spec.template.spec.containers[0].resources.limits[memory]"},
    {"VolumeMountWithoutVolume", Way::create, k_mount_without_volume, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data")",
     "spec.template.spec.containers[0].volumeMounts[0].name"},
    {"DeploymentRestartNever", Way::create, k_restart_never, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always")",
     "spec.template.spec.restartPolicy"},
    {"DeploymentSelectorImmutable", Way::update, R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable)",
     "spec.selector", Match::exact, k_web},
    {"StrategicPatchNegativeReplicas", Way::strategic_patch, k_web, 422, "Invalid",
     R"(Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0)",
     "spec.replicas", Match::exact, "", "{spec: {replicas: -1}}"},
    {"ReplicaSetSelectorMismatch", Way::create, R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  selector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: web, image: nginx}]}
)",
     422, "Invalid",
     R"(ReplicaSet.apps "rs" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`)",
     "spec.template.metadata.labels"},
    {"DaemonSetRestartOnFailure", Way::create, R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      restartPolicy: OnFailure
      containers: [{name: agent, image: busybox}]
)",
     422, "Invalid",
     R"(DaemonSet.apps "agent" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always")",
     "spec.template.spec.restartPolicy"},
    {"StatefulSetSpecUpdateForbidden", Way::update, R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: other
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
)",
     422,
     "Invalid", R"(StatefulSet.apps "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden)",
     "spec", Match::exact, R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
)"},
    {"PodRestartPolicy", Way::create, R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  restartPolicy: Sometimes
  containers: [{name: c, image: busybox}]
)",
     422, "Invalid",
     R"(Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never")",
     "spec.restartPolicy"},
    {"PodDnsPolicy", Way::create, R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  dnsPolicy: Cluster
  containers: [{name: c, image: busybox}]
)",
     422, "Invalid",
     R"(Pod "p" is invalid: spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")",
     "spec.dnsPolicy"},
    {"PodPortNameUnderscore", Way::create, R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox, ports: [{name: http_port, containerPort: 80}]}]
)",
     422, "Invalid",
     R"(Pod "p" is invalid: spec.containers[0].ports[0].name: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-))",
     "spec.containers[0].ports[0].name"},
    {"PodVolumeWithoutSource", Way::create, R"(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: data}]
  containers: [{name: c, image: busybox}]
)",
     422, "Invalid",
     R"(Pod "p" is invalid: spec.volumes[0]: Required value: must specify a volume type)",
     "spec.volumes[0]"},
    {"JobRestartAlways", Way::create, R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Always
      containers: [{name: j, image: busybox}]
)",
     422, "Invalid",
     R"(Job.batch "j" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never")",
     "spec.template.spec.restartPolicy"},
    {"JobNegativeBackoff", Way::create, R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  backoffLimit: -1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: busybox}]
)",
     422, "Invalid",
     R"(Job.batch "j" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0)",
     "spec.backoffLimit"},
    {"CronJobConcurrencyPolicy", Way::create, R"(
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "*/5 * * * *"
  concurrencyPolicy: Never
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
)",
     422, "Invalid",
     R"(CronJob.batch "c" is invalid: spec.concurrencyPolicy: Unsupported value: "Never": supported values: "Allow", "Forbid", "Replace")",
     "spec.concurrencyPolicy"},
    {"CronJobNameTooLong", Way::create, k_long_cron_job, 422, "Invalid",
     "CronJob.batch \"cccccccccccccccccccccccccccccccccccccccccccccccccc"
     "ccc\" is invalid: metadata.name: Invalid value: \"ccccccccccccccccccccccccccccccccc"
     "cccccccccccccccccccc\": must be no more than 52 characters",
     "metadata.name"},
    // --- services, config, storage ---
    {"ServiceTypeUnknown", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {type: Public, ports: [{port: "
     "80}]}}",
     422, "Invalid",
     R"(Service "web" is invalid: spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort")",
     "spec.type"},
    {"ServiceWithoutPorts", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}}}", 422,
     "Invalid", R"(Service "web" is invalid: spec.ports: Required value)", "spec.ports"},
    {"ServicePortOutOfRange", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 70000}]}}", 422,
     "Invalid",
     R"(Service "web" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive])",
     "spec.ports[0].port"},
    {"ServicePortsWithoutNames", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80}, {port: "
     "443}]}}",
     422, "Invalid",
     R"(Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value])",
     "spec.ports[0].name"},
    {"ServiceTargetPortName", Way::create,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80, targetPort: "
     "http_x}]}}",
     422, "Invalid",
     R"(Service "web" is invalid: spec.ports[0].targetPort: Invalid value: "http_x": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-))",
     "spec.ports[0].targetPort"},
    {"ServiceClusterIPChanged", Way::update,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {clusterIP: 10.96.0.99, ports: "
     "[{port: 80}]}}",
     422, "Invalid",
     R"(Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set)",
     "spec.clusterIPs[0]", Match::exact,
     "{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {clusterIP: 10.96.0.50, ports: "
     "[{port: 80}]}}"},
    {"ConfigMapKeyWithSpace", Way::create,
     "{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}, data: {my key: x}}", 422, "Invalid",
     R"(ConfigMap "cfg" is invalid: data[my key]: Invalid value: "my key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+'))",
     "data[my key]"},
    {"ConfigMapKeyInBothBags", Way::create,
     "{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}, data: {a: x}, binaryData: {a: "
     "eA==}}",
     422, "Invalid",
     R"(ConfigMap "cfg" is invalid: data[a]: Invalid value: "a": duplicate of key present in binaryData)",
     "data[a]"},
    {"ImmutableConfigMapData", Way::update,
     "{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}, immutable: true, data: {a: \"2\"}}",
     422, "Invalid",
     "ConfigMap \"cfg\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
     "data", Match::exact,
     "{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}, immutable: true, data: {a: \"1\"}}"},
    {"TlsSecretWithoutKeys", Way::create,
     "{apiVersion: v1, kind: Secret, metadata: {name: tls}, type: kubernetes.io/tls, data: {}}",
     422, "Invalid",
     R"(Secret "tls" is invalid: [data[tls.crt]: Required value, data[tls.key]: Required value])",
     "data[tls.crt]"},
    {"SecretTypeChanged", Way::update,
     "{apiVersion: v1, kind: Secret, metadata: {name: s}, type: kubernetes.io/tls, data: {tls.crt: "
     "YQ==, tls.key: YQ==}}",
     422, "Invalid",
     R"(Secret "s" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable)",
     "type", Match::exact,
     "{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {tls.crt: YQ==, tls.key: YQ==}}"},
    {"ClaimWithoutAccessModes", Way::create,
     "{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {resources: "
     "{requests: {storage: 1Gi}}}}",
     422, "Invalid",
     R"(PersistentVolumeClaim "data" is invalid: spec.accessModes: Required value: at least 1 access mode is required)",
     "spec.accessModes"},
    {"ClaimWithoutStorage", Way::create,
     "{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {accessModes: "
     "[ReadWriteOnce]}}",
     422, "Invalid",
     R"(PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value)",
     "spec.resources[storage]"},
    // --- networking, autoscaling, policy, rbac ---
    {"IngressWithoutPathType", Way::create, R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - http:
      paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]
)",
     422, "Invalid",
     R"(Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified)",
     "spec.rules[0].http.paths[0].pathType"},
    {"IngressRegexPathType", Way::create, R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - http:
      paths: [{path: /, pathType: Regex, backend: {service: {name: web, port: {number: 80}}}}]
)",
     422, "Invalid",
     R"(Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix")",
     "spec.rules[0].http.paths[0].pathType"},
    {"IngressRelativePath", Way::create, R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - http:
      paths: [{path: api, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
)",
     422, "Invalid",
     R"(Ingress.networking.k8s.io "web" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path)",
     "spec.rules[0].http.paths[0].path"},
    {"NetworkPolicyTypeBoth", Way::create,
     "{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: np}, spec: "
     "{podSelector: {}, policyTypes: [Both]}}",
     422, "Invalid",
     R"(NetworkPolicy.networking.k8s.io "np" is invalid: spec.policyTypes[0]: Unsupported value: "Both": supported values: "Ingress", "Egress")",
     "spec.policyTypes[0]"},
    {"AutoscalerMaxBelowMin", Way::create,
     "{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: web}, spec: "
     "{scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 3, "
     "maxReplicas: 2}}",
     422, "Invalid",
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.maxReplicas: Invalid value: 2: "
     "must be greater than or equal to `minReplicas`",
     "spec.maxReplicas"},
    {"AutoscalerMinZero", Way::create,
     "{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: web}, spec: "
     "{scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 0, "
     "maxReplicas: 2}}",
     422, "Invalid",
     R"(HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.minReplicas: Invalid value: 0: must be greater than or equal to 1)",
     "spec.minReplicas"},
    {"DisruptionBudgetOverHundredPercent", Way::create,
     "{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: pdb}, spec: "
     "{minAvailable: 150%, selector: {matchLabels: {app: web}}}}",
     422, "Invalid",
     R"(PodDisruptionBudget.policy "pdb" is invalid: spec.minAvailable: Invalid value: "150%": must not be greater than 100%)",
     "spec.minAvailable"},
    {"RoleRuleWithoutVerbs", Way::create,
     "{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r}, rules: "
     "[{apiGroups: [\"\"], resources: [pods], verbs: []}]}",
     422, "Invalid",
     R"(Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value)",
     "rules[0].verbs"},
    {"RoleBindingRoleRefKind", Way::create,
     "{apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: rb}, roleRef: "
     "{apiGroup: rbac.authorization.k8s.io, kind: Group, name: r}, subjects: [{kind: User, name: "
     "alice}]}",
     422, "Invalid",
     R"(RoleBinding.rbac.authorization.k8s.io "rb" is invalid: roleRef.kind: Unsupported value: "Group": supported values: "Role", "ClusterRole")",
     "roleRef.kind"},
    {"RoleBindingSubjectKind", Way::create,
     "{apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: rb}, roleRef: "
     "{apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}, subjects: [{kind: Team, name: "
     "devs}]}",
     422, "Invalid",
     R"(RoleBinding.rbac.authorization.k8s.io "rb" is invalid: subjects[0].kind: Unsupported value: "Team": supported values: "ServiceAccount", "User", "Group")",
     "subjects[0].kind"},
    {"ClusterRoleBindingRoleRefChanged", Way::update,
     "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: crb}, "
     "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}, subjects: "
     "[{kind: User, name: alice}]}",
     422, "Invalid",
     R"(ClusterRoleBinding.rbac.authorization.k8s.io "crb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef)",
     "roleRef", Match::exact,
     "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: crb}, "
     "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}, subjects: "
     "[{kind: User, name: alice}]}"},
};

}  // namespace plumb::localcluster
