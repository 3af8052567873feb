// The hand-written HTTP request parser and the small formatting helpers.
#include <gtest/gtest.h>

#include "localcluster/http.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/workloads.hpp"

namespace plumb::localcluster {
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

TEST(Objects, UidsAreVersion4AndDistinct) {
  std::string a = new_uid();
  std::string b = new_uid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_EQ(a[8], '-');
}

TEST(Workloads, TemplateHashChangesWithTheTemplate) {
  Node a = Node::map();
  a["spec"].set("image", Node::string("nginx:1"));
  Node b = Node::map();
  b["spec"].set("image", Node::string("nginx:2"));
  EXPECT_EQ(template_hash(a), template_hash(a));
  EXPECT_NE(template_hash(a), template_hash(b));
  // Regression: a replace or rollout undo that reorders keys must not start a rollout.
  Node c = Node::map();
  c.set("x", Node::integer(1));
  c.set("y", Node::integer(2));
  Node d = Node::map();
  d.set("y", Node::integer(2));
  d.set("x", Node::integer(1));
  d.set("creationTimestamp", Node());
  d.set("resources", Node::map());
  EXPECT_EQ(template_hash(c), template_hash(d));
}

}  // namespace
}  // namespace plumb::localcluster
