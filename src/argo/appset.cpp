// Reading an ApplicationSet (applicationset_types.go) and what the controller needs beside the
// generated Applications: the sync policy, requeue time, owner reference and the update of a
// live Application. Generation: appset_generators.cpp, appset_template.cpp.
#include "argo/appset.hpp"

#include <algorithm>
#include <array>

#include "argo/appset_parts.hpp"
#include "argo/crds.hpp"

namespace plumb::argo {

namespace {

using appset::Level;

struct KindName {
  GeneratorKind kind;
  std::string_view key;
};
// Argo's field order of ApplicationSetGenerator (GetRelevantGenerators walks the struct).
constexpr std::array<KindName, 5> k_kinds{{{GeneratorKind::list, "list"},
                                           {GeneratorKind::clusters, "clusters"},
                                           {GeneratorKind::git, "git"},
                                           {GeneratorKind::matrix, "matrix"},
                                           {GeneratorKind::merge, "merge"}}};
constexpr std::array<std::string_view, 4> k_unsupported{"scmProvider", "pullRequest",
                                                        "clusterDecisionResource", "plugin"};

constexpr std::array<std::pair<std::string_view, ApplicationsSync>, 4> k_policies{{
    {"create-only", ApplicationsSync::create_only},
    {"create-update", ApplicationsSync::create_update},
    {"create-delete", ApplicationsSync::create_delete},
    {"sync", ApplicationsSync::sync},
}};

Result<SelectorRequirement> read_requirement(const SpecReader& r, const Field& item) {
  SelectorRequirement req;
  req.key = TRY(r.string(item["key"]));
  req.values = TRY(r.strings(item["values"]));
  std::string op = TRY(r.string(item["operator"]));
  bool needs_values = true;
  if (op == "In") {
    req.op = SelectorRequirement::Op::in;
  } else if (op == "NotIn") {
    req.op = SelectorRequirement::Op::not_in;
  } else if (op == "Exists" || op == "DoesNotExist") {
    req.op =
        op == "Exists" ? SelectorRequirement::Op::exists : SelectorRequirement::Op::does_not_exist;
    needs_values = false;
  } else {
    return r.error(item["operator"], "\"" + op + "\" is not a valid label selector operator");
  }
  if (needs_values && req.values.empty())
    return r.error(item["values"], "for 'in', 'notin' operators, values set can't be empty");
  if (!needs_values && !req.values.empty())
    return r.error(item["values"], "values set must be empty for exists and does not exist");
  return req;
}

Result<LabelSelector> read_selector(const SpecReader& r, const Field& f) {
  LabelSelector s;
  if (!TRY(r.map(f))) return s;
  s.match_labels = TRY(r.string_map(f["matchLabels"]));
  s.match_expressions = TRY(
      r.maps(f["matchExpressions"], [&](const Field& item) { return read_requirement(r, item); }));
  return s;
}

// An ApplicationSetTemplate: only the fields Argo's type has (metadata name, namespace,
// labels, annotations, finalizers; spec), typed as Argo's are.
Result<Node> read_template(const SpecReader& r, const Field& f) {
  if (!TRY(r.map(f))) return Node();
  Node out = Node::map();
  Field meta = f["metadata"];
  Node metadata = Node::map();
  if (TRY(r.map(meta))) {
    for (std::string_view key : {"name", "namespace"}) {
      if (meta[key].present()) {
        TRY(r.string(meta[key]));
        metadata.set(key, *meta[key].node);
      }
    }
    for (std::string_view key : {"labels", "annotations"}) {
      if (meta[key].present()) {
        TRY(r.string_map(meta[key]));
        metadata.set(key, *meta[key].node);
      }
    }
    if (meta["finalizers"].present()) {
      TRY(r.strings(meta["finalizers"]));
      metadata.set("finalizers", *meta["finalizers"].node);
    }
  }
  out.set("metadata", std::move(metadata));
  Field spec = f["spec"];
  out.set("spec", TRY(r.map(spec)) ? *spec.node : Node::map());
  return out;
}

Result<std::vector<GitPathItem>> read_path_items(const SpecReader& r, const Field& f) {
  return r.maps(f, [&](const Field& item) -> Result<GitPathItem> {
    GitPathItem p;
    p.path = TRY(r.string(item["path"]));
    p.exclude = TRY(r.boolean(item["exclude"]));
    return p;
  });
}

Result<ListGenerator> read_list(const SpecReader& r, const Field& f) {
  ListGenerator g;
  std::span<const Node> elements = TRY(r.list(f["elements"]));
  for (size_t i = 0; i < elements.size(); ++i) {
    // Argo unmarshals each element into a map[string]interface{}.
    TRY_VOID(r.entry(f["elements"].item(i, elements[i])));
    g.elements.push_back(elements[i]);
  }
  g.elements_yaml = TRY(r.string(f["elementsYaml"]));
  return g;
}

Result<ClusterGenerator> read_clusters(const SpecReader& r, const Field& f) {
  ClusterGenerator g;
  g.selector = TRY(read_selector(r, f["selector"]));
  g.values = TRY(r.string_map(f["values"]));
  g.flat_list = TRY(r.boolean(f["flatList"]));
  return g;
}

Result<GitGenerator> read_git(const SpecReader& r, const Field& f) {
  GitGenerator g;
  g.repo_url = TRY(r.string(f["repoURL"]));
  if (g.repo_url.empty()) return r.error(f["repoURL"], "is required");
  g.revision = TRY(r.string(f["revision"]));
  g.directories = TRY(read_path_items(r, f["directories"]));
  g.files = TRY(read_path_items(r, f["files"]));
  if (g.directories.empty() && g.files.empty())
    return r.error(f, "needs directories or files (Argo: ApplicationSet is empty)");
  g.path_param_prefix = TRY(r.string(f["pathParamPrefix"]));
  g.values = TRY(r.string_map(f["values"]));
  if (f["requeueAfterSeconds"].present())
    g.requeue_after_seconds = TRY(r.integer(f["requeueAfterSeconds"], 0));
  return g;
}

Result<std::vector<GeneratorEntry>> read_children(const SpecReader& r, const Field& f,
                                                  Level level) {
  std::vector<GeneratorEntry> out;
  std::span<const Node> items = TRY(r.list(f));
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back(TRY(appset::read_generator_entry(r, f.item(i, items[i]), level)));
  return out;
}

Result<Generator> read_generator(const SpecReader& r, const Field& f, GeneratorKind kind,
                                 Level level) {
  Generator g;
  g.kind = kind;
  TRY_VOID(r.entry(f));
  g.spec = *f.node;
  g.template_ = TRY(read_template(r, f["template"]));
  switch (kind) {
    case GeneratorKind::list:
      g.list = TRY(read_list(r, f));
      break;
    case GeneratorKind::clusters:
      g.clusters = TRY(read_clusters(r, f));
      break;
    case GeneratorKind::git:
      g.git = TRY(read_git(r, f));
      break;
    case GeneratorKind::matrix:
    case GeneratorKind::merge: {
      if (level == Level::leaf)
        return r.error(f,
                       "matrix and merge generators nest two levels at most (Argo CD drops a "
                       "third level)");
      Level below = level == Level::top ? Level::nested : Level::leaf;
      g.children = TRY(read_children(r, f["generators"], below));
      if (kind == GeneratorKind::matrix) {
        if (g.children.size() < 2)
          return r.error(f["generators"],
                         "found less than two generators, Matrix support only two");
        if (g.children.size() > 2)
          return r.error(f["generators"],
                         "found more than two generators, Matrix support only two");
      } else {
        if (g.children.size() < 2)
          return r.error(f["generators"],
                         "found less than two generators, Merge requires two or more");
        g.merge_keys = TRY(r.strings(f["mergeKeys"]));
        if (g.merge_keys.empty())
          return r.error(f["mergeKeys"],
                         "no merge keys were specified, Merge requires at least one");
      }
      break;
    }
  }
  return g;
}

Result<std::vector<std::string>> read_template_options(const SpecReader& r, const Field& f) {
  std::vector<std::string> options = TRY(r.strings(f));
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string& o = options[i];
    if (o != "missingkey=default" && o != "missingkey=invalid" && o != "missingkey=zero" &&
        o != "missingkey=error")
      return r.error(f.item(i, f.node->items()[i]),
                     "unrecognized option: " + o +
                         " (Go's text/template knows missingkey=default|invalid|zero|error)");
  }
  return options;
}

Result<AppSetSyncPolicy> read_sync_policy(const SpecReader& r, const Field& f) {
  AppSetSyncPolicy p;
  if (!TRY(r.map(f))) return p;
  p.present = true;
  p.preserve_resources_on_deletion = TRY(r.boolean(f["preserveResourcesOnDeletion"]));
  if (f["applicationsSync"].present()) {
    std::string text = TRY(r.string(f["applicationsSync"]));
    auto it = std::find_if(k_policies.begin(), k_policies.end(),
                           [&](const auto& e) { return e.first == text; });
    if (it == k_policies.end())
      return r.error(f["applicationsSync"],
                     "Unsupported value: \"" + text +
                         "\": supported values: \"create-only\", \"create-update\", "
                         "\"create-delete\", \"sync\"");
    p.applications_sync = it->second;
  }
  return p;
}

Result<AppSetIgnoreDifference> read_ignore_difference(const SpecReader& r, const Field& item) {
  AppSetIgnoreDifference d;
  d.name = TRY(r.string(item["name"]));
  d.json_pointers = TRY(r.strings(item["jsonPointers"]));
  d.jq_path_expressions = TRY(r.strings(item["jqPathExpressions"]));
  return d;
}

Result<void> check_strategy(const SpecReader& r, const Field& f) {
  if (!TRY(r.map(f))) return {};
  std::string type = TRY(r.string(f["type"]));
  if (type == "RollingSync" || f["rollingSync"].present())
    return r.error(f, "progressive syncs (RollingSync) are not supported by Plumb");
  if (!type.empty() && type != "AllAtOnce")
    return r.error(f["type"], "unknown strategy type " + type);
  return {};
}

}  // namespace

