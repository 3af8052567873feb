// plumb build DIR: renders a kustomization like `kubectl kustomize DIR`, a plain directory as
// Flux does. `plumb build hr ...` renders a HelmRelease (build_hr_cmd.cpp).
#include <cstdio>
#include <fstream>
#include <string>

#include "cli/cli.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "render/build.hpp"
#include "render/render_path.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb build [DIR] [flags]\n"
    "       plumb build hr NAME --file HR.yaml [--path DIR] [--values-from-dir DIR]\n"
    "                         (a HelmRelease; plumb build hr --help)\n\n"
    "Renders the kustomization in DIR (default .) exactly as `kubectl kustomize DIR` does.\n"
    "A directory without a kustomization file is rendered as Flux renders one: every\n"
    "Kubernetes manifest below it (and every subdirectory with a kustomization file).\n"
    "Remote bases (git URLs) are fetched into $XDG_CACHE_HOME/plumb/git (~/.cache/plumb/git).\n\n"
    "Flags:\n"
    "  --load-restrictor LoadRestrictionsRootOnly|LoadRestrictionsNone\n"
    "                          may files be read from outside the kustomization root\n"
    "  --reorder legacy|none   output order (legacy by default; sortOptions wins)\n"
    "  --enable-managedby-label  label every object app.kubernetes.io/managed-by\n"
    "  -o, --output FILE       write to FILE instead of stdout\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n\n%s", message.c_str(), k_usage);
  return 2;
}

}  // namespace

int build_command(std::span<const std::string_view> args) {
  if (!args.empty() && (args[0] == "hr" || args[0] == "helmrelease"))
    return build_hr_command(args.subspan(1));
  render::BuildOptions options;
  std::string dir;
  std::string output;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view value;
    bool has_value = false;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_value = true;
    }
    auto take = [&](std::string_view& out) {
      if (has_value) {
        out = value;
        return true;
      }
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    if (arg == "-h" || arg == "--help") {
      std::printf("%s", k_usage);
      return 0;
    } else if (arg == "--load-restrictor" || arg == "--load_restrictor") {
      std::string_view v;
      if (!take(v)) return usage_error("--load-restrictor needs a value");
      if (v == "LoadRestrictionsRootOnly") {
        options.restrictor = render::LoadRestrictor::root_only;
      } else if (v == "LoadRestrictionsNone") {
        options.restrictor = render::LoadRestrictor::none;
      } else {
        return usage_error("illegal flag value --load-restrictor " + std::string(v));
      }
    } else if (arg == "--reorder") {
      std::string_view v;
      if (!take(v)) return usage_error("--reorder needs a value");
      if (v == "legacy") {
        options.reorder = render::Reorder::legacy;
      } else if (v == "none") {
        options.reorder = render::Reorder::none;
      } else {
        return usage_error("illegal flag value --reorder " + std::string(v) +
                           "; legal values: [legacy, none]");
      }
    } else if (arg == "--enable-managedby-label") {
      options.managed_by_label = !has_value || value == "true";
    } else if (arg == "-o" || arg == "--output") {
      std::string_view v;
      if (!take(v)) return usage_error("-o needs a file name");
      output = std::string(v);
    } else if (arg.starts_with("-")) {
      return usage_error("unknown flag " + std::string(arg));
    } else if (dir.empty()) {
      dir = std::string(arg);
    } else {
      return usage_error("specify one directory");
    }
  }
  if (dir.empty()) dir = ".";
  auto fs = make_disk_fs();
  render::GitRemoteFetcher remote(render::default_git_cache_dir());
  options.remote = &remote;
  auto docs = render::render_path(*fs, dir, options);
  if (!docs) {
    std::fprintf(stderr, "Error: %s\n", docs.error().message().c_str());
    return 1;
  }
  std::string text = to_yaml_stream(*docs);
  if (!output.empty()) {
    std::ofstream out(output, std::ios::binary);
    out << text;
    if (!out) {
      std::fprintf(stderr, "Error: cannot write %s\n", output.c_str());
      return 1;
    }
    return 0;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace plumb::cli
