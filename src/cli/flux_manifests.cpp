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

// The scheme of a URL ("" when it has none).
std::string_view scheme_of(std::string_view url) {
  size_t colon = url.find("://");
  return colon == std::string_view::npos ? "" : url.substr(0, colon);
}

Result<void> check_git_url(std::string_view url) {
  if (url.empty()) return fail("url is required");
  std::string_view scheme = scheme_of(url);
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

enum class Kind : bool { optional, required };

// `[<kind>/]<name>[.<namespace>]`: the kind one of `kinds` (case-insensitively; the first when
// optional and not given).
Result<SourceRefArg> parse_ref(std::string_view text, std::span<const std::string_view> kinds,
                               Kind need, std::string_view what) {
  text = trim(text);
  if (text.empty()) return fail(what, " is required");
  SourceRefArg ref;
  ref.kind = std::string(kinds.front());
  std::string_view name = text;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos && need == Kind::required)
    return fail("invalid ", what, " '", text, "', must be in format <kind>/<name>[.<namespace>]");
  if (slash != std::string_view::npos) {
    std::string_view kind = text.substr(0, slash);
    name = text.substr(slash + 1);
    auto known = std::find_if(kinds.begin(), kinds.end(),
                              [&](std::string_view k) { return equal_fold(k, kind); });
    if (known == kinds.end()) {
      std::string list;
      for (std::string_view k : kinds)
        list.append(list.empty() ? "" : ", ").append(k);
      return fail(what, " kind '", kind, "' is not supported, must be ",
                  kinds.size() > 1 ? "one of: " : "", list);
    }
    ref.kind = std::string(*known);
  }
  if (size_t dot = name.find('.'); dot != std::string_view::npos) {
    ref.namespace_ = std::string(name.substr(dot + 1));
    name = name.substr(0, dot);
  }
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return fail("invalid ", what, " '", text, "', expected ",
                need == Kind::optional ? "[<kind>/]" : "<kind>/", "<name>[.<namespace>]");
  }
  ref.name = std::string(name);
  return ref;
}

// A reference as flux writes it: kind, name, and the namespace when given.
Node kind_name_ref(const SourceRefArg& ref) {
  Node out = Node::map();
  out.set("kind", Node::string(ref.kind));
  out.set("name", Node::string(ref.name));
  set_if(out, "namespace", ref.namespace_);
  return out;
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
  constexpr std::string_view k_kinds[] = {"GitRepository"};
  return parse_ref(text, k_kinds, Kind::optional, "source");
}

Result<SourceRefArg> parse_kind_ref(std::string_view text, std::span<const std::string_view> kinds,
                                    std::string_view what) {
  return parse_ref(text, kinds, Kind::required, what);
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
  spec.set("sourceRef", kind_name_ref(source));
  set_if(spec, "targetNamespace", o.target_namespace);
  if (o.wait) {
    spec.set("timeout", Node::string(format_duration(o.health_check_timeout)));
    spec.set("wait", Node::boolean(true));
  }
  object.set("spec", std::move(spec));
  return object;
}

Result<Node> helm_repository_manifest(const HelmRepositoryOptions& o) {
  if (o.name.empty()) return fail("HelmRepository source name is required");
  if (o.url.empty()) return fail("url is required");
  std::string_view scheme = scheme_of(o.url);
  if (scheme != "http" && scheme != "https" && scheme != "oci")
    return fail("url scheme '", scheme, "' not supported, can be: http, https and oci");
  Node object = object_stub("source.toolkit.fluxcd.io/v1", "HelmRepository", o.name, o.ns);
  Node spec = Node::map();
  spec.set("interval", Node::string(format_duration(o.interval)));
  if (!o.secret_ref.empty()) {
    if (o.pass_credentials) spec.set("passCredentials", Node::boolean(true));
    spec.set("secretRef", name_ref(o.secret_ref));
  }
  if (scheme == "oci") spec.set("type", Node::string("oci"));
  spec.set("url", Node::string(o.url));
  object.set("spec", std::move(spec));
  return object;
}