namespace appset {

Result<GeneratorEntry> read_generator_entry(const SpecReader& r, const Field& f, Level level) {
  TRY_VOID(r.entry(f));
  GeneratorEntry entry;
  entry.path = f.path;
  entry.spec = *f.node;
  for (const MapEntry& e : f.node->entries()) {
    std::string_view key = e.key.as_string();
    if (e.value.is_null() || key == "selector") continue;
    bool known = std::any_of(k_kinds.begin(), k_kinds.end(),
                             [&](const KindName& k) { return k.key == key; });
    if (known) continue;
    if (std::find(k_unsupported.begin(), k_unsupported.end(), key) != k_unsupported.end())
      return r.error(f[key], "the " + std::string(key) + " generator is not supported by Plumb");
    return r.error(f[key], "unrecognized generator");
  }
  for (const KindName& k : k_kinds) {
    if (f[k.key].present())
      entry.generators.push_back(TRY(read_generator(r, f[k.key], k.kind, level)));
  }
  if (entry.generators.empty()) return r.error(f, "names no generator");
  if (level != Level::top && entry.generators.size() > 1)
    return r.error(f, "found more than one generator in matrix.Generators");
  if (f["selector"].present()) {
    entry.selector = TRY(read_selector(r, f["selector"]));
    if (auto problem = entry.selector->problem(LabelValues::any))
      return r.error(f["selector"], "error parsing label selector: " + *problem);
  }
  return entry;
}

}  // namespace appset

