#include "source/oci.hpp"

#include <algorithm>

#include "core/json.hpp"
#include "core/strings.hpp"
#include "core/time.hpp"
#include "helm/chart.hpp"
#include "source/digest.hpp"
#include "source/select_version.hpp"
#include "sprig/semver.hpp"

namespace plumb::source::oci {
namespace {

std::map<std::string, std::string> string_map(const Node* node) {
  std::map<std::string, std::string> out;
  if (!node) return out;
  for (const MapEntry& entry : node->entries()) {
    out.emplace(std::string(entry.key.as_string()), scalar_to_string(entry.value));
  }
  return out;
}

Descriptor read_descriptor(const Node& node) {
  Descriptor out;
  out.media_type = node.string_at({"mediaType"});
  out.digest = node.string_at({"digest"});
  if (const Node* size = node.find("size"); size && size->is_int()) out.size = size->as_int();
  out.annotations = string_map(node.find("annotations"));
  return out;
}

Node annotations_node(const std::map<std::string, std::string>& annotations) {
  Node out = Node::map();
  for (const auto& [key, value] : annotations)
    out.set(key, Node::string(value));
  return out;
}

Node descriptor_node(const Descriptor& descriptor) {
  Node out = Node::map();
  out.set("mediaType", Node::string(descriptor.media_type));
  out.set("digest", Node::string(descriptor.digest));
  out.set("size", Node::integer(descriptor.size));
  if (!descriptor.annotations.empty()) {
    out.set("annotations", annotations_node(descriptor.annotations));
  }
  return out;
}

// One WWW-Authenticate challenge: its scheme and parameters (realm, service, scope).
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

Challenge parse_challenge(std::string_view text) {
  Challenge out;
  text = trim(text);
  size_t space = text.find(' ');
  out.scheme = std::string(text.substr(0, space));
  for (char& c : out.scheme)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = space == std::string_view::npos ? "" : text.substr(space + 1);
  while (!rest.empty()) {
    rest = trim(rest);
    size_t equals = rest.find('=');
    if (equals == std::string_view::npos) break;
    std::string key(trim(rest.substr(0, equals)));
    rest.remove_prefix(equals + 1);
    std::string value;
    if (rest.starts_with('"')) {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value += rest[i];
      }
      rest.remove_prefix(std::min(rest.size(), i + 1));
    } else {
      size_t comma = rest.find(',');
      value = trim(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma);
    }
    for (char& c : key)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    out.params[key] = value;
    rest = trim(rest);
    if (rest.starts_with(',')) rest.remove_prefix(1);
  }
  return out;
}

// The "next" page of a Link header (`</v2/x/tags/list?last=a&n=100>; rel="next"`).
std::string next_link(std::string_view link) {
  if (link.find("rel=\"next\"") == std::string_view::npos) return {};
  size_t open = link.find('<'), close = link.find('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  return std::string(link.substr(open + 1, close - open - 1));
}

bool is_digest_reference(std::string_view reference) {
  return reference.starts_with("sha256:");
}

}  // namespace

Result<Reference> parse_reference(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("oci://")) rest.remove_prefix(6);
  Reference out;
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return fail("invalid OCI reference \"", text, "\": expected oci://HOST/REPOSITORY[:TAG]");
  }
  out.registry = std::string(rest.substr(0, slash));
  rest.remove_prefix(slash + 1);
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    out.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_sha256_digest(out.digest)) {
      return fail("invalid OCI reference \"", text, "\": digest is not sha256:<64 hex digits>");
    }
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
    out.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (out.tag.empty()) return fail("invalid OCI reference \"", text, "\": empty tag");
  }
  auto valid = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '/';
  };
  if (rest.empty() || !std::all_of(rest.begin(), rest.end(), valid) || rest.ends_with('/')) {
    return fail("invalid OCI reference \"", text, "\": repository \"", rest,
                "\" must be lower-case letters, digits and . _ - /");
  }
  out.repository = std::string(rest);
  return out;
}

Result<Manifest> parse_manifest(std::string_view json) {
  Node node = TRY(parse_json(json, "manifest"));
  if (!node.is_map()) return fail("manifest: not a JSON object");
  Manifest out;
  out.media_type = node.string_at({"mediaType"});
  out.artifact_type = node.string_at({"artifactType"});
  if (const Node* config = node.find("config")) out.config = read_descriptor(*config);
  if (const Node* layers = node.find("layers")) {
    for (const Node& layer : layers->items())
      out.layers.push_back(read_descriptor(layer));
  }
  out.annotations = string_map(node.find("annotations"));
  return out;
}

