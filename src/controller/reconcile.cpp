#include "controller/reconcile.hpp"

#include <algorithm>

#include "controller/decryption.hpp"
#include "controller/flux_types.hpp"
#include "controller/json_patch.hpp"
#include "controller/ocirepository.hpp"
#include "controller/postbuild.hpp"
#include "controller/status.hpp"
#include "core/base64.hpp"
#include "core/conditions.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/recording_fs.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"
#include "render/render_path.hpp"
#include "sync/health.hpp"
#include "sync/plan.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

const kube::Resource k_git_repositories{"source.toolkit.fluxcd.io", "v1", "GitRepository",
                                        "gitrepositories", true};
const kube::Resource k_kustomizations{"kustomize.toolkit.fluxcd.io", "v1", "Kustomization",
                                      "kustomizations", true};

namespace {

constexpr std::string_view k_manager = "plumb";
constexpr std::string_view k_overlay_dir = "/.plumb-overlay";
constexpr std::string_view k_source_dir = "/source";

// Flux's printer columns: `kubectl get` shows what the Ready condition says, as it does
// against Flux's own CRDs. The spec columns come first (GitRepository's URL).
constexpr std::string_view k_status_columns =
    "    - name: Age\n      type: date\n      jsonPath: .metadata.creationTimestamp\n"
    "    - name: Ready\n      type: string\n"
    "      jsonPath: .status.conditions[?(@.type==\"Ready\")].status\n"
    "    - name: Status\n      type: string\n"
    "      jsonPath: .status.conditions[?(@.type==\"Ready\")].message\n";

Node crd(const kube::Resource& r, std::string_view singular, std::string_view short_name,
         std::string_view spec_columns) {
  std::string text =
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
      "metadata:\n  name: " +
      r.name + "." + r.group +
      "\n"
      "spec:\n  group: " +
      r.group +
      "\n  scope: Namespaced\n"
      "  names:\n    kind: " +
      r.kind + "\n    listKind: " + r.kind +
      "List\n"
      "    plural: " +
      r.name + "\n    singular: " + std::string(singular) +
      "\n"
      "    shortNames: [" +
      std::string(short_name) +
      "]\n"
      "  versions:\n  - name: " +
      r.version +
      "\n    served: true\n"
      "    storage: true\n    subresources:\n      status: {}\n"
      "    additionalPrinterColumns:\n" +
      std::string(spec_columns) + std::string(k_status_columns) +
      "    schema:\n      openAPIV3Schema:\n        type: object\n"
      "        x-kubernetes-preserve-unknown-fields: true\n";
  return parse_yaml(text, "flux CRD").value();
}

Node status_object(const kube::Resource& r, const Node& object, Node status) {
  Node out = Node::map();
  out.set("apiVersion", Node::string(r.api_version()));
  out.set("kind", Node::string(r.kind));
  out["metadata"].set("name", *object.at_path({"metadata", "name"}));
  out["metadata"].set("namespace", *object.at_path({"metadata", "namespace"}));
  out.set("status", std::move(status));
  return out;
}

// Renders the Kustomization's path from the source tree with Flux's overlay fields. The tree
// is mounted at k_source_dir and the overlay lies beside it, never inside: with `path: ./`
// the overlay refers to the tree's root, which must not contain the overlay (kustomize
// refuses that as a cycle). With decryption keys, the encrypted generator sources and patches
// are decrypted first (into the overlay), so the build sees plaintext.
struct RenderedTree {
  std::vector<Node> objects;
  bool holds_plaintext = false;  // decrypted sources went into the objects
};
Result<RenderedTree> render_tree(const FileSystem& tree, const KustomizationSpec& spec,
                                 const DecryptionKeys* keys) {
  std::string path = clean_path("/" + spec.path);
  if (!tree.is_dir(path))
    return fail("spec.path: ", spec.path, ": no such directory in the source");
  MountedFileSystem files(tree, std::string(k_source_dir));
  OverlayFileSystem fs(files);
  std::string mounted = clean_path(std::string(k_source_dir) + path);
  bool has_kustomization = tree.is_file(join_path(path, "kustomization.yaml")) ||
                           tree.is_file(join_path(path, "kustomization.yml")) ||
                           tree.is_file(join_path(path, "Kustomization"));
  if (!has_kustomization) {
    Node generated = Node::map();
    generated.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
    generated.set("kind", Node::string("Kustomization"));
    Node& resources = generated["resources"];
    resources = Node::list();
    for (const std::string& r : TRY(render::manifest_resources(files, mounted))) {
      resources.push_back(Node::string(r));
    }
    fs.add_file(join_path(mounted, "kustomization.yaml"), to_yaml(generated));
  }
  RenderedTree out;
  if (keys) out.holds_plaintext = TRY(decrypt_sources(fs, k_source_dir, mounted, *keys)) > 0;
  fs.add_file(std::string(k_overlay_dir) + "/kustomization.yaml",
              to_yaml(overlay_kustomization(spec, ".." + mounted)));
  render::BuildOptions options;
  options.restrictor = render::LoadRestrictor::none;  // as Flux builds
  out.objects = TRY(render::build_kustomization(fs, k_overlay_dir, options));
  return out;
}

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};
const kube::Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};

