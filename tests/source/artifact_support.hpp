// Test support: a real OCI registry (Debian's docker-registry, distribution v2) on 127.0.0.1
// with a free port, its storage and config in a directory of the test's. The process is
// killed when the object is destroyed, and by the kernel if the test process dies first
// (PR_SET_PDEATHSIG), so no registry outlives a failed or crashed test.
//
// Also: TempDir (a directory removed with everything in it), run (a shell command's exit
// status and output), run_helm (the real helm with its state in a test's directory),
// free_port, and podinfo from ../shared/helm-cases.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "net/http_client.hpp"

namespace plumb::source::testing {

inline std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file_text(const std::string& path, std::string_view text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "plumb-src-XXXXXX").string();
    if (mkdtemp(pattern.data())) m_path = pattern;
  }
  ~TempDir() {
    std::error_code error;
    if (!m_path.empty()) std::filesystem::remove_all(m_path, error);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(std::string_view name) const { return m_path + "/" + std::string(name); }

 private:
  std::string m_path;
};

struct RunResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline RunResult run(const std::string& command) {
  RunResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    result.output.append(buffer, n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The chart the tests package, push and pull.
inline const std::string k_podinfo = PLUMB_SHARED_DIR "/helm-cases/charts/podinfo-6.14.1";

// helm (from PATH: CTest puts .deps/bin first) with its configuration and caches in `dir`.
inline RunResult run_helm(const TempDir& dir, const std::string& args) {
  return run("HELM_CONFIG_HOME=" + dir / "helm/config" + " HELM_CACHE_HOME=" + dir / "helm/cache" +
             " HELM_DATA_HOME=" + dir / "helm/data" + " helm " + args);
}

// A port nobody listened on a moment ago (bound to port 0, then released).
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

inline const char* k_registry_binary = "/usr/bin/docker-registry";

class RegistryProcess {
 public:
  // `auth_yaml`: an `auth:` section for the config ("" for none). Check ok() after.
  RegistryProcess(const std::string& dir, const std::string& auth_yaml = "") {
    for (int attempt = 0; attempt < 5 && !m_ready; ++attempt)
      start(dir, auth_yaml);
  }
  ~RegistryProcess() { stop(); }
  RegistryProcess(const RegistryProcess&) = delete;
  RegistryProcess& operator=(const RegistryProcess&) = delete;

  bool ok() const { return m_ready; }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }
  const std::string& log() const { return m_log; }
  std::string storage() const { return m_storage; }

  void stop() {
    if (m_pid <= 0) return;
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
    m_pid = -1;
  }

 private:
  void start(const std::string& dir, const std::string& auth_yaml) {
    m_port = free_port();
    m_storage = dir + "/storage";
    std::string config = dir + "/config.yml";
    m_log = dir + "/registry.log";
    write_file_text(config,
                    "version: 0.1\n"
                    "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                    "storage:\n  filesystem:\n    rootdirectory: " +
                        m_storage +
                        "\n  delete:\n    enabled: true\n"
                        "http:\n  addr: 127.0.0.1:" +
                        std::to_string(m_port) + "\n" + auth_yaml);
    pid_t parent = getpid();
    m_pid = fork();
    if (m_pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      FILE* out = std::fopen(m_log.c_str(), "w");
      if (out) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
      execl(k_registry_binary, "docker-registry", "serve", config.c_str(), nullptr);
      _exit(127);
    }
    net::HttpClient client(net::ClientOptions{.timeout = std::chrono::seconds(2)});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {  // exited: port taken, bad config
        m_pid = -1;
        return;
      }
      auto answer = client.send({"GET", "http://" + host() + "/v2/", {}, ""});
      if (answer && (answer->status == 200 || answer->status == 401)) {
        m_ready = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
  }

  pid_t m_pid = -1;
  int m_port = 0;
  bool m_ready = false;
  std::string m_storage, m_log;
};

}  // namespace plumb::source::testing
