// Argo CD's registered clusters: the Secrets labelled `argocd.argoproj.io/secret-type: cluster`
// (docs "Declarative setup: clusters"; util/db/cluster.go SecretToCluster) and how an
// Application's destination picks one of them (util/argo GetDestinationServer and
// GetDestinationCluster over util/db GetCluster and GetClusterServersByName), with Argo's
// messages.
//
// A cluster Secret's data: `server` (trailing slashes dropped), `name`, `namespaces` (a
// comma-separated list: the cluster is then managed namespace by namespace, its cluster-scoped
// kinds only with `clusterResources: "true"`), `project` (a project-scoped cluster) and
// `config`, a JSON ClusterConfig: bearerToken, username/password, tlsClientConfig {insecure,
// serverName, caData, certData, keyData (base64 of PEM)}, disableCompression. Refused, naming the
// Secret and the field: execProviderConfig and awsAuthConfig (Plumb runs no credential plugin),
// proxyUrl, a field of the wrong type, data or config that does not decode. No error message
// holds a value read from a Secret.
//
// The cluster Plumb runs in is Argo's "in-cluster" (https://kubernetes.default.svc): always
// there, unless a Secret registers that server — then that Secret's name, namespaces and project
// apply to it (Plumb keeps talking to it with its own credentials).
//
// Thread safety: pure functions over values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_in_cluster_server = "https://kubernetes.default.svc";
inline constexpr std::string_view k_in_cluster_name = "in-cluster";
inline constexpr std::string_view k_secret_type_label = "argocd.argoproj.io/secret-type";
inline constexpr std::string_view k_secret_type_cluster = "cluster";

// How Plumb talks to a cluster (ClusterConfig). Certificates and keys are PEM, decoded.
struct ClusterConfig {
  std::string username, password, bearer_token;
  bool insecure = false;
  std::string server_name, ca_pem, cert_pem, key_pem;
  bool disable_compression = false;
};

struct Cluster {
  std::string name, server;
  std::vector<std::string> namespaces;  // empty: the whole cluster
  bool cluster_resources = false;       // with namespaces: cluster-scoped kinds managed too
  std::string project;                  // a project-scoped cluster
  ClusterConfig config;
  // Where it comes from: "NAMESPACE/NAME" of its Secret ("" for the built-in in-cluster) and
  // the Secret's resourceVersion (a client made for it is made again when it changes).
  std::string secret, resource_version;
  // A Secret that does not read as a cluster keeps its name and server (for the message of an
  // application that resolves to it) and says why here; it is never connected to.
  std::optional<Error> invalid;

  bool in_cluster() const { return server == k_in_cluster_server; }
};

// Whether an object is a Secret (or a list item without kind) labelled as a cluster.
bool is_cluster_secret(const Node& secret);

// One value of a Secret: stringData's (which wins, as the API server merges it) or data's,
// base64-decoded; "" when absent. Errors name the Secret and the field.
Result<std::string> secret_value(const Node& secret, std::string_view key);

// SecretToCluster: the cluster a Secret registers. data (base64) or stringData values.
Result<Cluster> parse_cluster_secret(const Node& secret);

// The clusters of a list of Secrets, in order: cluster Secrets only; one that does not parse is
// kept with `invalid` set.
std::vector<Cluster> clusters_of(std::span<const Node> secrets);

// The built-in cluster Plumb runs in: name "in-cluster", server https://kubernetes.default.svc.
Cluster in_cluster();

// GetDestinationCluster over `clusters`: by server (trailing slashes dropped), or by name
// (several clusters of one name are an error; "in-cluster" is the built-in one unless a Secret
// takes the name), the built-in in-cluster for its server unless a Secret registers it. The
// messages are Argo's ("there are no clusters with this name: prod", "error getting cluster
// by server …: … not found"); a destination resolving only to an invalid Secret gets its error.
Result<Cluster> destination_cluster(std::string_view name, std::string_view server,
                                    std::span<const Cluster> clusters);

// A cluster managed namespace by namespace refuses an object outside them, as gitops-engine's
// GetManagedLiveObjs does: `cluster level Kind "name" can not be managed when in namespaced
// mode`, `namespace "ns" for Kind "name" is not managed`. namespace_ is the object's ("" for a
// cluster-scoped one).
std::optional<std::string> unmanaged_object(const Cluster& cluster, std::string_view kind,
                                            std::string_view name, std::string_view namespace_);

}  // namespace plumb::argo
