#include "localcluster/kubeconfig.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/base64.hpp"

namespace plumb::localcluster {

std::string kubeconfig_text(const std::string& server_url, const std::string& ca_pem,
                            const std::string& token) {
  std::string out;
  out += "apiVersion: v1\n";
  out += "kind: Config\n";
  out += "clusters:\n";
  out += "- name: plumb\n";
  out += "  cluster:\n";
  out += "    server: " + server_url + "\n";
  out += "    certificate-authority-data: " + base64_encode(ca_pem) + "\n";
  out += "users:\n";
  out += "- name: plumb\n";
  out += "  user:\n";
  out += "    token: " + token + "\n";
  out += "contexts:\n";
  out += "- name: plumb\n";
  out += "  context:\n";
  out += "    cluster: plumb\n";
  out += "    user: plumb\n";
  out += "    namespace: default\n";
  out += "current-context: plumb\n";
  return out;
}

Result<void> write_kubeconfig(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::path tmp = target;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(tmp.string(), ": cannot write");
    out << text;
    if (!out.flush()) return fail(tmp.string(), ": write failed");
  }
  ::chmod(tmp.c_str(), 0600);
  fs::rename(tmp, target, ec);
  if (ec) return fail(path, ": ", ec.message());
  return {};
}

}  // namespace plumb::localcluster
