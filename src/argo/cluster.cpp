// Cluster Secrets (util/db/cluster.go SecretToCluster, pkg/apis ClusterConfig) and destination
// resolution (util/argo GetDestinationServer / GetDestinationCluster).
#include "argo/cluster.hpp"

#include "argo/spec_reader.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace plumb::argo {

namespace {

std::string trim_trailing_slashes(std::string_view server) {
  while (server.ends_with('/'))
    server.remove_suffix(1);
  return std::string(server);
}

// One value of the Secret's data (base64) or stringData (which wins, as the API server merges
// it); "" when absent.
Result<std::string> data_value(const SpecReader& r, const Field& root, std::string_view key) {
  Field plain = root["stringData"][key];
  if (plain.present()) return r.string(plain);
  Field encoded = root["data"][key];
  std::string text = TRY(r.string(encoded));
  std::optional<std::string> decoded = base64_decode(text);
  if (!decoded) return r.error(encoded, "not valid base64");
  return std::move(*decoded);
}

// A certificate or key of tlsClientConfig: base64 of PEM in the JSON (Go's []byte).
Result<std::string> pem_field(const SpecReader& r, const Field& field) {
  std::string text = TRY(r.string(field));
  std::optional<std::string> decoded = base64_decode(text);
  if (!decoded) return r.error(field, "not valid base64");
  return std::move(*decoded);
}

Result<ClusterConfig> parse_config(const std::string& secret_what, std::string_view text) {
  ClusterConfig config;
  if (text.empty()) return config;
  SpecReader r(secret_what + ": data.config");
  auto parsed = parse_json(text, "config");
  if (!parsed) {
    // Only where it broke: the parser's own words may quote the Secret's text.
    std::string_view message = parsed.error().message();
    size_t at = message.find(": line ");
    size_t end = at == std::string_view::npos ? at : message.find(": ", at + 2);
    std::string where(at == std::string_view::npos ? std::string_view()
                                                   : message.substr(at + 2, end - at - 2));
    return fail(r.what(), ": not valid JSON", where.empty() ? "" : " (" + where + ")");
  }
  const Node& json = *parsed;
  Field root{&json, ""};
  if (!json.is_map()) return fail(r.what(), ": must be a JSON object");
  // Credentials Plumb cannot produce are refused: connecting without them would fail later, or
  // reach the cluster as someone else.
  if (root["execProviderConfig"].present())
    return r.error(root["execProviderConfig"],
                   "exec credential plugins are not supported by Plumb; use bearerToken or "
                   "client certificates");
  if (root["awsAuthConfig"].present())
    return r.error(root["awsAuthConfig"],
                   "AWS IAM authentication (argocd-k8s-auth) is not supported by Plumb; use "
                   "bearerToken or client certificates");
  if (!TRY(r.string(root["proxyUrl"])).empty())
    return r.error(root["proxyUrl"], "proxies are not supported by Plumb");
  config.username = TRY(r.string(root["username"]));
  config.password = TRY(r.string(root["password"]));
  config.bearer_token = TRY(r.string(root["bearerToken"]));
  config.disable_compression = TRY(r.boolean(root["disableCompression"]));
  Field tls = root["tlsClientConfig"];
  if (TRY(r.map(tls))) {
    config.insecure = TRY(r.boolean(tls["insecure"]));
    config.server_name = TRY(r.string(tls["serverName"]));
    config.ca_pem = TRY(pem_field(r, tls["caData"]));
    config.cert_pem = TRY(pem_field(r, tls["certData"]));
    config.key_pem = TRY(pem_field(r, tls["keyData"]));
  }
  if (config.cert_pem.empty() != config.key_pem.empty())
    return r.error(tls, "certData and keyData go together");
  return config;
}

}  // namespace

bool is_cluster_secret(const Node& secret) {
  std::string_view kind = secret.string_at({"kind"});
  return (kind.empty() || kind == "Secret") &&  // the items of a list carry no kind
         secret.string_at({"metadata", "labels", k_secret_type_label}) == k_secret_type_cluster;
}

Result<std::string> secret_value(const Node& secret, std::string_view key) {
  OpenedObject opened = TRY(open_object("Secret", secret));
  return data_value(opened.reader, opened.root, key);
}

