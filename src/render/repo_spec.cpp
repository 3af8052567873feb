#include "render/repo_spec.hpp"

#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <vector>

#include "core/duration.hpp"
#include "core/fs.hpp"
#include "core/strings.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_file_scheme = "file://";
constexpr std::string_view k_http_scheme = "http://";
constexpr std::string_view k_https_scheme = "https://";
constexpr std::string_view k_ssh_scheme = "ssh://";
constexpr std::string_view k_git_suffix = ".git";
constexpr std::string_view k_git_root_delimiter = "_git/";
constexpr int k_org_repo_segments = 2;
constexpr int k_all_segments = -1;

// The rest of s when it starts with prefix, ignoring ASCII case.
std::optional<std::string_view> trim_prefix_fold(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size() || !equal_fold(s.substr(0, prefix.size()), prefix)) {
    return std::nullopt;
  }
  return s.substr(prefix.size());
}

// Go's url.QueryUnescape: "+" is a space, "%XX" a byte; a bad escape is an error.
std::optional<std::string> query_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
      if (!hex(s[i + 1]) || !hex(s[i + 2])) return std::nullopt;
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Go's url.ParseQuery: the first value of each key; nullopt when any pair is malformed.
std::optional<std::map<std::string, std::string>> parse_query_values(std::string_view query) {
  std::map<std::string, std::string> values;
  bool bad = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos) {
      bad = true;
      continue;
    }
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = query_unescape(pair.substr(0, eq));
    auto value = query_unescape(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) {
      bad = true;
      continue;
    }
    values.emplace(*key, *value);
  }
  if (bad) return std::nullopt;
  return values;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return false;
  }
  return std::nullopt;
}

void parse_query(std::string_view query, RepoSpec& spec) {
  auto values = parse_query_values(query);
  if (!values) return;
  auto get = [&](const std::string& key) -> std::string {
    auto it = values->find(key);
    return it == values->end() ? "" : it->second;
  };
  spec.ref = get("version");
  if (std::string ref = get("ref"); !ref.empty()) spec.ref = ref;
  if (std::string timeout = get("timeout"); !timeout.empty()) {
    std::string_view digits = timeout;
    if (digits.starts_with('+') || digits.starts_with('-')) digits.remove_prefix(1);
    long long seconds = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    bool integer = !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
    if (integer) {
      if (timeout.front() != '-' && seconds > 0) {
        spec.timeout = std::chrono::seconds(seconds);
      }
    } else if (auto d = parse_duration(timeout); d && d->count() > 0) {
      spec.timeout = *d;
    }
  }
  if (std::string submodules = get("submodules"); !submodules.empty()) {
    if (auto b = parse_go_bool(submodules)) spec.submodules = *b;
  }
}

std::string_view extract_scheme(std::string_view& s) {
  for (std::string_view scheme : {k_ssh_scheme, k_https_scheme, k_http_scheme, k_file_scheme}) {
    if (auto rest = trim_prefix_fold(s, scheme)) {
      s = *rest;
      return scheme;
    }
  }
  return {};
}

// A user name as kustomize accepts it: ^[a-zA-Z][a-zA-Z0-9-]*@
std::string_view extract_username(std::string_view& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return {};
  size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-'))
    ++i;
  if (i >= s.size() || s[i] != '@') return {};
  std::string_view user = s.substr(0, i + 1);
  s.remove_prefix(i + 1);
  return user;
}

bool is_standard_github_host(std::string_view s) {
  return trim_prefix_fold(s, "github.com/").has_value() ||
         trim_prefix_fold(s, "github.com:").has_value();
}

size_t find_path_separator(std::string_view host_path, bool accept_scp) {
  size_t sep = host_path.find('/');
  if (accept_scp) {
    size_t colon = host_path.find(':');
    // The colon separates host and path in scp-like URLs only when no '/' comes first.
    if (sep == std::string_view::npos ||
        (colon != std::string_view::npos && colon > 0 && colon < sep)) {
      sep = colon;
    }
  }
  return sep;
}

struct HostAndPath {
  std::string host;  // scheme + user + host, as kustomize normalizes it
  std::string path;  // the rest: repository path and kustomization root
};

