// A Transport that answers from a table, for client and sync unit tests.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "kube/transport.hpp"

namespace plumb::kube {

// Answers requests from a table of target → responses (the last one repeats).
class FakeTransport final : public Transport {
 public:
  std::map<std::string, std::deque<HttpResponse>> routes;
  std::vector<HttpRequest> seen;

  Result<HttpResponse> send(const HttpRequest& request) override {
    seen.push_back(request);
    auto it = routes.find(request.method + " " + request.target);
    if (it == routes.end()) return HttpResponse{404, R"({"kind":"Status","message":"nope"})"};
    HttpResponse r = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    if (r.status == 0) return fail("connection refused");
    return r;
  }
  Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& on_chunk) override {
    HttpResponse r = TRY(send(request));
    if (r.status != 200) return r;
    // Deliver in awkward pieces to exercise line reassembly.
    for (size_t i = 0; i < r.body.size(); i += 7) {
      if (!on_chunk(std::string_view(r.body).substr(i, 7))) break;
    }
    return HttpResponse{200, ""};
  }
};

}  // namespace plumb::kube
