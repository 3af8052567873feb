// What `plumb up` sets up around the GitOps loop, before it starts: the repository it follows
// (a URL or a local path, checked at once so a wrong branch fails now instead of retrying
// forever), the post-commit hook of a local repository, the user's kubeconfig, and the
// start-up lines that say what was done.
//
// Thread safety: plain functions, called from the command's thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::cli {

// The URL the GitRepository gets: a URL as it is ("https://…", "ssh://…", "git@host:path",
// "file://…"), a local path ("/abs", "./rel", "rel") made absolute as "file:///abs/rel".
std::string repository_url(std::string_view given);

// The local directory of a file:// URL, "" for any other URL.
std::string local_path(std::string_view url);

// Checks that url answers and has `branch` (by default the branch its HEAD points at, as
// `git clone` picks; "main" when HEAD names none), with the commands' own git code (libgit2,
// nothing fetched but the list of refs); the cache lives in cache_dir. Returns the branch. The
// error names the URL, and when the branch is missing the branches that exist and the flag to
// pick one.
Result<std::string> check_repository(const std::string& url, std::optional<std::string> branch,
                                     const std::string& cache_dir);

// The hook `plumb up` installs in a repository on this machine: each commit (or push, for a
// bare repository) asks the webhook receiver, whose port `plumb up` writes to
// DATA_DIR/webhook-port, to fetch every GitRepository with this url at once.
std::string post_commit_hook(const std::string& data_dir, const std::string& url);

// Installs post_commit_hook in the repository at dir (post-commit; post-receive when bare),
// replacing a hook plumb installed before but never another one. Returns the line to print.
Result<std::string> install_post_commit_hook(const std::string& dir, const std::string& data_dir,
                                             const std::string& url);

// "git commit", or with `-c user.name=… -c user.email=…` when git would find no identity in dir
// (the "Try:" lines must work on a machine where git was never configured).
std::string git_commit_command(const std::string& dir);

// The replica count line of the examples' staging overlay ("value: N") in dir, and the sed
// command that makes it N+1 — what the "Try:" lines suggest, correct after any number of runs.
// nullopt when the file no longer has such a line.
struct ReplicaEdit {
  int next = 0;
  std::string sed;  // sed -i 's/value: N/value: N+1/' apps/staging/kustomization.yaml
};
std::optional<ReplicaEdit> next_replica_edit(const std::string& dir);

// Adds the `plumb` cluster, user and context of the kubeconfig `plumb up` wrote (generated) to
// the user's kubeconfig (kube::user_kubeconfig_path) and makes it current. Returns that path.
Result<std::string> add_to_user_kubeconfig(const std::string& generated);

// What `plumb up` did, for the start-up lines.
struct StartupReport {
  std::string server;  // the API server's URL
  std::string url, branch, path;
  std::string data_dir;
  std::string generated_kubeconfig;  // DATA_DIR/kubeconfig
  std::string webhook;               // the URL hook's address
  std::string metrics;               // http://127.0.0.1:PORT/metrics
  bool examples = false;             // the repository is the one made from the examples
  std::string hook;                  // what became of the git hook; "" for a remote repository
  std::string user_kubeconfig;       // where the `plumb` context was added; "" when it was not
  std::string kubeconfig_note;       // why it was not
};

// The lines `plumb up` prints once it runs: where everything is, then "Try:" commands that
// work as printed — on a machine without a git identity, and after any number of restarts.
std::string startup_lines(const StartupReport& report);

// How to run this plumb from a shell: "plumb" when that is what PATH finds, else its path.
std::string plumb_command();

}  // namespace plumb::cli
