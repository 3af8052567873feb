// A small HTTP/1.1 server over TLS for the embedded API server (and in plain HTTP for the
// controller's webhook receiver): requests parsed by hand, keep-alive, Content-Length or
// chunked request bodies (`Expect: 100-continue` answered, 413 past max_body_bytes), and
// chunked streaming responses (watch). Each connection is served by one thread of a pool that grows
// on demand up to a limit and reuses idle threads, because watch connections hold their thread for
// as long as the client keeps them open.
//
// Thread safety: the handler is called concurrently from many connection threads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "net/tls.hpp"

namespace plumb::net {

struct HttpRequest {
  std::string method;
  std::string target;                                        // as sent: path and query
  std::string path;                                          // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header with this (lower-case) name, or "".
  std::string_view header(std::string_view name) const;
  // The first query parameter with this name; nothing when absent.
  std::optional<std::string_view> param(std::string_view name) const;
  std::string_view param_or(std::string_view name, std::string_view fallback) const;
};

// How a handler answers: either one send(), or begin_stream() then write_chunk()s; headers
// added before either are sent with it.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  void add_header(std::string name, std::string value) {
    m_headers.emplace_back(std::move(name), std::move(value));
  }
  virtual void send(int status, std::string_view content_type, std::string_view body) = 0;
  virtual bool begin_stream(int status, std::string_view content_type) = 0;
  // False once the client has gone away.
  virtual bool write_chunk(std::string_view data) = 0;
  // True when the client closed its side (checked without blocking).
  virtual bool client_gone() = 0;

 protected:
  std::vector<std::pair<std::string, std::string>> m_headers;
};

using HttpHandler = std::function<void(const HttpRequest&, ResponseWriter&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  size_t max_threads = 512;
  size_t max_body_bytes = 64u << 20;
};

// Parses one request head (request line and headers, without the blank line).
Result<HttpRequest> parse_request_head(std::string_view head);
// Percent-decoding; `plus_is_space` for query strings.
std::string url_decode(std::string_view text, bool plus_is_space);
std::string_view status_text(int status);

class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, ServerTls tls,
                                                   HttpHandler handler);
  // The same without TLS (for loopback endpoints such as webhook receivers).
  static Result<std::unique_ptr<HttpServer>> start_plain(const HttpServerOptions& options,
                                                         HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  // Closes the listener and every connection, and joins the threads.
  void stop();

  struct State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  static Result<std::unique_ptr<HttpServer>> listen(const HttpServerOptions& options,
                                                    std::optional<ServerTls> tls,
                                                    HttpHandler handler);
  std::unique_ptr<State> m_state;
};

}  // namespace plumb::net
