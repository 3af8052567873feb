// Where the Kubernetes API is and how to authenticate to it, read the way kubectl reads it:
// --kubeconfig, else $KUBECONFIG (a list of files merged, the first to set a value wins),
// else ~/.kube/config, else the in-cluster service account. When none is found, the error names
// the files looked for. Also: adding a context to the user's kubeconfig (`plumb up`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::kube {

struct RestConfig {
  std::string server;  // https://host:port, no trailing slash
  std::string ca_pem;  // empty: the system's trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;
  std::string username;
  std::string password;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string namespace_;  // the context's default namespace ("default" when unset)
  std::string context;     // the context used ("" for in-cluster)
};

struct KubeconfigOptions {
  std::string kubeconfig;  // --kubeconfig; empty: $KUBECONFIG, then ~/.kube/config
  std::string context;     // --context; empty: current-context
};

// Loads the configuration kubectl would use with the same flags and environment.
Result<RestConfig> load_rest_config(const KubeconfigOptions& options);

// Resolves a parsed kubeconfig document; relative file paths are taken from base_dir.
Result<RestConfig> rest_config_from_kubeconfig(const Node& kubeconfig, std::string_view context,
                                               std::string_view base_dir);

// The in-cluster configuration (service-account token and CA under root, by default
// /var/run/secrets/kubernetes.io/serviceaccount), or nothing when not in a pod.
std::optional<RestConfig> in_cluster_config(
    std::string_view root = "/var/run/secrets/kubernetes.io/serviceaccount");

// The file a tool adds its cluster to, as kind, k3d and minikube do: $KUBECONFIG's first file,
// else ~/.kube/config ("" when neither $KUBECONFIG nor $HOME is set).
std::string user_kubeconfig_path();

// Adds the clusters, users and contexts of `entries` (a kubeconfig document) to the kubeconfig
// at path — replacing the entries of the same names, keeping every other one — and makes
// current_context current. A missing file is created. The file is replaced atomically
// (temporary file and rename) with mode 0600, as kubectl writes it; comments are not kept.
Result<void> merge_into_kubeconfig(const std::string& path, const Node& entries,
                                   const std::string& current_context);

// Merges several kubeconfig documents the way kubectl merges $KUBECONFIG: named entries
// (clusters, users, contexts) from earlier files win, and so does current-context.
Node merge_kubeconfigs(const Node* documents, size_t count);

}  // namespace plumb::kube
