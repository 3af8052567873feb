// A Helm source as Argo's helmTemplate runs `helm template` (reposerver/repository
// repository.go, util/helm/cmd.go): the flags it builds, value files resolved as
// getResolvedValueFiles resolves them, then the printed documents decoded as kube.SplitYAML
// decodes them.
//
// The chart is read from the tree mounted at k_mount, so files Plumb lays beside it (the
// values of helm.values/valuesObject, value files of ref sources) never land inside the chart.
#include <algorithm>
#include <map>

#include "argo/render_source_parts.hpp"
#include "core/json.hpp"
#include "helm/objects.hpp"
#include "helm/render_values.hpp"
#include "helm/template.hpp"

namespace plumb::argo::detail {
namespace {

constexpr std::string_view k_mount = "/repo";

// Go's url.Parse scheme: letters first, then letters, digits, '+', '-', '.' up to a ':'.
std::string url_scheme(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool more = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (letter || (more && i > 0)) continue;
    if (c == ':' && i > 0) return std::string(s.substr(0, i));
    return "";
  }
  return "";
}

// filepath.Join(root, path) when it stays below root: `path` relative to `base` (absolute
// paths from the root), cleaned; nullopt when ".." climbs above the root.
std::optional<std::string> join_within_root(std::string_view base, std::string_view path) {
  std::string joined =
      is_abs_path(path) ? std::string(path) : std::string(base) + "/" + std::string(path);
  int depth = 0;
  size_t i = 0;
  while (i <= joined.size()) {
    size_t j = std::min(joined.find('/', i), joined.size());
    std::string_view part = std::string_view(joined).substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    depth += part == ".." ? -1 : 1;
    if (depth < 0) return std::nullopt;
  }
  return clean_path(joined);
}

bool is_glob(std::string_view path) {
  return path.find_first_of("*?[") != std::string::npos;
}

// doublestar.FilepathGlob over a tree: `**` is any number of directories, other segments match
// one name (gobwas rules: *, ?, [a-z], [!a], {a,b}); matches in walk order (names sorted).
class DoubleStar {
 public:
  explicit DoubleStar(const FileSystem& tree) : m_tree(tree) {}

  Result<std::vector<std::string>> run(const std::string& pattern) {
    std::string_view rest = std::string_view(pattern).substr(1);
    while (!rest.empty()) {
      size_t slash = rest.find('/');
      m_segments.emplace_back(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    }
    TRY_VOID(walk("/", 0));
    return std::move(m_out);
  }

 private:
  Result<void> walk(const std::string& dir, size_t i) {
    const std::string& seg = m_segments[i];
    if (seg == "**" && i + 1 == m_segments.size()) return everything(dir);
    auto names = m_tree.list_dir(dir);
    if (!names) return {};
    for (const std::string& name : *names) {
      std::string path = join_path(dir, name);
      if (seg == "**") {
        TRY_VOID(entry(path, name, i + 1));
        if (m_tree.is_dir(path)) TRY_VOID(walk(path, i));
      } else {
        TRY_VOID(entry(path, name, i));
      }
    }
    return {};
  }

  Result<void> entry(const std::string& path, std::string_view name, size_t i) {
    auto matched = helm::glob_match(m_segments[i], name);
    if (!matched) return fail("error expanding glob pattern: syntax error in pattern");
    if (!*matched) return {};
    if (i + 1 == m_segments.size()) {
      m_out.push_back(path);
    } else if (m_tree.is_dir(path)) {
      TRY_VOID(walk(path, i + 1));
    }
    return {};
  }

  Result<void> everything(const std::string& dir) {
    auto names = m_tree.list_dir(dir);
    if (!names) return {};
    for (const std::string& name : *names) {
      std::string path = join_path(dir, name);
      m_out.push_back(path);
      if (m_tree.is_dir(path)) TRY_VOID(everything(path));
    }
    return {};
  }

  const FileSystem& m_tree;
  std::vector<std::string> m_segments;
  std::vector<std::string> m_out;
};

// The value files as helm reads them: paths in the render's filesystem, ref sources' files
// copied into it.
class ValueFiles {
 public:
  ValueFiles(const RenderRequest& request, const std::string& chart_dir, const BuildEnv& env,
             OverlayFileSystem& fs)
      : m_request(request), m_chart_dir(chart_dir), m_env(env), m_fs(fs) {}