std::string_view applications_sync_name(ApplicationsSync policy) {
  for (const auto& [name, value] : k_policies)
    if (value == policy) return name;
  return "sync";
}

std::string_view generator_name(GeneratorKind kind) {
  for (const KindName& k : k_kinds)
    if (k.kind == kind) return k.key;
  return "";
}

ApplicationsSync effective_applications_sync(const AppSetSyncPolicy& policy,
                                             ApplicationsSync controller_policy,
                                             bool override_allowed) {
  if (!policy.applications_sync || !override_allowed) return controller_policy;
  return *policy.applications_sync;
}

bool LabelSelector::matches(const Node& labels) const {
  for (const auto& [key, value] : match_labels) {
    const Node* have = labels.find(key);
    if (!have || have->as_string() != value) return false;
  }
  for (const SelectorRequirement& req : match_expressions) {
    const Node* have = labels.find(req.key);
    bool listed = have && std::find(req.values.begin(), req.values.end(), have->as_string()) !=
                              req.values.end();
    switch (req.op) {
      case SelectorRequirement::Op::in:
        if (!listed) return false;
        break;
      case SelectorRequirement::Op::not_in:
        if (listed) return false;
        break;
      case SelectorRequirement::Op::exists:
        if (!have) return false;
        break;
      case SelectorRequirement::Op::does_not_exist:
        if (have) return false;
        break;
    }
  }
  return true;
}

