// plumb build hr NAME --file HR.yaml [--path DIR]: renders a HelmRelease offline — its chart
// from a local path, its values composed as the controller composes them
// (controller::compose_values: valuesFrom in order, then spec.values), printed as `helm
// template RELEASE CHART -n NAMESPACE -f VALUES` prints them for the release's name and
// namespace (with the crds/ files first unless spec.install.crds is Skip, as an install
// creates them). Nothing is read from a cluster: valuesFrom ConfigMaps and Secrets come from
// the manifests in --values-from-dir, or the release is refused naming them.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "controller/helmrelease_types.hpp"
#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "helm/template.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb build hr|helmrelease NAME --file HR.yaml [--path DIR|CHART.tgz] [flags]\n\n"
    "Renders the HelmRelease NAME of HR.yaml offline and prints the manifests of its\n"
    "release, as `helm template` prints them for the release's name and namespace and the\n"
    "values the controller composes (valuesFrom in order, then spec.values); the crds/ files\n"
    "come first unless spec.install.crds is Skip. The chart is read from --path:\n"
    "  - GitRepository or Bucket source: DIR is the source's root and the chart is\n"
    "    spec.chart.spec.chart below it (never above it);\n"
    "  - HelmRepository source: DIR is the chart's directory, or CHART.tgz its package.\n"
    "The controller applies these objects (less hooks) with Helm's meta.helm.sh annotations.\n\n"
    "Flags:\n"
    "  --file FILE             the YAML holding the HelmRelease (required)\n"
    "  --path DIR|FILE         the source's root or the chart (default .)\n"
    "  --values-from-dir DIR   ConfigMap and Secret manifests (*.yaml, *.yml, *.json) that\n"
    "                          spec.valuesFrom reads; without it valuesFrom is refused\n"
    "  --kube-version V        .Capabilities.KubeVersion (default helm's)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n\n%s", message.c_str(), k_usage);
  return 2;
}

std::string id_of(const Node& object) {
  return std::string(object.string_at({"kind"})) + "/" +
         std::string(object.string_at({"metadata", "namespace"})) + "/" +
         std::string(object.string_at({"metadata", "name"}));
}

// The HelmRelease called name in the documents of file.
Result<Node> find_release(const FileSystem& fs, const std::string& file, std::string_view name) {
  std::string text = TRY(fs.read_file(file));
  for (Node& doc : TRY(parse_yaml_stream(text, file))) {
    if (doc.is_map() && doc.string_at({"kind"}) == "HelmRelease" &&
        doc.string_at({"metadata", "name"}) == name) {
      if (doc.string_at({"metadata", "namespace"}).empty())
        doc["metadata"].set("namespace", Node::string("default"));
      return doc;
    }
  }
  return fail("no HelmRelease '", name, "' in ", file);
}

// The ConfigMaps and Secrets of dir's manifests, by "Kind/namespace/name" (a manifest without
// a namespace is in every one). A Secret's stringData is folded into data, as the API server
// stores it.
Result<std::map<std::string, Node>> values_objects(const FileSystem& fs, const std::string& dir) {
  std::map<std::string, Node> out;
  for (const std::string& entry : TRY(fs.list_dir(dir))) {
    std::string path = dir + "/" + entry;
    if (!fs.is_file(path) ||
        !(entry.ends_with(".yaml") || entry.ends_with(".yml") || entry.ends_with(".json")))
      continue;
    std::string text = TRY(fs.read_file(path));
    for (Node& doc : TRY(parse_yaml_stream(text, path))) {
      std::string_view kind = doc.is_map() ? doc.string_at({"kind"}) : "";
      if (kind != "ConfigMap" && kind != "Secret") continue;
      if (const Node* string_data = doc.find("stringData"); string_data && kind == "Secret") {
        for (const MapEntry& e : string_data->entries())
          doc["data"].set(e.key.as_string(), Node::string(base64_encode(e.value.as_string())));
      }
      out.emplace(id_of(doc), std::move(doc));
    }
  }
  return out;
}

