// The git hosts' requests: commit statuses and GitHub's repository_dispatch
// (notify/payload.hpp).
#include "core/base64.hpp"
#include "notify/payload.hpp"
#include "notify/payload_parts.hpp"
#include "source/digest.hpp"

namespace plumb::notify {

namespace {

using detail::json_request;
using detail::need_token;
using detail::str;

struct Repo {
  std::string host;  // scheme://host[:port]
  std::string owner, name;
};

Result<Repo> owner_and_name(const Target& target) {
  auto parsed = parse_git_address(target.address);      // (a TRY here trips GCC 12's
  if (!parsed) return std::unexpected(parsed.error());  // maybe-uninitialized)
  const GitAddress& a = *parsed;
  size_t slash = a.path.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == a.path.size())
    return fail("provider ", to_string(target.type), ": address '", net::redact_url(target.address),
                "' does not name a repository as <host>/<owner>/<repository>");
  return Repo{a.host, a.path.substr(0, slash), a.path.substr(slash + 1)};
}

// github.com's API, or GitHub Enterprise's on any other host.
std::string github_api(const std::string& host) {
  return host == "https://github.com" || host == "http://github.com" ? "https://api.github.com"
                                                                     : host + "/api/v3";
}

struct Status {
  std::string sha, context, description;
  CommitState state;
};

Result<net::ClientRequest> github(const Target& target, const Status& s) {
  TRY_VOID(need_token(target));
  Repo repo = TRY(owner_and_name(target));
  Node body = Node::map();
  body.set("state", str(to_string(s.state)));
  body.set("description", str(s.description));
  body.set("context", str(s.context));
  net::ClientRequest r = json_request(
      "POST",
      github_api(repo.host) + "/repos/" + repo.owner + "/" + repo.name + "/statuses/" + s.sha,
      body);
  r.headers.emplace_back("Accept", "application/vnd.github+json");
  r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

Result<net::ClientRequest> gitlab(const Target& target, const Status& s) {
  TRY_VOID(need_token(target));
  auto parsed = parse_git_address(target.address);      // (a TRY here trips GCC 12's
  if (!parsed) return std::unexpected(parsed.error());  // maybe-uninitialized)
  const GitAddress& a = *parsed;
  Node body = Node::map();
  body.set("state", str(s.state == CommitState::failure ? "failed" : to_string(s.state)));
  body.set("name", str(s.context));
  body.set("description", str(s.description));
  net::ClientRequest r = json_request(
      "POST", a.host + "/api/v4/projects/" + net::url_encode(a.path) + "/statuses/" + s.sha, body);
  r.headers.emplace_back("PRIVATE-TOKEN", target.token);
  return r;
}

Result<net::ClientRequest> gitea(const Target& target, const Status& s) {
  TRY_VOID(need_token(target));
  Repo repo = TRY(owner_and_name(target));
  Node body = Node::map();
  body.set("state", str(to_string(s.state)));
  body.set("target_url", str(""));
  body.set("description", str(s.description));
  body.set("context", str(s.context));
  net::ClientRequest r = json_request(
      "POST", repo.host + "/api/v1/repos/" + repo.owner + "/" + repo.name + "/statuses/" + s.sha,
      body);
  r.headers.emplace_back("Authorization", "token " + target.token);
  return r;
}

std::string_view bitbucket_state(CommitState state) {
  switch (state) {
    case CommitState::pending:
      return "INPROGRESS";
    case CommitState::success:
      return "SUCCESSFUL";
    case CommitState::failure:
      return "FAILED";
  }
  return "FAILED";
}

// Bitbucket Cloud: the token is "<username>:<app password>"; keys are limited to 40
// characters, so the context goes in as its SHA-1.
Result<net::ClientRequest> bitbucket(const Target& target, const Status& s, const Event& event) {
  size_t colon = target.token.find(':');
  if (colon == std::string::npos)
    return fail("provider bitbucket: the Secret's token must be <username>:<app password>");
  Repo repo = TRY(owner_and_name(target));
  Node body = Node::map();
  body.set("state", str(bitbucket_state(s.state)));
  body.set("key", str(source::sha1_hex(s.context)));
  body.set("name", str(object_title(event)));
  body.set("description", str(s.description));
  body.set("url", str(target.address));
  net::ClientRequest r = json_request("POST",
                                      "https://api.bitbucket.org/2.0/repositories/" + repo.owner +
                                          "/" + repo.name + "/commit/" + s.sha + "/statuses/build",
                                      body);
  r.headers.emplace_back("Authorization",
                         "Basic " + base64_encode(target.token));  // user:password as given
  return r;
}

// Bitbucket Data Center: https://host/scm/<project>/<repo>.git, builds API, token or basic.
Result<net::ClientRequest> bitbucketserver(const Target& target, const Status& s,
                                           const Event& event) {
  auto parsed = parse_git_address(target.address);      // (a TRY here trips GCC 12's
  if (!parsed) return std::unexpected(parsed.error());  // maybe-uninitialized)
  const GitAddress& a = *parsed;
  std::string path = a.path.starts_with("scm/") ? a.path.substr(4) : a.path;
  size_t slash = path.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size())
    return fail("provider bitbucketserver: address must be https://<host>/scm/<project>/<repo>");
  Node body = Node::map();
  body.set("state", str(bitbucket_state(s.state)));
  body.set("key", str(s.context));
  body.set("name", str(object_title(event)));
  body.set("url", str(target.address));
  body.set("description", str(s.description));
  net::ClientRequest r =
      json_request("POST",
                   a.host + "/rest/api/1.0/projects/" + path.substr(0, slash) + "/repos/" +
                       path.substr(slash + 1) + "/commits/" + s.sha + "/builds",
                   body);
  if (!target.token.empty()) {
    r.headers.emplace_back("Authorization", "Bearer " + target.token);
  } else if (!target.username.empty() && !target.password.empty()) {
    r.headers.emplace_back("Authorization",
                           "Basic " + base64_encode(target.username + ":" + target.password));
  } else {
    return fail(
        "provider bitbucketserver: the Secret has neither a token nor username and "
        "password");
  }
  return r;
}

// Azure DevOps: https://dev.azure.com/<org>/<project>/_git/<repo>, a PAT as basic auth.
Result<net::ClientRequest> azuredevops(const Target& target, const Status& s) {
  TRY_VOID(need_token(target));
  auto parsed = parse_git_address(target.address);      // (a TRY here trips GCC 12's
  if (!parsed) return std::unexpected(parsed.error());  // maybe-uninitialized)
  const GitAddress& a = *parsed;
  size_t git = a.path.find("/_git/");
  if (git == std::string::npos || git == 0)
    return fail(
        "provider azuredevops: address must be https://dev.azure.com/<org>/<project>/_git/"
        "<repository>");
  std::string project = a.path.substr(0, git);
  std::string repo = a.path.substr(git + 6);
  Node context = Node::map();
  context.set("name", str(s.context));
  context.set("genre", str("fluxcd"));
  Node body = Node::map();
  body.set("state", str(s.state == CommitState::success   ? "succeeded"
                        : s.state == CommitState::failure ? "failed"
                                                          : "pending"));
  body.set("description", str(s.description));
  body.set("context", std::move(context));
  net::ClientRequest r = json_request("POST",
                                      a.host + "/" + project + "/_apis/git/repositories/" + repo +
                                          "/commits/" + s.sha + "/statuses?api-version=6.0",
                                      body);
  r.headers.emplace_back("Authorization", "Basic " + base64_encode(":" + target.token));
  return r;
}

// repository_dispatch: event_type "<Kind>/<name>.<namespace>", the event as client_payload.
Result<net::ClientRequest> githubdispatch(const Target& target, const Event& event) {
  TRY_VOID(need_token(target));
  Repo repo = TRY(owner_and_name(target));
  Node body = Node::map();
  body.set("event_type",
           str(event.involved.kind + "/" + event.involved.name + "." + event.involved.namespace_));
  body.set("client_payload", event_json(event));
  net::ClientRequest r = json_request(
      "POST", github_api(repo.host) + "/repos/" + repo.owner + "/" + repo.name + "/dispatches",
      body);
  r.headers.emplace_back("Accept", "application/vnd.github+json");
  r.headers.emplace_back("Authorization", "Bearer " + target.token);
  return r;
}

}  // namespace