  // getResolvedValueFiles: in order, without repeats; a glob's matches where the glob
  // stands, except files also named explicitly.
  Result<std::vector<std::string>> resolve(const HelmOptions& helm) {
    std::vector<Resolved> resolved;
    for (const std::string& raw : helm.value_files)
      resolved.push_back(TRY(resolve_one(raw)));
    std::vector<std::string> explicit_files;
    for (const Resolved& r : resolved)
      if (!is_glob(r.path)) explicit_files.push_back(r.key());
    for (const Resolved& r : resolved) {
      if (is_glob(r.path)) {
        auto matches = TRY(DoubleStar(*r.tree).run(r.path));
        if (matches.empty()) {
          if (helm.ignore_missing_value_files) continue;
          return fail("values file glob \"", r.raw, "\" matched no files");
        }
        for (const std::string& m : matches) {
          Resolved match = r;
          match.path = m;
          if (std::find(explicit_files.begin(), explicit_files.end(), match.key()) ==
              explicit_files.end())
            add(match);
        }
        continue;
      }
      if (!r.tree->is_file(r.path) && !r.tree->is_dir(r.path) && helm.ignore_missing_value_files)
        continue;
      add(r);
    }
    return std::move(m_files);
  }

 private:
  struct Resolved {
    std::string raw;
    std::string ref;  // "$name" for a ref source's file, "" for the source's own
    const FileSystem* tree = nullptr;
    std::string path;  // in `tree`
    std::string key() const { return ref + path; }
  };

  const FileSystem* ref_tree(const std::string& name) const {
    for (const auto& [key, tree] : m_request.refs)
      if (key == name || "$" + key == name) return tree;
    return nullptr;
  }

  std::string ref_names() const {
    std::string names;
    for (const auto& [key, tree] : m_request.refs)
      names += (names.empty() ? "" : ", ") + (key.starts_with("$") ? key : "$" + key);
    return names;
  }

  Result<Resolved> resolve_one(const std::string& raw) {
    Resolved r{raw, "", m_request.tree, ""};
    std::string_view path = raw;
    std::string base = m_chart_dir;
    if (raw.starts_with("$")) {
      std::string name = raw.substr(0, raw.find('/'));
      if (const FileSystem* tree = ref_tree(name)) {
        // The rest of the path from the ref source's root, substituted after the split.
        r.ref = name;
        r.tree = tree;
        base = "/";
        path = raw.find('/') == std::string::npos ? std::string_view() : path.substr(name.size());
      } else if (m_request.multiple_sources) {
        if (m_request.refs.empty())
          return fail("source referenced \"", name, "\", but no source has a 'ref' field defined");
        return fail("source referenced \"", name, "\", which is not one of the available sources (",
                    ref_names(), ")");
      }
    }
    std::string substituted = m_env.expand(path);
    if (std::string scheme = url_scheme(substituted); !scheme.empty()) {
      if (scheme == "http" || scheme == "https")
        return fail("value file ", raw, ": remote value files are not supported");
      return fail("the URL scheme '", scheme, "' is not allowed");
    }
    auto joined = join_within_root(base, substituted);
    if (!joined) return fail("file '", substituted, "' resolved to outside repository root");
    r.path = *joined;
    if (!is_glob(r.path)) {
      if (auto real = r.tree->resolve(r.path)) r.path = *real;
    }
    if (r.path == "/") return fail("value file ", raw, ": path resolved to repository root");
    return r;
  }

  void add(const Resolved& r) {
    std::string at = r.ref.empty() ? std::string(k_mount) + r.path : "/" + r.ref + r.path;
    if (std::find(m_files.begin(), m_files.end(), at) != m_files.end()) return;
    if (!r.ref.empty() && r.tree->is_file(r.path)) {
      if (auto text = r.tree->read_file(r.path)) m_fs.add_file(at, std::move(*text));
    }
    m_files.push_back(std::move(at));
  }