// Where the chart lies: below the source's root for GitRepository and Bucket charts, the
// path itself for a HelmRepository's.
Result<std::string> chart_path(const FileSystem& fs, const controller::HelmReleaseSpec& spec,
                               const std::string& path) {
  std::string root = std::filesystem::absolute(path).lexically_normal().string();
  if (root.size() > 1 && root.ends_with('/')) root.pop_back();
  if (spec.source_ref.kind == "HelmRepository") {
    if (!fs.is_dir(root) && !fs.is_file(root))
      return fail("--path ", path, ": no chart directory or archive there");
    return root;
  }
  std::string chart = clean_path(root + clean_path("/" + spec.chart));
  if (!fs.is_dir(chart))
    return fail("spec.chart.spec.chart: ", spec.chart, ": no such directory below ", path);
  return chart;
}

Result<std::string> build_release(const Flags& flags, const std::string& name) {
  auto fs = make_disk_fs();
  Node object = TRY(find_release(*fs, flags.value("--file"), name));
  if (object.at_path({"spec", "chartRef"}))
    return fail("spec.chartRef is not supported by plumb build hr (spec.chart is)");
  controller::HelmReleaseSpec spec = TRY(controller::parse_helm_release(object));
  if (!spec.values_files.empty())
    return fail("spec.chart.spec.valuesFiles is not supported by Plumb yet");
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::map<std::string, Node> objects;
  if (flags.has_value("--values-from-dir")) {
    objects = TRY(values_objects(*fs, flags.value("--values-from-dir")));
  } else if (!spec.values_from.empty()) {
    const controller::ValuesReference& first = spec.values_from.front();
    return fail("spec.valuesFrom reads ", first.kind, " '", ns, "/", first.name,
                "' from the cluster: give its manifest with --values-from-dir DIR");
  }
  controller::ObjectLookup lookup = [&](std::string_view kind, std::string_view in,
                                        std::string_view ref) -> Result<std::optional<Node>> {
    for (std::string_view space : {in, std::string_view()}) {
      std::string key = std::string(kind) + "/" + std::string(space) + "/" + std::string(ref);
      if (auto it = objects.find(key); it != objects.end()) return it->second;
    }
    return std::nullopt;
  };
  Node values = TRY(controller::compose_values(spec, ns, lookup));
  OverlayFileSystem overlay(*fs);
  constexpr std::string_view k_values_file = "/.plumb-build-hr-values.json";
  overlay.add_file(k_values_file, to_json(values));
  helm::TemplateOptions options;
  options.release_name = spec.release_name;
  options.namespace_name = spec.target_namespace.empty() ? ns : spec.target_namespace;
  options.chart_path = TRY(chart_path(*fs, spec, flags.value("--path", ".")));
  options.values.value_files = {std::string(k_values_file)};
  options.output.include_crds = spec.install_crds != controller::CrdPolicy::skip;
  if (flags.has_value("--kube-version")) options.kube_version = flags.value("--kube-version");
  return helm::template_chart(overlay, options);
}

}  // namespace

int build_hr_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--help"},
                .values = {"--file", "--path", "--values-from-dir", "--kube-version"},
                .aliases = {{"-h", "--help"}, {"-f", "--file"}}};
  auto flags = parse_flags(args, spec);
  if (!flags) return usage_error(flags.error().message());
  if (flags->has("--help")) {
    std::fputs(k_usage, stdout);
    return 0;
  }
  if (flags->positional.size() != 1) return usage_error("one NAME is required");
  if (!flags->has_value("--file")) return usage_error("--file is required");
  auto out = build_release(*flags, flags->positional[0]);
  if (!out) {
    std::fprintf(stderr, "Error: %s\n", out.error().message().c_str());
    return 1;
  }
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

}  // namespace plumb::cli