Result<Cluster> parse_cluster_secret(const Node& secret) {
  OpenedObject opened = TRY(open_object("Secret", secret));
  const SpecReader& r = opened.reader;
  const Field& root = opened.root;
  Cluster c;
  c.secret = opened.namespace_ + "/" + opened.name;
  c.resource_version = std::string(secret.string_at({"metadata", "resourceVersion"}));
  c.server = trim_trailing_slashes(TRY(data_value(r, root, "server")));
  c.name = TRY(data_value(r, root, "name"));
  std::string namespaces = TRY(data_value(r, root, "namespaces"));
  for (size_t start = 0; start <= namespaces.size();) {
    size_t comma = namespaces.find(',', start);
    if (comma == std::string::npos) comma = namespaces.size();
    std::string_view ns = trim(std::string_view(namespaces).substr(start, comma - start));
    if (!ns.empty()) c.namespaces.emplace_back(ns);
    start = comma + 1;
  }
  std::string cluster_resources = TRY(data_value(r, root, "clusterResources"));
  c.cluster_resources = std::string_view(cluster_resources) == "true";
  c.project = TRY(data_value(r, root, "project"));
  std::string config = TRY(data_value(r, root, "config"));
  c.config = TRY(parse_config(r.what(), config));
  return c;
}

std::vector<Cluster> clusters_of(std::span<const Node> secrets) {
  std::vector<Cluster> out;
  for (const Node& secret : secrets) {
    if (!is_cluster_secret(secret)) continue;
    Result<Cluster> parsed = parse_cluster_secret(secret);
    if (parsed) {
      out.push_back(std::move(*parsed));
      continue;
    }
    // Its name and server, as far as they read, so that an application naming it learns why
    // it cannot be used.
    Cluster broken;
    SpecReader r(describe("Secret", secret));
    Field root{&secret, ""};
    if (auto server = data_value(r, root, "server")) broken.server = trim_trailing_slashes(*server);
    if (auto name = data_value(r, root, "name")) broken.name = std::move(*name);
    broken.secret = std::string(secret.string_at({"metadata", "namespace"})) + "/" +
                    std::string(secret.string_at({"metadata", "name"}));
    broken.invalid = std::move(parsed).error();
    out.push_back(std::move(broken));
  }
  return out;
}

Cluster in_cluster() {
  Cluster c;
  c.name = std::string(k_in_cluster_name);
  c.server = std::string(k_in_cluster_server);
  return c;
}

Result<Cluster> destination_cluster(std::string_view name, std::string_view server,
                                    std::span<const Cluster> clusters) {
  // GetDestinationServer.
  if (!name.empty() && !server.empty())
    return fail("application destination can't have both name and server defined: ", name, " ",
                server);
  auto invalid_named = [&](auto matches) -> std::optional<Error> {
    for (const Cluster& c : clusters)
      if (c.invalid && matches(c)) return *c.invalid;
    return std::nullopt;
  };
  std::string url;
  if (!server.empty()) {
    url = trim_trailing_slashes(server);
  } else if (!name.empty()) {
    std::vector<std::string> servers;
    for (const Cluster& c : clusters)
      if (!c.invalid && c.name == name) servers.push_back(c.server);
    if (servers.empty() && name == k_in_cluster_name) servers.emplace_back(k_in_cluster_server);
    if (servers.empty()) {
      if (auto error = invalid_named([&](const Cluster& c) { return c.name == name; }))
        return std::unexpected(*error);
      return fail("there are no clusters with this name: ", name);
    }
    if (servers.size() > 1) {
      std::string list;
      for (const std::string& s : servers)
        list += (list.empty() ? "" : " ") + s;
      return fail("there are ", std::to_string(servers.size()), " clusters with the same name: [",
                  list, "]");
    }
    url = servers.front();
  } else {
    return fail("Destination server missing from app spec");
  }
  // GetCluster: the first Secret of that server, else the built-in in-cluster.
  for (const Cluster& c : clusters)
    if (!c.invalid && c.server == url) return c;
  if (auto error = invalid_named([&](const Cluster& c) { return c.server == url; }))
    return std::unexpected(*error);
  if (url == k_in_cluster_server) return in_cluster();
  std::string not_found = "rpc error: code = NotFound desc = cluster \"" + url + "\" not found";
  if (!server.empty()) return fail("error getting cluster by server \"", server, "\": ", not_found);
  return fail("error getting cluster by URL: ", not_found);
}

std::optional<std::string> unmanaged_object(const Cluster& cluster, std::string_view kind,
                                            std::string_view name, std::string_view namespace_) {
  if (cluster.namespaces.empty()) return std::nullopt;
  if (namespace_.empty()) {
    if (cluster.cluster_resources) return std::nullopt;
    return "cluster level " + std::string(kind) + " \"" + std::string(name) +
           "\" can not be managed when in namespaced mode";
  }
  for (const std::string& ns : cluster.namespaces)
    if (ns == namespace_) return std::nullopt;
  return "namespace \"" + std::string(namespace_) + "\" for " + std::string(kind) + " \"" +
         std::string(name) + "\" is not managed";
}

}  // namespace plumb::argo
