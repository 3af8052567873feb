// The HTTP server over real loopback sockets (plain HTTP): request bodies, keep-alive,
// streamed responses, the body limit.
#include <gtest/gtest.h>

#include <atomic>

#include "net/http.hpp"
#include "net/raw_http.hpp"
#include "net/tls.hpp"

namespace plumb::net {
namespace {

using namespace net::testing;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpHandler handler, size_t max_body_bytes = 1024) {
    HttpServerOptions options;
    options.max_body_bytes = max_body_bytes;
    auto started = HttpServer::start_plain(options, std::move(handler));
    ASSERT_TRUE(started) << started.error().message();
    server = std::move(*started);
  }

  // Writes raw bytes on one connection and returns everything the server answers.
  std::string raw(std::string_view request) {
    int fd = connect_to(server->port());
    if (fd < 0) return {};
    send_all(fd, request);
    std::string out = read_until_close(fd);
    ::close(fd);
    return out;
  }

  std::unique_ptr<HttpServer> server;
};

TEST_F(HttpServerTest, ChunkedRequestBodyReachesTheHandler) {
  start([](const HttpRequest& request, ResponseWriter& out) {
    out.add_header("X-Method", request.method);
    out.send(200, "text/plain", "got:" + request.body);
  });
  Reply reply = parse_reply(raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "got:hello world");
  EXPECT_NE(reply.head.find("Content-Length: 15\r\n"), std::string::npos) << reply.head;
  EXPECT_NE(reply.head.find("X-Method: POST"), std::string::npos) << reply.head;
}

TEST_F(HttpServerTest, KeepAliveServesRequestsOneAfterAnother) {
  start([](const HttpRequest& request, ResponseWriter& out) {
    out.send(200, "text/plain", request.path);
  });
  std::string answer =
      raw("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
          "GET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  size_t first = answer.find("\r\n\r\n/first");
  size_t second = answer.find("\r\n\r\n/second");
  EXPECT_NE(first, std::string::npos) << answer;
  EXPECT_NE(second, std::string::npos) << answer;
  EXPECT_LT(first, second);
}

TEST_F(HttpServerTest, StreamedResponseIsChunked) {
  start([](const HttpRequest&, ResponseWriter& out) {
    ASSERT_TRUE(out.begin_stream(200, "application/json"));
    EXPECT_TRUE(out.write_chunk("{}"));
    EXPECT_TRUE(out.write_chunk(std::string(17, 'x')));
  });
  Reply reply = exchange(server->port(), "GET", "/watch");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.head.find("Transfer-Encoding: chunked"), std::string::npos) << reply.head;
  EXPECT_EQ(reply.body, "2\r\n{}\r\n11\r\n" + std::string(17, 'x') + "\r\n0\r\n\r\n");
}

TEST_F(HttpServerTest, BodyPastTheLimitIs413AndNeverReachesTheHandler) {
  std::atomic<int> calls = 0;
  start(
      [&calls](const HttpRequest&, ResponseWriter& out) {
        ++calls;
        out.send(200, "text/plain", "ok");
      },
      10);
  EXPECT_EQ(exchange(server->port(), "POST", "/", {}, std::string(11, 'x')).status, 413);
  EXPECT_EQ(exchange(server->port(), "POST", "/", {}, std::string(10, 'x')).status, 200);
  EXPECT_EQ(calls, 1);
}

TEST_F(HttpServerTest, MalformedHeadIs400AndAHandlerThatSendsNothingIs500) {
  start([](const HttpRequest&, ResponseWriter&) {});
  EXPECT_EQ(parse_reply(raw("NONSENSE\r\n\r\n")).status, 400);
  EXPECT_EQ(exchange(server->port(), "GET", "/").status, 500);
}

TEST(ServerTls, RefusesWhatIsNotPem) {
  auto tls = ServerTls::create("not a certificate", "not a key");
  ASSERT_FALSE(tls);
  EXPECT_NE(tls.error().message().find("not valid PEM"), std::string::npos)
      << tls.error().message();
}

}  // namespace
}  // namespace plumb::net