std::string manifest_json(const Manifest& manifest) {
  Node node = Node::map();
  node.set("schemaVersion", Node::integer(2));
  node.set("mediaType",
           Node::string(manifest.media_type.empty() ? k_oci_manifest : manifest.media_type));
  if (!manifest.artifact_type.empty()) {
    node.set("artifactType", Node::string(manifest.artifact_type));
  }
  node.set("config", descriptor_node(manifest.config));
  Node layers = Node::list();
  for (const Descriptor& layer : manifest.layers)
    layers.push_back(descriptor_node(layer));
  node.set("layers", std::move(layers));
  if (!manifest.annotations.empty()) {
    node.set("annotations", annotations_node(manifest.annotations));
  }
  return to_json(node);
}

Registry::Registry(std::string host, RegistryOptions options)
    : m_host(std::move(host)), m_options(std::move(options)), m_client(m_options.http) {}

std::string Registry::url(std::string_view path) const {
  return (m_options.plain_http ? "http://" : "https://") + m_host + std::string(path);
}

std::string Registry::where(std::string_view repository, std::string_view reference) const {
  std::string out = m_host + "/" + std::string(repository);
  if (!reference.empty())
    out += (is_digest_reference(reference) ? "@" : ":") + std::string(reference);
  return out;
}

Result<std::string> Registry::token(std::string_view challenge_text, std::string_view scope) const {
  Challenge challenge = parse_challenge(challenge_text);
  const std::string& realm = challenge.params["realm"];
  if (realm.empty()) return fail("registry ", m_host, ": Bearer challenge without a realm");
  std::string token_url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  if (!challenge.params["service"].empty()) {
    token_url += "service=" + net::url_encode(challenge.params["service"]) + "&";
  }
  std::string wanted =
      challenge.params["scope"].empty() ? std::string(scope) : challenge.params["scope"];
  token_url += "scope=" + net::url_encode(wanted);
  net::ClientRequest request;
  request.url = token_url;
  request.username = m_options.username;
  request.password = m_options.password;
  request.max_response_bytes = m_options.max_manifest_bytes;
  auto response = TRY(m_client.send(request));
  if (response.status != 200) {
    return fail("registry ", m_host, ": token: ", net::describe_status(request, response));
  }
  auto body = parse_json(response.body, "token response");
  if (!body) return fail("registry ", m_host, ": token: ", body.error().message());
  std::string token(body->string_at({"token"}));
  if (token.empty()) token = body->string_at({"access_token"});
  if (token.empty()) return fail("registry ", m_host, ": token: the answer holds no token");
  return token;
}

Result<net::ClientResponse> Registry::send(net::ClientRequest request, std::string_view repository,
                                           Access access) const {
  if (request.max_response_bytes == 0) request.max_response_bytes = m_options.max_manifest_bytes;
  std::string scope =
      "repository:" + std::string(repository) + (access == Access::push ? ":pull,push" : ":pull");
  bool has_credentials = !m_options.username.empty() || !m_options.password.empty();
  {
    LockGuard lock(m_mutex);
    if (auto known = m_tokens.find(scope); known != m_tokens.end()) {
      request.bearer_token = known->second;
    } else if (m_basic) {
      request.username = m_options.username;
      request.password = m_options.password;
    }
  }
  auto response = TRY(m_client.send(request));
  if (response.status != 401) return response;
  Challenge challenge = parse_challenge(response.header("www-authenticate"));
  if (challenge.scheme == "basic") {
    if (!has_credentials) return response;
    {
      LockGuard lock(m_mutex);
      m_basic = true;
    }
    request.bearer_token.clear();
    request.username = m_options.username;
    request.password = m_options.password;
  } else if (challenge.scheme == "bearer") {
    std::string fresh = TRY(token(response.header("www-authenticate"), scope));
    {
      LockGuard lock(m_mutex);
      m_tokens[scope] = fresh;
    }
    request.username.clear();
    request.password.clear();
    request.bearer_token = std::move(fresh);
  } else {
    return response;
  }
  return m_client.send(request);
}

