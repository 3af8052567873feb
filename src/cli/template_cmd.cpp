// plumb template [NAME] CHART: renders a Helm chart exactly as `helm template` (v4.1.4) does
// and prints the manifests; on failure prints Helm's message as "Error: ..." on stderr and
// nothing on stdout. Flags are read as Helm's (pflag) reads them: `--flag value`,
// `--flag=value`, `-f value`, `-fvalue`; string slices (-f, --api-versions) split on commas,
// string arrays (--set*, --show-only) do not.
//
// Every flag of `helm template --help` is either implemented (--output-dir and --release-name
// write the files as helm does, with its "wrote PATH" lines; -g/--generate-name names the release
// CHART-UNIXTIME), accepted because it changes nothing helm template prints for a local chart
// (--create-namespace, --timeout, --wait, --labels, --version, the kube and registry flags ...),
// or refused with an error naming it (--repo, --post-renderer, --verify, --enable-dns,
// --dry-run=server, --validate: they need a network, a plugin or a cluster).
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "core/fs.hpp"
#include "helm/archive.hpp"
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
    "      --skip-schema-validation  do not check values against values.schema.json\n"
    "      --output-dir DIR        write the manifests to files under DIR\n"
    "      --release-name          with --output-dir: under DIR/NAME\n"
    "  -g, --generate-name         name the release CHART-UNIXTIME\n"
    "      --debug                 render errors without helm's \"Use --debug\" hint\n\n"
    "Accepted without effect on the output (as in helm template for a local chart):\n"
    "  --create-namespace --dependency-update --devel --skip-crds --hide-notes --atomic\n"
    "  --take-ownership --rollback-on-failure --wait[=S] --wait-for-jobs --force-conflicts\n"
    "  --force-replace --server-side --replace --render-subchart-notes --dry-run[=client]\n"
    "  --timeout --description --labels --version --username --password --ca-file --cert-file\n"
    "  --key-file --keyring --insecure-skip-tls-verify --pass-credentials --plain-http\n"
    "  --post-renderer-args and the kube/registry/repository flags.\n"
    "Refused: --repo, --post-renderer, --verify, --enable-dns, --validate, --dry-run=server.\n";

