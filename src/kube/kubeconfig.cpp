#include "kube/kubeconfig.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"

namespace plumb::kube {
namespace {

std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The entry named `name` in a kubeconfig list such as `clusters`, as its inner object
// (the `cluster`, `user` or `context` field).
const Node* named_entry(const Node& config, std::string_view list, std::string_view inner,
                        std::string_view name) {
  const Node* entries = config.find(list);
  if (!entries) return nullptr;
  for (const Node& entry : entries->items()) {
    if (entry.string_at({"name"}) == name) return entry.find(inner);
  }
  return nullptr;
}

// A PEM value given inline as base64 (`<field>-data`) or as a file path (`<field>`).
Result<std::string> pem_field(const Node& section, std::string_view data_key,
                              std::string_view file_key, std::string_view base_dir,
                              std::string_view what) {
  if (const Node* data = section.find(data_key); data && !data->as_string().empty()) {
    auto decoded = base64_decode(data->as_string());
    if (!decoded) return fail(what, ".", data_key, ": not valid base64");
    return std::move(*decoded);
  }
  if (const Node* file = section.find(file_key); file && !file->as_string().empty()) {
    std::filesystem::path path(file->as_string());
    if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
    auto text = read_whole_file(path);
    if (!text) return fail(what, ".", file_key, ": cannot read ", path.string());
    return std::move(*text);
  }
  return std::string();
}

std::vector<std::string> kubeconfig_paths(const KubeconfigOptions& options) {
  if (!options.kubeconfig.empty()) return {options.kubeconfig};
  std::vector<std::string> paths;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string_view rest(env);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      if (!part.empty()) paths.emplace_back(part);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    return paths;
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    paths.push_back(std::string(home) + "/.kube/config");
  }
  return paths;
}

// Why no configuration was found, naming the files looked for.
std::string no_kubeconfig(const std::vector<std::string>& missing) {
  const char* env = std::getenv("KUBECONFIG");
  std::string files;
  for (const std::string& path : missing)
    files += (files.empty() ? "" : ", ") + path;
  std::string message;
  if (env && *env) {
    message = "no kubeconfig: $KUBECONFIG names " + files +
              (missing.size() == 1 ? ", which does not exist" : ", none of which exists");
  } else if (!missing.empty()) {
    message = "no kubeconfig: " + files + " does not exist and $KUBECONFIG is not set";
  } else {
    message = "no kubeconfig: $KUBECONFIG and $HOME are not set";
  }
  return message +
         " (and not running in a cluster); `plumb up` starts a local cluster and adds "
         "it to your kubeconfig";
}

}  // namespace

std::string user_kubeconfig_path() {
  std::vector<std::string> paths = kubeconfig_paths({});
  return paths.empty() ? "" : paths.front();
}

Result<void> merge_into_kubeconfig(const std::string& path, const Node& entries,
                                   const std::string& current_context) {
  namespace fs = std::filesystem;
  Node config = Node::map();
  if (auto text = read_whole_file(path); text && !text->empty()) {
    config = TRY(parse_yaml(*text, path));
    if (config.is_null()) config = Node::map();
    if (!config.is_map()) return fail(path, ": not a kubeconfig (a YAML map)");
  } else if (!text && fs::exists(path)) {
    return fail(path, ": cannot read");
  }
  if (!config.find("apiVersion")) config.set("apiVersion", Node::string("v1"));
  if (!config.find("kind")) config.set("kind", Node::string("Config"));
  for (std::string_view list : {"clusters", "users", "contexts"}) {
    const Node* added = entries.find(list);
    if (!added) continue;
    Node& have = config[list];
    if (have.is_null()) have = Node::list();
    if (!have.is_list()) return fail(path, ": ", list, " is not a list");
    for (const Node& entry : added->items()) {
      bool replaced = false;
      for (Node& existing : have.items_mut()) {
        if (existing.string_at({"name"}) != entry.string_at({"name"})) continue;
        existing = entry;
        replaced = true;
      }
      if (!replaced) have.push_back(entry);
    }
  }
  config.set("current-context", Node::string(current_context));
  return replace_file(path, to_yaml(config), fs::perms::owner_read | fs::perms::owner_write);
}

Node merge_kubeconfigs(const Node* documents, size_t count) {
  Node merged = count > 0 ? documents[0] : Node::map();
  if (!merged.is_map()) merged = Node::map();
  for (size_t i = 1; i < count; ++i) {
    const Node& next = documents[i];
    if (merged.string_at({"current-context"}).empty() &&
        !next.string_at({"current-context"}).empty()) {
      merged.set("current-context", *next.find("current-context"));
    }
    for (std::string_view list : {"clusters", "users", "contexts"}) {
      const Node* extra = next.find(list);
      if (!extra) continue;
      for (const Node& entry : extra->items()) {
        std::string_view name = entry.string_at({"name"});
        bool present = false;
        if (const Node* have = merged.find(list)) {
          for (const Node& e : have->items())
            present = present || e.string_at({"name"}) == name;
        }
        if (!present) merged[list].push_back(entry);
      }
    }
  }
  return merged;
}

