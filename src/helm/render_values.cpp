#include "helm/render_values.hpp"

#include "helm/semver.hpp"
#include "helm/values.hpp"

namespace plumb::helm {
namespace {

constexpr size_t k_max_release_name = 53;

const std::vector<std::string>& default_api_versions() {
  static const std::vector<std::string> list = {
      "v1",
      "admissionregistration.k8s.io/v1",
      "admissionregistration.k8s.io/v1alpha1",
      "admissionregistration.k8s.io/v1beta1",
      "internal.apiserver.k8s.io/v1alpha1",
      "apps/v1",
      "apps/v1beta1",
      "apps/v1beta2",
      "authentication.k8s.io/v1",
      "authentication.k8s.io/v1alpha1",
      "authentication.k8s.io/v1beta1",
      "authorization.k8s.io/v1",
      "authorization.k8s.io/v1beta1",
      "autoscaling/v1",
      "autoscaling/v2",
      "autoscaling/v2beta1",
      "autoscaling/v2beta2",
      "batch/v1",
      "batch/v1beta1",
      "certificates.k8s.io/v1",
      "certificates.k8s.io/v1beta1",
      "certificates.k8s.io/v1alpha1",
      "coordination.k8s.io/v1alpha2",
      "coordination.k8s.io/v1beta1",
      "coordination.k8s.io/v1",
      "discovery.k8s.io/v1",
      "discovery.k8s.io/v1beta1",
      "events.k8s.io/v1",
      "events.k8s.io/v1beta1",
      "extensions/v1beta1",
      "flowcontrol.apiserver.k8s.io/v1",
      "flowcontrol.apiserver.k8s.io/v1beta1",
      "flowcontrol.apiserver.k8s.io/v1beta2",
      "flowcontrol.apiserver.k8s.io/v1beta3",
      "networking.k8s.io/v1",
      "networking.k8s.io/v1beta1",
      "node.k8s.io/v1",
      "node.k8s.io/v1alpha1",
      "node.k8s.io/v1beta1",
      "policy/v1",
      "policy/v1beta1",
      "rbac.authorization.k8s.io/v1",
      "rbac.authorization.k8s.io/v1beta1",
      "rbac.authorization.k8s.io/v1alpha1",
      "resource.k8s.io/v1",
      "resource.k8s.io/v1beta2",
      "resource.k8s.io/v1beta1",
      "resource.k8s.io/v1alpha3",
      "scheduling.k8s.io/v1alpha1",
      "scheduling.k8s.io/v1beta1",
      "scheduling.k8s.io/v1",
      "storage.k8s.io/v1beta1",
      "storage.k8s.io/v1",
      "storage.k8s.io/v1alpha1",
      "storagemigration.k8s.io/v1beta1",
      "apiextensions.k8s.io/v1beta1",
      "apiextensions.k8s.io/v1",
  };
  return list;
}

Node strings(const std::vector<std::string>& items) {
  Node list = Node::list();
  for (const auto& s : items)
    list.push_back(Node::string(s));
  return list;
}

}  // namespace

Node Capabilities::to_node() const {
  Node kube = Node::map();
  kube.set("Version", Node::string(kube_version.version));
  kube.set("Major", Node::string(kube_version.major));
  kube.set("Minor", Node::string(kube_version.minor));
  Node helm = Node::map();
  helm.set("version", Node::string(k_helm_version));
  helm.set("git_commit", Node::string("05fa37973dc9e42b76e1d2883494c87174b6074f"));
  helm.set("git_tree_state", Node::string("clean"));
  helm.set("go_version", Node::string("go1.25.9"));
  helm.set("kube_client_version", Node::string("v1.35"));
  Node out = Node::map();
  out.set("KubeVersion", std::move(kube));
  out.set("APIVersions", strings(api_versions));
  out.set("HelmVersion", std::move(helm));
  return out;
}

Result<KubeVersion> parse_kube_version(std::string_view text) {
  // ^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
    ++i;
  if (i < text.size() && text[i] == 'v') ++i;
  std::vector<std::string> components;
  while (true) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      ++i;
    if (i == start) {
      if (components.empty()) return fail("could not parse \"", text, "\" as version");
      i = start - 1;  // the '.' belongs to the extra part
      break;
    }
    components.emplace_back(text.substr(start, i - start));
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      ++i;
      continue;
    }
    break;
  }
  if (components.size() < 2) return fail("illegal version string \"", text, "\"");
  if (components[0].size() > 1 && components[0][0] == '0')
    return fail("illegal zero-prefixed version component \"", components[0], "\" in \"", text,
                "\"");
  KubeVersion v;
  v.version = text.starts_with('v') ? std::string(text) : "v" + std::string(text);
  v.normalized = "v";
  std::vector<std::string> numbers;
  for (const auto& c : components) {
    size_t nz = c.find_first_not_of('0');
    numbers.push_back(nz == std::string::npos ? "0" : c.substr(nz));
  }
  for (size_t k = 0; k < numbers.size(); ++k)
    v.normalized += (k ? "." : "") + numbers[k];
  v.major = numbers[0];
  v.minor = numbers[1];
  return v;
}