std::string commit_status_context(std::string_view provider_uid, const Event& event) {
  std::string_view first = provider_uid.substr(0, provider_uid.find('-'));
  std::string id = event.involved.kind + "/" + event.involved.name + "/" + std::string(first);
  for (char& c : id)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return id;
}

CommitState commit_state(const Event& event) {
  if (event.progress) return CommitState::pending;
  return event.severity == Severity::error ? CommitState::failure : CommitState::success;
}

std::string_view to_string(CommitState state) {
  switch (state) {
    case CommitState::pending:
      return "pending";
    case CommitState::success:
      return "success";
    case CommitState::failure:
      return "failure";
  }
  return "failure";
}

Result<GitAddress> parse_git_address(std::string_view address) {
  std::string scheme = "https";
  std::string_view rest = address;
  if (size_t sep = address.find("://"); sep != std::string_view::npos) {
    scheme = std::string(address.substr(0, sep));
    rest = address.substr(sep + 3);
    if (scheme == "ssh" || scheme == "git") scheme = "https";
  } else if (size_t colon = address.find(':'); colon != std::string_view::npos) {
    // scp-like: git@host:owner/repo.git
    std::string host(address.substr(0, colon));
    if (size_t at = host.find('@'); at != std::string::npos) host = host.substr(at + 1);
    std::string path(address.substr(colon + 1));
    return parse_git_address("https://" + host + "/" + path);
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (scheme != "https" && scheme != "http") authority = authority.substr(0, authority.find(':'));
  std::string path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (size_t q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);
  while (path.ends_with("/"))
    path.pop_back();
  if (path.ends_with(".git")) path.resize(path.size() - 4);
  if (authority.empty() || path.empty())
    return fail("address '", net::redact_url(address), "' has no host or repository path");
  return GitAddress{scheme + "://" + std::string(authority), path};
}

namespace detail {

Result<std::optional<net::ClientRequest>> git_request(const Target& target, const Event& event) {
  if (target.type == ProviderType::githubdispatch) {
    if (event.progress || event.status_only) return std::optional<net::ClientRequest>();
    return TRY(githubdispatch(target, event));
  }
  auto revision = event.metadata.find("revision");
  std::string sha = revision == event.metadata.end() ? "" : commit_sha(revision->second);
  if (sha.empty()) return std::optional<net::ClientRequest>();
  Status s{.sha = sha,
           .context = commit_status_context(target.provider_uid, event),
           .description = reason_words(event.reason),
           .state = commit_state(event)};
  switch (target.type) {
    case ProviderType::github:
      return TRY(github(target, s));
    case ProviderType::gitlab:
      return TRY(gitlab(target, s));
    case ProviderType::gitea:
      return TRY(gitea(target, s));
    case ProviderType::bitbucket:
      return TRY(bitbucket(target, s, event));
    case ProviderType::bitbucketserver:
      return TRY(bitbucketserver(target, s, event));
    case ProviderType::azuredevops:
      return TRY(azuredevops(target, s));
    default:
      return fail("provider ", to_string(target.type), ": not a git host");
  }
}

}  // namespace detail

}  // namespace plumb::notify
