// `helm template` from chart path to printed manifests (see template.hpp).
#include "helm/template.hpp"

#include "gotemplate/template.hpp"
#include "helm/render.hpp"
#include "helm/schema.hpp"
#include "sprig/sprig.hpp"

namespace plumb::helm {
namespace {

// action.TemplateName: the --name-template rendered with sprig's functions and no data.
Result<std::string> template_name(const std::string& text) {
  static const auto k_funcs = std::make_shared<const gotemplate::FuncMap>(sprig::functions());
  gotemplate::TemplateSet set("name-template", k_funcs);
  TRY_VOID(set.parse("name-template", text));
  return set.execute("name-template", gotemplate::Value());
}

// action.CheckDependencies.
Result<void> check_dependencies(const Chart& chart) {
  std::string missing;
  for (const Dependency& d : chart.metadata.dependencies) {
    bool found = false;
    for (const Chart& sub : chart.dependencies)
      if (sub.name() == d.name) found = true;
    if (found) continue;
    if (!missing.empty()) missing += ", ";
    missing += d.name;
  }
  if (missing.empty()) return {};
  return fail(
      "an error occurred while checking for chart dependencies. You may need to run `helm "
      "dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in "
      "charts/ directory: ",
      missing);
}

}  // namespace

Result<TemplateRelease> template_release(const FileSystem& fs, const TemplateOptions& options) {
  Capabilities caps = default_capabilities();
  if (options.kube_version) {
    auto kv = parse_kube_version(*options.kube_version);
    if (!kv)
      return fail("invalid kube version '", *options.kube_version, "': ", kv.error().message());
    caps.kube_version = *kv;
  }
  if (options.cluster_api_versions) caps.api_versions.clear();
  for (const std::string& api : options.api_versions)
    caps.api_versions.push_back(api);

  ReleaseOptions release;
  release.namespace_name = options.namespace_name.empty() ? "default" : options.namespace_name;
  release.is_upgrade = options.is_upgrade;
  release.is_install = !options.is_upgrade;
  if (!options.release_name.empty()) {
    if (!options.name_template.empty())
      return fail("cannot set --name-template and also specify a name");
    release.name = options.release_name;
  } else if (!options.name_template.empty()) {
    release.name = TRY(template_name(options.name_template));
  } else {
    release.name = "release-name";
  }

  if (!fs.is_dir(options.chart_path) && !fs.is_file(options.chart_path))
    return fail("path \"", options.chart_path, "\" not found");
  Node user_values = TRY(merge_values(options.values, fs));
  Chart chart = TRY(load_chart(fs, options.chart_path));
  const std::string& type = chart.metadata.type;
  if (!type.empty() && type != "application") return fail(type, " charts are not installable");
  if (chart.metadata.declares_dependencies) TRY_VOID(check_dependencies(chart));

  TRY_VOID(process_dependencies(chart, user_values));
  TRY_VOID(validate_release_name(release.name));
  Node values = TRY(coalesce_values(chart, user_values));
  if (!options.skip_schema_validation) TRY_VOID(validate_values_schema(chart, values));
  // Errors from here on are the release's render errors, which helm template reports with a
  // hint (it has a partial release to print with --debug).
  auto hint = [&](const Error& e) {
    if (options.debug) return std::unexpected(e);
    return std::unexpected(Error(e.message() + "\n\nUse --debug flag to render out invalid YAML"));
  };
  if (auto checked = check_chart(chart, caps); !checked) return hint(checked.error());
  auto rendered = render_chart(chart, values, release, caps);
  if (!rendered) return hint(rendered.error());
  auto docs = release_documents(chart, *rendered, options.output);
  if (!docs) return hint(docs.error());
  return TemplateRelease{release.name, std::move(*docs)};
}

Result<std::string> template_chart(const FileSystem& fs, const TemplateOptions& options) {
  TemplateRelease release = TRY(template_release(fs, options));
  return show_only(release_text(release.documents), options.output.show_only);
}

}  // namespace plumb::helm