std::string ns_of(const Node& object) {
  return std::string(object.string_at({"metadata", "namespace"}));
}

// The keys spec.decryption names: its Secret's, else the controller-wide age Secret's, else
// none (encrypted data then fails to decrypt, as in Flux, rather than being applied).
Result<std::optional<DecryptionKeys>> decryption_keys(
    kube::Client& client, const KustomizationSpec& spec, std::string_view ns,
    const std::optional<NamespacedName>& global_age_secret) {
  if (!spec.decryption) return std::nullopt;
  NamespacedName ref{std::string(ns), spec.decryption->secret_name};
  KeyEntries entries = KeyEntries::all;
  if (ref.name.empty()) {
    if (!global_age_secret) return DecryptionKeys{};
    ref = *global_age_secret;
    entries = KeyEntries::age_only;
  }
  std::string id = ref.namespace_ + "/" + ref.name;
  auto secret = client.get(k_secrets, ref.namespace_, ref.name);
  if (!secret)
    return fail("cannot get sops decryption Secret '", id, "': ", secret.error().message());
  if (!*secret) return fail("sops decryption Secret '", id, "' not found");
  return keys_from_secret(**secret, id, entries);
}

// spec.postBuild's variables, from the cluster, substituted into the rendered objects (in
// Flux's strict mode: an unset variable without a default is an error).
Result<std::vector<Node>> post_build(kube::Client& client, const KustomizationSpec& spec,
                                     std::string_view ns, std::vector<Node> objects) {
  if (!spec.post_build) return objects;
  ObjectLookup lookup = [&](std::string_view kind, std::string_view in,
                            std::string_view name) -> Result<std::optional<Node>> {
    return client.get(kind == "Secret" ? k_secrets : k_config_maps, in, name);
  };
  render::Variables vars = TRY(postbuild_variables(*spec.post_build, ns, lookup));
  return substitute_objects(std::move(objects), vars, spec.post_build->always,
                            render::Unset::error);
}

// Why nothing is applied for an object with fields Plumb must refuse.
Error refusal(const UnsupportedFields& fields) {
  std::string names;
  for (const std::string& f : fields.refused)
    names += (names.empty() ? "" : ", ") + f;
  bool one = fields.refused.size() == 1;
  return Error(names + (one ? " is" : " are") +
               " not supported by Plumb yet; nothing was applied (remove " + (one ? "it" : "them") +
               " or reconcile this object with Flux)");
}

}  // namespace

namespace {

// A CRD an earlier Plumb installed (its field manager is Plumb's) whose versions differ from
// what this one installs, e.g. without the printer columns. A CRD another tool installed
// (Flux's own, with full schemas) is left as it is.
bool outdated_by_plumb(const Node& live, const Node& wanted) {
  bool plumbs = false;
  if (const Node* managers = live.at_path({"metadata", "managedFields"})) {
    for (const Node& m : managers->items())
      plumbs = plumbs || m.string_at({"manager"}) == k_manager;
  }
  const Node* versions = live.at_path({"spec", "versions"});
  return plumbs && (versions == nullptr || *versions != *wanted.at_path({"spec", "versions"}));
}

}  // namespace

