#include "net/http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <deque>
#include <set>
#include <thread>

#include "core/thread_annotations.hpp"

namespace plumb::net {
namespace {

constexpr size_t k_max_head_bytes = 64 * 1024;
constexpr int k_idle_timeout_seconds = 120;
constexpr size_t k_max_drain_bytes = 16u << 20;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One connection, TLS or plain (ssl null), with a read buffer.
class Connection {
 public:
  Connection(int fd, SSL* ssl) : m_fd(fd), m_ssl(ssl) {}
  ~Connection() {
    SSL_free(m_ssl);
    ::close(m_fd);
  }

  bool handshake() { return !m_ssl || SSL_accept(m_ssl) == 1; }

  // Reads more bytes into the buffer; false on EOF or error.
  bool fill() {
    char chunk[16384];
    long n = m_ssl ? SSL_read(m_ssl, chunk, sizeof chunk) : ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    m_buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  // The request head up to the blank line (consumed), or nothing on EOF/oversize.
  std::optional<std::string> read_head() {
    for (;;) {
      size_t end = m_buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::string head = m_buffer.substr(0, end);
        m_buffer.erase(0, end + 4);
        return head;
      }
      if (m_buffer.size() > k_max_head_bytes || !fill()) return std::nullopt;
    }
  }

  bool read_exact(size_t size, std::string& out) {
    while (m_buffer.size() < size) {
      if (!fill()) return false;
    }
    out.append(m_buffer, 0, size);
    m_buffer.erase(0, size);
    return true;
  }

  std::optional<std::string> read_line() {
    for (;;) {
      size_t end = m_buffer.find("\r\n");
      if (end != std::string::npos) {
        std::string line = m_buffer.substr(0, end);
        m_buffer.erase(0, end + 2);
        return line;
      }
      if (m_buffer.size() > k_max_head_bytes || !fill()) return std::nullopt;
    }
  }