Result<std::vector<std::string>> Registry::list_tags(std::string_view repository) const {
  std::vector<std::string> tags;
  std::string next = "/v2/" + std::string(repository) + "/tags/list";
  for (int page = 0; !next.empty(); ++page) {
    if (page == 1000) return fail(where(repository), ": tags: more than 1000 pages");
    net::ClientRequest request;
    request.url = net::resolve_url(url("/"), next);
    request.headers = {{"Accept", "application/json"}};
    auto response = TRY(send(request, repository, Access::pull));
    if (response.status != 200) {
      return fail(where(repository), ": tags: ", net::describe_status(request, response));
    }
    auto body = parse_json(response.body, "tags");
    if (!body) return fail(where(repository), ": tags: ", body.error().message());
    if (const Node* list = body->find("tags")) {
      for (const Node& tag : list->items())
        tags.emplace_back(tag.as_string());
    }
    next = next_link(response.header("link"));
  }
  return tags;
}

Result<PulledManifest> Registry::get_manifest(std::string_view repository,
                                              std::string_view reference) const {
  std::string name = where(repository, reference);
  net::ClientRequest request;
  request.url = url("/v2/" + std::string(repository) + "/manifests/" + std::string(reference));
  request.headers = {{"Accept", std::string(k_oci_manifest) + ", " +
                                    std::string(k_docker_manifest) + ", " +
                                    std::string(k_oci_index)}};
  auto response = TRY(send(request, repository, Access::pull));
  if (response.status == 404)
    return fail(name, ": not found (", net::describe_status(request, response), ")");
  if (response.status != 200) return fail(name, ": ", net::describe_status(request, response));
  PulledManifest out;
  out.json = std::move(response.body);
  out.digest = sha256_digest(out.json);
  if (is_digest_reference(reference)) {
    TRY_VOID(verify_digest(reference, out.json, name + ": manifest"));
  }
  std::string_view announced = response.header("docker-content-digest");
  if (is_sha256_digest(announced) && announced != out.digest) {
    return fail(name, ": manifest: digest mismatch: the registry announced ", announced,
                ", the bytes are ", out.digest);
  }
  auto manifest = parse_manifest(out.json);
  if (!manifest) return std::unexpected(manifest.error().context(name));
  out.manifest = std::move(*manifest);
  std::string_view type = out.manifest.media_type.empty()
                              ? trim(response.header("content-type")
                                         .substr(0, response.header("content-type").find(';')))
                              : std::string_view(out.manifest.media_type);
  if (type == k_oci_index || type == "application/vnd.docker.distribution.manifest.list.v2+json") {
    return fail(name, ": is an image index (", type, "), not a chart or an artifact");
  }
  return out;
}

Result<std::string> Registry::get_blob(std::string_view repository, const Descriptor& blob) const {
  std::string name = where(repository, blob.digest);
  if (!is_sha256_digest(blob.digest)) return fail(name, ": unsupported digest");
  if (blob.size < 0 || size_t(blob.size) > m_options.max_blob_bytes) {
    return fail(name, ": blob of ", std::to_string(blob.size), " bytes exceeds the limit of ",
                std::to_string(m_options.max_blob_bytes));
  }
  net::ClientRequest request;
  request.url = url("/v2/" + std::string(repository) + "/blobs/" + blob.digest);
  request.max_response_bytes = m_options.max_blob_bytes;
  auto response = TRY(send(request, repository, Access::pull));
  if (response.status != 200) return fail(name, ": ", net::describe_status(request, response));
  if (response.body.size() != size_t(blob.size)) {
    return fail(name, ": size mismatch: expected ", std::to_string(blob.size), " bytes, got ",
                std::to_string(response.body.size()));
  }
  TRY_VOID(verify_digest(blob.digest, response.body, name));
  return std::move(response.body);
}

Result<bool> Registry::has_blob(std::string_view repository, std::string_view digest) const {
  net::ClientRequest request;
  request.method = "HEAD";
  request.url = url("/v2/" + std::string(repository) + "/blobs/" + std::string(digest));
  auto response = TRY(send(request, repository, Access::push));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return fail(where(repository, digest), ": ", net::describe_status(request, response));
}

Result<Descriptor> Registry::push_blob(std::string_view repository, std::string_view media_type,
                                       std::string_view bytes) const {
  Descriptor out{std::string(media_type), sha256_digest(bytes), int64_t(bytes.size()), {}};
  if (TRY(has_blob(repository, out.digest))) return out;
  std::string name = where(repository, out.digest);
  net::ClientRequest start;
  start.method = "POST";
  start.url = url("/v2/" + std::string(repository) + "/blobs/uploads/");
  auto started = TRY(send(start, repository, Access::push));
  if (started.status != 202) return fail(name, ": upload: ", net::describe_status(start, started));
  std::string location(started.header("location"));
  if (location.empty()) return fail(name, ": upload: the registry gave no Location");
  net::ClientRequest put;
  put.method = "PUT";
  put.url = net::resolve_url(start.url, location);
  put.url += (put.url.find('?') == std::string::npos ? "?" : "&");
  put.url += "digest=" + net::url_encode(out.digest);
  put.headers = {{"Content-Type", "application/octet-stream"}};
  put.body = std::string(bytes);
  auto done = TRY(send(put, repository, Access::push));
  if (done.status != 201) return fail(name, ": upload: ", net::describe_status(put, done));
  return out;
}