namespace {

bool alphanumeric(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters: a label value (may be
// empty) or the name part of a key.
bool label_text(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() > 63 || !alphanumeric(s.front()) || !alphanumeric(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return alphanumeric(c) || c == '-' || c == '_' || c == '.'; });
}

// A DNS-1123 subdomain: lower-case alphanumeric labels with '-', joined by '.', 253 at most.
bool dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    auto lower = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (label.empty() || !lower(label.front()) || !lower(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [&](char c) { return lower(c) || c == '-'; }))
      return false;
    start = dot + 1;
  }
  return true;
}

bool qualified_name(std::string_view key) {
  size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) return false;
    if (!dns_subdomain(key.substr(0, slash))) return false;
    name = key.substr(slash + 1);
  }
  return !name.empty() && label_text(name);
}

}  // namespace

std::optional<std::string> LabelSelector::problem(LabelValues values) const {
  auto key_problem = [](std::string_view key) -> std::optional<std::string> {
    if (qualified_name(key)) return std::nullopt;
    return "key \"" + std::string(key) +
           "\" is not a qualified name (an optional DNS subdomain and \"/\", then 63 characters "
           "at most of [-A-Za-z0-9_.], alphanumeric at both ends)";
  };
  auto value_problem = [&](std::string_view value) -> std::optional<std::string> {
    if (values == LabelValues::any || label_text(value)) return std::nullopt;
    return "value \"" + std::string(value) +
           "\" is not a label value (63 characters at most of [-A-Za-z0-9_.], alphanumeric at "
           "both ends)";
  };
  for (const auto& [key, value] : match_labels) {
    if (auto p = key_problem(key)) return p;
    if (auto p = value_problem(value)) return p;
  }
  for (const SelectorRequirement& req : match_expressions) {
    if (auto p = key_problem(req.key)) return p;
    for (const std::string& value : req.values)
      if (auto p = value_problem(value)) return p;
  }
  return std::nullopt;
}

Result<ApplicationSet> parse_application_set(const Node& object) {
  OpenedObject o = TRY(open_object(k_appset_kind, object));
  const SpecReader& r = o.reader;
  ApplicationSet a;
  a.name = o.name;
  a.namespace_ = o.namespace_;
  const Node* annotations = object.at_path({"metadata", "annotations"});
  a.refresh = annotations && annotations->find(k_appset_refresh_annotation);
  Field spec = o.root["spec"];
  if (!TRY(r.map(spec))) return r.error(spec, "is required");
  a.go_template = TRY(r.boolean(spec["goTemplate"]));
  a.go_template_options = TRY(read_template_options(r, spec["goTemplateOptions"]));
  a.generators = TRY(read_children(r, spec["generators"], Level::top));
  a.template_ = TRY(read_template(r, spec["template"]));
  if (a.template_.is_null()) {
    a.template_ = Node::map();
    a.template_.set("metadata", Node::map());
    a.template_.set("spec", Node::map());
  }
  if (spec["templatePatch"].present()) a.template_patch = TRY(r.string(spec["templatePatch"]));
  a.sync_policy = TRY(read_sync_policy(r, spec["syncPolicy"]));
  TRY_VOID(check_strategy(r, spec["strategy"]));
  (void)TRY(r.boolean(spec["applyNestedSelectors"]));  // deprecated: nested selectors always apply
  Field preserved = spec["preservedFields"];
  if (TRY(r.map(preserved))) {
    a.preserved_annotations = TRY(r.strings(preserved["annotations"]));
    a.preserved_labels = TRY(r.strings(preserved["labels"]));
  }
  a.ignore_application_differences =
      TRY(r.maps(spec["ignoreApplicationDifferences"],
                 [&](const Field& item) { return read_ignore_difference(r, item); }));
  return a;
}

std::optional<std::string> Generated::refused_message() const {
  if (refused.empty()) return std::nullopt;
  std::string message = refused.back().message;
  if (refused.size() > 1) message += " (and " + std::to_string(refused.size() - 1) + " more)";
  return message;
}

