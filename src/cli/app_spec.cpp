#include "cli/app_spec.hpp"

#include <algorithm>
#include <set>

namespace plumb::cli::app {
namespace {

// Zero as Go's omitempty sees it: null, false, 0, "", or an empty (or all-zero) container.
bool is_zero(const Node& n) {
  switch (n.type()) {
    case Node::Type::null:
      return true;
    case Node::Type::boolean:
      return !n.as_bool();
    case Node::Type::integer:
    case Node::Type::floating:
      return n.as_float() == 0;
    case Node::Type::string:
      return n.as_string().empty();
    case Node::Type::list:
      return n.empty();
    case Node::Type::map:
      return std::all_of(n.entries().begin(), n.entries().end(),
                         [](const MapEntry& e) { return is_zero(e.value); });
  }
  return false;
}

// n without zero map members, recursively.
Node without_zeros(const Node& n) {
  if (n.is_map()) {
    Node out = Node::map();
    for (const MapEntry& e : n.entries()) {
      if (!is_zero(e.value)) out.set(e.key.as_string(), without_zeros(e.value));
    }
    return out;
  }
  if (n.is_list()) {
    Node out = Node::list();
    for (const Node& item : n.items())
      out.push_back(without_zeros(item));
    return out;
  }
  return n;
}

void drop_if_zero(Node& map, std::string_view key) {
  if (const Node* child = map.find(key); child && is_zero(*child)) map.erase(key);
}

bool given(const Flags& flags, std::string_view name) {
  return flags.has_value(name) || flags.has(name);
}

std::vector<std::string> split_once(std::string_view text, char delimiter) {
  size_t at = text.find(delimiter);
  if (at == std::string_view::npos) return {std::string(text)};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

// Argo escapes the commas in a Helm parameter's value that are not escaped yet (",": "\,").
std::string escape_commas(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (i + 1 < value.size() && value[i] != '\\' && value[i + 1] == ',') {
      out += value[i];
      out += "\\,";
      ++i;
    } else {
      out += value[i];
    }
  }
  return out;
}

Result<void> add_helm_parameters(Node& helm, const std::vector<std::string>& texts,
                                 bool force_string) {
  for (const std::string& text : texts) {
    std::vector<std::string> parts = split_once(text, '=');
    if (parts.size() != 2) {
      return fail("expected helm parameter of the form param=value but received: ", text);
    }
    Node param = Node::map();
    param.set("name", Node::string(parts[0]));
    param.set("value", Node::string(escape_commas(parts[1])));
    if (force_string) param.set("forceString", Node::boolean(true));
    Node& params = helm["parameters"];
    if (params.is_null()) params = Node::list();
    auto existing = std::find_if(params.items_mut().begin(), params.items_mut().end(),
                                 [&](const Node& p) { return p.string_at({"name"}) == parts[0]; });
    if (existing != params.items_mut().end()) {
      *existing = std::move(param);
    } else {
      params.push_back(std::move(param));
    }
  }
  return {};
}

// The name of a Kustomize image, up to its first '=', ':' or '@' (the delimiter the new
// image uses, as KustomizeImage.Match does).
std::string_view image_name(std::string_view image, char delimiter) {
  return image.substr(0, image.find(delimiter));
}

char image_delimiter(std::string_view image) {
  for (char d : {'=', ':', '@'}) {
    if (image.find(d) != std::string_view::npos) return d;
  }
  return ':';
}

void merge_image(Node& kustomize, std::string_view image) {
  Node& images = kustomize["images"];
  if (images.is_null()) images = Node::list();
  char d = image_delimiter(image);
  for (Node& existing : images.items_mut()) {
    if (image_name(existing.as_string(), d) == image_name(image, d)) {
      existing = Node::string(image);
      return;
    }
  }
  images.push_back(Node::string(image));
}

// setHelmOpt / setKustomizeOpt: the section made when missing, dropped when left empty.
template <typename Edit>
auto edit_section(Node& source, std::string_view section, Edit edit) {
  Node& node = source[section];
  if (node.is_null()) node = Node::map();
  auto result = edit(node);
  drop_if_zero(source, section);
  return result;
}

Result<void> apply_source_flags(const Flags& flags, std::span<const std::string_view> args,
                                Node& source) {
  auto directory = [&](std::string_view key, Node value) {
    Node& dir = source["directory"];
    if (dir.is_null()) dir = Node::map();
    dir.set(key, std::move(value));
  };
  if (given(flags, "--directory-exclude")) {
    directory("exclude", Node::string(flags.value("--directory-exclude")));
  }
  if (given(flags, "--directory-include")) {
    directory("include", Node::string(flags.value("--directory-include")));
  }
  if (auto recurse = given_bool(args, "--directory-recurse")) {
    directory("recurse", Node::boolean(*recurse));
  }
  if (given(flags, "--helm-chart")) source.set("chart", Node::string(flags.value("--helm-chart")));
  if (given(flags, "--helm-set")) {
    TRY_VOID(edit_section(source, "helm", [&](Node& helm) {
      return add_helm_parameters(helm, flags.all("--helm-set"), false);
    }));
  }
  if (given(flags, "--helm-set-string")) {
    TRY_VOID(edit_section(source, "helm", [&](Node& helm) {
      return add_helm_parameters(helm, flags.all("--helm-set-string"), true);
    }));
  }
  if (given(flags, "--kustomize-image")) {
    edit_section(source, "kustomize", [&](Node& kustomize) {
      for (const std::string& image : flags.all("--kustomize-image"))
        merge_image(kustomize, image);
      return 0;
    });
  }
  std::pair<std::string_view, std::string_view> prefixes[] = {{"--nameprefix", "namePrefix"},
                                                              {"--namesuffix", "nameSuffix"}};
  for (auto [flag, key] : prefixes) {
    if (!given(flags, flag)) continue;
    edit_section(source, "kustomize", [&](Node& kustomize) {
      if (std::string value = flags.value(flag); !value.empty()) {
        kustomize.set(key, Node::string(value));
      }
      return 0;
    });
  }
  if (given(flags, "--path")) source.set("path", Node::string(flags.value("--path")));
  if (given(flags, "--release-name")) {
    edit_section(source, "helm", [&](Node& helm) {
      if (std::string value = flags.value("--release-name"); !value.empty()) {
        helm.set("releaseName", Node::string(value));
      }
      return 0;
    });
  }
  if (given(flags, "--repo")) source.set("repoURL", Node::string(flags.value("--repo")));
  if (given(flags, "--revision")) {
    source.set("targetRevision", Node::string(flags.value("--revision")));
  }
  if (given(flags, "--values")) {
    edit_section(source, "helm", [&](Node& helm) {
      Node files = Node::list();
      for (const std::string& file : flags.all("--values"))
        files.push_back(Node::string(file));
      helm.set("valueFiles", std::move(files));
      return 0;
    });
  }
  return {};
}

constexpr std::string_view k_source_flags[] = {"--directory-exclude", "--directory-include",
                                               "--directory-recurse", "--helm-chart",
                                               "--helm-set",          "--helm-set-string",
                                               "--kustomize-image",   "--nameprefix",
                                               "--namesuffix",        "--path",
                                               "--release-name",      "--repo",
                                               "--revision",          "--values",
                                               "--parameter"};
constexpr std::string_view k_spec_flags[] = {
    "--dest-name",   "--dest-namespace", "--dest-server", "--project",   "--revision-history-limit",
    "--sync-option", "--sync-policy",    "--auto-prune",  "--self-heal", "--allow-empty"};

bool sync_policy_zero(const Node& policy) {
  for (std::string_view key : {"automated", "syncOptions", "retry", "managedNamespaceMetadata"}) {
    const Node* value = policy.find(key);
    if (value && !value->is_null() && !(value->is_list() && value->empty())) return false;
  }
  return true;
}

void drop_empty_sync_policy(Node& spec) {
  const Node* policy = spec.find("syncPolicy");
  if (policy && sync_policy_zero(*policy)) spec.erase("syncPolicy");
}

Node& sync_policy(Node& spec) {
  Node& policy = spec["syncPolicy"];
  if (policy.is_null()) policy = Node::map();
  return policy;
}

Result<void> apply_parameters(const Flags& flags, Node& app, Node& source) {
  const std::vector<std::string>& params = flags.all("--parameter");
  if (params.empty()) return {};
  bool helm = source.find("helm") != nullptr || app.string_at({"status", "sourceType"}) == "Helm" ||
              params[0].find('=') != std::string::npos;
  if (!helm) return fail("Parameters can only be set against Helm applications");
  return edit_section(source, "helm",
                      [&](Node& h) { return add_helm_parameters(h, params, false); });
}

void normalize_source(Node& source) {
  for (std::string_view section : {"helm", "kustomize", "directory"})
    drop_if_zero(source, section);
}

Result<void> validate_source(const Node& source, bool multi) {
  std::string_view repo = source.string_at({"repoURL"});
  bool has_path = !source.string_at({"path"}).empty() || !source.string_at({"chart"}).empty() ||
                  (multi && !source.string_at({"ref"}).empty());
  if (repo.empty() || !has_path) {
    return fail(multi ? "spec.source.repoURL and either source.path, source.chart, or source.ref "
                        "are required for source"
                      : "spec.source.repoURL and either spec.source.path or spec.source.chart are "
                        "required");
  }
  if (!source.string_at({"chart"}).empty() && source.string_at({"targetRevision"}).empty()) {
    return fail("spec.source.targetRevision is required if the manifest source is a helm chart");
  }
  return {};
}

}  // namespace

void add_spec_flags(FlagSpec& spec) {
  spec.values.insert({"--repo", "--path", "--revision", "--helm-chart", "--dest-server",
                      "--dest-name", "--dest-namespace", "--project", "--sync-policy",
                      "--release-name", "--nameprefix", "--namesuffix", "--revision-history-limit",
                      "--directory-include", "--directory-exclude"});
  spec.repeated.insert({"--sync-option", "--helm-set", "--helm-set-string", "--values",
                        "--kustomize-image", "--parameter"});
  spec.booleans.insert({"--auto-prune", "--self-heal", "--allow-empty", "--directory-recurse"});
  spec.aliases["-p"] = "--parameter";
}

std::optional<bool> given_bool(std::span<const std::string_view> args, std::string_view name) {
  std::optional<bool> value;
  for (std::string_view arg : args) {
    if (arg == name) value = true;
    if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
      value = arg.substr(name.size() + 1) == "true";
    }
  }
  return value;
}