  const RenderRequest& m_request;
  const std::string& m_chart_dir;
  const BuildEnv& m_env;
  OverlayFileSystem& m_fs;
  std::vector<std::string> m_files;
};

// util/helm cleanSetParameters: commas escaped (unless already) for --set's parser, except
// in a `{...}` list value.
std::string clean_set_value(const std::string& value) {
  if (value.starts_with("{") && value.ends_with("}")) return value;
  std::string out;
  char previous = 0;
  for (char c : value) {
    if (c == ',' && previous != '\\') out += '\\';
    out += c;
    previous = c;
  }
  return out;
}

// The parameters as Argo hands them to helm: one --set (or --set-string) per name, the last
// value of a name winning.
void add_parameters(const std::vector<HelmParameter>& parameters, const BuildEnv& env,
                    helm::ValueOptions& values) {
  std::vector<std::pair<std::string, std::string>> set, set_string;
  for (const HelmParameter& p : parameters) {
    auto& list = p.force_string ? set_string : set;
    auto it =
        std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == p.name; });
    if (it != list.end())
      it->second = p.value;
    else
      list.emplace_back(p.name, p.value);
  }
  for (const auto& [name, value] : set)
    values.values.push_back(name + "=" + clean_set_value(env.expand(value)));
  for (const auto& [name, value] : set_string)
    values.string_values.push_back(name + "=" + clean_set_value(env.expand(value)));
}

std::string release_name(const RenderRequest& request, const HelmOptions& helm) {
  if (!helm.release_name.empty()) return helm.release_name;
  // argo.ParseInstanceName: "<namespace>_<name>" -> name.
  size_t underscore = request.app_name.find('_');
  std::string name =
      underscore == std::string::npos ? request.app_name : request.app_name.substr(underscore + 1);
  return name.empty() ? request.app_name : name;
}

}  // namespace

Result<std::vector<Node>> render_helm(const RenderRequest& request, const std::string& dir,
                                      const BuildEnv& env) {
  const std::string where =
      "helm template " + (request.source->path.empty() ? std::string(".") : request.source->path);
  auto context = [&](const Error& e) { return std::unexpected(e.context(where)); };
  HelmOptions helm = request.source->helm.value_or(HelmOptions{});
  MountedFileSystem mounted(*request.tree, std::string(k_mount));
  OverlayFileSystem fs(mounted);

  helm::TemplateOptions options;
  options.chart_path = dir == "/" ? std::string(k_mount) : std::string(k_mount) + dir;
  options.name_template = release_name(request, helm);
  if (!request.namespace_.empty()) options.namespace_name = request.namespace_;
  const std::string& kube_version =
      helm.kube_version.empty() ? request.kube_version : helm.kube_version;
  if (!kube_version.empty()) {
    // Argo passes k8s' ParseGeneric(version).String(): the numeric components only.
    auto parsed = helm::parse_kube_version(kube_version);
    if (!parsed)
      return context(Error("could not parse kubernetes version " + kube_version + ": " +
                           parsed.error().message()));
    options.kube_version = parsed->normalized.substr(1);
  }
  options.api_versions = helm.api_versions.empty() ? request.api_versions : helm.api_versions;

  ValueFiles files(request, dir, env, fs);
  auto value_files = files.resolve(helm);
  if (!value_files) return context(value_files.error());
  options.values.value_files = std::move(*value_files);
  if (!helm.values_object.is_null()) {
    // valuesObject wins over values (ApplicationSourceHelm.ValuesYAML); JSON is YAML.
    options.values.value_files.emplace_back("/spec.source.helm.valuesObject");
    fs.add_file(options.values.value_files.back(), to_json(helm.values_object));
  } else if (!helm.values.empty()) {
    options.values.value_files.emplace_back("/spec.source.helm.values");
    fs.add_file(options.values.value_files.back(), helm.values);
  }
  add_parameters(helm.parameters, env, options.values);
  options.output.include_crds = !helm.skip_crds;

  auto release = helm::template_release(fs, options);
  if (!release) return context(release.error());
  std::vector<Node> out;
  for (const helm::ReleaseDocument& doc : release->documents) {
    auto object = decode_object(doc.content, doc.path);
    if (!object) return context(object.error().context("failed to unmarshal manifest"));
    if (!object->is_null()) out.push_back(std::move(*object));
  }
  return out;
}

}  // namespace plumb::argo::detail
