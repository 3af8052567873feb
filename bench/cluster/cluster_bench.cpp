// bench/cluster: the embedded API server under load, in process, over real HTTPS.
//   - N objects (ConfigMaps) created by server-side apply from C concurrent clients
//     (keep-alive connections, each client applies its share in turn): objects per second;
//   - resident memory grown per stored object (RSS after minus before, over N);
//   - W watchers, started before the first write, must each receive every ADDED event.
// Usage: cluster_bench [--objects N] [--clients C] [--watchers W] [--data-dir DIR]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/base64.hpp"
#include "localcluster/cluster.hpp"

namespace {

using Clock = std::chrono::steady_clock;

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::string field(const std::string& text, const std::string& key) {
  size_t at = text.find(key);
  size_t end = text.find('\n', at);
  return text.substr(at + key.size(), end - at - key.size());
}

// One keep-alive HTTPS connection that verifies the server against the cluster's CA.
class Client {
 public:
  Client(SSL_CTX* context, int port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_ssl = SSL_new(context);
    SSL_set_fd(m_ssl, m_fd);
    SSL_set1_host(m_ssl, "127.0.0.1");
    if (SSL_connect(m_ssl) != 1) {
      std::fprintf(stderr, "TLS handshake failed\n");
      std::exit(1);
    }
  }
  ~Client() {
    SSL_free(m_ssl);
    ::close(m_fd);
  }

  void send(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      int n = SSL_write(m_ssl, data.data() + done, static_cast<int>(data.size() - done));
      if (n <= 0) std::exit(1);
      done += static_cast<size_t>(n);
    }
  }

  bool fill() {
    char chunk[16384];
    int n = SSL_read(m_ssl, chunk, sizeof chunk);
    if (n <= 0) return false;
    m_buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  // Reads one Content-Length response; returns the status code.
  int read_response() {
    size_t head_end;
    while ((head_end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return -1;
    }
    int status = std::atoi(m_buffer.c_str() + 9);
    size_t at = m_buffer.find("Content-Length: ");
    size_t length = at < head_end ? std::stoul(m_buffer.substr(at + 16)) : 0;
    while (m_buffer.size() < head_end + 4 + length) {
      if (!fill()) return -1;
    }
    m_buffer.erase(0, head_end + 4 + length);
    return status;
  }

  std::string& buffer() { return m_buffer; }

 private:
  int m_fd;
  SSL* m_ssl;
  std::string m_buffer;
};

std::string request(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& content_type, const std::string& body) {
  std::string out = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  out += "Authorization: Bearer " + token + "\r\nAccept: application/json\r\n";
  if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return out + body;
}

}  // namespace

int main(int argc, char** argv) {
  int objects = 10000, clients = 8, watchers = 20;
  std::string data_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--objects")
      objects = std::atoi(argv[i + 1]);
    else if (flag == "--clients")
      clients = std::atoi(argv[i + 1]);
    else if (flag == "--watchers")
      watchers = std::atoi(argv[i + 1]);
    else if (flag == "--data-dir")
      data_dir = argv[i + 1];
  }
  plumb::localcluster::ClusterOptions options;
  options.port = 0;
  options.data_dir = data_dir;
  options.event_window = static_cast<size_t>(objects) * 2;
  auto cluster = plumb::localcluster::Cluster::start(options);
  if (!cluster) {
    std::fprintf(stderr, "cluster: %s\n", cluster.error().message().c_str());
    return 1;
  }
  const int port = (*cluster)->port();
  const std::string& kubeconfig = (*cluster)->kubeconfig();
  const std::string token = field(kubeconfig, "token: ");
  const std::string ca =
      plumb::base64_decode(field(kubeconfig, "certificate-authority-data: ")).value();

  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  BIO* bio = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
  X509* ca_cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(context), ca_cert);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);

  // Watchers start from the current resourceVersion, before any write.
  std::string start_rv;
  {
    Client probe(context, port);
    probe.send(request("GET", "/api/v1/namespaces/default/configmaps?limit=1", token, "", ""));
    probe.read_response();
    start_rv = "1";
  }
  std::atomic<int> watchers_ready{0};
  std::vector<std::atomic<int>> received(static_cast<size_t>(watchers));
  std::vector<std::thread> watch_threads;
  for (int w = 0; w < watchers; ++w) {
    watch_threads.emplace_back([&, w] {
      Client client(context, port);
      client.send(request(
          "GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + start_rv,
          token, "", ""));
      ++watchers_ready;
      size_t scanned = 0;
      while (received[static_cast<size_t>(w)] < objects) {
        if (!client.fill()) break;
        std::string& text = client.buffer();
        size_t at;
        while ((at = text.find("\"type\":\"ADDED\"", scanned)) != std::string::npos) {
          ++received[static_cast<size_t>(w)];
          scanned = at + 14;
        }
        if (scanned > (1u << 20)) {
          text.erase(0, scanned);
          scanned = 0;
        }
      }
    });
  }
  while (watchers_ready < watchers)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const long rss_before = rss_kib();
  std::atomic<int> failures{0};
  auto begin = Clock::now();
  std::vector<std::thread> writers;
  for (int c = 0; c < clients; ++c) {
    writers.emplace_back([&, c] {
      Client client(context, port);
      for (int i = c; i < objects; i += clients) {
        std::string name = "cm-" + std::to_string(i);
        std::string body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                           R"(","labels":{"app":"bench","shard":")" + std::to_string(c) +
                           R"("}},"data":{"index":")" + std::to_string(i) +
                           R"(","payload":"the quick brown fox jumps over the lazy dog"}})";
        client.send(request(
            "PATCH",
            "/api/v1/namespaces/default/configmaps/" + name + "?fieldManager=bench&force=true",
            token, "application/apply-patch+yaml", body));
        int status = client.read_response();
        if (status != 201 && status != 200) ++failures;
      }
    });
  }
  for (auto& t : writers)
    t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  const long rss_after = rss_kib();

  auto wait_until = Clock::now() + std::chrono::seconds(30);
  for (auto& t : watch_threads) {
    (void)wait_until;
    t.join();
  }
  int complete = 0;
  for (auto& r : received)
    complete += r >= objects ? 1 : 0;

  std::printf("objects            %d (server-side apply, %d clients%s)\n", objects, clients,
              data_dir.empty() ? ", in memory" : ", durable");
  std::printf("failures           %d\n", failures.load());
  std::printf("time               %.2f s\n", seconds);
  std::printf("throughput         %.0f objects/s\n", objects / seconds);
  std::printf("rss growth         %.0f bytes/object (%ld KiB -> %ld KiB)\n",
              (rss_after - rss_before) * 1024.0 / objects, rss_before, rss_after);
  std::printf("watchers complete  %d of %d received all %d events\n", complete, watchers, objects);
  (*cluster)->stop();
  return failures == 0 && complete == watchers ? 0 : 1;
}