Result<HostAndPath> extract_host(std::string_view n) {
  if (auto rest = trim_prefix_fold(n, "git::")) n = *rest;
  std::string_view scheme = extract_scheme(n);
  std::string_view username = extract_username(n);
  bool github = is_standard_github_host(n);
  bool accept_scp = scheme.empty() && (!username.empty() || github);
  if (scheme.empty() && !accept_scp) return fail("failed to parse scheme");
  if (scheme == k_file_scheme) {  // everything after file:// is the path, "user@" included
    return HostAndPath{std::string(scheme), std::string(username) + std::string(n)};
  }
  std::string_view host = n;
  std::string_view rest;
  if (size_t sep = find_path_separator(n, accept_scp); sep != std::string_view::npos) {
    host = n.substr(0, sep + 1);
    rest = n.substr(sep + 1);
  }
  std::string out;
  if (github) {
    // GitHub URLs are normalized: ssh and scp-like forms to "user@github.com:", the rest to
    // https.
    if (scheme.starts_with(k_ssh_scheme) || !username.empty()) {
      out = std::string(username) + "github.com:";
    } else {
      out = std::string(k_https_scheme) + "github.com/";
    }
  } else {
    if (host.empty()) return fail("failed to parse host segment");
    out = std::string(scheme) + std::string(username) + std::string(host);
  }
  return HostAndPath{std::move(out), std::string(rest)};
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::string join(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += parts[i];
  }
  return out;
}

// The explicit markers that end the repository path: "_git/<repo>", "//", ".git".
bool explicit_marker_split(std::string_view n, std::string& repo, std::string& root) {
  if (size_t at = n.find(k_git_root_delimiter); at != std::string_view::npos) {
    std::string_view after = n.substr(at + k_git_root_delimiter.size());
    auto segments = split(after, '/');
    repo = std::string(n.substr(0, at + k_git_root_delimiter.size())) + std::string(segments[0]);
    root = join(segments, 1, segments.size());
    return true;
  }
  if (size_t at = n.find("//"); at != std::string_view::npos) {
    repo = std::string(n.substr(0, at));
    root = std::string(n.substr(at + 2));
    return true;
  }
  if (size_t at = n.find(k_git_suffix); at != std::string_view::npos) {
    repo = std::string(n.substr(0, at + k_git_suffix.size()));
    root = std::string(n.substr(at + k_git_suffix.size()));
    return true;
  }
  return false;
}

bool default_length_split(std::string_view n, int segments_wanted, std::string& repo,
                          std::string& root) {
  if (segments_wanted == k_all_segments) {
    repo = std::string(n);
    root.clear();
    return true;
  }
  auto segments = split(n, '/');
  if (segments.size() < static_cast<size_t>(segments_wanted)) return false;
  repo = join(segments, 0, segments_wanted);
  root = join(segments, segments_wanted, segments.size());
  return true;
}

bool root_path_exits_repo(std::string_view root) {
  if (root.starts_with('/')) root.remove_prefix(1);
  std::string cleaned = clean_path(root);
  return cleaned == ".." || cleaned.starts_with("../");
}

}  // namespace

Result<RepoSpec> parse_repo_spec(std::string_view entry) {
  RepoSpec spec;
  spec.raw = std::string(entry);
  if (entry.starts_with('/')) return fail("uri looks like abs path: ", entry);
  std::string_view n = entry;
  if (size_t q = n.find('?'); q != std::string_view::npos) {
    parse_query(n.substr(q + 1), spec);
    n = n.substr(0, q);
  }
  HostAndPath parts = TRY(extract_host(n));
  spec.host = std::move(parts.host);
  const std::string& path_part = parts.path;
  int wanted = spec.host.starts_with(k_file_scheme) ? k_all_segments : k_org_repo_segments;
  std::string repo;
  std::string root;
  bool ok = explicit_marker_split(path_part, repo, root) ||
            default_length_split(path_part, wanted, repo, root);
  if (!ok || repo.empty()) return fail("failed to parse repo path segment");
  if (root_path_exits_repo(root)) return fail("url path exits repo: ", path_part);
  if (root.starts_with('/')) root.erase(0, 1);
  spec.repo_path = std::move(repo);
  spec.kust_root_path = std::move(root);
  return spec;
}

std::string redact_url(std::string_view url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start + colon + 1));
  out += "***";
  out += url.substr(start + at);
  return out;
}

}  // namespace plumb::render