int error(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

int refuse(const std::string& flag, const std::string& why) {
  return error(flag + " is not supported by plumb template: " + why);
}

// helm's writeToFile: DIR/NAME made (with its directories) or appended to, and "wrote PATH".
Result<void> write_output_file(const std::string& dir, const helm::ReleaseDocument& doc,
                               bool append) {
  std::string path = dir + "/" + doc.path;
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::filesystem::create_directories(parent, ec);
  if (ec) return fail("mkdir ", parent.string(), ": ", ec.message());
  std::ofstream out(path,
                    append ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
  if (!out) return fail("open ", path, ": cannot write");
  out << "---\n# Source: " << doc.path << "\n" << doc.content << "\n";
  if (!out) return fail("write ", path, ": failed");
  std::printf("wrote %s\n", path.c_str());
  std::fflush(stdout);  // as Go's unbuffered Printf, before any error on stderr
  return {};
}

// helm template --output-dir: CRDs and manifests under DIR (a file written twice in one run is
// appended to), hooks after them, appended to a file that exists already; with --release-name
// the manifests and hooks go under DIR/NAME (the CRDs stay under DIR).
Result<void> write_output_dir(const helm::TemplateRelease& release, const std::string& dir,
                              bool use_release_name) {
  std::set<std::string> written;
  std::string named = use_release_name ? helm::go_path_clean(dir + "/" + release.name) : dir;
  for (const helm::ReleaseDocument& doc : release.documents) {
    using Part = helm::ReleaseDocument::Part;
    const std::string& target = doc.part == Part::crd ? dir : named;
    bool append = doc.part == Part::hook ? std::filesystem::exists(target + "/" + doc.path)
                                         : written.contains(doc.path);
    TRY_VOID(write_output_file(target, doc, append));
    if (doc.part != Part::hook) written.insert(doc.path);
  }
  return {};
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
  std::string output_dir;
  bool use_release_name = false, generate_name = false, verify = false;
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
      static const std::map<std::string, std::string> k_short = {
          {"-f", "--values"},    {"-n", "--namespace"},     {"-a", "--api-versions"},
          {"-s", "--show-only"}, {"-g", "--generate-name"}, {"-l", "--labels"}};
      auto it = k_short.find(name);
      if (it == k_short.end()) return error("unknown shorthand flag: '" + name.substr(1) + "'");
      name = it->second;
    }
    // Flags with an optional value: `--dry-run` (client), `--wait` (watcher).
    if (name == "--dry-run") {
      std::string v = inline_value.value_or("unset");
      if (v == "unset" || v == "true")
        std::fputs(
            "level=WARN msg=\"--dry-run is deprecated and should be replaced with "
            "'--dry-run=client'\"\n",
            stderr);
      if (v == "server") return refuse("--dry-run=server", "it validates against a cluster");
      if (v != "client" && v != "none" && v != "unset" && v != "true" && v != "false")
        return error("invalid dry-run value (\"" + v +
                     "\"). Must be \"none\", \"server\", or \"client\"");
      continue;
    }
    if (name == "--wait") {
      std::string v = inline_value.value_or("watcher");
      if (v != "watcher" && v != "hookOnly" && v != "legacy" && v != "true" && v != "false")
        return error("invalid argument \"" + v + "\" for \"--wait\" flag: invalid wait input \"" +
                     v + "\". Valid inputs are watcher, hookOnly, and legacy");
      continue;
    }
    static const std::set<std::string, std::less<>> k_booleans = {
        "--include-crds", "--skip-tests", "--no-hooks", "--is-upgrade", "--skip-schema-validation",
        "--debug", "--generate-name", "--release-name", "--validate", "--verify", "--enable-dns",
        // No effect on what helm template prints for a local chart.
        "--atomic", "--disable-openapi-validation", "--dependency-update", "--devel",
        "--create-namespace", "--skip-crds", "--hide-notes", "--take-ownership",
        "--rollback-on-failure", "--wait-for-jobs", "--force-conflicts", "--force-replace",
        "--server-side", "--replace", "--render-subchart-notes", "--insecure-skip-tls-verify",
        "--pass-credentials", "--plain-http", "--kube-insecure-skip-tls-verify"};
    if (k_booleans.contains(name)) {
      bool on = !inline_value || *inline_value == "true" || *inline_value == "1";
      if (name == "--include-crds") options.output.include_crds = on;
      if (name == "--skip-tests") options.output.skip_tests = on;
      if (name == "--no-hooks") options.output.no_hooks = on;
      if (name == "--is-upgrade") options.is_upgrade = on;
      if (name == "--skip-schema-validation") options.skip_schema_validation = on;
      if (name == "--debug") options.debug = on;
      if (name == "--generate-name") generate_name = on;
      if (name == "--release-name") use_release_name = on;
      if (on && name == "--validate") return refuse(name, "it validates against a cluster");
      if (name == "--verify") verify = on;
      if (on && name == "--atomic")
        std::fputs("Flag --atomic has been deprecated, use --rollback-on-failure instead\n",
                   stderr);
      if (on && name == "--enable-dns")
        return refuse(name, "getHostByName never looks names up (it returns \"\")");
      continue;
    }
    static const std::set<std::string, std::less<>> k_no_effect = {"--timeout",
                                                                   "--description",
                                                                   "--version",
                                                                   "--username",
                                                                   "--password",
                                                                   "--ca-file",
                                                                   "--cert-file",
                                                                   "--key-file",
                                                                   "--keyring",
                                                                   "--post-renderer-args",
                                                                   "--burst-limit",
                                                                   "--qps",
                                                                   "--color",
                                                                   "--colour",
                                                                   "--content-cache",
                                                                   "--kube-apiserver",
                                                                   "--kube-as-group",
                                                                   "--kube-as-user",
                                                                   "--kube-ca-file",
                                                                   "--kube-context",
                                                                   "--kube-tls-server-name",
                                                                   "--kube-token",
                                                                   "--kubeconfig",
                                                                   "--registry-config",
                                                                   "--repository-cache",
                                                                   "--repository-config"};
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
    } else if (name == "--output-dir") {
      output_dir = value;
    } else if (name == "--labels") {
      std::vector<std::string> pairs;
      split_commas(value, pairs);
      // pflag's stringToString (csv): fails only when no part holds a '='.
      if (value.find('=') == std::string::npos)
        return error("invalid argument \"" + value + "\" for \"-l, --labels\" flag: " +
                     pairs.front() + " must be formatted as key=value");
    } else if (name == "--repo") {
      return refuse(name, "it renders local charts only (a directory or a .tgz)");
    } else if (name == "--post-renderer") {
      return refuse(name, "it runs no plugins");
    } else if (k_no_effect.contains(name)) {
      // A value that changes nothing helm template prints for a local chart.
    } else {
      return error("unknown flag: " + name);
    }
  }
  if (positional.empty())
    return error("\"plumb template\" requires at least 1 argument\n\n" + std::string(k_usage));
  if (positional.size() > 2)
    return error("expected at most two arguments, unexpected arguments: " + positional[2]);
  if (generate_name) {
    // helm's NameAndChart: the chart's base name up to its first '.', and the time.
    if (positional.size() == 2) return error("cannot set --generate-name and also specify a name");
    std::string base = std::filesystem::path(positional[0]).filename().string();
    if (base.empty() || base == ".") base = "chart";
    base = base.substr(0, base.find('.'));
    positional.insert(positional.begin(), base + "-" + std::to_string(std::time(nullptr)));
  }
  if (positional.size() == 2) {
    options.release_name = positional[0];
    options.chart_path = positional[1];
  } else {
    options.chart_path = positional[0];
  }
  auto fs = make_disk_fs();
  if (verify) {
    if (fs->is_dir(options.chart_path)) return error("unpacked charts cannot be verified");
    return refuse("--verify", "it checks the chart's provenance file and signature");
  }
  if (output_dir.empty()) {
    auto out = helm::template_chart(*fs, options);
    if (!out) return error(out.error().message());
    std::fwrite(out->data(), 1, out->size(), stdout);
    return 0;
  }
  auto release = helm::template_release(*fs, options);
  if (!release) return error(release.error().message());
  if (auto written = write_output_dir(*release, output_dir, use_release_name); !written)
    return error(written.error().message());
  // What is left to print: nothing but a newline, which --show-only finds nothing in.
  auto out = helm::show_only("\n", options.output.show_only);
  if (!out) return error(out.error().message());
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

}  // namespace plumb::cli