Result<RestConfig> rest_config_from_kubeconfig(const Node& config, std::string_view context,
                                               std::string_view base_dir) {
  std::string context_name(context.empty() ? config.string_at({"current-context"}) : context);
  if (context_name.empty()) return fail("kubeconfig: no current-context set and no --context");
  const Node* ctx = named_entry(config, "contexts", "context", context_name);
  if (!ctx) return fail("kubeconfig: context \"", context_name, "\" not found");

  std::string_view cluster_name = ctx->string_at({"cluster"});
  const Node* cluster = named_entry(config, "clusters", "cluster", cluster_name);
  if (!cluster) {
    return fail("kubeconfig: context \"", context_name, "\": cluster \"", cluster_name,
                "\" not found");
  }
  RestConfig rc;
  rc.context = context_name;
  rc.server = std::string(cluster->string_at({"server"}));
  while (!rc.server.empty() && rc.server.back() == '/')
    rc.server.pop_back();
  if (rc.server.empty()) return fail("kubeconfig: cluster \"", cluster_name, "\" has no server");
  rc.insecure_skip_tls_verify = cluster->find("insecure-skip-tls-verify") &&
                                cluster->find("insecure-skip-tls-verify")->as_bool();
  rc.tls_server_name = std::string(cluster->string_at({"tls-server-name"}));
  std::string what = "kubeconfig: cluster \"" + std::string(cluster_name) + "\"";
  rc.ca_pem = TRY(
      pem_field(*cluster, "certificate-authority-data", "certificate-authority", base_dir, what));

  std::string_view user_name = ctx->string_at({"user"});
  if (const Node* user = named_entry(config, "users", "user", user_name)) {
    what = "kubeconfig: user \"" + std::string(user_name) + "\"";
    rc.client_cert_pem =
        TRY(pem_field(*user, "client-certificate-data", "client-certificate", base_dir, what));
    rc.client_key_pem = TRY(pem_field(*user, "client-key-data", "client-key", base_dir, what));
    rc.token = std::string(user->string_at({"token"}));
    if (rc.token.empty() && !user->string_at({"tokenFile"}).empty()) {
      std::filesystem::path path(user->string_at({"tokenFile"}));
      if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
      auto token = read_whole_file(path);
      if (!token) return fail(what, ".tokenFile: cannot read ", path.string());
      rc.token = std::move(*token);
      while (!rc.token.empty() && (rc.token.back() == '\n' || rc.token.back() == '\r')) {
        rc.token.pop_back();
      }
    }
    rc.username = std::string(user->string_at({"username"}));
    rc.password = std::string(user->string_at({"password"}));
    if (user->find("exec") || user->find("auth-provider")) {
      if (rc.token.empty() && rc.client_cert_pem.empty()) {
        return fail(what, ": exec and auth-provider credentials are not supported yet");
      }
    }
  }
  rc.namespace_ = std::string(ctx->string_at({"namespace"}));
  if (rc.namespace_.empty()) rc.namespace_ = "default";
  return rc;
}

std::optional<RestConfig> in_cluster_config(std::string_view root) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || !*host || !*port) return std::nullopt;
  std::filesystem::path dir(root);
  auto token = read_whole_file(dir / "token");
  if (!token) return std::nullopt;
  RestConfig rc;
  std::string_view h(host);
  bool ipv6 = h.find(':') != std::string_view::npos;
  rc.server = "https://" + (ipv6 ? "[" + std::string(h) + "]" : std::string(h)) + ":" + port;
  rc.token = std::move(*token);
  rc.ca_pem = read_whole_file(dir / "ca.crt").value_or("");
  rc.namespace_ = read_whole_file(dir / "namespace").value_or("default");
  if (rc.namespace_.empty()) rc.namespace_ = "default";
  return rc;
}

Result<RestConfig> load_rest_config(const KubeconfigOptions& options) {
  std::vector<std::string> paths = kubeconfig_paths(options);
  std::vector<Node> documents;
  std::string base_dir;
  std::vector<std::string> missing;
  for (const std::string& path : paths) {
    auto text = read_whole_file(path);
    if (!text) {
      if (!options.kubeconfig.empty()) {
        if (!std::filesystem::exists(path)) return fail("--kubeconfig ", path, ": no such file");
        return fail("kubeconfig: cannot read ", path);
      }
      missing.push_back(path);
      continue;  // kubectl skips missing files of $KUBECONFIG
    }
    Node doc = TRY(parse_yaml(*text, path));
    if (documents.empty()) base_dir = std::filesystem::path(path).parent_path().string();
    documents.push_back(std::move(doc));
  }
  if (documents.empty()) {
    if (auto in_cluster = in_cluster_config()) return std::move(*in_cluster);
    return fail(no_kubeconfig(missing));
  }
  Node merged = merge_kubeconfigs(documents.data(), documents.size());
  return rest_config_from_kubeconfig(merged, options.context, base_dir);
}

}  // namespace plumb::kube
