// AppProject (app_project_types.go) and the rules Argo CD checks an Application and its
// resources against: IsSourcePermitted, IsDestinationPermitted, IsGroupKindNamePermitted,
// IsAppNamespacePermitted, util/argo ValidatePermissions and the controller's
// validateSyncPermissions — with their messages.
#include <cctype>

#include "argo/application.hpp"
#include "argo/glob.hpp"
#include "argo/spec_reader.hpp"
#include "core/strings.hpp"
#include "helm/ignore.hpp"

namespace plumb::argo {

namespace {

Result<std::vector<GroupKind>> read_group_kinds(const SpecReader& r, const Field& f,
                                                bool with_name) {
  return r.maps(f, [&](const Field& item) -> Result<GroupKind> {
    GroupKind gk;
    gk.group = TRY(r.string(item["group"]));
    gk.kind = TRY(r.string(item["kind"]));
    if (with_name) gk.name = TRY(r.string(item["name"]));
    return gk;
  });
}

bool is_deny(std::string_view pattern) {
  return pattern.starts_with('!');
}

// Argo's globMatch: "!x" negates x when negation is allowed; "*" matches anything.
bool glob_match_negatable(std::string_view pattern, std::string_view value, bool allow_negation,
                          std::string_view separators = {}) {
  if (allow_negation && is_deny(pattern)) return !glob_match(pattern.substr(1), value, separators);
  if (pattern == "*") return true;
  return glob_match(pattern, value, separators);
}

// Go's filepath.Match; a malformed pattern matches nothing.
bool path_match(std::string_view pattern, std::string_view value) {
  Result<bool> matched = helm::go_path_match(pattern, value);
  return matched && *matched;
}

bool in_list(std::string_view group, std::string_view kind, std::string_view name,
             const std::vector<GroupKind>& list, bool by_name) {
  for (const GroupKind& item : list) {
    if (!path_match(item.kind, kind) || !path_match(item.group, group)) continue;
    if (!by_name || item.name.empty() || path_match(item.name, name)) return true;
  }
  return false;
}

// isDestinationMatched over the project's destinations and, for a project-scoped cluster of
// `clusters`, the implicit ones GetAppProjectByName adds: its server with each of its
// namespaces, or with any.
bool destination_matched(const AppProject& project, std::string_view server, std::string_view name,
                         std::string_view namespace_, std::span<const Cluster> clusters) {
  std::vector<ProjectDestination> destinations = project.destinations;
  for (const Cluster& c : clusters) {
    if (c.invalid || c.project.empty() || c.project != project.name) continue;
    if (c.namespaces.empty()) destinations.push_back(ProjectDestination{c.server, "", "*"});
    for (const std::string& ns : c.namespaces)
      destinations.push_back(ProjectDestination{c.server, "", ns});
  }
  bool any = false;
  for (const ProjectDestination& item : destinations) {
    bool name_matched = !name.empty() && glob_match_negatable(item.name, name, true);
    bool server_matched = !server.empty() && glob_match_negatable(item.server, server, true);
    bool namespace_matched = glob_match_negatable(item.namespace_, namespace_, true);
    if ((server_matched || name_matched) && namespace_matched) {
      any = true;
    } else if ((!name_matched && is_deny(item.name)) ||
               (!server_matched && is_deny(item.server) && namespace_matched)) {
      return false;  // Go's precedence: a || (b && c)
    } else if (!namespace_matched && is_deny(item.namespace_) && server_matched) {
      return false;
    }
  }
  return any;
}

// Go's %s of an ApplicationSource value (the struct, not a pointer: no String method):
// {repoURL path targetRevision helm kustomize directory plugin chart ref name tagPrefix}.
std::string go_source_dump(const ApplicationSource& s) {
  auto pointer = [](bool set, std::string_view type) {
    return set ? std::string("&{...}") : "%!s(*v1alpha1." + std::string(type) + "=<nil>)";
  };
  return "{" + s.repo_url + " " + s.path + " " + s.target_revision + " " +
         pointer(s.helm.has_value(), "ApplicationSourceHelm") + " " +
         pointer(s.kustomize.has_value(), "ApplicationSourceKustomize") + " " +
         pointer(s.directory.has_value(), "ApplicationSourceDirectory") + " " +
         pointer(false, "ApplicationSourcePlugin") + " " + s.chart + " " + s.ref + " " + s.name +
         " }";
}

// validateSourcePermissions: the fields a source needs.
std::optional<std::string> source_incomplete(const ApplicationSource& s, bool multi_source) {
  if (multi_source) {
    if (s.repo_url.empty() || (s.path.empty() && s.chart.empty() && s.ref.empty()))
      return "spec.source.repoURL and either source.path, source.chart, or source.ref are "
             "required for source " +
             go_source_dump(s);
  } else if (s.repo_url.empty() || (s.path.empty() && s.chart.empty())) {
    return std::string(
        "spec.source.repoURL and either spec.source.path or spec.source.chart are required");
  }
  if (!s.chart.empty() && s.target_revision.empty())
    return std::string(
        "spec.source.targetRevision is required if the manifest source is a helm chart");
  return std::nullopt;
}

// The parts of a URL Go's net/url.Parse refuses (a subset: control characters, bad escapes,
// a missing scheme before ':', an invalid port or host character).
bool url_parses(std::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(url[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == '%' &&
        (i + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[i + 1])) ||
         !std::isxdigit(static_cast<unsigned char>(url[i + 2]))))
      return false;
  }
  std::string_view rest = url.substr(0, url.find('#'));
  rest = rest.substr(0, rest.find('?'));
  // getScheme: letters, then letters, digits, '+', '-', '.', up to ':'.
  size_t colon = std::string_view::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
      continue;
    if (c == ':') {
      if (i == 0) return false;  // "missing protocol scheme"
      colon = i;
    }
    break;
  }
  if (colon == std::string_view::npos) {
    size_t slash = rest.find('/');
    return rest.substr(0, slash).find(':') == std::string_view::npos;
  }
  rest.remove_prefix(colon + 1);
  if (!rest.starts_with("//")) return true;
  rest.remove_prefix(2);
  std::string_view authority = rest.substr(0, rest.find('/'));
  size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    host.remove_prefix(close + 1);
    if (!host.empty() && !host.starts_with(':')) return false;
  }
  if (size_t port = host.rfind(':'); port != std::string_view::npos) {
    for (char c : host.substr(port + 1))
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;  // "invalid port"
    host = host.substr(0, port);
  }
  for (char c : host)
    if (std::string_view(" <>\"{}|\\^`").find(c) != std::string_view::npos) return false;
  return true;
}