Capabilities default_capabilities() {
  Capabilities caps;
  caps.kube_version = KubeVersion{"v1.35.0", "v1.35.0", "1", "35"};
  caps.api_versions = default_api_versions();
  return caps;
}

namespace {

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, Helm's release name
// pattern, checked by hand: compiling it as a std::regex costs ~8M instructions, more than
// rendering a small chart.
bool is_release_name(std::string_view name) {
  auto alphanumeric = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !alphanumeric(label.front()) || !alphanumeric(label.back())) return false;
    for (char c : label)
      if (!alphanumeric(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<void> validate_release_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_release_name || !is_release_name(name))
    return fail("release name check failed: release name \"", name,
                "\": invalid release name, must match regex "
                "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the "
                "length must not be longer than 53");
  return {};
}

Result<void> check_chart(const Chart& chart, const Capabilities& caps) {
  const std::string& type = chart.metadata.type;
  if (type != "" && type != "application") return fail(type, " charts are not installable");
  const std::string& constraint = chart.metadata.kube_version;
  // Checked against the normalized version, reported with the one given.
  if (!constraint.empty() && !is_compatible_range(constraint, caps.kube_version.normalized))
    return fail("chart requires kubeVersion: ", constraint,
                " which is incompatible with Kubernetes ", caps.kube_version.version);
  return {};
}

Node chart_node(const Chart& chart) {
  const Metadata& md = chart.metadata;
  Node deps = Node::list();
  for (const Dependency& d : md.dependencies) {
    Node n = Node::map();
    n.set("Alias", Node::string(d.alias));
    n.set("Condition", Node::string(d.condition));
    n.set("Enabled", Node::boolean(d.enabled));
    n.set("ImportValues", d.import_values.is_list() ? d.import_values : Node::list());
    n.set("Name", Node::string(d.name));
    n.set("Repository", Node::string(d.repository));
    n.set("Tags", strings(d.tags));
    n.set("Version", Node::string(d.version));
    deps.push_back(std::move(n));
  }
  Node maintainers = Node::list();
  for (const Maintainer& m : md.maintainers) {
    Node n = Node::map();
    n.set("Email", Node::string(m.email));
    n.set("Name", Node::string(m.name));
    n.set("URL", Node::string(m.url));
    maintainers.push_back(std::move(n));
  }
  Node out = Node::map();
  out.set("APIVersion", Node::string(md.api_version));
  out.set("Annotations", md.annotations.is_map() ? md.annotations : Node());
  out.set("AppVersion", Node::string(md.app_version));
  out.set("Condition", Node::string(md.condition));
  out.set("Dependencies", std::move(deps));
  out.set("Deprecated", Node::boolean(md.deprecated));
  out.set("Description", Node::string(md.description));
  out.set("Home", Node::string(md.home));
  out.set("Icon", Node::string(md.icon));
  out.set("IsRoot", Node::boolean(chart.is_root));
  out.set("Keywords", strings(md.keywords));
  out.set("KubeVersion", Node::string(md.kube_version));
  out.set("Maintainers", std::move(maintainers));
  out.set("Name", Node::string(md.name));
  out.set("Sources", strings(md.sources));
  out.set("Tags", Node::string(md.tags));
  out.set("Type", Node::string(md.type));
  out.set("Version", Node::string(md.version));
  return out;
}

Node release_node(const ReleaseOptions& release) {
  Node out = Node::map();
  out.set("IsInstall", Node::boolean(release.is_install));
  out.set("IsUpgrade", Node::boolean(release.is_upgrade));
  out.set("Name", Node::string(release.name));
  out.set("Namespace", Node::string(release.namespace_name));
  out.set("Revision", Node::integer(release.revision));
  out.set("Service", Node::string("Helm"));
  return out;
}

Result<Node> to_render_values(const Chart& chart, const Node& user_values,
                              const ReleaseOptions& release, const Capabilities& caps) {
  Node top = Node::map();
  top.set("Chart", chart_node(chart));
  top.set("Capabilities", caps.to_node());
  top.set("Release", release_node(release));
  top.set("Values", TRY(coalesce_values(chart, user_values)));
  return top;
}

}  // namespace plumb::helm
