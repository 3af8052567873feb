// The hand-written HTTP request parser.
#include <gtest/gtest.h>

#include "net/http.hpp"

namespace plumb::net {
namespace {

TEST(Http, ParsesRequestLineQueryAndHeaders) {
  auto request = parse_request_head(
      "PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl&force=true"
      "&labelSelector=app%3Dweb%2Ctier+in+%28a%29 HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nContent-Type: application/apply-patch+yaml\r\nX-Empty:\r\n");
  ASSERT_TRUE(request) << request.error().message();
  EXPECT_EQ(request->method, "PATCH");
  EXPECT_EQ(request->path, "/apis/apps/v1/namespaces/default/deployments/web");
  EXPECT_EQ(request->param_or("fieldManager", ""), "kubectl");
  EXPECT_EQ(request->param_or("labelSelector", ""), "app=web,tier in (a)");
  EXPECT_FALSE(request->param("missing"));
  EXPECT_EQ(request->header("content-type"), "application/apply-patch+yaml");
  EXPECT_EQ(request->header("x-empty"), "");
}

TEST(Http, RejectsMalformedHeads) {
  EXPECT_FALSE(parse_request_head("GARBAGE"));
  EXPECT_FALSE(parse_request_head("GET / SPDY/3\r\n"));
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\r\nno colon here\r\n"));
}

TEST(Http, UrlDecoding) {
  EXPECT_EQ(url_decode("a%2Fb+c", false), "a/b+c");
  EXPECT_EQ(url_decode("a%2Fb+c", true), "a/b c");
  EXPECT_EQ(url_decode("100%", true), "100%");
  EXPECT_EQ(url_decode("%zz", true), "%zz");
}

}  // namespace
}  // namespace plumb::net
