// `plumb cluster` as a library: the embedded Kubernetes API server put together (TLS
// credentials, store, registry, API handlers, HTTP server, simulated controllers), started
// and stopped as one value. `plumb up` and the end-to-end tests use it.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"

namespace plumb::localcluster {

struct ClusterOptions {
  std::string data_dir;              // "" keeps state in memory
  int port = 6443;                   // 0: any free port
  std::string kubeconfig;            // where to write the kubeconfig; "" writes none
  std::string fail_images = "fail";  // images matching this regex never become ready
  size_t event_window = 100000;
};

class Cluster {
 public:
  static Result<std::unique_ptr<Cluster>> start(const ClusterOptions& options);
  ~Cluster();

  int port() const;
  std::string server_url() const;
  const std::string& kubeconfig() const;  // the text written
  void stop();

  struct State;

 private:
  explicit Cluster(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace plumb::localcluster