// git.IsSSHURL: ^(ssh://)?([^/:]*?)@[^@]+$
bool is_ssh_url(std::string_view url) {
  if (url.starts_with("ssh://")) url.remove_prefix(6);
  size_t at = url.rfind('@');
  if (at == std::string_view::npos || at + 1 == url.size()) return false;
  return url.substr(0, at).find_first_of("/:") == std::string_view::npos;
}

}  // namespace

bool destination_permitted(const AppProject& project, std::string_view server,
                           std::string_view name, std::string_view namespace_,
                           std::span<const Cluster> clusters) {
  if (!destination_matched(project, server, name, namespace_, clusters)) return false;
  if (!project.permit_only_project_scoped_clusters) return true;
  // Only the project's own clusters (the built-in in-cluster belongs to no project).
  for (const Cluster& c : clusters)
    if (!c.invalid && !c.project.empty() && c.project == project.name &&
        (c.name == name || c.server == server))
      return true;
  return false;
}

bool source_permitted(const AppProject& project, std::string_view repo_url) {
  std::string source = normalize_git_url(repo_url);
  bool any = false;
  for (const std::string& pattern : project.source_repos) {
    std::string normalized = is_deny(pattern)
                                 ? "!" + normalize_git_url(std::string_view(pattern).substr(1))
                                 : normalize_git_url(pattern);
    if (glob_match_negatable(normalized, source, true, "/"))
      any = true;
    else if (is_deny(normalized))
      return false;
  }
  return any;
}

std::string normalize_git_url(std::string_view url) {
  std::string repo(trim(url));
  for (char& c : repo)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (is_ssh_url(repo) && !repo.starts_with("ssh://")) {
    if (size_t colon = repo.find(':'); colon != std::string::npos) repo[colon] = '/';
    repo = "ssh://" + repo;
  }
  if (repo.ends_with(".git")) repo.resize(repo.size() - 4);
  if (!url_parses(repo)) return "";
  if (repo.starts_with("ssh://")) repo.erase(0, 6);
  return repo;
}

Result<AppProject> parse_app_project(const Node& object) {
  OpenedObject opened = TRY(open_object("AppProject", object));
  const SpecReader& r = opened.reader;
  AppProject p;
  p.name = std::move(opened.name);
  p.namespace_ = std::move(opened.namespace_);
  Field spec = opened.root["spec"];
  if (spec.present()) TRY_VOID(r.entry(spec));
  p.source_repos = TRY(r.strings(spec["sourceRepos"]));
  auto read_destination = [&](const Field& item) -> Result<ProjectDestination> {
    ProjectDestination d;
    d.server = TRY(r.string(item["server"]));
    d.name = TRY(r.string(item["name"]));
    d.namespace_ = TRY(r.string(item["namespace"]));
    return d;
  };
  p.destinations = TRY(r.maps(spec["destinations"], read_destination));

  p.cluster_resource_whitelist = TRY(read_group_kinds(r, spec["clusterResourceWhitelist"], true));
  p.cluster_resource_blacklist = TRY(read_group_kinds(r, spec["clusterResourceBlacklist"], true));
  p.has_namespace_resource_whitelist = spec["namespaceResourceWhitelist"].present();
  p.namespace_resource_whitelist =
      TRY(read_group_kinds(r, spec["namespaceResourceWhitelist"], false));
  p.namespace_resource_blacklist =
      TRY(read_group_kinds(r, spec["namespaceResourceBlacklist"], false));
  Field orphaned = spec["orphanedResources"];
  p.has_orphaned = TRY(r.map(orphaned));
  p.orphaned_warn = TRY(r.boolean(orphaned["warn"]));
  p.orphaned_ignore = TRY(read_group_kinds(r, orphaned["ignore"], true));
  p.source_namespaces = TRY(r.strings(spec["sourceNamespaces"]));
  p.permit_only_project_scoped_clusters = TRY(r.boolean(spec["permitOnlyProjectScopedClusters"]));
  return p;
}