namespace {

// Argo's GetRequeueAfter of one generator: 0 means "none".
std::chrono::seconds generator_requeue(const Generator& g) {
  constexpr std::chrono::seconds k_default{180};
  switch (g.kind) {
    case GeneratorKind::git:
      return g.git.requeue_after_seconds ? std::chrono::seconds(*g.git.requeue_after_seconds)
                                         : k_default;
    case GeneratorKind::matrix:
    case GeneratorKind::merge: {
      std::chrono::seconds best{0};
      for (const GeneratorEntry& child : g.children) {
        for (const Generator& c : child.generators) {
          std::chrono::seconds t = generator_requeue(c);
          if (t.count() != 0 && (best.count() == 0 || t < best)) best = t;
        }
      }
      return best;
    }
    default:
      return std::chrono::seconds{0};
  }
}

}  // namespace

std::optional<std::chrono::seconds> requeue_after(const ApplicationSet& appset) {
  std::chrono::seconds best{0};
  for (const GeneratorEntry& entry : appset.generators) {
    for (const Generator& g : entry.generators) {
      std::chrono::seconds t = generator_requeue(g);
      if (best.count() == 0 || (t.count() != 0 && t < best)) best = t;
    }
  }
  if (best.count() <= 0) return std::nullopt;
  return best;
}

Node owner_reference(const Node& appset_object) {
  Node ref = Node::map();
  ref.set("apiVersion", Node::string(std::string(k_group) + "/v1alpha1"));
  ref.set("kind", Node::string(k_appset_kind));
  ref.set("name", Node::string(appset_object.string_at({"metadata", "name"})));
  ref.set("uid", Node::string(appset_object.string_at({"metadata", "uid"})));
  ref.set("controller", Node::boolean(true));
  ref.set("blockOwnerDeletion", Node::boolean(true));
  return ref;
}

Node application_update(const ApplicationSet& appset, const Node& generated, const Node* live) {
  static constexpr std::array<std::string_view, 3> k_argo_annotations{
      "notified.notifications.argoproj.io", k_refresh_annotation, "argocd.argoproj.io/hydrate"};
  static constexpr std::array<std::string_view, 2> k_kept_finalizers{
      "pre-delete-finalizer.argocd.argoproj.io", "post-delete-finalizer.argocd.argoproj.io"};
  auto at = [](const Node& n, std::string_view key) {
    const Node* v = n.find(key);
    return v ? *v : Node();
  };
  Node found = live ? *live : Node::map();
  if (!live) {
    found.set("apiVersion", at(generated, "apiVersion"));
    found.set("kind", at(generated, "kind"));
    Node& meta = found["metadata"];
    meta.set("name", Node::string(generated.string_at({"metadata", "name"})));
    meta.set("namespace", Node::string(generated.string_at({"metadata", "namespace"})));
  }
  const Node empty = Node::map();
  const Node* live_meta = live ? live->find("metadata") : nullptr;
  auto keep = [&](std::string_view key, std::span<const std::string> names, Node out) {
    const Node* have = live_meta ? live_meta->find(key) : nullptr;
    for (const std::string& name : names) {
      if (const Node* v = have ? have->find(name) : nullptr) out.set(name, *v);
    }
    return out;
  };
  Node gen_meta = at(generated, "metadata");
  auto gen_field = [&](std::string_view key) { return at(gen_meta, key); };
  std::vector<std::string> annotation_keys = appset.preserved_annotations;
  annotation_keys.insert(annotation_keys.end(), k_argo_annotations.begin(),
                         k_argo_annotations.end());
  Node annotations = keep("annotations", annotation_keys,
                          gen_field("annotations").is_map() ? gen_field("annotations") : empty);
  Node labels = keep("labels", appset.preserved_labels,
                     gen_field("labels").is_map() ? gen_field("labels") : empty);
  Node finalizers = gen_field("finalizers").is_list() ? gen_field("finalizers") : Node::list();
  if (const Node* have = live_meta ? live_meta->find("finalizers") : nullptr) {
    for (std::string_view prefix : k_kept_finalizers) {
      for (const Node& f : have->items())
        if (f.as_string().starts_with(prefix)) finalizers.push_back(f);
    }
  }
  found.set("spec", at(generated, "spec"));
  if (const Node* op = generated.find("operation")) found.set("operation", *op);
  Node& meta = found["metadata"];
  auto set_or_erase = [&](std::string_view key, Node value) {
    if (value.empty())
      meta.erase(key);
    else
      meta.set(key, std::move(value));
  };
  set_or_erase("annotations", std::move(annotations));
  set_or_erase("labels", std::move(labels));
  set_or_erase("finalizers", std::move(finalizers));
  return found;
}

}  // namespace plumb::argo
