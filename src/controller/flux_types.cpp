#include "controller/flux_types.hpp"

#include <algorithm>

#include "controller/spec_reader.hpp"

namespace plumb::controller {

Result<GitRepositorySpec> parse_git_repository(const Node& object) {
  SpecReader r(object);
  GitRepositorySpec spec;
  spec.url = TRY(r.string("url", true));
  if (!(spec.url.starts_with("https://") || spec.url.starts_with("http://") ||
        spec.url.starts_with("ssh://") || spec.url.starts_with("file://"))) {
    return r.bad("url", "must start with https://, http://, ssh:// or file://");
  }
  spec.interval = TRY(r.duration("interval", true)).value();
  if (auto t = TRY(r.duration("timeout", false))) spec.timeout = *t;
  spec.suspend = TRY(r.boolean("suspend"));
  if (const Node* ref = r.spec("ref"); ref && ref->is_map()) {
    spec.ref.branch = std::string(ref->string_at({"branch"}));
    spec.ref.tag = std::string(ref->string_at({"tag"}));
    spec.ref.semver = std::string(ref->string_at({"semver"}));
    spec.ref.name = std::string(ref->string_at({"name"}));
    spec.ref.commit = std::string(ref->string_at({"commit"}));
  }
  if (spec.ref.branch.empty() && spec.ref.tag.empty() && spec.ref.semver.empty() &&
      spec.ref.name.empty() && spec.ref.commit.empty()) {
    spec.ref.branch = "master";
  }
  spec.secret_name = std::string(object.string_at({"spec", "secretRef", "name"}));
  return spec;
}

Result<KustomizationSpec> parse_kustomization(const Node& object) {
  SpecReader r(object);
  KustomizationSpec spec;
  std::string ns(object.string_at({"metadata", "namespace"}));
  spec.interval = TRY(r.duration("interval", true)).value();
  spec.retry_interval = TRY(r.duration("retryInterval", false)).value_or(spec.interval);
  spec.timeout = TRY(r.duration("timeout", false)).value_or(spec.interval);
  std::string path = TRY(r.string("path"));
  if (!path.empty()) spec.path = path;
  spec.prune = TRY(r.boolean("prune"));
  spec.wait = TRY(r.boolean("wait"));
  spec.force = TRY(r.boolean("force"));
  spec.suspend = TRY(r.boolean("suspend"));

  const Node* source = r.spec("sourceRef");
  if (!source || !source->is_map()) return r.bad("sourceRef", "is required");
  spec.source_ref.name = std::string(source->string_at({"name"}));
  if (spec.source_ref.name.empty()) return r.bad("sourceRef.name", "is required");
  if (std::string_view kind = source->string_at({"kind"}); !kind.empty()) {
    spec.source_ref.kind = std::string(kind);
  }
  if (spec.source_ref.kind != "GitRepository" && spec.source_ref.kind != "OCIRepository") {
    return r.bad("sourceRef.kind",
                 "only GitRepository and OCIRepository sources are supported "
                 "yet, not " +
                     spec.source_ref.kind);
  }
  spec.source_ref.namespace_ = std::string(source->string_at({"namespace"}));
  if (spec.source_ref.namespace_.empty()) spec.source_ref.namespace_ = ns;

  Node depends = TRY(r.list("dependsOn"));
  for (const Node& d : depends.items()) {
    NamespacedName dep{std::string(d.string_at({"namespace"})), std::string(d.string_at({"name"}))};
    if (dep.name.empty()) return r.bad("dependsOn", "every entry needs a name");
    if (dep.namespace_.empty()) dep.namespace_ = ns;
    spec.depends_on.push_back(std::move(dep));
  }
  Node checks = TRY(r.list("healthChecks"));
  for (const Node& c : checks.items())
    spec.health_checks.push_back(c);
  spec.target_namespace = TRY(r.string("targetNamespace"));
  spec.name_prefix = TRY(r.string("namePrefix"));
  spec.name_suffix = TRY(r.string("nameSuffix"));
  if (const Node* meta = r.spec("commonMetadata")) spec.common_metadata = *meta;
  spec.patches = TRY(r.list("patches"));
  spec.images = TRY(r.list("images"));
  Node components = TRY(r.list("components"));
  for (const Node& c : components.items())
    spec.components.emplace_back(c.as_string());
  if (const Node* post = r.spec("postBuild")) {
    if (!post->is_map()) return r.bad("postBuild", "must be an object");
    PostBuildSpec pb;
    if (const Node* vars = post->find("substitute"); vars && !vars->is_null()) {
      if (!vars->is_map())
        return r.bad("postBuild.substitute", "must be a map of names to strings");
      pb.substitute = *vars;
    }
    if (const Node* from = post->find("substituteFrom"); from && !from->is_null()) {
      if (!from->is_list()) return r.bad("postBuild.substituteFrom", "must be a list");
      for (const Node& ref : from->items()) {
        SubstituteReference s{std::string(ref.string_at({"kind"})),
                              std::string(ref.string_at({"name"})),
                              ref.find("optional") && ref.find("optional")->as_bool()};
        if (s.kind != "ConfigMap" && s.kind != "Secret")
          return r.bad("postBuild.substituteFrom",
                       "kind must be ConfigMap or Secret, not '" + s.kind + "'");
        if (s.name.empty()) return r.bad("postBuild.substituteFrom", "every entry needs a name");
        pb.substitute_from.push_back(std::move(s));
      }
    }
    std::string_view strategy = post->string_at({"substituteStrategy"});
    if (!strategy.empty() && strategy != "WithVariables" && strategy != "Always")
      return r.bad("postBuild.substituteStrategy",
                   "must be WithVariables or Always, not '" + std::string(strategy) + "'");
    pb.always = strategy == "Always";
    spec.post_build = std::move(pb);
  }
  if (const Node* decryption = r.spec("decryption"); decryption && !decryption->is_null()) {
    if (!decryption->is_map()) return r.bad("decryption", "must be an object");
    std::string_view provider = decryption->string_at({"provider"});
    if (provider != "sops")
      return r.bad("decryption.provider", "must be sops, not '" + std::string(provider) + "'");
    DecryptionSpec d;
    if (const Node* ref = decryption->find("secretRef"); ref && !ref->is_null()) {
      d.secret_name = std::string(ref->string_at({"name"}));
      if (d.secret_name.empty()) return r.bad("decryption.secretRef.name", "is required");
    }
    spec.decryption = std::move(d);
  }
  return spec;
}

Node overlay_kustomization(const KustomizationSpec& spec, const std::string& path) {
  Node k = Node::map();
  k.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
  k.set("kind", Node::string("Kustomization"));
  Node resources = Node::list();
  resources.push_back(Node::string(path));
  k.set("resources", resources);
  if (!spec.target_namespace.empty()) k.set("namespace", Node::string(spec.target_namespace));
  if (!spec.name_prefix.empty()) k.set("namePrefix", Node::string(spec.name_prefix));
  if (!spec.name_suffix.empty()) k.set("nameSuffix", Node::string(spec.name_suffix));
  if (const Node* labels = spec.common_metadata.find("labels")) {
    Node entry = Node::map();
    entry.set("pairs", *labels);
    Node list = Node::list();
    list.push_back(entry);
    k.set("labels", list);
  }
  if (const Node* annotations = spec.common_metadata.find("annotations")) {
    k.set("commonAnnotations", *annotations);
  }
  if (!spec.patches.is_null()) k.set("patches", spec.patches);
  if (!spec.images.is_null()) k.set("images", spec.images);
  if (!spec.components.empty()) {
    Node list = Node::list();
    for (const std::string& c : spec.components)
      list.push_back(Node::string(c));
    k.set("components", list);
  }
  return k;
}

namespace {

// What Plumb reads of each kind's spec, and the fields it refuses to go without.
struct KindFields {
  std::vector<std::string_view> understood;
  std::vector<std::string_view> refused;
};

const KindFields k_kustomization_fields{
    {"interval",     "retryInterval",   "timeout",    "path",       "prune",
     "wait",         "force",           "suspend",    "sourceRef",  "dependsOn",
     "healthChecks", "targetNamespace", "namePrefix", "nameSuffix", "commonMetadata",
     "patches",      "images",          "components", "postBuild",  "decryption"},
    {"kubeConfig", "serviceAccountName"}};

const KindFields k_git_repository_fields{
    {"url", "interval", "timeout", "ref", "secretRef", "suspend"},
    {"verify", "include", "recurseSubmodules", "proxySecretRef"}};

// OCIRepository: pulling without the signature check or the proxy asked for would take
// another artifact or another way.
const KindFields k_oci_repository_fields{
    {"url", "interval", "timeout", "ref", "layerSelector", "secretRef", "insecure", "suspend"},
    {"verify", "proxySecretRef", "certSecretRef", "serviceAccountName"}};

// HelmRelease: acting without commonMetadata or another identity would apply something
// else.
const KindFields k_helm_release_fields{{"interval",        "chart",
                                        "chartRef",        "releaseName",
                                        "targetNamespace", "storageNamespace",
                                        "values",          "valuesFrom",
                                        "install",         "upgrade",
                                        "uninstall",       "maxHistory",
                                        "suspend",         "dependsOn",
                                        "driftDetection",  "timeout",
                                        "postRenderers",   "postRenderStrategy",
                                        "rollback",        "test"},
                                       {"kubeConfig", "serviceAccountName", "commonMetadata"}};

bool contains(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

UnsupportedFields unsupported_fields(const Node& object) {
  UnsupportedFields out;
  std::string_view kind = object.string_at({"kind"});
  const KindFields& fields = kind == "GitRepository"   ? k_git_repository_fields
                             : kind == "OCIRepository" ? k_oci_repository_fields
                             : kind == "HelmRelease"   ? k_helm_release_fields
                                                       : k_kustomization_fields;
  const Node* spec = object.find("spec");
  if (!spec || !spec->is_map()) return out;
  for (const MapEntry& entry : spec->entries()) {
    std::string_view name = entry.key.as_string();
    const Node& value = entry.value;
    if (contains(fields.understood, name)) continue;
    std::string path = "spec." + std::string(name);
    // Flux's defaults mean what Plumb does anyway.
    if (name == "deletionPolicy" && value.is_string() && value.as_string() == "MirrorPrune")
      continue;
    if (name == "provider" && value.is_string() && value.as_string() == "generic") continue;
    bool refuse = contains(fields.refused, name) || name == "deletionPolicy" || name == "provider";
    (refuse ? out.refused : out.ignored).push_back(std::move(path));
  }
  return out;
}

}  // namespace plumb::controller
