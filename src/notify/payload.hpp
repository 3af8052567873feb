// What each Provider type sends for an event: a pure function from the event and the
// resolved Provider (address, channel, username, credentials from its Secret) to one HTTP
// request — method, URL, headers, body — in the service's documented format, as Flux's
// notifiers build them:
//
// - generic: the event JSON (POST, `gotk-component` header); generic-hmac adds
//   `X-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the token>`.
// - slack, rocket: Slack's attachment message; discord: the same to Discord's
//   Slack-compatible `<address>/slack` endpoint; msteams: an Adaptive Card message (Teams
//   workflows), a MessageCard to a legacy *.webhook.office.com connector; googlechat: a card;
//   webex: a Markdown message to a room; telegram: sendMessage; matrix: an m.room.message (PUT,
//   idempotent transaction id); lark: an interactive card; alertmanager: one alert (firing for
//   errors, resolved for info); grafana: an annotation; opsgenie: an alert (GenieKey); pagerduty:
//   an Events API v2 trigger (errors) or resolve (info) keyed by the object's uid; githubdispatch:
//   a repository_dispatch with the event as client_payload.
// - github, gitlab, gitea, bitbucket, bitbucketserver, azuredevops: a commit status on the
//   commit of the event's revision, context `<kind>/<name>/<first part of the Provider's
//   uid>` lower-cased (Flux's generateCommitStatusID); state pending (a progress event —
//   Plumb's addition), success (info) or failure (error). Owner and repository come from
//   the address (`https://github.com/org/repo`); a GitHub host other than github.com is
//   GitHub Enterprise, its API at `<scheme>://<host>/api/v3`.
//
// Credentials go into headers only; errors never include them.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "net/http_client.hpp"
#include "notify/event.hpp"
#include "notify/spec.hpp"

namespace plumb::notify {

// A Provider with its Secret's values applied (the Secret's address wins over spec.address).
struct Target {
  ProviderType type = ProviderType::generic;
  std::string address, channel, username;
  std::string token, password;
  std::map<std::string, std::string> headers;  // the Secret's `headers`
  std::string provider_uid;
};

Target target_of(const ProviderSpec& provider, const ProviderSecret& secret);

// The request for the event; nullopt when this provider type sends nothing for it (a commit
// status provider and an event without a commit; a progress event to a chat provider).
// Errors: an address that does not fit the type (no owner/repo for a git host), a missing
// token where the service requires one.
Result<std::optional<net::ClientRequest>> build_request(const Target& target, const Event& event);

// Commit statuses: Flux's context for the Provider and event, and the state it posts.
std::string commit_status_context(std::string_view provider_uid, const Event& event);
enum class CommitState { pending, success, failure };
CommitState commit_state(const Event& event);
std::string_view to_string(CommitState state);

// Scheme and host ("https://github.com") and the repository path ("org/repo", ".git"
// dropped) of a git address; ssh and scp-like forms read as https. Errors: no path.
struct GitAddress {
  std::string host;  // scheme://host[:port]
  std::string path;  // without leading "/" and trailing ".git"
};
Result<GitAddress> parse_git_address(std::string_view address);

// Flux's generic-hmac signature value: "sha256=<hex>".
std::string hmac_signature(std::string_view key, std::string_view body);

}  // namespace plumb::notify