std::vector<Node> flux_crds() {
  // OCIRepository: v1 stored, v1beta2 served as well (the version most users still write);
  // the schema preserves unknown fields, so both read the same.
  Node oci = crd(k_oci_repositories, "ocirepository", "ocirepo",
                 "    - name: URL\n      type: string\n      jsonPath: .spec.url\n");
  Node& versions = oci["spec"]["versions"];
  Node beta = versions.items()[0];
  beta.set("name", Node::string("v1beta2"));
  beta.set("storage", Node::boolean(false));
  versions.push_back(std::move(beta));
  return {crd(k_git_repositories, "gitrepository", "gitrepo",
              "    - name: URL\n      type: string\n      jsonPath: .spec.url\n"),
          crd(k_kustomizations, "kustomization", "ks", ""),
          crd(k_helm_releases, "helmrelease", "hr", ""),
          crd(k_helm_repositories, "helmrepository", "helmrepo",
              "    - name: URL\n      type: string\n      jsonPath: .spec.url\n"),
          std::move(oci)};
}

Result<void> install_flux_crds(kube::Client& client) {
  return install_crds(client, flux_crds());
}

Result<void> install_crds(kube::Client& client, const std::vector<Node>& definitions) {
  static const kube::Resource crds{"apiextensions.k8s.io", "v1", "CustomResourceDefinition",
                                   "customresourcedefinitions", false};
  bool changed = false;
  for (const Node& crd : definitions) {
    auto live = TRY(client.get(crds, "", crd.string_at({"metadata", "name"})));
    if (live && !outdated_by_plumb(*live, crd)) continue;
    TRY(client.apply(crds, crd, k_manager, kube::Force::yes, kube::DryRun::no));
    changed = true;
  }
  if (changed) client.invalidate_discovery();
  return {};
}

std::string commit_of(std::string_view revision) {
  size_t at = revision.find("sha1:");
  return at == std::string_view::npos ? "" : std::string(revision.substr(at + 5));
}

namespace {

// The Flux kind an object is, for the kinds that take our finalizer.
const kube::Resource& finalized_kind(const Node& object) {
  return object.string_at({"kind"}) == k_helm_releases.kind ? k_helm_releases : k_kustomizations;
}

std::string written_key(const kube::Resource& resource, std::string_view ns,
                        std::string_view name) {
  std::string key = resource.name;
  key.append("/").append(ns).append("/").append(name);
  return key;
}

}  // namespace

Result<std::optional<Node>> Reconcilers::read(const kube::Resource& resource, const std::string& ns,
                                              const std::string& name) {
  if (m_cache && m_cache->follows(resource, ns)) {
    std::optional<Node> cached = m_cache->get(resource, ns, name);
    std::lock_guard lock(m_written_mutex);
    auto written = m_written.find(written_key(resource, ns, name));
    // Read your writes: a status computed from an older one would drop what the last write
    // added (the inventory the next prune needs). The cache is up to date when it holds the
    // version we wrote; any other version may be older, and is fetched.
    if (written == m_written.end()
            ? cached.has_value()
            : cached && cached->string_at({"metadata", "resourceVersion"}) == written->second)
      return cached;
  }
  return m_client.get(resource, ns, name);
}

Result<source::GitAuth> Reconcilers::auth_from_secret(const std::string& ns,
                                                      const std::string& name) {
  source::GitAuth auth;
  if (name.empty()) return auth;
  auto secret = TRY(m_client.get(k_secrets, ns, name));
  if (!secret) return fail("secret ", ns, "/", name, " not found");
  auto value = [&](std::string_view key) {
    const Node* data = secret->at_path({"data", key});
    if (!data) return std::string();
    return base64_decode(data->as_string()).value_or("");
  };
  auth.username = value("username");
  auth.password = value("password");
  auth.bearer_token = value("bearerToken");
  auth.identity = value("identity");
  auth.known_hosts = value("known_hosts");
  auth.ca_pem = value("ca.crt");
  return auth;
}

