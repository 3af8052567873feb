// The parameter sets of Argo's generators (applicationset/generators): list, clusters, git
// (directories, files), matrix and merge; Transform's selector and the interpolation of a
// matrix's second child; the mergo and flatten rules the sets are combined and matched with.
#include <algorithm>
#include <map>
#include <set>

#include "argo/appset_parts.hpp"
#include "core/json.hpp"
#include "core/sort_keys.hpp"
#include "gotemplate/fmt.hpp"
#include "helm/ignore.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::argo::appset {

std::string go_sprint(const Node& value) {
  if (value.is_string()) return std::string(value.as_string());
  std::string out;
  gotemplate::append_value(
      out, gotemplate::Value::from_node(value, gotemplate::Value::Numbers::as_float64));
  return out;
}

namespace {

void flatten_into(Node& out, const Node& value, const std::string& key) {
  if (value.is_map()) {
    for (const MapEntry& e : value.entries())
      flatten_into(out, e.value, key + "." + std::string(e.key.as_string()));
  } else if (value.is_list()) {
    size_t i = 0;
    for (const Node& item : value.items())
      flatten_into(out, item, key + "." + std::to_string(i++));
  } else {
    out.set(key, Node::string(go_sprint(value)));
  }
}

bool is_empty_value(const Node& n) {
  if (n.is_null()) return true;
  if (n.is_bool()) return !n.as_bool();
  if (n.is_int()) return n.as_int() == 0;
  if (n.is_float()) return n.as_float() == 0;
  if (n.is_string()) return n.as_string().empty();
  return n.empty();
}

}  // namespace

Node flatten_params(const Node& params) {
  Node out = Node::map();
  for (const MapEntry& e : params.entries())
    flatten_into(out, e.value, std::string(e.key.as_string()));
  return out;
}

void merge_override(Node& dst, const Node& src) {
  for (const MapEntry& e : src.entries()) {
    std::string_view key = e.key.as_string();
    Node* have = dst.find_mut(key);
    if (have && have->is_map() && !have->empty() && e.value.is_map()) {
      merge_override(*have, e.value);
    } else {
      dst.set(key, e.value);
    }
  }
}

void merge_fill(Node& dst, const Node& src) {
  for (const MapEntry& e : src.entries()) {
    std::string_view key = e.key.as_string();
    Node* have = dst.find_mut(key);
    if (!have) {
      dst.set(key, e.value);
    } else if (have->is_map() && e.value.is_map()) {
      merge_fill(*have, e.value);
    } else if (is_empty_value(*have) && !is_empty_value(e.value)) {
      *have = e.value;
    }
  }
}

