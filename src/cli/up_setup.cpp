#include "cli/up_setup.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "kube/kubeconfig.hpp"
#include "source/git.hpp"
#include "source/git_repo.hpp"

namespace plumb::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_file_scheme = "file://";
// The line that marks a hook as plumb's own (replaced on the next `plumb up`).
constexpr std::string_view k_hook_marker = "# Installed by plumb up";
constexpr std::string_view k_staging_overlay = "apps/staging/kustomization.yaml";

// text in single quotes for sh, whatever it holds.
std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string repository_url(std::string_view given) {
  if (given.find("://") != std::string_view::npos) return std::string(given);
  size_t colon = given.find(':');
  size_t slash = given.find('/');
  bool scp_like = colon != std::string_view::npos && colon > 0 &&
                  (slash == std::string_view::npos || colon < slash) &&
                  !fs::exists(fs::path(given));
  if (scp_like) return std::string(given);
  std::string path = fs::absolute(fs::path(given)).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return std::string(k_file_scheme) + path;
}

std::string local_path(std::string_view url) {
  if (!url.starts_with(k_file_scheme)) return "";
  return std::string(url.substr(k_file_scheme.size()));
}

Result<std::string> check_repository(const std::string& url, std::optional<std::string> branch,
                                     const std::string& cache_dir) {
  auto source = TRY(source::GitSource::open(cache_dir, url));
  if (!branch) {
    branch = TRY(source.default_branch({}));
    if (branch->empty()) branch = "main";  // no HEAD branch: the check below says what there is
  }
  auto revision = source.remote_revision({.branch = *branch}, {});
  if (!revision) {
    std::string message = revision.error().message();
    if (message.find(" not found; the branches are: ") != std::string::npos)
      message += " (pick one with --branch)";
    return fail(message);
  }
  return *branch;
}

std::string post_commit_hook(const std::string& data_dir, const std::string& url) {
  return "#!/bin/sh\n" + std::string(k_hook_marker) +
         ": apply each commit at once instead of at the next interval.\n"
         "port=$(cat " +
         shell_quote(data_dir + "/webhook-port") +
         " 2>/dev/null) || exit 0\n"
         "command -v curl >/dev/null || exit 0\n"
         "set --\n"
         "[ -n \"$PLUMB_WEBHOOK_TOKEN\" ] && "
         "set -- -H \"Authorization: Bearer $PLUMB_WEBHOOK_TOKEN\"\n"
         "curl -s -m 5 -o /dev/null \"$@\" --data-binary " +
         shell_quote(url) + " \"http://127.0.0.1:$port/hook/git\" || true\n";
}

Result<std::string> install_post_commit_hook(const std::string& dir, const std::string& data_dir,
                                             const std::string& url) {
  source::LocalRepository repo = TRY(source::open_local_repository(dir));
  fs::path hook = fs::path(repo.hooks_dir) / (repo.bare ? "post-receive" : "post-commit");
  if (auto existing = read_file(hook);
      existing && existing->find(k_hook_marker) == std::string::npos)
    return "not installing a " + hook.filename().string() + " hook: " + hook.string() +
           " exists (commits are fetched at the GitRepository's interval)";
  TRY_VOID(replace_file(hook.string(), post_commit_hook(data_dir, url),
                        fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec));
  return hook.string() + " (each " + (repo.bare ? "push" : "commit") + " is applied at once)";
}

std::string git_commit_command(const std::string& dir) {
  if (source::has_git_identity(dir)) return "git commit";
  return "git -c user.name=you -c user.email=you@localhost commit";
}

std::optional<ReplicaEdit> next_replica_edit(const std::string& dir) {
  auto text = read_file(fs::path(dir) / k_staging_overlay);
  if (!text) return std::nullopt;
  static const std::regex k_value(R"(value: (\d{1,6})\n)");
  std::smatch match;
  if (!std::regex_search(*text, match, k_value)) return std::nullopt;
  int now = std::stoi(match[1].str());
  ReplicaEdit edit;
  edit.next = now + 1;
  edit.sed = "sed -i 's/value: " + std::to_string(now) + "/value: " + std::to_string(edit.next) +
             "/' " + std::string(k_staging_overlay);
  return edit;
}

Result<std::string> add_to_user_kubeconfig(const std::string& generated) {
  std::string target = kube::user_kubeconfig_path();
  if (target.empty()) return fail("neither $KUBECONFIG nor $HOME is set");
  std::error_code ec;
  if (fs::equivalent(target, generated, ec)) return target;  // already the one plumb wrote
  auto text = read_file(generated);
  if (!text) return fail("cannot read ", generated);
  Node entries = TRY(parse_yaml(*text, generated));
  std::string context(entries.string_at({"current-context"}));
  if (auto merged = kube::merge_into_kubeconfig(target, entries, context); !merged)
    return std::unexpected(merged.error().context("adding context " + context));
  return target;
}

std::string plumb_command() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "plumb";
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "";
  while (!dirs.empty()) {
    std::string_view dir = dirs.substr(0, dirs.find(':'));
    dirs.remove_prefix(std::min(dirs.size(), dir.size() + 1));
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / "plumb";
    if (::access(candidate.c_str(), X_OK) != 0) continue;  // PATH's first executable plumb
    return fs::equivalent(candidate, self, ec) ? "plumb" : self.string();
  }
  return self.string();
}

std::string startup_lines(const StartupReport& r) {
  std::string plumb = plumb_command();
  std::string out = "\nplumb up: API server  " + r.server + "\n";
  if (!r.user_kubeconfig.empty()) {
    out += "plumb up: kubeconfig  " + r.user_kubeconfig +
           " (context plumb, now current; --no-kubeconfig leaves it alone)\n";
  } else {
    out += "plumb up: kubeconfig  " + r.generated_kubeconfig + " " + r.kubeconfig_note + "\n";
  }
  out += "plumb up: repository  " + r.url + " (branch " + r.branch + ", path " + r.path + ")\n";
  if (!r.hook.empty()) out += "plumb up: git hook    " + r.hook + "\n";
  out += "plumb up: webhook     POST " + r.webhook + " (body: the repository URL)\n";
  if (!r.metrics.empty()) out += "plumb up: metrics     " + r.metrics + "\n";
  out += "\nTry:\n";
  if (r.user_kubeconfig.empty()) out += "  export KUBECONFIG=" + r.generated_kubeconfig + "\n";
  out += "  " + plumb + " get kustomizations        # Ready once the first commit is applied\n";
  std::string repo = r.data_dir + "/repo";
  auto edit = r.examples ? next_replica_edit(repo) : std::nullopt;
  if (edit) {
    std::string replicas = std::to_string(edit->next) + " replicas";
    out += "  cd " + shell_quote(repo) + " && " + edit->sed + " &&\n    " +
           git_commit_command(repo) + " -qam '" + replicas +
           "'   # applied at once (post-commit hook)\n"
           "  kubectl -n staging delete deploy podinfo   # back within a second\n"
           "  " +
           plumb + " events --for ks/apps\n\n";
  } else {
    out += "  kubectl get all -A\n  " + plumb + " events\n\n";
  }
  return out;
}

}  // namespace plumb::cli