Outcome Reconcilers::reconcile_source(const Node& object) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  auto fetched = [&]() -> Step<source::Revision> {
    GitRepositorySpec spec =
        TRY(because(Reason::git_operation_failed, parse_git_repository(object)));
    if (spec.suspend) return std::unexpected(Outcome{.reason = Reason::suspended});
    TRY(supported(object));
    source::GitAuth auth =
        TRY(because(Reason::git_operation_failed, auth_from_secret(ns, spec.secret_name)));
    return because(Reason::git_operation_failed,
                   m_sources.with(spec.url, [&](source::GitSource& src) {
                     return src.fetch(spec.ref, auth);
                   }));
  }();
  if (!fetched) return std::move(fetched).error();
  return Outcome{.reason = Reason::succeeded, .revision = fetched->text};
}

Outcome Reconcilers::reconcile_kustomization(const Node& object, HealthMode mode) {
  std::string revision;
  PinState pin;
  auto outcome = [&]() -> Step<Outcome> {
    KustomizationSpec spec =
        TRY(because(Reason::reconciliation_failed, parse_kustomization(object)));
    if (spec.suspend) return Outcome{.reason = Reason::suspended};
    std::vector<std::string> ignored = TRY(supported(object));
    TRY(dependencies_ready(k_kustomizations, spec.depends_on));
    Artifact artifact = TRY(source_artifact(spec.source_ref));
    pin = TRY(pinned(object, artifact));
    revision = artifact.revision;
    std::optional<DecryptionKeys> keys = TRY(because(
        Reason::build_failed, decryption_keys(m_client, spec, ns_of(object), m_sops_age_secret)));
    Rendered rendered = TRY(render(object, spec, artifact, keys ? &*keys : nullptr));
    std::vector<Node> objects = std::move(rendered.objects);
    if (keys)
      objects = TRY(because(Reason::build_failed, decrypt_objects(std::move(objects), *keys)));
    objects = TRY(because(Reason::build_failed,
                          post_build(m_client, spec, ns_of(object), std::move(objects))));
    Outcome out = m_pipeline.run(kustomization_target(object, spec), std::move(objects), mode);
    out.render_reused = rendered.reused;
    out.ignored_fields = std::move(ignored);
    return out;
  }();
  Outcome out = outcome ? std::move(*outcome) : std::move(outcome).error();
  out.revision = revision;
  out.pin = std::move(pin.in_force);
  out.unpinned = pin.cleared;
  return out;
}

Step<Reconcilers::PinState> Reconcilers::pinned(const Node& object, Artifact& artifact) {
  std::optional<Pin> pin = pin_of(object);
  if (!pin) return PinState{};
  if (pin->from != artifact.revision) {  // a new commit since the rollback: it applies
    Node written = TRY(because(Reason::reconciliation_failed,
                               patch_tested(m_client, k_kustomizations, object,
                                            unpin_operations(object), "rollback pin")));
    remember_write(k_kustomizations, written);
    return PinState{.in_force = std::nullopt, .cleared = true};
  }
  auto refuse = [&](std::string why) {
    return std::unexpected(Outcome::failure(
        Reason::reconciliation_failed,
        Error("rollback to '" + pin->to + "': " + why + "; `plumb resume` clears the pin")));
  };
  if (!artifact.oci_digest.empty()) return refuse("an OCIRepository source cannot be pinned");
  std::string commit = commit_of(pin->to);
  if (commit.size() != 40) return refuse("not a git revision (BRANCH@sha1:<40 hex digits>)");
  auto known =
      m_sources.with(artifact.url, [&](source::GitSource& src) { return src.commit_info(commit); });
  if (!known) return refuse("commit " + commit + " is not in the history of " + artifact.url);
  artifact.revision = pin->to;
  return PinState{.in_force = std::move(pin), .cleared = false};
}

Step<std::vector<std::string>> Reconcilers::supported(const Node& object) {
  UnsupportedFields fields = unsupported_fields(object);
  if (fields.refused.empty()) return std::move(fields.ignored);
  return std::unexpected(Outcome::failure(Reason::unsupported_field, refusal(fields)));
}

