#include "cli/flux_manifests.hpp"

#include <algorithm>

#include "core/duration.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::flux {
namespace {

constexpr std::string_view k_git_schemes[] = {"ssh", "http", "https", "file"};

// Sets key to text unless text is empty (Go's omitempty).
void set_if(Node& map, std::string_view key, std::string_view text) {
  if (!text.empty()) map.set(key, Node::string(text));
}

Node name_ref(std::string_view name, std::string_view ns = {}) {
  Node ref = Node::map();
  ref.set("name", Node::string(name));
  set_if(ref, "namespace", ns);
  return ref;
}

Result<void> check_git_url(std::string_view url) {
  if (url.empty()) return fail("url is required");
  size_t colon = url.find("://");
  std::string_view scheme = colon == std::string_view::npos ? "" : url.substr(0, colon);
  if (std::find(std::begin(k_git_schemes), std::end(k_git_schemes), scheme) ==
      std::end(k_git_schemes)) {
    return fail("git URL scheme '", scheme, "' not supported, can be: ssh, http, https, file");
  }
  return {};
}

Node git_ref(const GitSourceOptions& o) {
  Node ref = Node::map();
  if (!o.commit.empty()) {
    set_if(ref, "branch", o.branch);
    ref.set("commit", Node::string(o.commit));
  } else if (!o.ref_name.empty()) {
    ref.set("name", Node::string(o.ref_name));
  } else if (!o.semver.empty()) {
    ref.set("semver", Node::string(o.semver));
  } else if (!o.tag.empty()) {
    ref.set("tag", Node::string(o.tag));
  } else {
    ref.set("branch", Node::string(o.branch));
  }
  return ref;
}

Node depends_on(const std::vector<std::string>& deps) {
  Node list = Node::list();
  for (std::string_view dep : deps) {
    size_t slash = dep.find('/');
    list.push_back(slash == std::string_view::npos
                       ? name_ref(dep)
                       : name_ref(dep.substr(slash + 1), dep.substr(0, slash)));
  }
  return list;
}

}  // namespace

Node object_stub(std::string_view api_version, std::string_view kind, std::string_view name,
                 std::string_view ns) {
  Node object = Node::map();
  object.set("apiVersion", Node::string(api_version));
  object.set("kind", Node::string(kind));
  Node metadata = Node::map();
  metadata.set("name", Node::string(name));
  metadata.set("namespace", Node::string(ns));
  object.set("metadata", std::move(metadata));
  return object;
}

Result<Node> git_repository_manifest(const GitSourceOptions& o) {
  if (o.name.empty()) return fail("GitRepository source name is required");
  TRY_VOID(check_git_url(o.url));
  if (o.branch.empty() && o.tag.empty() && o.semver.empty() && o.commit.empty() &&
      o.ref_name.empty()) {
    return fail(
        "a Git ref is required, use one of the following: --branch, --tag, --commit, "
        "--ref-name or --tag-semver");
  }
  Node object = object_stub("source.toolkit.fluxcd.io/v1", "GitRepository", o.name, o.ns);
  Node spec = Node::map();
  spec.set("interval", Node::string(format_duration(o.interval)));
  spec.set("ref", git_ref(o));
  if (!o.secret_ref.empty()) spec.set("secretRef", name_ref(o.secret_ref));
  spec.set("url", Node::string(o.url));
  object.set("spec", std::move(spec));
  return object;
}

Result<SourceRefArg> parse_source_ref(std::string_view text) {
  text = trim(text);
  if (text.empty()) return fail("source is required");
  SourceRefArg ref;
  std::string_view name = text;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view kind = text.substr(0, slash);
    name = text.substr(slash + 1);
    if (!equal_fold(kind, "GitRepository")) {
      return fail("source kind '", kind, "' is not supported, must be GitRepository");
    }
  }
  if (size_t dot = name.find('.'); dot != std::string_view::npos) {
    ref.namespace_ = std::string(name.substr(dot + 1));
    name = name.substr(0, dot);
  }
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return fail("invalid source '", text, "', expected [<kind>/]<name>[.<namespace>]");
  }
  ref.name = std::string(name);
  return ref;
}

std::string clean_relative_path(std::string_view path) {
  std::vector<std::string_view> parts;
  path = trim(path);
  for (size_t start = 0; start <= path.size();) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out = "./";
  for (size_t i = 0; i < parts.size(); ++i)
    out.append(i ? "/" : "").append(parts[i]);
  return out;
}

Result<Node> kustomization_manifest(const KustomizationOptions& o) {
  if (o.name.empty()) return fail("Kustomization name is required");
  SourceRefArg source = TRY(parse_source_ref(o.source));
  Node object = object_stub("kustomize.toolkit.fluxcd.io/v1", "Kustomization", o.name, o.ns);
  Node spec = Node::map();
  if (!o.depends_on.empty()) spec.set("dependsOn", depends_on(o.depends_on));
  spec.set("interval", Node::string(format_duration(o.interval)));
  spec.set("path", Node::string(clean_relative_path(o.path)));
  spec.set("prune", Node::boolean(o.prune));
  if (o.retry_interval && o.retry_interval->count() > 0) {
    spec.set("retryInterval", Node::string(format_duration(*o.retry_interval)));
  }
  Node source_ref = Node::map();
  source_ref.set("kind", Node::string(source.kind));
  source_ref.set("name", Node::string(source.name));
  set_if(source_ref, "namespace", source.namespace_);
  spec.set("sourceRef", std::move(source_ref));
  set_if(spec, "targetNamespace", o.target_namespace);
  if (o.wait) {
    spec.set("timeout", Node::string(format_duration(o.health_check_timeout)));
    spec.set("wait", Node::boolean(true));
  }
  object.set("spec", std::move(spec));
  return object;
}

std::string export_yaml(const Node& object) {
  return "---\n" + to_yaml(object);
}

}  // namespace plumb::cli::flux
