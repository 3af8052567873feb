// plumb template [NAME] CHART: renders a Helm chart exactly as `helm template` (v4.1.4) does
// and prints the manifests; on failure prints Helm's message as "Error: ..." on stderr and
// nothing on stdout. Flags are read as Helm's (pflag) reads them: `--flag value`,
// `--flag=value`, `-f value`, `-fvalue`; string slices (-f, --api-versions) split on commas,
// string arrays (--set*, --show-only) do not.
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "core/fs.hpp"
#include "helm/template.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb template [NAME] CHART [flags]\n\n"
    "Renders a Helm chart (directory or .tgz) as `helm template` v4.1.4 does.\n\n"
    "Flags:\n"
    "  -f, --values FILES          values files (repeatable, comma-separated)\n"
    "      --set, --set-string, --set-json, --set-file, --set-literal KEY=VALUE\n"
    "  -n, --namespace NS          the release namespace (default \"default\")\n"
    "      --kube-version V        .Capabilities.KubeVersion (default v1.35.0)\n"
    "  -a, --api-versions LIST     extra .Capabilities.APIVersions\n"
    "      --name-template TPL     a template for the release name\n"
    "  -s, --show-only PATH        only the manifests of templates matching PATH\n"
    "      --include-crds          print the crds/ files first\n"
    "      --skip-tests            leave out test hooks\n"
    "      --no-hooks              leave out every hook\n"
    "      --is-upgrade            .Release.IsUpgrade true\n"
    "      --skip-schema-validation  do not check values against values.schema.json\n";

int error(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

void split_commas(std::string_view text, std::vector<std::string>& out) {
  while (true) {
    size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

int template_command(std::span<const std::string_view> args) {
  helm::TemplateOptions options;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(k_usage, stdout);
      return 0;
    }
    if (arg == "--") {
      for (++i; i < args.size(); ++i)
        positional.emplace_back(args[i]);
      break;
    }
    if (!arg.starts_with("-") || arg == "-") {
      positional.emplace_back(arg);
      continue;
    }
    std::string name;
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      size_t eq = arg.find('=');
      name = std::string(arg.substr(0, eq));
      if (eq != std::string_view::npos) inline_value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg.substr(0, 2));
      if (arg.size() > 2) inline_value = std::string(arg.substr(arg[2] == '=' ? 3 : 2));
      static const std::map<std::string, std::string> k_short = {{"-f", "--values"},
                                                                 {"-n", "--namespace"},
                                                                 {"-a", "--api-versions"},
                                                                 {"-s", "--show-only"}};
      auto it = k_short.find(name);
      if (it == k_short.end()) return error("unknown shorthand flag: '" + name.substr(1) + "'");
      name = it->second;
    }
    static const std::set<std::string, std::less<>> k_booleans = {"--include-crds",
                                                                  "--skip-tests",
                                                                  "--no-hooks",
                                                                  "--is-upgrade",
                                                                  "--skip-schema-validation",
                                                                  "--debug",
                                                                  "--validate",
                                                                  "--dry-run",
                                                                  "--atomic",
                                                                  "--wait",
                                                                  "--disable-openapi-validation",
                                                                  "--dependency-update",
                                                                  "--devel",
                                                                  "--create-namespace",
                                                                  "--skip-crds",
                                                                  "--generate-name",
                                                                  "-g",
                                                                  "--release-name",
                                                                  "--enable-dns",
                                                                  "--hide-notes",
                                                                  "--take-ownership",
                                                                  "--rollback-on-failure"};
    if (k_booleans.contains(name)) {
      bool on = !inline_value || *inline_value == "true" || *inline_value == "1";
      if (name == "--include-crds") options.output.include_crds = on;
      if (name == "--skip-tests") options.output.skip_tests = on;
      if (name == "--no-hooks") options.output.no_hooks = on;
      if (name == "--is-upgrade") options.is_upgrade = on;
      if (name == "--skip-schema-validation") options.skip_schema_validation = on;
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = std::string(args[++i]);
    } else {
      return error("flag needs an argument: " + name);
    }
    if (name == "--values") {
      split_commas(value, options.values.value_files);
    } else if (name == "--set") {
      options.values.values.push_back(value);
    } else if (name == "--set-string") {
      options.values.string_values.push_back(value);
    } else if (name == "--set-json") {
      options.values.json_values.push_back(value);
    } else if (name == "--set-file") {
      options.values.file_values.push_back(value);
    } else if (name == "--set-literal") {
      options.values.literal_values.push_back(value);
    } else if (name == "--namespace") {
      options.namespace_name = value;
    } else if (name == "--kube-version") {
      options.kube_version = value;
    } else if (name == "--api-versions") {
      split_commas(value, options.api_versions);
    } else if (name == "--show-only") {
      options.output.show_only.push_back(value);
    } else if (name == "--name-template") {
      options.name_template = value;
    } else if (name == "--timeout" || name == "--description" || name == "--labels") {
      // No effect on what helm template prints.
    } else if (name == "--version" || name == "--repo" || name == "--output-dir" ||
               name == "--post-renderer") {
      return error(name + " is not supported by plumb template yet");
    } else {
      return error("unknown flag: " + name);
    }
  }
  if (positional.empty())
    return error("\"plumb template\" requires at least 1 argument\n\n" + std::string(k_usage));
  if (positional.size() > 2)
    return error("expected at most two arguments, unexpected arguments: " + positional[2]);
  if (positional.size() == 2) {
    options.release_name = positional[0];
    options.chart_path = positional[1];
  } else {
    options.chart_path = positional[0];
  }
  auto fs = make_disk_fs();
  auto out = helm::template_chart(*fs, options);
  if (!out) return error(out.error().message());
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

}  // namespace plumb::cli