Step<void> Reconcilers::dependencies_ready(const kube::Resource& kind,
                                           const std::vector<NamespacedName>& depends_on) {
  for (const NamespacedName& dep : depends_on) {
    auto other = TRY(because(Reason::reconciliation_failed, read(kind, dep.namespace_, dep.name)));
    if (!other || !is_ready(*other)) {
      return std::unexpected(Outcome::failure(
          Reason::dependency_not_ready,
          Error("dependency '" + dep.namespace_ + "/" + dep.name + "' is not ready")));
    }
  }
  return {};
}

Step<Reconcilers::Artifact> Reconcilers::source_artifact(const SourceRef& ref) {
  if (ref.kind == k_oci_repositories.kind) return oci_source_artifact(ref);
  auto source =
      TRY(because(Reason::artifact_failed, read(k_git_repositories, ref.namespace_, ref.name)));
  std::string revision(source ? source->string_at({"status", "artifact", "revision"}) : "");
  if (revision.empty()) {
    return std::unexpected(Outcome::failure(Reason::artifact_failed,
                                            Error("Source artifact not found for GitRepository '" +
                                                  ref.namespace_ + "/" + ref.name + "'")));
  }
  return Artifact{std::string(source->string_at({"spec", "url"})), std::move(revision)};
}

Step<Reconcilers::Rendered> Reconcilers::render(const Node& object, const KustomizationSpec& spec,
                                                const Artifact& artifact,
                                                const DecryptionKeys* keys) {
  // Rendered again only when the revision's tree answers some question of the last render
  // differently (or the overlay fields changed). A render that decrypted sources is not kept:
  // plaintext lives only for its reconcile.
  std::string cache_key(object.string_at({"metadata", "namespace"}));
  cache_key += "/";
  cache_key += object.string_at({"metadata", "name"});
  std::string fingerprint = spec.path + "\n" + to_json(overlay_kustomization(spec, spec.path));
  Rendered out;
  auto render_files = [&](const FileSystem& files) -> Result<std::vector<Node>> {
    if (auto cached = m_renders.lookup(cache_key, fingerprint, files)) {
      out.reused = true;
      return std::move(*cached);
    }
    RecordingFileSystem recording(files);
    auto rendered = render_tree(recording, spec, keys);
    // Only a missing commit carries 404: the render's own errors are build failures.
    if (!rendered) return std::unexpected(Error(rendered.error().message()));
    if (!rendered->holds_plaintext) {
      m_renders.store(cache_key, std::move(fingerprint), recording.inputs(), rendered->objects);
    }
    return std::move(rendered->objects);
  };
  if (!artifact.oci_digest.empty()) {  // an OCIRepository's tar+gzip of manifests
    std::string layer = TRY(oci_layer(artifact));
    MemoryFileSystem files = TRY(because(Reason::build_failed, artifact_files(layer)));
    out.objects = TRY(because(Reason::build_failed, render_files(files)));
    return out;
  }
  auto objects =
      m_sources.with(artifact.url, [&](source::GitSource& src) -> Result<std::vector<Node>> {
        auto files = TRY(src.files(commit_of(artifact.revision)));
        return render_files(*files);
      });
  if (!objects) {
    // A revision in status whose commit the local cache lacks (a restart with an empty
    // cache): the source's fetch brings it, and queues this reconcile again.
    Reason reason =
        objects.error().code() == 404 ? Reason::artifact_not_fetched : Reason::build_failed;
    return std::unexpected(Outcome::failure(reason, std::move(objects).error()));
  }
  out.objects = std::move(*objects);
  return out;
}

