// A raw HTTP/1.1 client over loopback sockets for tests of the plain-HTTP server (and of what
// is served on it): write bytes exactly as given, read the answer until the server closes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

namespace plumb::net::testing {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;  // as sent (chunked framing kept)
};

// A connected socket, or -1.
inline int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may stop reading after an early answer
    data.remove_prefix(static_cast<size_t>(n));
  }
}

inline std::string read_until_close(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// The final answer of a response (interim "100 Continue" answers skipped).
inline Reply parse_reply(std::string_view raw) {
  Reply reply;
  while (raw.starts_with("HTTP/1.1 100"))
    raw.remove_prefix(raw.find("\r\n\r\n") + 4);
  if (raw.size() < 12) return reply;
  reply.status = std::stoi(std::string(raw.substr(9, 3)));
  size_t body = raw.find("\r\n\r\n");
  reply.head = raw.substr(0, body);
  if (body != std::string_view::npos) reply.body = raw.substr(body + 4);
  return reply;
}

// Sends one request (the connection closes after it) and returns the answer.
inline Reply exchange(int port, std::string_view method, std::string_view path,
                      std::vector<std::string> headers = {}, std::string_view body = {}) {
  int fd = connect_to(port);
  if (fd < 0) return {};
  std::string head = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\n";
  head += "Host: 127.0.0.1\r\nConnection: close\r\n";
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const std::string& h : headers)
    head += h + "\r\n";
  head += "\r\n";
  send_all(fd, head);
  send_all(fd, body);
  Reply reply = parse_reply(read_until_close(fd));
  ::close(fd);
  return reply;
}

}  // namespace plumb::net::testing