  bool write_all(std::string_view data) {
    while (!data.empty()) {
      size_t size = std::min<size_t>(data.size(), 1 << 30);
      long n = m_ssl ? SSL_write(m_ssl, data.data(), static_cast<int>(size))
                     : ::send(m_fd, data.data(), size, MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // After an early error response (413): stops writing and reads (up to `expected` bytes, or
  // until the client pauses) what the client is still sending, so that closing with unread
  // input does not reset the connection before the client has read the response.
  void drain(size_t expected) {
    ::shutdown(m_fd, SHUT_WR);
    timeval timeout{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char chunk[16384];
    expected = std::min(expected, k_max_drain_bytes);
    for (size_t total = std::min(m_buffer.size(), expected); total < expected;) {
      long n = ::recv(m_fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      total += static_cast<size_t>(n);
    }
  }

  bool peer_closed() {
    if ((m_ssl && SSL_pending(m_ssl) > 0) || !m_buffer.empty()) return false;
    pollfd p{m_fd, POLLIN, 0};
    int r = ::poll(&p, 1, 0);
    return r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

 private:
  int m_fd;
  SSL* m_ssl;
  std::string m_buffer;
};

class ConnectionWriter : public ResponseWriter {
 public:
  ConnectionWriter(Connection& connection, bool head_only)
      : m_connection(connection), m_head_only(head_only) {}

  void send(int status, std::string_view content_type, std::string_view body) override {
    std::string out;
    out.reserve(body.size() + 160);
    append_status_line(out, status);
    out += "Content-Type: ";
    out += content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\nCache-Control: no-cache, private\r\n";
    append_headers(out);
    out += "\r\n";
    if (!m_head_only) out += body;
    m_ok = m_connection.write_all(out);
    m_sent = true;
  }

  bool begin_stream(int status, std::string_view content_type) override {
    std::string out;
    append_status_line(out, status);
    out += "Content-Type: ";
    out += content_type;
    out += "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n";
    append_headers(out);
    out += "\r\n";
    m_streaming = true;
    m_sent = true;
    m_ok = m_connection.write_all(out);
    return m_ok;
  }

  bool write_chunk(std::string_view data) override {
    if (!m_ok || data.empty()) return m_ok;
    char size[20];
    auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
    std::string out(size, end);
    out += "\r\n";
    out += data;
    out += "\r\n";
    m_ok = m_connection.write_all(out);
    return m_ok;
  }

  bool client_gone() override { return !m_ok || m_connection.peer_closed(); }

  // Ends a stream; true when the connection can serve another request.
  bool finish() {
    if (!m_sent) send(500, "text/plain", "handler sent no response\n");
    if (m_streaming && m_ok) m_ok = m_connection.write_all("0\r\n\r\n");
    return m_ok;
  }

 private:
  void append_headers(std::string& out) const {
    for (const auto& [name, value] : m_headers) {
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
  }

  static void append_status_line(std::string& out, int status) {
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += status_text(status);
    out += "\r\n";
  }

  Connection& m_connection;
  bool m_head_only;
  bool m_sent = false;
  bool m_streaming = false;
  bool m_ok = true;
};

enum class BodyRead { ok, too_large, malformed, broken };

BodyRead read_chunked_body(Connection& connection, size_t limit, std::string& body) {
  for (;;) {
    auto line = connection.read_line();
    if (!line) return BodyRead::broken;
    size_t size = 0;
    std::string_view digits = trim(*line);
    digits = digits.substr(0, digits.find(';'));
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    if (ec != std::errc()) return BodyRead::broken;
    if (size > limit || body.size() + size > limit) return BodyRead::too_large;
    if (size == 0) {
      // Trailers end with an empty line.
      for (;;) {
        auto trailer = connection.read_line();
        if (!trailer) return BodyRead::broken;
        if (trailer->empty()) return BodyRead::ok;
      }
    }
    if (!connection.read_exact(size, body)) return BodyRead::broken;
    auto crlf = connection.read_line();
    if (!crlf || !crlf->empty()) return BodyRead::broken;
  }
}

// The Content-Length, or the most a body of unknown length is read when discarded.
size_t announced_bytes(const HttpRequest& request) {
  std::string_view length = request.header("content-length");
  size_t size = k_max_drain_bytes;
  std::from_chars(length.data(), length.data() + length.size(), size);
  return size;
}

// Reads the body the head announces (Content-Length or chunked), answering
// `Expect: 100-continue` first.
BodyRead read_body(Connection& connection, size_t limit, HttpRequest& request) {
  std::string_view length = request.header("content-length");
  bool chunked = request.header("transfer-encoding").find("chunked") != std::string_view::npos;
  size_t size = 0;
  if (!length.empty()) {
    auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
    if (ec != std::errc() || ptr != length.data() + length.size()) return BodyRead::malformed;
    if (size > limit) return BodyRead::too_large;
  } else if (!chunked) {
    return BodyRead::ok;
  }
  if (request.header("expect") == "100-continue" &&
      !connection.write_all("HTTP/1.1 100 Continue\r\n\r\n"))
    return BodyRead::broken;
  if (!length.empty())
    return connection.read_exact(size, request.body) ? BodyRead::ok : BodyRead::broken;
  return read_chunked_body(connection, limit, request.body);
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string_view> HttpRequest::param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view HttpRequest::param_or(std::string_view name, std::string_view fallback) const {
  auto value = param(name);
  return value ? *value : fallback;
}

std::string url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

Result<HttpRequest> parse_request_head(std::string_view head) {
  HttpRequest request;
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1)
    return fail("malformed request line '", request_line, "'");
  request.method = std::string(request_line.substr(0, sp1));
  request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = request_line.substr(sp2 + 1);
  if (!version.starts_with("HTTP/1.")) return fail("unsupported protocol '", version, "'");

  std::string_view target = request.target;
  size_t question = target.find('?');
  request.path = url_decode(target.substr(0, question), false);
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      std::string key = url_decode(pair.substr(0, eq), true);
      std::string value =
          eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1), true);
      request.query.emplace_back(std::move(key), std::move(value));
    }
  }

  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail("malformed header line '", line, "'");
    std::string name(trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(), lower);
    request.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  }
  return request;
}

std::string_view status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

struct HttpServer::State {
  HttpServerOptions options;
  std::optional<ServerTls> tls;  // none: plain HTTP
  HttpHandler handler;
  int listen_fd = -1;
  int port = 0;
  std::thread acceptor;

  Mutex mutex;
  CondVar work_ready;                         // a connection is pending, or stopping
  std::deque<int> pending GUARDED_BY(mutex);  // accepted sockets waiting for a thread
  std::vector<std::thread> workers GUARDED_BY(mutex);
  size_t idle GUARDED_BY(mutex) = 0;
  std::set<int> open_fds GUARDED_BY(mutex);
  bool stopping GUARDED_BY(mutex) = false;

  void accept_loop() EXCLUDES(mutex);
  void worker_loop() EXCLUDES(mutex);
  // Runs the handler for each request of one connection, without the lock.
  void serve(int fd) EXCLUDES(mutex);
};

void HttpServer::State::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listener was shut down
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    LockGuard lock(mutex);
    if (stopping) {
      ::close(fd);
      return;
    }
    pending.push_back(fd);
    // Idle threads that were notified but have not woken yet still count as idle, so compare
    // with the queue: every queued connection needs a thread of its own.
    if (pending.size() > idle && workers.size() < options.max_threads) {
      workers.emplace_back([this] { worker_loop(); });
    }
    work_ready.notify_one();
  }
}

void HttpServer::State::worker_loop() {
  UniqueLock lock(mutex);
  for (;;) {
    ++idle;
    while (!stopping && pending.empty())
      work_ready.wait(lock);
    --idle;
    if (stopping) return;
    int fd = pending.front();
    pending.pop_front();
    open_fds.insert(fd);
    lock.unlock();
    serve(fd);
    lock.lock();
    open_fds.erase(fd);
  }
}

void HttpServer::State::serve(int fd) {
  timeval timeout{k_idle_timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  SSL* ssl = nullptr;
  if (tls) {
    ssl = SSL_new(tls->context());
    SSL_set_fd(ssl, fd);
  }
  Connection connection(fd, ssl);
  if (!connection.handshake()) {
    ERR_clear_error();
    return;
  }
  for (;;) {
    auto head = connection.read_head();
    if (!head) break;
    auto request = parse_request_head(*head);
    if (!request) {
      ConnectionWriter writer(connection, false);
      writer.send(400, "text/plain", request.error().message() + "\n");
      break;
    }
    BodyRead body = read_body(connection, options.max_body_bytes, *request);
    if (body == BodyRead::too_large) {
      ConnectionWriter writer(connection, false);
      writer.send(
          413, "text/plain",
          "request body larger than " + std::to_string(options.max_body_bytes) + " bytes\n");
      // A client that asked "Expect: 100-continue" has not sent the body.
      if (request->header("expect") != "100-continue") connection.drain(announced_bytes(*request));
      break;
    }
    if (body == BodyRead::malformed) {
      ConnectionWriter writer(connection, false);
      writer.send(400, "text/plain", "malformed Content-Length\n");
      break;
    }
    if (body == BodyRead::broken) break;
    ConnectionWriter writer(connection, request->method == "HEAD");
    handler(*request, writer);
    if (!writer.finish()) break;
    if (request->header("connection") == "close") break;
  }
  ERR_clear_error();
}

HttpServer::HttpServer(std::unique_ptr<State> state) : m_state(std::move(state)) {}

HttpServer::~HttpServer() {
  stop();
}

int HttpServer::port() const {
  return m_state->port;
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options,
                                                      ServerTls tls, HttpHandler handler) {
  return listen(options, std::move(tls), std::move(handler));
}

Result<std::unique_ptr<HttpServer>> HttpServer::start_plain(const HttpServerOptions& options,
                                                            HttpHandler handler) {
  return listen(options, std::nullopt, std::move(handler));
}

Result<std::unique_ptr<HttpServer>> HttpServer::listen(const HttpServerOptions& options,
                                                       std::optional<ServerTls> tls,
                                                       HttpHandler handler) {
  // A client that goes away mid-response must not kill the process: writes then fail with
  // EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  auto state = std::make_unique<State>();
  state->options = options;
  state->tls = std::move(tls);
  state->handler = std::move(handler);

  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket: ", std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.port));
  if (::inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1) {
    ::close(fd);
    return fail("listen address '", options.host, "': not an IPv4 address");
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 512) != 0) {
    std::string message = std::strerror(errno);
    ::close(fd);
    return fail(options.host, ":", std::to_string(options.port), ": ", message);
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  state->listen_fd = fd;
  state->port = ntohs(address.sin_port);
  State* raw = state.get();
  state->acceptor = std::thread([raw] { raw->accept_loop(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

void HttpServer::stop() {
  if (!m_state) return;
  State& s = *m_state;
  std::vector<std::thread> workers;
  {
    LockGuard lock(s.mutex);
    if (s.stopping) return;
    s.stopping = true;
    ::shutdown(s.listen_fd, SHUT_RDWR);
    for (int fd : s.open_fds)
      ::shutdown(fd, SHUT_RDWR);
    for (int fd : s.pending)
      ::close(fd);
    s.pending.clear();
    s.work_ready.notify_all();
  }
  if (s.acceptor.joinable()) s.acceptor.join();
  ::close(s.listen_fd);
  {
    LockGuard lock(s.mutex);
    workers.swap(s.workers);
  }
  for (std::thread& t : workers)
    t.join();
}

}  // namespace plumb::net