Target kustomization_target(const Node& object, const KustomizationSpec& spec) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  Target target;
  target.owner =
      ObjectRef{k_kustomizations.group, k_kustomizations.version, k_kustomizations.kind, ns, name};
  target.labels = {{"kustomize.toolkit.fluxcd.io/name", name},
                   {"kustomize.toolkit.fluxcd.io/namespace", ns}};
  target.default_namespace = spec.target_namespace;
  target.inventory = inventory_refs(object);
  target.prune = spec.prune ? sync::Prune::yes : sync::Prune::no;
  target.recreate = spec.force ? sync::Recreate::yes : sync::Recreate::no;
  target.allow_empty =
      object.string_at({"metadata", "annotations", k_allow_empty_annotation}) == "true"
          ? AllowEmpty::yes
          : AllowEmpty::no;
  target.wait_for = spec.wait ? WaitFor::all_applied : WaitFor::listed;
  for (const Node& check : spec.health_checks) {
    std::string check_ns(check.string_at({"namespace"}));
    target.health_checks.push_back(HealthCheck{
        std::string(check.string_at({"apiVersion"})), std::string(check.string_at({"kind"})),
        check_ns.empty() ? ns : check_ns, std::string(check.string_at({"name"}))});
  }
  target.timeout = spec.timeout;
  return target;
}

Result<void> Reconcilers::write_status(const kube::Resource& resource, const Node& object,
                                       const Outcome& outcome) {
  if (outcome.reason == Reason::suspended || outcome.reason == Reason::artifact_not_fetched)
    return {};
  // The status is built on the latest one (read your writes): the caller's copy may predate
  // a status this reconciler wrote since (a deferred health wait ending), and building on it
  // would drop what that write added, such as the inventory.
  auto latest = TRY(read(resource, std::string(object.string_at({"metadata", "namespace"})),
                         std::string(object.string_at({"metadata", "name"}))));
  if (!latest) return {};  // deleted meanwhile
  std::string now = now_rfc3339();
  Node status = &resource == &k_git_repositories    ? git_repository_status(*latest, outcome, now)
                : &resource == &k_oci_repositories  ? oci_repository_status(*latest, outcome, now)
                : &resource == &k_helm_repositories ? helm_repository_status(*latest, outcome, now)
                : &resource == &k_helm_releases     ? helm_release_status(*latest, outcome, now)
                                                    : kustomization_status(*latest, outcome, now);
  Node written = TRY(m_client.apply_status(
      resource, status_object(resource, object, std::move(status)), k_manager));
  remember_write(resource, written);
  return {};
}

Result<void> Reconcilers::patch_finalizers(const Node& object, Node operations) {
  // A JSON patch, not an apply: it never creates an object that was deleted meanwhile, and
  // the uid test makes sure it changes the object that was read, not a new one of that name.
  std::vector<Node> ops(operations.items().begin(), operations.items().end());
  const kube::Resource& kind = finalized_kind(object);
  Node written = TRY(patch_tested(m_client, kind, object, std::move(ops), "finalizers"));
  remember_write(kind, written);
  return {};
}

void Reconcilers::remember_write(const kube::Resource& resource, const Node& written) {
  std::lock_guard lock(m_written_mutex);
  m_written[written_key(resource, written.string_at({"metadata", "namespace"}),
                        written.string_at({"metadata", "name"}))] =
      std::string(written.string_at({"metadata", "resourceVersion"}));
}

namespace {

// The position of our finalizer in metadata.finalizers; -1 when absent.
int finalizer_index(const Node& object) {
  const Node* finalizers = object.at_path({"metadata", "finalizers"});
  if (!finalizers || !finalizers->is_list()) return -1;
  std::span<const Node> items = finalizers->items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_string() && items[i].as_string() == k_finalizer) return int(i);
  }
  return -1;
}

}  // namespace

bool holds_finalizer(const Node& object) {
  return finalizer_index(object) >= 0;
}

Result<void> Reconcilers::add_finalizer(const Node& object) {
  if (finalizer_index(object) >= 0) return {};
  std::string key = written_key(finalized_kind(object), object.string_at({"metadata", "namespace"}),
                                object.string_at({"metadata", "name"}));
  {
    // Added already, and the object we were given is older than that write.
    std::lock_guard lock(m_written_mutex);
    if (m_finalized.count(key)) return {};
  }
  Node op = Node::map();
  op.set("op", Node::string("add"));
  const Node* finalizers = object.at_path({"metadata", "finalizers"});
  if (finalizers && finalizers->is_list()) {
    op.set("path", Node::string("/metadata/finalizers/-"));
    op.set("value", Node::string(k_finalizer));
  } else {
    Node list = Node::list();
    list.push_back(Node::string(k_finalizer));
    op.set("path", Node::string("/metadata/finalizers"));
    op.set("value", std::move(list));
  }
  Node ops = Node::list();
  ops.push_back(std::move(op));
  TRY_VOID(patch_finalizers(object, std::move(ops)));
  std::lock_guard lock(m_written_mutex);
  m_finalized.insert(std::move(key));
  return {};
}