Result<int> apply_spec_flags(const Flags& flags, std::span<const std::string_view> args,
                             Node& app) {
  // A boolean given as --x=false counts too (pflag's Changed).
  auto given_flag = [&](std::string_view flag) {
    return given(flags, flag) || given_bool(args, flag).has_value();
  };
  int count = 0;
  bool source_flags = false;
  for (std::string_view flag : k_source_flags) {
    if (given_flag(flag)) {
      ++count;
      source_flags = true;
    }
  }
  for (std::string_view flag : k_spec_flags)
    count += given_flag(flag) ? 1 : 0;
  Node& spec = app["spec"];
  if (spec.is_null()) spec = Node::map();
  const Node* sources = spec.find("sources");
  bool multi = sources && sources->is_list() && !sources->empty();
  if (source_flags && multi) {
    return fail(
        "Source position should be specified and must be greater than 0 for applications with "
        "multiple sources");
  }
  if (source_flags || (!multi && !spec.find("source"))) {
    Node source = spec.find("source") ? *spec.find("source") : Node::map();
    if (source.is_null()) source = Node::map();
    TRY_VOID(apply_source_flags(flags, args, source));
    TRY_VOID(apply_parameters(flags, app, source));
    spec.set("source", std::move(source));
  }
  auto destination = [&](std::string_view key, std::string_view flag) {
    if (!given(flags, flag)) return;
    Node& dest = spec["destination"];
    if (dest.is_null()) dest = Node::map();
    dest.set(key, Node::string(flags.value(flag)));
  };
  destination("name", "--dest-name");
  destination("namespace", "--dest-namespace");
  destination("server", "--dest-server");
  if (given(flags, "--project")) spec.set("project", Node::string(flags.value("--project")));
  if (given(flags, "--revision-history-limit")) {
    int64_t limit = TRY(flags.integer("--revision-history-limit", {.min = 0}, 10));
    spec.set("revisionHistoryLimit", Node::integer(limit));
  }
  if (given(flags, "--sync-option")) {
    Node& options = sync_policy(spec)["syncOptions"];
    if (options.is_null()) options = Node::list();
    for (std::string_view option : flags.all("--sync-option")) {
      bool remove = option.starts_with('!');
      if (remove) option.remove_prefix(1);
      auto items = options.items();
      auto at = std::find_if(items.begin(), items.end(),
                             [&](const Node& o) { return o.as_string() == option; });
      if (remove && at != items.end()) options.erase_at(size_t(at - items.begin()));
      if (!remove && at == items.end()) options.push_back(Node::string(option));
    }
    drop_empty_sync_policy(spec);
  }
  if (given(flags, "--sync-policy")) {
    std::string policy = flags.value("--sync-policy");
    if (policy == "none" || policy == "manual") {
      if (Node* p = spec.find_mut("syncPolicy")) p->erase("automated");
      drop_empty_sync_policy(spec);
    } else if (policy == "automated" || policy == "automatic" || policy == "auto") {
      sync_policy(spec).set("automated", Node::map());
    } else {
      return fail("Invalid sync-policy: ", policy);
    }
  }
  std::pair<std::string_view, std::string_view> automated_flags[] = {
      {"--auto-prune", "prune"}, {"--self-heal", "selfHeal"}, {"--allow-empty", "allowEmpty"}};
  for (auto [flag, key] : automated_flags) {
    std::optional<bool> value = given_bool(args, flag);
    if (!value) continue;
    Node& automated = sync_policy(spec)["automated"];
    if (automated.is_null()) {
      automated = Node::map();
      automated.set("enabled", Node::boolean(false));
    }
    automated.set(key, Node::boolean(*value));
  }
  return count;
}

