// Private to argo/: the pieces of ApplicationSet generation shared by its files —
// appset.cpp (reading), appset_generators.cpp (parameter sets), appset_template.cpp (Argo's
// Render: fasttemplate and Go templates, the Applications), appset_repo.cpp (directories and
// files of a repository as Argo's repo-server lists them).
//
// Thread safety: a Templater is used by one generate_applications at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argo/appset.hpp"
#include "argo/spec_reader.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "gotemplate/template.hpp"

namespace plumb::argo::appset {

// How deep an entry sits: spec.generators (top), a matrix/merge child (nested), the child of a
// nested matrix/merge (leaf: list, clusters and git only).
enum class Level { top, nested, leaf };

// Reads one item of a generators list at `level` (appset.cpp). A matrix reads its second
// child again after interpolating it.
Result<GeneratorEntry> read_generator_entry(const SpecReader& r, const Field& f, Level level);

// --- templating (appset_template.cpp) ---

// Argo's Render.Replace over one ApplicationSet's settings: fasttemplate, or Go's
// text/template named "base" with Argo's functions and the goTemplateOptions. Parsed Go
// templates are kept by text for the run.
class Templater {
 public:
  Templater(bool go_template, const std::vector<std::string>& go_template_options);
  ~Templater();
  Templater(const Templater&) = delete;
  Templater& operator=(const Templater&) = delete;

  bool go_template() const { return m_go_template; }

  // A parameter set ready to render with: the Go value of it is made once.
  struct Bound {
    const Node* params = nullptr;
    gotemplate::Value dot;
  };
  Bound bind(const Node& params) const;

  // One string; `missing_key` overrides the options' (the values a matrix resolves early use
  // missingkey=error). Errors are Argo's ("failed to execute go template T: ...").
  Result<std::string> replace(std::string_view text, const Bound& bound,
                              std::optional<gotemplate::MissingKey> missing_key = {}) const;

  // Every string and map key of `node` rendered (Argo's deeplyReplace). Errors name the field
  // below `path`.
  Result<Node> replace_all(const Node& node, const Bound& bound, const std::string& path) const;

 private:
  bool m_go_template;
  gotemplate::MissingKey m_missing_key = gotemplate::MissingKey::invalid;
  mutable std::map<std::string, std::shared_ptr<const gotemplate::TemplateSet>, std::less<>>
      m_parsed;
  mutable std::map<std::string, Error, std::less<>> m_parse_errors;
};

// Go's fmt %v of a parameter value as Argo's JSON-decoded values print (numbers are float64:
// 1e+06), for flattening and the fasttemplate matrix.
std::string go_sprint(const Node& value);

// jeremywohl/flatten with dots, values printed with %v (flattenParameters): what a selector
// matches against.
Node flatten_params(const Node& params);

// mergo.Merge(dst, src, WithOverride) of two parameter maps: src's keys win, maps present in
// both merge (recursively), a null in src sets null.
void merge_override(Node& dst, const Node& src);

// mergo.Merge(dst, src) of two templates: dst's empty fields ("" 0 false, empty lists and
// maps, absent) take src's; maps present in both merge.
void merge_fill(Node& dst, const Node& src);

// --- generating (appset_generators.cpp) ---

// One generate_applications run.
struct Run {
  const ApplicationSet& appset;
  const GenerateInput& input;
  const Templater& templater;
  std::string what;  // "ApplicationSet argocd/guestbook"
  // (repoURL, revision) → the commit it resolved to, read again at that commit.
  std::map<std::pair<std::string, std::string>, std::string> commits;

  std::unexpected<Error> error(std::string_view path, std::string_view message) const {
    return fail(what, ": ", path, ": ", message);
  }
};

// The parameter sets of one generator of an entry, filtered by the entry's selector (Argo's
// Transform). `interpolate` is the parameter set a matrix's first child gave, for its second.
Result<std::vector<Node>> generator_params(Run& run, const GeneratorEntry& entry,
                                           const Generator& generator, const Node* interpolate);

// --- repositories (appset_repo.cpp) ---

// The directories of a tree as the repo-server's GetGitDirectories lists them: every directory
// but the root, depth first in name order, hidden ones (".x") and their contents left out,
// symlinks not followed.
Result<std::vector<std::string>> git_directories(const FileSystem& tree);

// The files `git ls-files -- PATTERN` lists (Argo's default globbing): a pattern matches a
// path equal to it or below it as a directory, or as git's wildmatch without WM_PATHNAME (`*`
// and `?` cross `/`); "" and "." match everything. Sorted.
Result<std::vector<std::string>> git_files(const FileSystem& tree, std::string_view pattern);

// git's pathspec match of one path (exposed for tests).
bool pathspec_matches(std::string_view pattern, std::string_view path);

}  // namespace plumb::argo::appset
