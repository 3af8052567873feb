// generate_applications: Argo's GenerateApplications (controllers/template) — each generator's
// template merged with spec.template, its parameter sets rendered into Applications
// (RenderTemplateParams, templatePatch), the ApplicationSet's namespace, then the controller's
// validateGeneratedApplications (names missing or shared).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "argo/appset_parts.hpp"
#include "argo/crds.hpp"
#include "core/json.hpp"
#include "gotemplate/strconv.hpp"
#include "helm/sigs_yaml.hpp"
#include "merge/merge.hpp"

namespace plumb::argo {

namespace appset {
namespace {

std::string qualified(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

// applyTemplatePatch: the patch rendered, read as YAML (or JSON when it starts with "{"), laid
// over the Application as a strategic merge patch without a schema (maps merge, lists are
// replaced); spec.project is kept.
Result<Node> apply_template_patch(const Run& run, const Node& app, const Templater::Bound& bound) {
  const std::string path = "spec.templatePatch";
  auto text = run.templater.replace(*run.appset.template_patch, bound);
  if (!text)
    return run.error(path, "error replacing values in templatePatch: " + text.error().message());
  std::string_view trimmed = *text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
    trimmed.remove_prefix(1);
  auto patch = !trimmed.empty() && trimmed.front() == '{'
                   ? parse_json(*text, "templatePatch")
                   : helm::yaml_to_json(*text, helm::YamlNumbers::typed);
  if (!patch)
    return run.error(path, "error while converting template to json " + gotemplate::quote(*text) +
                               ": " + patch.error().message());
  if (patch->is_null()) return app;
  if (!patch->is_map())
    return run.error(path, "invalid templatePatch " + gotemplate::quote(*text) +
                               ": json: cannot unmarshal into Go value of type "
                               "v1alpha1.Application");
  auto patched = strategic_merge(app, *patch, SchemaType{});
  if (!patched)
    return run.error(path, "error while applying templatePatch template to json " +
                               gotemplate::quote(*text) + ": " + patched.error().message());
  Node out = Node::map();
  for (std::string_view key : {"metadata", "spec", "operation"}) {
    if (const Node* v = patched->find(key); v && !v->is_null()) out.set(key, *v);
  }
  if (!out.find("metadata") || !out.find("metadata")->is_map()) out.set("metadata", Node::map());
  if (!out.find("spec") || !out.find("spec")->is_map()) out.set("spec", Node::map());
  const Node* project = app.at_path({"spec", "project"});
  if (project)
    out["spec"].set("project", *project);
  else
    out["spec"].erase("project");
  return out;
}

// RenderTemplateParams (+ templatePatch and the namespace): one Application.
Result<Node> render_application(const Run& run, const Node& tmpl, const Node& params,
                                const std::string& path) {
  const Node empty = Node::map();
  const Node* meta_in = tmpl.find("metadata");
  const Node* spec_in = tmpl.find("spec");
  Node metadata = meta_in ? *meta_in : empty;
  Node spec = spec_in ? *spec_in : empty;
  Templater::Bound bound = run.templater.bind(params);
  // Argo renders nothing, and adds no finalizer, for an empty parameter set.
  if (!params.empty()) {
    auto meta = run.templater.replace_all(metadata, bound, "metadata");
    if (!meta) return run.error(path, meta.error().message());
    auto rendered = run.templater.replace_all(spec, bound, "spec");
    if (!rendered) return run.error(path, rendered.error().message());
    metadata = std::move(*meta);
    spec = std::move(*rendered);
    const Node* finalizers = metadata.find("finalizers");
    if (!run.appset.sync_policy.preserve_resources_on_deletion &&
        (!finalizers || finalizers->empty())) {
      Node list = Node::list();
      list.push_back(Node::string(k_resources_finalizer));
      metadata.set("finalizers", std::move(list));
    }
  }
  Node app = Node::map();
  app.set("metadata", std::move(metadata));
  app.set("spec", std::move(spec));
  if (run.appset.template_patch) app = TRY(apply_template_patch(run, app, bound));
  Node out = Node::map();
  out.set("apiVersion", Node::string(std::string(k_group) + "/v1alpha1"));
  out.set("kind", Node::string("Application"));
  for (const MapEntry& e : app.entries())
    out.set(e.key.as_string(), e.value);
  // The appsets-in-any-namespace boundary: an Application lives beside its ApplicationSet.
  if (run.appset.namespace_.empty())
    out["metadata"].erase("namespace");
  else
    out["metadata"].set("namespace", Node::string(run.appset.namespace_));
  return out;
}

void validate(const ApplicationSet& appset, Generated& out) {
  std::map<std::string, std::string> refused;
  std::set<std::string> names;
  for (const Node& app : out.applications) {
    std::string_view name = app.string_at({"metadata", "name"});
    std::string key = qualified(app.string_at({"metadata", "namespace"}), name);
    if (name.empty()) {
      refused[key] = "ApplicationSet " + appset.name +
                     " contains an application with no name; a name must be set in the "
                     "template's metadata.name or via a templatePatch (generateName is not "
                     "supported)";
    } else if (!names.insert(std::string(name)).second) {
      refused[key] = "ApplicationSet " + appset.name +
                     " contains applications with duplicate name: " + std::string(name);
    }
  }
  for (const Node& app : out.applications) {
    std::string key =
        qualified(app.string_at({"metadata", "namespace"}), app.string_at({"metadata", "name"}));
    if (!refused.contains(key)) out.valid.push_back(app);
  }
  std::stable_sort(out.valid.begin(), out.valid.end(), [](const Node& a, const Node& b) {
    return a.string_at({"metadata", "name"}) < b.string_at({"metadata", "name"});
  });
  for (auto& [key, message] : refused)
    out.refused.push_back(RefusedApplication{key, std::move(message)});
}

}  // namespace
}  // namespace appset

std::string_view generate_reason_name(GenerateReason reason) {
  return reason == GenerateReason::params ? "ApplicationGenerationFromParamsError"
                                          : "RenderTemplateParamsError";
}

std::expected<Generated, GenerateFailure> generate_applications(const ApplicationSet& appset,
                                                                const GenerateInput& input) {
  using appset::Run;
  appset::Templater templater(appset.go_template, appset.go_template_options);
  Run run{appset,
          input,
          templater,
          "ApplicationSet " + appset::qualified(appset.namespace_, appset.name),
          {}};
  auto failure = [](GenerateReason reason, Error error) {
    return std::unexpected(GenerateFailure{reason, std::move(error)});
  };
  Generated out;
  for (const GeneratorEntry& entry : appset.generators) {
    for (const Generator& g : entry.generators) {
      Node tmpl = g.template_.is_null() ? appset.template_ : g.template_;
      if (!g.template_.is_null()) appset::merge_fill(tmpl, appset.template_);
      auto params = appset::generator_params(run, entry, g, nullptr);
      if (!params) return failure(GenerateReason::params, std::move(params).error());
      std::string path = entry.path + "." + std::string(generator_name(g.kind));
      for (const Node& p : *params) {
        auto app = appset::render_application(run, tmpl, p, path);
        if (!app) return failure(GenerateReason::render, std::move(app).error());
        out.applications.push_back(std::move(*app));
        if (out.applications.size() > input.max_applications) {
          return failure(GenerateReason::params,
                         Error(run.what + ": generates more than " +
                               std::to_string(input.max_applications) + " applications"));
        }
      }
    }
  }
  appset::validate(appset, out);
  return out;
}

}  // namespace plumb::argo