void add_unset_flags(FlagSpec& spec) {
  spec.booleans.insert({"--nameprefix", "--namesuffix", "--kustomize-version",
                        "--kustomize-namespace", "--values-literal", "--ignore-missing-value-files",
                        "--pass-credentials", "--ref"});
  spec.repeated.insert({"--kustomize-image", "--parameter", "--values"});
  spec.aliases["-p"] = "--parameter";
}

Unset apply_unset_flags(const Flags& flags, Node& app) {
  Unset out;
  Node* source = app.at_path({"spec", "source"}) ? app["spec"].find_mut("source") : nullptr;
  if (!source || !source->is_map()) return out;
  bool unset_ref = false;
  if (flags.has("--ref") && !source->string_at({"ref"}).empty()) {
    source->erase("ref");
    out.updated = unset_ref = true;
  }
  auto clear = [&](Node& section, std::string_view key) {
    const Node* value = section.find(key);
    if (!value || is_zero(*value)) return;
    section.erase(key);
    out.updated = true;
  };
  if (Node* kustomize = source->find_mut("kustomize"); kustomize && kustomize->is_map()) {
    bool any = flags.has("--nameprefix") || flags.has("--namesuffix") ||
               flags.has("--kustomize-version") || flags.has("--kustomize-namespace") ||
               !flags.all("--kustomize-image").empty();
    if (!any) {
      out.nothing_to_unset = !unset_ref;
      return out;
    }
    if (flags.has("--nameprefix")) clear(*kustomize, "namePrefix");
    if (flags.has("--namesuffix")) clear(*kustomize, "nameSuffix");
    if (flags.has("--kustomize-version")) clear(*kustomize, "version");
    if (flags.has("--kustomize-namespace")) clear(*kustomize, "namespace");
    if (Node* images = kustomize->find_mut("images"); images && images->is_list()) {
      for (std::string_view image : flags.all("--kustomize-image")) {
        char d = image_delimiter(image);
        for (size_t i = images->size(); i-- > 0;) {
          if (image_name(images->items()[i].as_string(), d) == image_name(image, d)) {
            images->erase_at(i);
            out.updated = true;
          }
        }
      }
    }
  }
  if (Node* helm = source->find_mut("helm"); helm && helm->is_map()) {
    bool any = !flags.all("--parameter").empty() || !flags.all("--values").empty() ||
               flags.has("--values-literal") || flags.has("--ignore-missing-value-files") ||
               flags.has("--pass-credentials");
    if (!any) {
      out.nothing_to_unset = !unset_ref;
      return out;
    }
    auto remove_named = [&](std::string_view list_key, std::string_view wanted, bool by_name) {
      Node* list = helm->find_mut(list_key);
      if (!list || !list->is_list()) return;
      for (size_t i = 0; i < list->size(); ++i) {
        const Node& item = list->items()[i];
        if ((by_name ? item.string_at({"name"}) : item.as_string()) == wanted) {
          list->erase_at(i);
          out.updated = true;
          return;
        }
      }
    };
    for (std::string_view p : flags.all("--parameter"))
      remove_named("parameters", p, true);
    for (std::string_view f : flags.all("--values"))
      remove_named("valueFiles", f, false);
    if (flags.has("--values-literal")) {
      clear(*helm, "values");
      clear(*helm, "valuesObject");
    }
    if (flags.has("--ignore-missing-value-files")) clear(*helm, "ignoreMissingValueFiles");
    if (flags.has("--pass-credentials")) clear(*helm, "passCredentials");
  }
  return out;
}

