// HttpClient against net's HttpServer over loopback: methods, headers, bodies, Basic and
// bearer credentials (and that a redirect to another host drops them), redirects, the
// response size cap, timeouts, refused connections; resolve_url and url_encode as tables.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/base64.hpp"
#include "net/http.hpp"
#include "net/http_client.hpp"
#include "net/tls.hpp"
#include "support/require.hpp"

namespace plumb::net {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> start(HttpHandler handler) {
    auto started = HttpServer::start_plain(HttpServerOptions{}, std::move(handler));
    EXPECT_TRUE(started) << started.error().message();
    return started ? std::move(*started) : nullptr;
  }
  static std::string base(const HttpServer& server, std::string_view host = "127.0.0.1") {
    return "http://" + std::string(host) + ":" + std::to_string(server.port());
  }
};

// Answers with what it received: method, path, selected headers, body.
void echo(const HttpRequest& request, ResponseWriter& out) {
  out.add_header("X-Seen-Authorization", std::string(request.header("authorization")));
  out.add_header("X-Seen-Custom", std::string(request.header("x-custom")));
  out.send(200, "text/plain", request.method + " " + request.target + " " + request.body);
}

TEST_F(HttpClientTest, MethodsHeadersAndBodies) {
  auto server = start(echo);
  HttpClient client;
  for (std::string method : {"GET", "PUT", "POST", "PATCH", "DELETE"}) {
    ClientRequest request{method, base(*server) + "/a?b=c", {{"X-Custom", "v1"}}, "payload"};
    auto response = client.send(request);
    ASSERT_TRUE(response) << response.error().message();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, method + " /a?b=c payload");
    EXPECT_EQ(response->header("x-seen-custom"), "v1");
    EXPECT_EQ(response->header("X-SEEN-CUSTOM"), "v1") << "header names are matched in any case";
  }
  auto head = client.send({"HEAD", base(*server) + "/h", {}, ""});
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->header("content-length"), "8");  // "HEAD /h "
}

TEST_F(HttpClientTest, BasicAndBearerCredentials) {
  auto server = start(echo);
  HttpClient client;
  ClientRequest basic{"GET", base(*server) + "/", {}, "", "user", "p:ss"};
  auto response = client.send(basic);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->header("x-seen-authorization"), "Basic " + base64_encode("user:p:ss"));
  ClientRequest bearer{"GET", base(*server) + "/", {}, "", "", "", "tok3n"};
  response = client.send(bearer);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->header("x-seen-authorization"), "Bearer tok3n");
}

TEST_F(HttpClientTest, RedirectsAreFollowedAndCredentialsStayWithTheirHost) {
  auto other = start(echo);
  std::string other_base = base(*other, "localhost");
  auto server = start([&](const HttpRequest& request, ResponseWriter& out) {
    if (request.path == "/same") {
      out.add_header("Location", "/final");
      out.send(302, "text/plain", "");
    } else if (request.path == "/elsewhere") {
      out.add_header("Location", other_base + "/moved");
      out.send(301, "text/plain", "");
    } else {
      echo(request, out);
    }
  });
  HttpClient client;
  ClientRequest same{"GET", base(*server) + "/same", {}, "", "", "", "secret"};
  auto response = client.send(same);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "GET /final ");
  EXPECT_EQ(response->url, base(*server) + "/final");
  EXPECT_EQ(response->header("x-seen-authorization"), "Bearer secret");

  ClientRequest elsewhere{"GET", base(*server) + "/elsewhere", {}, "", "u", "pw"};
  response = client.send(elsewhere);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "GET /moved ");
  EXPECT_EQ(response->header("x-seen-authorization"), "") << "credentials went to another host";

  HttpClient refusing(ClientOptions{.redirects = Redirects::refuse});
  response = refusing.send({"GET", base(*server) + "/same", {}, ""});
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->header("location"), "/final");
}

TEST_F(HttpClientTest, ResponseLargerThanTheCapIsAnError) {
  auto server = start([](const HttpRequest&, ResponseWriter& out) {
    out.send(200, "application/octet-stream", std::string(100000, 'x'));
  });
  auto small = HttpClient(ClientOptions{.max_response_bytes = 99999})
                   .send({"GET", base(*server) + "/big", {}, ""});
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().message(),
            "GET " + base(*server) + "/big: the response is larger than 99999 bytes");
  auto enough = HttpClient(ClientOptions{.max_response_bytes = 100000})
                    .send({"GET", base(*server) + "/big", {}, ""});
  ASSERT_TRUE(enough) << enough.error().message();
  EXPECT_EQ(enough->body.size(), 100000u);
}