Result<std::string> Registry::push_manifest(std::string_view repository, std::string_view reference,
                                            const Manifest& manifest) const {
  std::string name = where(repository, reference);
  net::ClientRequest request;
  request.method = "PUT";
  request.url = url("/v2/" + std::string(repository) + "/manifests/" + std::string(reference));
  request.body = manifest_json(manifest);
  request.headers = {{"Content-Type", manifest.media_type.empty() ? std::string(k_oci_manifest)
                                                                  : manifest.media_type}};
  std::string digest = sha256_digest(request.body);
  auto response = TRY(send(request, repository, Access::push));
  if (response.status != 201)
    return fail(name, ": manifest: ", net::describe_status(request, response));
  std::string_view announced = response.header("docker-content-digest");
  if (is_sha256_digest(announced) && announced != digest) {
    return fail(name, ": manifest: the registry stored ", announced, ", expected ", digest);
  }
  return digest;
}

Result<std::string> select_tag(const Registry& registry, std::string_view repository,
                               std::string_view range) {
  std::vector<std::string> tags = TRY(registry.list_tags(repository));
  std::vector<std::string> versions = tags;
  for (std::string& version : versions)
    std::replace(version.begin(), version.end(), '_', '+');
  auto chosen = choose_version(versions, range);
  std::string name = registry.host() + "/" + std::string(repository);
  if (!chosen) return std::unexpected(chosen.error().context(name));
  if (!*chosen) return fail(name, ": no tag matches the version range \"", range, "\"");
  return tags[**chosen];
}

Result<Artifact> pull(const Registry& registry, std::string_view repository,
                      const PullSelector& selector, const ArtifactCache* cache) {
  Artifact out;
  std::string reference = selector.digest;
  if (reference.empty()) {
    out.tag = selector.semver.empty() ? selector.tag
                                      : TRY(select_tag(registry, repository, selector.semver));
    reference = out.tag.empty() ? "latest" : out.tag;
    out.tag = reference;
  }
  PulledManifest pulled = TRY(registry.get_manifest(repository, reference));
  out.digest = pulled.digest;
  out.manifest = std::move(pulled.manifest);
  std::string name = registry.host() + "/" + std::string(repository) +
                     (selector.digest.empty() ? ":" + out.tag : "@" + selector.digest);
  std::string wanted = selector.layer_media_type;
  if (wanted.empty() && out.manifest.config.media_type == k_helm_config)
    wanted = k_helm_chart_layer;
  const Descriptor* layer = nullptr;
  for (const Descriptor& candidate : out.manifest.layers) {
    if (wanted.empty() || candidate.media_type == wanted) {
      layer = &candidate;
      break;
    }
  }
  if (!layer) {
    return fail(name, ": no layer", wanted.empty() ? "" : " of media type " + wanted,
                " in the manifest");
  }
  out.layer = *layer;
  if (!out.manifest.config.digest.empty() && out.manifest.config.size <= 1 << 20) {
    out.config = TRY(registry.get_blob(repository, out.manifest.config));
  }
  if (cache) {
    if (std::optional<std::string> cached = cache->get(out.layer.digest)) {
      out.content = std::move(*cached);
      out.from_cache = true;
      return out;
    }
  }
  out.content = TRY(registry.get_blob(repository, out.layer));
  if (cache) TRY(cache->put(out.content));
  return out;
}

Result<Artifact> pull_chart(const Registry& registry, std::string_view repository,
                            std::string_view version, const ArtifactCache* cache) {
  PullSelector selector;
  // Flux's shortcut takes only a strict version (X.Y.Z[-pre][+meta]) as a tag: "1" or "1.2"
  // are ranges there.
  std::string_view core = version.substr(0, version.find_first_of("-+"));
  if (sprig::SemVersion::parse(version) && !version.starts_with('v') &&
      std::count(core.begin(), core.end(), '.') == 2) {
    selector.tag = std::string(version);
    std::replace(selector.tag.begin(), selector.tag.end(), '+', '_');
  } else {
    selector.semver = version.empty() ? "*" : std::string(version);
  }
  return pull(registry, repository, selector, cache);
}