Result<sync::SyncResult> Reconcilers::finalize_kustomization(const Node& object) {
  sync::SyncResult result;
  auto spec = parse_kustomization(object);
  if (spec && spec->prune && !spec->suspend) {  // Flux orphans the objects otherwise
    Target target = kustomization_target(object, *spec);
    auto previous = m_pipeline.previous(target);
    if (!previous) return std::unexpected(previous.error().error);
    sync::Syncer syncer(m_client, {});
    syncer.prune(*previous, sync::Plan{}, result);
    if (!result.ok()) return std::unexpected(result.error);  // the finalizer stays: retried
  }
  TRY_VOID(remove_finalizer(object));
  forget(object);
  return result;
}

Result<void> Reconcilers::remove_finalizer(const Node& object) {
  if (int index = finalizer_index(object); index >= 0) {
    std::string path = "/metadata/finalizers/" + std::to_string(index);
    Node test = Node::map(), remove = Node::map();
    test.set("op", Node::string("test"));
    test.set("path", Node::string(path));
    test.set("value", Node::string(k_finalizer));
    remove.set("op", Node::string("remove"));
    remove.set("path", Node::string(path));
    Node ops = Node::list();
    ops.push_back(std::move(test));
    ops.push_back(std::move(remove));
    auto removed = patch_finalizers(object, std::move(ops));
    // Gone already (a finalize that ran twice): done.
    if (!removed && removed.error().code() != 404) return std::unexpected(removed.error());
  }
  return {};
}

void Reconcilers::forget(const Node& object) {
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  m_renders.forget(ns + "/" + name);
  std::lock_guard lock(m_written_mutex);
  m_written.erase(written_key(finalized_kind(object), ns, name));
  m_finalized.erase(written_key(finalized_kind(object), ns, name));
}

Result<std::vector<Node>> kustomization_objects(
    kube::Client& client, const Node& object, const KustomizationSpec& spec, const FileSystem& tree,
    const std::optional<NamespacedName>& sops_age_secret) {
  std::optional<DecryptionKeys> keys =
      TRY(decryption_keys(client, spec, ns_of(object), sops_age_secret));
  std::vector<Node> objects = TRY(render_tree(tree, spec, keys ? &*keys : nullptr)).objects;
  if (keys) objects = TRY(decrypt_objects(std::move(objects), *keys));
  return post_build(client, spec, ns_of(object), std::move(objects));
}

Result<Preview> preview_kustomization(kube::Client& client, const Node& object,
                                      const FileSystem& tree, std::string_view dir) {
  if (UnsupportedFields fields = unsupported_fields(object); !fields.refused.empty())
    return std::unexpected(refusal(fields));
  KustomizationSpec spec = TRY(parse_kustomization(object));
  spec.path = std::string(dir);
  Target target = kustomization_target(object, spec);
  Pipeline pipeline(client, nullptr, {});
  auto error_of = [](Outcome&& outcome) { return std::unexpected(std::move(outcome.error)); };
  Preview out;
  std::vector<Node> objects = TRY(kustomization_objects(client, object, spec, tree));
  auto plan = pipeline.plan(target, std::move(objects));
  if (!plan) return error_of(std::move(plan).error());
  out.plan = std::move(*plan);
  if (target.prune == sync::Prune::no) return out;
  auto previous = pipeline.previous(target);
  if (!previous) return error_of(std::move(previous).error());
  for (sync::PlannedObject& o : *previous) {
    if (out.plan.contains(o.ref)) continue;
    // The live object, as it would be deleted; one that is gone already is no change.
    auto live = TRY(client.get(o.resource, o.ref.namespace_, o.ref.name));
    if (!live) continue;
    o.object = std::move(*live);
    out.pruned.push_back(std::move(o));
  }
  return out;
}

}  // namespace plumb::controller
