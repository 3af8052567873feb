#include "source/helm_index.hpp"

#include <algorithm>

#include "core/time.hpp"
#include "core/yaml.hpp"
#include "source/digest.hpp"
#include "source/select_version.hpp"
#include "sprig/semver.hpp"

namespace plumb::source {
namespace {

std::string field(const Node& map, std::string_view key) {
  const Node* value = map.find(key);
  return value ? scalar_to_string(*value) : std::string();
}

// Highest version first; equal versions by creation time, latest first (Flux's order).
bool before(const ChartVersion& a, const ChartVersion& b) {
  auto va = sprig::SemVersion::parse(a.version), vb = sprig::SemVersion::parse(b.version);
  int order = va->compare(*vb);
  if (order != 0) return order > 0;
  auto ca = parse_rfc3339(a.created), cb = parse_rfc3339(b.created);
  if (ca && cb) return *ca > *cb;
  return ca && !cb;
}

bool same_host(std::string_view a, std::string_view b) {
  auto authority = [](std::string_view url) {
    size_t start = url.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    std::string_view rest = url.substr(start);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    return rest.substr(rest.rfind('@') == std::string_view::npos ? 0 : rest.rfind('@') + 1);
  };
  return authority(a) == authority(b);
}

}  // namespace

Result<HelmIndex> parse_helm_index(std::string_view text, std::string_view where) {
  auto document = parse_yaml(text, where, DuplicateKeys::last_wins, PlainScalars::go_yaml_v2);
  if (!document) return std::unexpected(document.error());
  if (!document->is_map()) return fail(where, ": not a Helm repository index (no map)");
  HelmIndex index;
  index.api_version = field(*document, "apiVersion");
  if (index.api_version.empty()) return fail(where, ": no API version specified");
  const Node* entries = document->find("entries");
  if (entries && !entries->is_map() && !entries->is_null()) {
    return fail(where, ": entries: not a map of chart names");
  }
  for (const MapEntry& entry : entries ? entries->entries() : std::span<const MapEntry>()) {
    std::vector<ChartVersion> versions;
    for (const Node& item : entry.value.items()) {
      if (!item.is_map()) continue;
      ChartVersion version{field(item, "name"),       field(item, "version"),
                           field(item, "appVersion"), field(item, "created"),
                           field(item, "digest"),     {}};
      if (version.name.empty()) version.name = std::string(entry.key.as_string());
      // Helm drops (with a warning) the versions it cannot validate.
      if (!sprig::SemVersion::parse(version.version)) continue;
      if (const Node* urls = item.find("urls")) {
        for (const Node& url : urls->items()) {
          if (url.is_string()) version.urls.emplace_back(url.as_string());
        }
      }
      versions.push_back(std::move(version));
    }
    std::stable_sort(versions.begin(), versions.end(), before);
    index.entries.emplace(std::string(entry.key.as_string()), std::move(versions));
  }
  return index;
}

Result<ChartVersion> select_chart_version(const HelmIndex& index, std::string_view chart,
                                          std::string_view range) {
  auto entry = index.entries.find(std::string(chart));
  if (entry == index.entries.end()) return fail("chart ", chart, " not found in the index");
  std::vector<std::string> texts;
  for (const ChartVersion& version : entry->second)
    texts.push_back(version.version);
  auto chosen = choose_version(texts, range);
  if (!chosen) return std::unexpected(chosen.error().context(std::string(chart)));
  if (!*chosen) return fail("no chart version found for ", chart, "-", range);
  return entry->second[**chosen];
}

std::string resolve_chart_url(std::string_view repo_url, std::string_view chart_url) {
  size_t query = repo_url.find('?');
  std::string_view base = repo_url.substr(0, query);
  std::string_view base_query = query == std::string_view::npos ? "" : repo_url.substr(query);
  std::string dir(base);
  while (dir.ends_with('/'))
    dir.pop_back();
  dir += '/';
  std::string resolved = net::resolve_url(dir, chart_url);
  if (resolved == chart_url) return resolved;  // absolute already
  if (!base_query.empty())
    resolved = resolved.substr(0, resolved.find('?')) + std::string(base_query);
  return resolved;
}

std::string helm_index_url(std::string_view repo_url) {
  return resolve_chart_url(repo_url, "index.yaml");
}

HelmRepository::HelmRepository(HelmRepositoryOptions options, ArtifactCache cache)
    : m_options(std::move(options)), m_client(m_options.http), m_cache(std::move(cache)) {}

net::ClientRequest HelmRepository::request(std::string url) const {
  net::ClientRequest request;
  if (m_options.pass_credentials || same_host(url, m_options.url)) {
    request.username = m_options.username;
    request.password = m_options.password;
  }
  request.url = std::move(url);
  return request;
}

Result<HelmIndex> HelmRepository::fetch_index() const {
  std::string url = helm_index_url(m_options.url);
  std::string where = net::redact_url(url);
  net::ClientRequest get = request(url);
  get.max_response_bytes = m_options.max_index_bytes;
  auto response = m_client.send(get);
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return fail(net::describe_status(get, *response));
  HelmIndex index = TRY(parse_helm_index(response->body, where));
  index.digest = sha256_digest(response->body);
  index.size = response->body.size();
  return index;
}

Result<FetchedChart> HelmRepository::fetch_chart(const HelmIndex& index, std::string_view chart,
                                                 std::string_view range) const {
  std::string where = net::redact_url(helm_index_url(m_options.url));
  auto version = select_chart_version(index, chart, range);
  if (!version) return std::unexpected(version.error().context(where));
  FetchedChart fetched;
  fetched.version = std::move(*version);
  std::string name = fetched.version.name + "-" + fetched.version.version;
  if (fetched.version.urls.empty()) return fail(where, ": chart ", name, " has no URL");
  fetched.url = resolve_chart_url(m_options.url, fetched.version.urls.front());
  if (!fetched.version.digest.empty()) {
    std::string digest = "sha256:" + fetched.version.digest;
    if (auto bytes = m_cache.get(digest)) {
      fetched.digest = digest;
      fetched.path = m_cache.path(digest);
      fetched.bytes = std::move(*bytes);
      fetched.from_cache = true;
      return fetched;
    }
  }
  net::ClientRequest get = request(fetched.url);
  get.max_response_bytes = m_options.max_chart_bytes;
  auto response = m_client.send(get);
  if (!response) return std::unexpected(response.error().context("chart " + name));
  if (response->status != 200) {
    return fail("chart ", name, ": ", net::describe_status(get, *response));
  }
  if (!fetched.version.digest.empty()) {
    TRY_VOID(verify_digest(fetched.version.digest, response->body,
                           "chart " + name + " from " + net::redact_url(fetched.url)));
  }
  fetched.digest = TRY(m_cache.put(response->body));
  fetched.path = m_cache.path(fetched.digest);
  fetched.bytes = std::move(response->body);
  return fetched;
}

Result<FetchedChart> HelmRepository::fetch_chart(std::string_view chart,
                                                 std::string_view range) const {
  HelmIndex index = TRY(fetch_index());
  return fetch_chart(index, chart, range);
}

}  // namespace plumb::source
