// `plumb cluster`: runs the embedded Kubernetes API server until interrupted.
#include <cstdio>
#include <string>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
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
  FlagSpec spec{.booleans = {"--help"},
                .values = {"--data-dir", "--port", "--kubeconfig", "--fail-images"},
                .aliases = {{"-h", "--help"}}};
  auto flags = parse_flags(args, spec);
  if (!flags || flags->has("--help") || !flags->positional.empty()) {
    if (!flags) std::fprintf(stderr, "plumb cluster: %s\n\n", flags.error().message().c_str());
    bool help = flags && flags->has("--help");
    std::fprintf(help ? stdout : stderr, "%s", k_usage);
    return help ? 0 : 2;
  }
  localcluster::ClusterOptions options;
  auto port = flags->integer("--port", k_port_range, options.port);
  if (!port) {
    std::fprintf(stderr, "plumb cluster: %s\n", port.error().message().c_str());
    return 2;
  }
  options.port = int(*port);
  options.data_dir = flags->value("--data-dir");
  options.kubeconfig =
      flags->value("--kubeconfig", options.data_dir.empty() ? "plumb-cluster.kubeconfig"
                                                            : options.data_dir + "/kubeconfig");
  if (flags->has_value("--fail-images")) options.fail_images = flags->value("--fail-images");

  StopSignals signals;  // before any thread starts

  auto cluster = localcluster::Cluster::start(options);
  if (!cluster) {
    std::fprintf(stderr, "plumb cluster: %s\n",
                 listen_error(cluster.error(), "--port", options.port).c_str());
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
