// `plumb cluster`: runs the embedded Kubernetes API server until interrupted.
#include <cstdio>
#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "cli/signals.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb cluster [--data-dir DIR] [--port N] [--kubeconfig FILE] [--fail-images REGEX]\n"
    "\n"
    "Serves a Kubernetes-compatible API on https://127.0.0.1:PORT (default 6443; 0 picks a\n"
    "free port) and writes a kubeconfig for it (default DIR/kubeconfig with --data-dir,\n"
    "else ./plumb-cluster.kubeconfig). With --data-dir, state survives restarts and crashes.\n"
    "Pods whose image matches --fail-images (default 'fail') never become ready.\n";

}  // namespace

int cluster_command(std::span<const std::string_view> args) {
  localcluster::ClusterOptions options;
  options.kubeconfig = "";
  bool kubeconfig_set = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    auto value = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg.starts_with(std::string(flag) + "=")) return std::string(arg.substr(flag.size() + 1));
      if (arg == flag && i + 1 < args.size()) return std::string(args[++i]);
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(k_usage, stdout);
      return 0;
    } else if (auto dir = value("--data-dir")) {
      options.data_dir = *dir;
    } else if (auto port = value("--port")) {
      try {
        options.port = std::stoi(*port);
      } catch (...) {
        std::fprintf(stderr, "plumb cluster: --port '%s' is not a number\n", port->c_str());
        return 2;
      }
    } else if (auto path = value("--kubeconfig")) {
      options.kubeconfig = *path;
      kubeconfig_set = true;
    } else if (auto regex = value("--fail-images")) {
      options.fail_images = *regex;
    } else {
      std::fprintf(stderr, "plumb cluster: unknown argument '%.*s'\n%s",
                   static_cast<int>(arg.size()), arg.data(), k_usage);
      return 2;
    }
  }
  if (!kubeconfig_set) {
    options.kubeconfig =
        options.data_dir.empty() ? "plumb-cluster.kubeconfig" : options.data_dir + "/kubeconfig";
  }

  StopSignals signals;  // before any thread starts

  auto cluster = localcluster::Cluster::start(options);
  if (!cluster) {
    std::fprintf(stderr, "plumb cluster: %s\n", cluster.error().message().c_str());
    return 1;
  }
  std::printf("plumb cluster: serving %s\nplumb cluster: kubeconfig %s\n",
              (*cluster)->server_url().c_str(), options.kubeconfig.c_str());
  std::fflush(stdout);
  signals.wait();
  std::printf("plumb cluster: stopping\n");
  (*cluster)->stop();
  return 0;
}

}  // namespace plumb::cli