TEST_F(HttpClientTest, SlowServerTimesOut) {
  auto server = start([](const HttpRequest&, ResponseWriter& out) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    out.send(200, "text/plain", "late");
  });
  auto response = HttpClient(ClientOptions{.timeout = std::chrono::seconds(1)})
                      .send({"GET", base(*server) + "/", {}, ""});
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("Timeout was reached"), std::string::npos)
      << response.error().message();
}

TEST_F(HttpClientTest, RefusedConnectionNamesTheUrlWithoutCredentials) {
  auto server = start(echo);
  int port = server->port();
  server->stop();
  server.reset();
  auto response = HttpClient().send(
      {"GET", "http://user:hunter2@127.0.0.1:" + std::to_string(port) + "/index.yaml", {}, ""});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message(),
            "GET http://127.0.0.1:" + std::to_string(port) +
                "/index.yaml: Couldn't connect to server (Connection refused)");
}

// HTTPS with a certificate of the test's own (made by the openssl CLI): trusted through
// ca_pem, refused without it, accepted with insecure_skip_verify.
TEST_F(HttpClientTest, HttpsTrustsTheGivenCertificateAuthority) {
  PLUMB_REQUIRE(test_support::have_tool("openssl"), "openssl is missing");
  char pattern[] = "/tmp/plumb-https-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  int made = std::system(("cd " + dir +
                          " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                          "-nodes -days 2 -keyout key.pem -out cert.pem -subj /CN=127.0.0.1 "
                          "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1")
                             .c_str());
  auto read = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  std::string cert = read("cert.pem"), key = read("key.pem");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(made, 0);
  auto tls = ServerTls::create(cert, key);
  ASSERT_TRUE(tls) << tls.error().message();
  auto server = HttpServer::start(HttpServerOptions{}, *tls, echo);
  ASSERT_TRUE(server) << server.error().message();
  std::string url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/secure";

  auto trusted = HttpClient(ClientOptions{.tls = {.ca_pem = cert}}).send({"GET", url, {}, ""});
  ASSERT_TRUE(trusted) << trusted.error().message();
  EXPECT_EQ(trusted->body, "GET /secure ");

  auto untrusted = HttpClient().send({"GET", url, {}, ""});
  ASSERT_FALSE(untrusted);
  EXPECT_TRUE(untrusted.error().message().starts_with("GET " + url + ": "))
      << untrusted.error().message();
  EXPECT_NE(untrusted.error().message().find("certificate"), std::string::npos)
      << untrusted.error().message();

  auto insecure =
      HttpClient(ClientOptions{.tls = {.insecure_skip_verify = true}}).send({"GET", url, {}, ""});
  ASSERT_TRUE(insecure) << insecure.error().message();
  EXPECT_EQ(insecure->status, 200);
}

TEST(ResolveUrl, AsGoResolvesReferences) {
  struct Case {
    std::string_view base, reference, want;
  } cases[] = {
      {"http://a/b/c/d;p?q", "g", "http://a/b/c/g"},
      {"http://a/b/c/d;p?q", "./g", "http://a/b/c/g"},
      {"http://a/b/c/d;p?q", "g/", "http://a/b/c/g/"},
      {"http://a/b/c/d;p?q", "/g", "http://a/g"},
      {"http://a/b/c/d;p?q", "//g", "http://g"},
      {"http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"},
      {"http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y"},
      {"http://a/b/c/d;p?q", "..", "http://a/b/"},
      {"http://a/b/c/d;p?q", "../g", "http://a/b/g"},
      {"http://a/b/c/d;p?q", "../../../g", "http://a/g"},
      {"http://a/b/c/d;p?q", "g#s", "http://a/b/c/g"},
      {"http://a/b/c/d;p?q", "https://x/y", "https://x/y"},
      {"http://a", "g", "http://a/g"},
      {"http://127.0.0.1:5000/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/u1?_state=s",
       "http://127.0.0.1:5000/v2/x/blobs/uploads/u1?_state=s"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(resolve_url(c.base, c.reference), c.want) << c.base << " + " << c.reference;
  }
}

TEST(UrlEncode, KeepsUnreservedOnly) {
  EXPECT_EQ(url_encode("repository:charts/podinfo:pull,push"),
            "repository%3Acharts%2Fpodinfo%3Apull%2Cpush");
  EXPECT_EQ(url_encode("a-b.c_d~e f"), "a-b.c_d~e%20f");
  EXPECT_EQ(redact_url("https://u:p@host:1/x?y=@"), "https://host:1/x?y=@");
  EXPECT_EQ(redact_url("https://host/x"), "https://host/x");
}

}  // namespace
}  // namespace plumb::net