AppProject default_project(std::string namespace_) {
  AppProject p;
  p.name = std::string(k_default_project);
  p.namespace_ = std::move(namespace_);
  p.source_repos = {"*"};
  p.destinations = {ProjectDestination{"*", "", "*"}};
  p.cluster_resource_whitelist = {GroupKind{"*", "*", ""}};
  return p;
}

std::vector<std::string> project_refusals(const AppProject& project, const Application& app,
                                          std::span<const Cluster> clusters) {
  std::vector<std::string> out;
  auto not_permitted = [&](const ApplicationSource& s) {
    return "application repo " + s.repo_url + " is not permitted in project '" + project.name + "'";
  };
  for (const ApplicationSource& source : app.sources) {
    if (std::optional<std::string> incomplete = source_incomplete(source, app.multi_source)) {
      out.push_back(std::move(*incomplete));
      return out;
    }
    if (!source_permitted(project, source.repo_url)) out.push_back(not_permitted(source));
    if (!app.multi_source) break;
  }
  Result<Cluster> cluster =
      destination_cluster(app.destination.name, app.destination.server, clusters);
  if (!cluster) {
    out.push_back(cluster.error().message());
    return out;
  }
  if (!destination_permitted(project, cluster->server, cluster->name, app.destination.namespace_,
                             clusters)) {
    const std::string& server = app.destination.name.empty() ? cluster->server : cluster->name;
    out.push_back("application destination server '" + server + "' and namespace '" +
                  app.destination.namespace_ +
                  "' do not match any of the allowed destinations in project '" + project.name +
                  "'");
  }
  return out;
}

std::optional<std::string> project_refusal(const AppProject& project, const Application& app,
                                           std::span<const Cluster> clusters) {
  std::vector<std::string> refusals = project_refusals(project, app, clusters);
  if (refusals.empty()) return std::nullopt;
  return refusals.front();
}

std::optional<std::string> app_namespace_refusal(const AppProject& project,
                                                 const Application& app) {
  if (app.namespace_.empty() || app.namespace_ == project.namespace_) return std::nullopt;
  // glob.MatchStringInList(..., REGEXP): /regex/ entries are not evaluated by Plumb; every
  // entry is also tried as a glob, as Argo does after a failed regex.
  for (const std::string& pattern : project.source_namespaces)
    if (glob_match(pattern, app.namespace_)) return std::nullopt;
  return "application '" + app.name + "' in namespace '" + app.namespace_ +
         "' is not permitted to use project '" + project.name + "'";
}

bool resource_permitted(const AppProject& project, std::string_view group, std::string_view kind,
                        bool namespaced, std::string_view name) {
  if (namespaced) {
    bool white = !project.has_namespace_resource_whitelist ||
                 in_list(group, kind, name, project.namespace_resource_whitelist, false);
    bool black = in_list(group, kind, name, project.namespace_resource_blacklist, false);
    return white && !black;
  }
  return in_list(group, kind, name, project.cluster_resource_whitelist, true) &&
         !in_list(group, kind, name, project.cluster_resource_blacklist, true);
}

std::optional<std::string> resource_refusal(const AppProject& project, const Application& app,
                                            const Node& object, bool namespaced,
                                            std::span<const Cluster> clusters) {
  std::string_view api_version = object.string_at({"apiVersion"});
  size_t slash = api_version.find('/');
  std::string group(slash == std::string_view::npos ? std::string_view()
                                                    : api_version.substr(0, slash));
  std::string kind(object.string_at({"kind"}));
  if (!resource_permitted(project, group, kind, namespaced, object.string_at({"metadata", "name"})))
    return "resource " + group + ":" + kind + " is not permitted in project " + project.name;
  if (!namespaced) return std::nullopt;
  std::string namespace_(object.string_at({"metadata", "namespace"}));
  if (namespace_.empty()) namespace_ = app.destination.namespace_;
  Result<Cluster> cluster =
      destination_cluster(app.destination.name, app.destination.server, clusters);
  if (cluster &&
      destination_permitted(project, cluster->server, cluster->name, namespace_, clusters))
    return std::nullopt;
  return "namespace " + namespace_ + " is not permitted in project '" + project.name + "'";
}

}  // namespace plumb::argo
