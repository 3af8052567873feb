// What the argocd-like commands (`plumb app ...`) share when they talk to the cluster: their
// flags (-N/--app-namespace, argocd's; --kubeconfig/--context, the flux-like commands'), how
// they fail (argocd's logrus line "FATA[0000] ..." on stderr and argocd's exit codes), reading
// and writing Applications straight through the Kubernetes API (no Argo CD API server):
// setting the `operation` field as Argo's SetAppOperation does, the refresh annotation, and
// installing the Application/AppProject CRDs when a cluster lacks them.
//
// Thread safety: the functions keep no state; a Client may be shared as kube::Client allows.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/app_operation.hpp"
#include "cli/flags.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::cli::app {

using Clock = std::chrono::steady_clock;

// argocd's exit codes: errors.CheckError (an API call failed) and log.Fatal (the command's
// own checks, a failed operation). Usage errors exit 2, as every plumb command.
inline constexpr int k_exit_api = 20;
inline constexpr int k_exit_fatal = 1;

// Prints "FATA[0000] message" on stderr (logrus, as argocd logs a fatal error) and returns
// code.
int fatal(std::string_view message, int code);
inline int fatal(const Error& error, int code = k_exit_api) {
  return fatal(error.message(), code);
}

// A verb's invocation: its flags (spec plus -N/--app-namespace, --kubeconfig, --context,
// -h/--help) read, --help answered, usage errors — a bad flag, fewer than min or more than max
// positional arguments (the message then says `what`) — exiting 2, and a client for the
// cluster of --kubeconfig/$KUBECONFIG/--context. When `exit` is set the verb returns it.
struct Positionals {
  size_t min = 0;
  size_t max = SIZE_MAX;
  std::string_view what;  // "one NAME is required"
};
inline constexpr Positionals k_one_name{.min = 1, .max = 1, .what = "one NAME is required"};
struct Invocation {
  Flags flags;
  std::unique_ptr<kube::Client> client;
  std::optional<int> exit;
};
Invocation invoke(std::span<const std::string_view> args, FlagSpec spec, std::string_view command,
                  std::string_view usage_text, const Positionals& positionals);
// The same without the client (a verb that may work offline); connect_client makes it.
// A verb's FlagSpec may alias -N to its own flag (appset's --appset-namespace).
Invocation parse_invocation(std::span<const std::string_view> args, FlagSpec spec,
                            std::string_view command, std::string_view usage_text,
                            const Positionals& positionals);
Result<std::unique_ptr<kube::Client>> connect_client(const Flags& flags);

// The namespace of -N, argocd by default.
std::string app_namespace(const Flags& flags);

// The Application, or an error "application 'guestbook' not found" (also when the cluster does
// not serve the kind).
Result<Node> get_application(kube::Client& client, const AppName& name);
// Replaces the whole Application (PUT, keeping metadata.resourceVersion: 409 on a conflict).
Result<Node> update_application(kube::Client& client, const Node& app);
// A JSON merge patch of the Application.
Result<Node> patch_application(kube::Client& client, const AppName& name, const Node& patch);

// SetAppOperation: reads the app, refuses when `operation` is set ("another operation is
// already in progress"), sets operation to make(app) — which may also edit the app, in the
// same update — removes status.operationState and writes it back, again on a conflict.
using MakeOperation = std::function<Result<Node>(Node& app)>;
Result<Node> set_operation(kube::Client& client, const AppName& name, const MakeOperation& make);

// The user an operation names as its initiator: the login name of this process.
std::string local_username();

// argocd app get --refresh / --hard-refresh: sets argocd.argoproj.io/refresh (normal or hard)
// and argocd.argoproj.io/refresh-timestamp, then waits until the controller answers: the
// refresh annotation gone (Argo's controller removes it) or status.reconciledAt moved. nullopt
// when the deadline passes first.
enum class Refresh { normal, hard };
Result<std::optional<Node>> refresh_application(kube::Client& client, const AppName& name,
                                                Refresh refresh, Clock::time_point deadline);

// Installs the Application and AppProject CRDs (argo::argo_crds()) when the cluster does not
// serve the kinds yet, and waits until they are Established. Says so on stderr.
Result<void> ensure_argo_crds(kube::Client& client, Clock::time_point deadline);

// The text of a file the user names ("-": stdin).
Result<std::string> read_input(const std::string& path);

// -o of the commands that print an Application: wide (the default), yaml or json.
enum class Output { wide, yaml, json };
Result<Output> parse_output(std::string_view text);
// The object as argocd prints it: JSON indented by two spaces, or YAML with sorted keys.
void print_object(const Node& object, Output output);
void print(std::string_view text);

// A deadline for --timeout seconds; 0 means none (argocd's default).
Clock::time_point deadline_after(int64_t seconds);

}  // namespace plumb::cli::app