namespace {

using Params = std::vector<Node>;

std::string join_path(std::string_view a, std::string_view b) {
  return std::string(a) + "." + std::string(b);
}

// Go's path.Dir and path.Base of the clean relative paths git lists.
std::string_view path_dir(std::string_view p) {
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? "." : p.substr(0, slash);
}
std::string_view path_base(std::string_view p) {
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}
std::vector<std::string_view> split_slash(std::string_view p) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t slash = p.find('/', start);
    out.push_back(
        p.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::unexpected<Error> too_many(const Run& run, const std::string& path) {
  return run.error(path, "generates more than " + std::to_string(run.input.max_applications) +
                             " parameter sets");
}

// appendTemplatedValues: each value rendered with the set as it is so far (so values cannot
// use each other), then added as values.K (or, goTemplate, under "values").
Result<void> append_values(const Run& run, const StringPairs& values, Node& params,
                           const std::string& path) {
  if (values.empty()) return {};
  Templater::Bound bound = run.templater.bind(params);
  Node rendered = Node::map();
  for (const auto& [key, text] : values) {
    auto out = run.templater.replace(text, bound);
    if (!out) return run.error(join_path(path, "values." + key), out.error().message());
    rendered.set(key, Node::string(*out));
  }
  if (run.templater.go_template()) {
    params.set("values", std::move(rendered));
  } else {
    for (const MapEntry& e : rendered.entries())
      params.set("values." + std::string(e.key.as_string()), e.value);
  }
  return {};
}

// --- list ---

Result<Params> list_params(const Run& run, const Generator& g, const std::string& path) {
  Params out;
  for (size_t i = 0; i < g.list.elements.size(); ++i) {
    const Node& element = g.list.elements[i];
    if (run.templater.go_template()) {
      out.push_back(element);
      continue;
    }
    std::string at = path + ".elements[" + std::to_string(i) + "]";
    Node params = Node::map();
    for (const MapEntry& e : element.entries()) {
      std::string_view key = e.key.as_string();
      if (key == "values") {
        if (!e.value.is_map()) return run.error(join_path(at, "values"), "must be a map");
        for (const MapEntry& v : e.value.entries()) {
          if (!v.value.is_string())
            return run.error(join_path(at, "values." + std::string(v.key.as_string())),
                             "must be a string (fasttemplate parameters are strings; "
                             "goTemplate: true takes any value)");
          params.set("values." + std::string(v.key.as_string()), v.value);
        }
      } else if (!e.value.is_string()) {
        return run.error(join_path(at, key),
                         "must be a string (fasttemplate parameters are strings; goTemplate: "
                         "true takes any value)");
      } else {
        params.set(key, e.value);
      }
    }
    out.push_back(std::move(params));
  }
  if (!g.list.elements_yaml.empty()) {
    auto parsed = helm::yaml_to_json(g.list.elements_yaml);
    if (!parsed)
      return run.error(path + ".elementsYaml",
                       "error unmarshling decoded ElementsYaml " + parsed.error().message());
    if (!parsed->is_null() && !parsed->is_list())
      return run.error(path + ".elementsYaml",
                       "must be a YAML list of maps (json: cannot unmarshal into Go value of "
                       "type []map[string]interface {})");
    for (const Node& item : parsed->items()) {
      if (!item.is_null() && !item.is_map())
        return run.error(path + ".elementsYaml", "must be a YAML list of maps");
      out.push_back(item.is_null() ? Node::map() : item);
    }
  }
  return out;
}

// --- clusters ---

// What the clusters generator reads of a cluster Secret (the data as written: Argo's generator
// does not go through SecretToCluster).
struct ClusterParams {
  std::string name, server, project;
  Node labels, annotations;
};

Result<Params> cluster_params(const Run& run, const Generator& g, const std::string& path) {
  const bool go = run.templater.go_template();
  if (auto problem = g.clusters.selector.problem(LabelValues::checked))
    return run.error(path + ".selector", "error converting label selector: " + *problem);
  // getSecretsByClusterName: the selected Secrets by their cluster's name (a later one wins).
  std::map<std::string, ClusterParams> clusters;
  bool has_in_cluster = false;
  for (const Node& secret : run.input.cluster_secrets) {
    if (!is_cluster_secret(secret)) continue;
    const Node* labels = secret.at_path({"metadata", "labels"});
    if (!g.clusters.selector.matches(*labels)) continue;
    ClusterParams c;
    auto read = [&](std::string_view key) -> Result<std::string> {
      auto value = secret_value(secret, key);
      if (!value) return run.error(path, value.error().message());
      return value;
    };
    c.name = TRY(read("name"));
    c.server = TRY(read("server"));
    c.project = TRY(read("project"));
    c.labels = *labels;
    const Node* annotations = secret.at_path({"metadata", "annotations"});
    c.annotations = annotations ? *annotations : Node::map();
    clusters[c.name] = std::move(c);
  }
  Params out;
  for (const auto& [name, c] : clusters) {
    if (c.server == k_in_cluster_server) has_in_cluster = true;
    Node p = Node::map();
    p.set("name", Node::string(c.name));
    p.set("nameNormalized", Node::string(sanitize_name(c.name)));
    p.set("server", Node::string(c.server));
    p.set("project", Node::string(c.project));
    if (go) {
      Node meta = Node::map();
      if (!c.annotations.empty()) meta.set("annotations", c.annotations);
      if (!c.labels.empty()) meta.set("labels", c.labels);
      p.set("metadata", std::move(meta));
    } else {
      for (const MapEntry& e : c.annotations.entries())
        p.set("metadata.annotations." + std::string(e.key.as_string()), e.value);
      for (const MapEntry& e : c.labels.entries())
        p.set("metadata.labels." + std::string(e.key.as_string()), e.value);
    }
    TRY_VOID(append_values(run, g.clusters.values, p, path));
    out.push_back(std::move(p));
  }
  // The local cluster has no Secret, so no labels: a selector leaves it out.
  if (g.clusters.selector.empty() && !has_in_cluster) {
    Node p = Node::map();
    p.set("name", Node::string(k_in_cluster_name));
    p.set("nameNormalized", Node::string(k_in_cluster_name));
    p.set("server", Node::string(k_in_cluster_server));
    p.set("project", Node::string(""));
    TRY_VOID(append_values(run, g.clusters.values, p, path));
    out.push_back(std::move(p));
  }
  if (g.clusters.flat_list) {
    Node all = Node::list();
    for (Node& p : out)
      all.push_back(std::move(p));
    Node one = Node::map();
    one.set("clusters", std::move(all));
    return Params{std::move(one)};
  }
  return out;
}

// --- git ---

// The generator's repository at its revision, given to `use`.
Result<void> with_repository(Run& run, const Generator& g, const std::string& path,
                             const RepoUse& use) {
  if (!run.input.repos)
    return run.error(path, "reading " + g.git.repo_url + " needs repository access");
  auto key = std::make_pair(g.git.repo_url, g.git.revision);
  auto known = run.commits.find(key);
  const std::string& revision = known != run.commits.end() ? known->second : g.git.revision;
  Result<void> used = run.input.repos(g.git.repo_url, revision, [&](const RepoSnapshot& repo) {
    run.commits[key] = repo.commit;
    if (!repo.files) return Result<void>(fail("no files"));
    return use(repo);
  });
  if (!used) {
    std::string shown = g.git.revision.empty() ? "HEAD" : g.git.revision;
    return run.error(path, g.git.repo_url + " at " + shown + ": " + used.error().message());
  }
  return {};
}

// Where a git generator puts its path parameters: "path" or PREFIX.path (goTemplate:
// params[PREFIX] = {path: ...}).
void set_path_params(const Run& run, const Generator& g, Node& params, std::string_view dir,
                     std::optional<std::string_view> file) {
  std::string_view base = path_base(dir);
  if (run.templater.go_template()) {
    Node p = Node::map();
    p.set("path", Node::string(dir));
    p.set("basename", Node::string(base));
    if (file) p.set("filename", Node::string(path_base(*file)));
    p.set("basenameNormalized", Node::string(sanitize_name(base)));
    if (file) p.set("filenameNormalized", Node::string(sanitize_name(path_base(*file))));
    Node segments = Node::list();
    for (std::string_view s : split_slash(dir))
      segments.push_back(Node::string(s));
    p.set("segments", std::move(segments));
    if (!g.git.path_param_prefix.empty()) {
      Node wrapped = Node::map();
      wrapped.set("path", std::move(p));
      params.set(g.git.path_param_prefix, std::move(wrapped));
    } else {
      params.set("path", std::move(p));
    }
    return;
  }
  std::string name = g.git.path_param_prefix.empty() ? "path" : g.git.path_param_prefix + ".path";
  params.set(name, Node::string(dir));
  params.set(name + ".basename", Node::string(base));
  if (file) params.set(name + ".filename", Node::string(path_base(*file)));
  params.set(name + ".basenameNormalized", Node::string(sanitize_name(base)));
  if (file) params.set(name + ".filenameNormalized", Node::string(sanitize_name(path_base(*file))));
  size_t i = 0;
  for (std::string_view s : split_slash(dir)) {
    if (!s.empty()) params.set(name + "[" + std::to_string(i) + "]", Node::string(s));
    ++i;
  }
}

Result<Params> git_directory_params(Run& run, const Generator& g, const std::string& path) {
  std::vector<std::string> all;
  TRY_VOID(with_repository(run, g, path, [&](const RepoSnapshot& repo) -> Result<void> {
    auto listed = git_directories(*repo.files);
    if (!listed) return fail("error getting directories from repo: ", listed.error().message());
    all = std::move(*listed);
    return {};
  }));
  Params out;
  for (const std::string& dir : all) {
    bool include = false, exclude = false;
    for (const GitPathItem& item : g.git.directories) {
      auto match = helm::go_path_match(item.path, dir);
      if (!match || !*match) continue;  // a bad pattern is logged and skipped by Argo
      (item.exclude ? exclude : include) = true;
    }
    if (!include || exclude) continue;
    Node params = Node::map();
    set_path_params(run, g, params, dir, std::nullopt);
    TRY_VOID(append_values(run, g.git.values, params, path));
    out.push_back(std::move(params));
  }
  return out;
}

// generateParamsFromGitFile: a map, or a list of maps, read as sigs.k8s.io/yaml reads them.
Result<Params> file_params(const Run& run, const Generator& g, const std::string& file,
                           const std::string& content, const std::string& path) {
  std::vector<Node> objects;
  if (auto single = helm::yaml_to_map(content)) {
    objects.push_back(std::move(*single));
  } else {
    auto list = helm::yaml_to_json(content);
    std::string problem;
    if (!list) {
      problem = list.error().message();
    } else if (!list->is_null() && !list->is_list()) {
      problem = single.error().message();
    } else {
      for (const Node& item : list->items()) {
        if (!item.is_null() && !item.is_map()) {
          problem = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                    std::string(item.is_list()     ? "array"
                                : item.is_string() ? "string"
                                                   : "number") +
                    " into Go value of type map[string]interface {}";
          break;
        }
        objects.push_back(item.is_null() ? Node::map() : item);
      }
    }
    if (!problem.empty())
      return run.error(path, "unable to process file '" + file + "' from repository '" +
                                 g.git.repo_url + "': unable to parse file: " + problem);
  }
  Params out;
  std::string_view dir = path_dir(file);
  for (const Node& object : objects) {
    Node params = run.templater.go_template() ? object : flatten_params(object);
    set_path_params(run, g, params, dir, file);
    TRY_VOID(append_values(run, g.git.values, params, path));
    out.push_back(std::move(params));
  }
  return out;
}

Result<Params> git_file_params(Run& run, const Generator& g, const std::string& path) {
  std::map<std::string, std::string> contents;  // sorted as Argo sorts the paths
  TRY_VOID(with_repository(run, g, path, [&](const RepoSnapshot& repo) -> Result<void> {
    for (const GitPathItem& item : g.git.files) {
      if (item.exclude) continue;
      auto files = git_files(*repo.files, item.path);
      if (!files) return fail("unable to list files: ", files.error().message());
      for (const std::string& f : *files) {
        if (contents.contains(f)) continue;
        auto text = repo.files->read_file(f);
        if (!text) return fail("unable to read files: ", text.error().message());
        contents.emplace(f, std::move(*text));
      }
    }
    for (const GitPathItem& item : g.git.files) {
      if (!item.exclude) continue;
      auto files = git_files(*repo.files, item.path);
      if (!files) return fail("unable to list files: ", files.error().message());
      for (const std::string& f : *files)
        contents.erase(f);
    }
    return {};
  }));
  Params out;
  for (const auto& [file, content] : contents) {
    Params more = TRY(file_params(run, g, file, content, path));
    for (Node& p : more)
      out.push_back(std::move(p));
    if (out.size() > run.input.max_applications) return too_many(run, path);
  }
  return out;
}

// --- matrix and merge ---

Result<Params> child_params(Run& run, const GeneratorEntry& child, const Node* interpolate) {
  return generator_params(run, child, child.generators.front(), interpolate);
}

// utils.CombineStringMaps: both as %v strings; a key in both with different values is an error.
Result<Node> combine_string_maps(const Run& run, const Node& a, const Node& b,
                                 const std::string& path) {
  Node out = Node::map();
  for (const MapEntry& e : a.entries())
    out.set(e.key.as_string(), Node::string(go_sprint(e.value)));
  for (const MapEntry& e : b.entries()) {
    std::string value = go_sprint(e.value);
    const Node* have = out.find(e.key.as_string());
    if (have && have->as_string() != value)
      return run.error(path, "found duplicate key " + std::string(e.key.as_string()) +
                                 " with different value, a: " + std::string(have->as_string()) +
                                 " ,b: " + value);
    out.set(e.key.as_string(), Node::string(value));
  }
  return out;
}

Result<Params> matrix_params(Run& run, const Generator& g, const std::string& path) {
  Params out;
  Params first = TRY(child_params(run, g.children[0], nullptr));
  for (const Node& a : first) {
    Params second = TRY(child_params(run, g.children[1], &a));
    for (const Node& b : second) {
      if (run.templater.go_template()) {
        Node merged = Node::map();
        merge_override(merged, b);
        merge_override(merged, a);
        out.push_back(std::move(merged));
      } else {
        out.push_back(TRY(combine_string_maps(run, a, b, path)));
      }
    }
    if (out.size() > run.input.max_applications) return too_many(run, path);
  }
  return out;
}

// getParamSetsByMergeKey: each set under the JSON of its merge-key values; two sets with the
// same values are an error.
Result<std::vector<std::pair<std::string, Node>>> by_merge_key(const Run& run,
                                                               const std::set<std::string>& keys,
                                                               const Params& sets,
                                                               const std::string& path) {
  std::vector<std::pair<std::string, Node>> out;
  std::set<std::string> seen;
  for (const Node& set : sets) {
    Node key = Node::map();
    for (const std::string& k : keys) {
      const Node* v = set.find(k);
      key.set(k, v ? sort_keys(*v) : Node());
    }
    std::string text = to_json(key);
    if (!seen.insert(text).second)
      return run.error(path,
                       "the parameters from a generator were not unique by the given mergeKeys, "
                       "Merge requires all param sets to be unique. Duplicate key was " +
                           text);
    out.emplace_back(std::move(text), set);
  }
  return out;
}

Result<Params> merge_params(Run& run, const Generator& g, const std::string& path) {
  std::set<std::string> keys(g.merge_keys.begin(), g.merge_keys.end());
  std::vector<std::pair<std::string, Node>> base;
  for (size_t i = 0; i < g.children.size(); ++i) {
    Params sets = TRY(child_params(run, g.children[i], nullptr));
    auto keyed = TRY(by_merge_key(run, keys, sets, path));
    if (i == 0) {
      base = std::move(keyed);
      continue;
    }
    std::map<std::string, const Node*> overrides;
    for (const auto& [text, set] : keyed)
      overrides.emplace(text, &set);
    for (auto& [text, set] : base) {
      auto it = overrides.find(text);
      if (it == overrides.end()) continue;
      if (run.templater.go_template()) {
        merge_override(set, *it->second);
      } else {
        for (const MapEntry& e : it->second->entries())
          set.set(e.key.as_string(), e.value);
      }
    }
  }
  Params out;
  for (auto& [text, set] : base)
    out.push_back(std::move(set));
  return out;
}

// --- interpolation (RenderGeneratorParams) ---

bool is_missing_key_error(const Error& e) {
  return e.message().find("map has no entry for key") != std::string::npos ||
         e.message().find("can't evaluate field") != std::string::npos;
}

Result<Generator> interpolate(Run& run, const GeneratorEntry& entry, const Generator& g,
                              const Node& with) {
  Templater::Bound bound = run.templater.bind(with);
  std::string key(generator_name(g.kind));
  std::string path = join_path(entry.path, key);
  Node spec = Node::map();
  for (const MapEntry& e : g.spec.entries()) {
    std::string_view name = e.key.as_string();
    std::string at = join_path(path, name);
    if (name == "values" && e.value.is_map() &&
        (g.kind == GeneratorKind::clusters || g.kind == GeneratorKind::git)) {
      // Values resolve now only where `with` has what they use; the others wait for the
      // generator's own parameters.
      Node values = Node::map();
      for (const MapEntry& v : e.value.entries()) {
        if (!v.value.is_string()) {
          values.set(v.key.as_string(), v.value);
          continue;
        }
        std::optional<gotemplate::MissingKey> strict;
        if (run.templater.go_template()) strict = gotemplate::MissingKey::error;
        auto out = run.templater.replace(v.value.as_string(), bound, strict);
        if (!out && !is_missing_key_error(out.error()))
          return run.error(join_path(at, v.key.as_string()), "failed to pre-resolve Values key \"" +
                                                                 std::string(v.key.as_string()) +
                                                                 "\": " + out.error().message());
        values.set(v.key.as_string(), out ? Node::string(*out) : v.value);
      }
      spec.set(name, std::move(values));
      continue;
    }
    if (e.value.is_null()) continue;
    auto value = run.templater.replace_all(e.value, bound, at);
    if (!value) return fail(run.what, ": ", value.error().message());
    auto rendered_key = run.templater.replace(name, bound);
    if (!rendered_key) return run.error(at, rendered_key.error().message());
    spec.set(*rendered_key, std::move(*value));
  }
  Node item = Node::map();
  item.set(key, std::move(spec));
  SpecReader reader(run.what);
  GeneratorEntry read = TRY(read_generator_entry(reader, Field{&item, entry.path}, Level::nested));
  return std::move(read.generators.front());
}

}  // namespace

Result<std::vector<Node>> generator_params(Run& run, const GeneratorEntry& entry,
                                           const Generator& generator, const Node* with) {
  const Generator* g = &generator;
  Generator interpolated;
  if (with && !with->empty()) {
    interpolated = TRY(interpolate(run, entry, generator, *with));
    g = &interpolated;
  }
  std::string path = join_path(entry.path, generator_name(g->kind));
  Params params;
  switch (g->kind) {
    case GeneratorKind::list:
      params = TRY(list_params(run, *g, path));
      break;
    case GeneratorKind::clusters:
      params = TRY(cluster_params(run, *g, path));
      break;
    case GeneratorKind::git:
      params = g->git.directories.empty() ? TRY(git_file_params(run, *g, path))
                                          : TRY(git_directory_params(run, *g, path));
      break;
    case GeneratorKind::matrix:
      params = TRY(matrix_params(run, *g, path));
      break;
    case GeneratorKind::merge:
      params = TRY(merge_params(run, *g, path));
      break;
  }
  if (params.size() > run.input.max_applications) return too_many(run, path);
  if (!entry.selector) return params;
  Params kept;
  for (Node& p : params) {
    if (entry.selector->matches(flatten_params(p))) kept.push_back(std::move(p));
  }
  return kept;
}

}  // namespace plumb::argo::appset