Result<void> set_labels_and_annotations(const Flags& flags, Node& app) {
  for (std::string_view label : flags.all("--label")) {
    size_t eq = label.find('=');
    if (eq == std::string_view::npos || label.find('=', eq + 1) != std::string_view::npos) {
      return fail("labels should have key=value, but instead got: ", label);
    }
    app["metadata"]["labels"].set(label.substr(0, eq), Node::string(label.substr(eq + 1)));
  }
  for (std::string_view annotation : flags.all("--annotations")) {
    std::vector<std::string> parts = split_once(annotation, '=');
    app["metadata"]["annotations"].set(parts[0], Node::string(parts.size() == 2 ? parts[1] : ""));
  }
  return {};
}

void normalize_spec(Node& app) {
  Node& spec = app["spec"];
  if (spec.string_at({"project"}).empty()) spec.set("project", Node::string("default"));
  drop_empty_sync_policy(spec);
  if (Node* sources = spec.find_mut("sources");
      sources && sources->is_list() && !sources->empty()) {
    for (Node& source : sources->items_mut())
      normalize_source(source);
  } else if (Node* source = spec.find_mut("source"); source && source->is_map()) {
    normalize_source(*source);
  }
}

Result<void> validate_app(const Node& app) {
  std::string name(app.string_at({"metadata", "name"}));
  if (name.empty()) return fail("resource name may not be empty");
  const Node* dest = app.at_path({"spec", "destination"});
  std::string_view server = dest ? dest->string_at({"server"}) : "";
  std::string_view cluster = dest ? dest->string_at({"name"}) : "";
  if (!server.empty() && !cluster.empty()) {
    return fail("application destination spec for ", name,
                " is invalid: application destination can't have both name and server defined: ",
                cluster, " ", server);
  }
  if (server.empty() && cluster.empty()) {
    return fail("application destination spec for ", name,
                " is invalid: Destination server missing from app spec");
  }
  const Node* sources = app.at_path({"spec", "sources"});
  bool multi = sources && sources->is_list() && !sources->empty();
  std::span<const Node> all = multi ? sources->items() : std::span<const Node>();
  const Node* single = app.at_path({"spec", "source"});
  Node none = Node::map();
  if (!multi) all = std::span<const Node>(single ? single : &none, 1);
  for (const Node& source : all) {
    auto valid = validate_source(source, multi);
    if (!valid) {
      return fail("application spec for ", name,
                  " is invalid: InvalidSpecError: ", valid.error().message());
    }
  }
  return {};
}

bool same_app(const Node& existing, const Node& want) {
  auto part = [](const Node& app, std::initializer_list<std::string_view> path) {
    const Node* n = app.at_path(path);
    return n ? without_zeros(*n) : Node();
  };
  auto same = [&](std::initializer_list<std::string_view> path) {
    Node a = part(existing, path), b = part(want, path);
    return (is_zero(a) && is_zero(b)) || a == b;
  };
  return same({"spec"}) && same({"metadata", "labels"}) && same({"metadata", "annotations"}) &&
         same({"metadata", "finalizers"});
}

}  // namespace plumb::cli::app