namespace {

// Chart.yaml's metadata as Helm's chart.Metadata marshals to JSON (field order, omitempty).
std::string chart_config_json(const helm::Metadata& meta) {
  Node node = Node::map();
  auto text = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) node.set(key, Node::string(value));
  };
  auto texts = [&](std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    Node list = Node::list();
    for (const std::string& value : values)
      list.push_back(Node::string(value));
    node.set(key, std::move(list));
  };
  text("name", meta.name);
  text("home", meta.home);
  texts("sources", meta.sources);
  text("version", meta.version);
  text("description", meta.description);
  texts("keywords", meta.keywords);
  if (!meta.maintainers.empty()) {
    Node list = Node::list();
    for (const helm::Maintainer& m : meta.maintainers) {
      Node item = Node::map();
      if (!m.name.empty()) item.set("name", Node::string(m.name));
      if (!m.email.empty()) item.set("email", Node::string(m.email));
      if (!m.url.empty()) item.set("url", Node::string(m.url));
      list.push_back(std::move(item));
    }
    node.set("maintainers", std::move(list));
  }
  text("icon", meta.icon);
  text("apiVersion", meta.api_version);
  text("condition", meta.condition);
  text("tags", meta.tags);
  text("appVersion", meta.app_version);
  if (meta.deprecated) node.set("deprecated", Node::boolean(true));
  if (meta.annotations.is_map() && !meta.annotations.empty())
    node.set("annotations", meta.annotations);
  text("kubeVersion", meta.kube_version);
  if (!meta.dependencies.empty()) {
    Node list = Node::list();
    for (const helm::Dependency& d : meta.dependencies) {
      Node item = Node::map();
      item.set("name", Node::string(d.name));
      if (!d.version.empty()) item.set("version", Node::string(d.version));
      if (!d.repository.empty()) item.set("repository", Node::string(d.repository));
      if (!d.condition.empty()) item.set("condition", Node::string(d.condition));
      if (!d.alias.empty()) item.set("alias", Node::string(d.alias));
      list.push_back(std::move(item));
    }
    node.set("dependencies", std::move(list));
  }
  text("type", meta.type);
  return to_json(node);
}

}  // namespace

Result<Pushed> push_chart(const Registry& registry, std::string_view repository,
                          std::string_view chart_tgz) {
  auto chart = helm::load_chart_archive(chart_tgz);
  if (!chart) return std::unexpected(chart.error().context("push chart"));
  const helm::Metadata& meta = chart->metadata;
  Pushed out;
  out.tag = meta.version;
  std::replace(out.tag.begin(), out.tag.end(), '+', '_');
  std::string config = chart_config_json(meta);
  Manifest manifest;
  manifest.media_type = k_oci_manifest;
  manifest.config = TRY(registry.push_blob(repository, k_helm_config, config));
  manifest.layers.push_back(TRY(registry.push_blob(repository, k_helm_chart_layer, chart_tgz)));
  manifest.annotations["org.opencontainers.image.created"] = now_rfc3339();
  if (!meta.description.empty())
    manifest.annotations["org.opencontainers.image.description"] = meta.description;
  manifest.annotations["org.opencontainers.image.title"] = meta.name;
  manifest.annotations["org.opencontainers.image.version"] = meta.version;
  if (!meta.home.empty()) manifest.annotations["org.opencontainers.image.url"] = meta.home;
  if (!meta.sources.empty())
    manifest.annotations["org.opencontainers.image.source"] = meta.sources.front();
  out.digest = TRY(registry.push_manifest(repository, out.tag, manifest));
  return out;
}

Result<Pushed> push_artifact(const Registry& registry, std::string_view repository,
                             std::string_view tag, std::string_view tgz,
                             const std::map<std::string, std::string>& annotations) {
  Manifest manifest;
  manifest.media_type = k_oci_manifest;
  manifest.config = TRY(registry.push_blob(repository, k_flux_config, "{}"));
  manifest.layers.push_back(TRY(registry.push_blob(repository, k_flux_layer, tgz)));
  manifest.annotations = annotations;
  if (!manifest.annotations.contains("org.opencontainers.image.created")) {
    manifest.annotations["org.opencontainers.image.created"] = now_rfc3339();
  }
  Pushed out{std::string(tag), {}};
  out.digest = TRY(registry.push_manifest(repository, tag, manifest));
  return out;
}

}  // namespace plumb::source::oci
