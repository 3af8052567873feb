// Private to notify's payload files: the small builders they share.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/node.hpp"
#include "net/http_client.hpp"
#include "notify/payload.hpp"

namespace plumb::notify::detail {

inline Node str(std::string_view text) {
  return Node::string(text);
}

// A request with a JSON body (compact, as Go's encoding/json writes it).
inline net::ClientRequest json_request(std::string method, std::string url, const Node& body) {
  net::ClientRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = to_json(body);
  return r;
}

// An error unless the Provider's Secret gave a token.
inline Result<void> need_token(const Target& target) {
  if (target.token.empty())
    return fail("provider ", to_string(target.type), ": the Secret has no token");
  return {};
}

// Commit statuses and githubdispatch (payload_git.cpp).
Result<std::optional<net::ClientRequest>> git_request(const Target& target, const Event& event);

}  // namespace plumb::notify::detail