Result<Node> oci_repository_manifest(const OciRepositoryOptions& o) {
  if (o.name.empty()) return fail("OCIRepository source name is required");
  if (o.url.empty()) return fail("url is required");
  if (scheme_of(o.url) != "oci") return fail("url '", o.url, "' must start with oci://");
  if (o.tag.empty() && o.semver.empty() && o.digest.empty())
    return fail("--tag, --tag-semver or --digest is required");
  Node object = object_stub("source.toolkit.fluxcd.io/v1", "OCIRepository", o.name, o.ns);
  Node spec = Node::map();
  if (o.insecure) spec.set("insecure", Node::boolean(true));
  spec.set("interval", Node::string(format_duration(o.interval)));
  Node ref = Node::map();
  set_if(ref, "digest", o.digest);
  set_if(ref, "semver", o.semver);
  set_if(ref, "tag", o.tag);
  spec.set("ref", std::move(ref));
  if (!o.secret_ref.empty()) spec.set("secretRef", name_ref(o.secret_ref));
  spec.set("url", Node::string(o.url));
  object.set("spec", std::move(spec));
  return object;
}

Result<Node> helm_release_manifest(const HelmReleaseOptions& o) {
  if (o.name.empty()) return fail("HelmRelease name is required");
  if (o.chart.empty() && o.chart_ref.empty()) return fail("chart or chart-ref is required");
  if (!o.chart.empty() && !o.chart_ref.empty())
    return fail("cannot use --chart in combination with --chart-ref");
  Node object = object_stub("helm.toolkit.fluxcd.io/v2", "HelmRelease", o.name, o.ns);
  Node spec = Node::map();
  if (!o.chart_ref.empty()) {
    if (!o.source.empty()) return fail("cannot use --source in combination with --chart-ref");
    constexpr std::string_view k_kinds[] = {"OCIRepository", "HelmChart"};
    spec.set("chartRef",
             kind_name_ref(TRY(parse_kind_ref(o.chart_ref, k_kinds, "chart reference"))));
  } else {
    constexpr std::string_view k_kinds[] = {"HelmRepository", "GitRepository", "Bucket"};
    Node chart = Node::map();
    chart.set("chart", Node::string(o.chart));
    chart.set("reconcileStrategy", Node::string("ChartVersion"));
    chart.set("sourceRef", kind_name_ref(TRY(parse_kind_ref(o.source, k_kinds, "source"))));
    set_if(chart, "version", o.chart_version);
    Node template_ = Node::map();
    template_.set("spec", std::move(chart));
    spec.set("chart", std::move(template_));
  }
  if (!o.depends_on.empty()) spec.set("dependsOn", depends_on(o.depends_on));
  spec.set("interval", Node::string(format_duration(o.interval)));
  set_if(spec, "releaseName", o.release_name);
  set_if(spec, "targetNamespace", o.target_namespace);
  if (o.values.is_map()) spec.set("values", o.values);
  if (!o.values_from.empty()) {
    constexpr std::string_view k_kinds[] = {"Secret", "ConfigMap"};
    Node list = Node::list();
    for (std::string_view text : o.values_from) {
      size_t slash = text.find('/');
      if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size())
        return fail("invalid Kubernetes object reference '", text,
                    "', must be in format <kind>/<name>");
      std::string_view kind = text.substr(0, slash);
      auto known = std::find_if(std::begin(k_kinds), std::end(k_kinds),
                                [&](std::string_view k) { return equal_fold(k, kind); });
      if (known == std::end(k_kinds))
        return fail("reference kind '", kind,
                    "' is not supported, must be one of: Secret, ConfigMap");
      Node ref = Node::map();
      ref.set("kind", Node::string(*known));
      ref.set("name", Node::string(text.substr(slash + 1)));
      list.push_back(std::move(ref));
    }
    spec.set("valuesFrom", std::move(list));
  }
  object.set("spec", std::move(spec));
  return object;
}

std::string export_yaml(const Node& object) {
  return "---\n" + to_yaml(object);
}

}  // namespace plumb::cli::flux
