#include "cli/app_common.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

#include "argo/crds.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_wait.hpp"
#include "core/conditions.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

constexpr std::string_view k_refresh = "argocd.argoproj.io/refresh";
constexpr std::string_view k_refresh_timestamp = "argocd.argoproj.io/refresh-timestamp";

// logrus prints the seconds since the program started.
const Clock::time_point k_started = Clock::now();

std::string label_of(const AppName& name) {
  return "application '" + name.text + "'";
}

Result<Node> request_application(kube::Client& client, std::string_view method, const AppName& name,
                                 const Node& body, std::string_view content_type) {
  return client.request({.method = std::string(method),
                         .target = kube::resource_path(argo::k_applications, name.ns, name.name),
                         .body = to_json(body),
                         .content_type = std::string(content_type)},
                        label_of(name));
}

void add_app_flags(FlagSpec& spec) {
  spec.values.insert({"--kubeconfig", "--context", "--app-namespace"});
  spec.booleans.insert("--help");
  spec.aliases.emplace("-N", "--app-namespace");  // a verb may name its -N otherwise
  spec.aliases["-h"] = "--help";
}

}  // namespace

int fatal(std::string_view message, int code) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - k_started);
  std::fprintf(stderr, "FATA[%04lld] %.*s\n", static_cast<long long>(seconds.count()),
               int(message.size()), message.data());
  return code;
}

Invocation parse_invocation(std::span<const std::string_view> args, FlagSpec spec,
                            std::string_view command, std::string_view usage_text,
                            const Positionals& positionals) {
  add_app_flags(spec);
  Invocation invocation;
  auto parsed = flux::parse_or_usage(args, spec, command, usage_text);
  if (!parsed.flags) {
    invocation.exit = parsed.exit;
    return invocation;
  }
  invocation.flags = std::move(*parsed.flags);
  size_t given = invocation.flags.positional.size();
  if (given < positionals.min || given > positionals.max)
    invocation.exit = flux::usage(command, positionals.what, usage_text);
  return invocation;
}

Result<std::unique_ptr<kube::Client>> connect_client(const Flags& flags) {
  return kube::Client::connect(
      {.kubeconfig = flags.value("--kubeconfig"), .context = flags.value("--context")});
}

Invocation invoke(std::span<const std::string_view> args, FlagSpec spec, std::string_view command,
                  std::string_view usage_text, const Positionals& positionals) {
  Invocation invocation = parse_invocation(args, std::move(spec), command, usage_text, positionals);
  if (invocation.exit) return invocation;
  auto client = connect_client(invocation.flags);
  if (!client) {
    invocation.exit = fatal(client.error());
    return invocation;
  }
  invocation.client = std::move(*client);
  return invocation;
}

std::string app_namespace(const Flags& flags) {
  return flags.value("--app-namespace", k_default_app_namespace);
}

Result<Node> get_application(kube::Client& client, const AppName& name) {
  auto app = TRY(client.get(argo::k_applications, name.ns, name.name));
  if (!app) return fail(label_of(name), " not found");
  return std::move(*app);
}

Result<Node> update_application(kube::Client& client, const Node& app) {
  std::string name(app.string_at({"metadata", "name"}));
  return request_application(client, "PUT",
                             {std::string(app.string_at({"metadata", "namespace"})), name, name},
                             app, "application/json");
}

Result<Node> patch_application(kube::Client& client, const AppName& name, const Node& patch) {
  return request_application(client, "PATCH", name, patch, "application/merge-patch+json");
}

Result<Node> set_operation(kube::Client& client, const AppName& name, const MakeOperation& make) {
  constexpr int k_attempts = 10;
  for (int attempt = 0; attempt < k_attempts; ++attempt) {
    Node app = TRY(get_application(client, name));
    if (const Node* op = app.find("operation"); op && !op->is_null()) {
      return fail("another operation is already in progress");
    }
    Node operation = TRY(make(app));
    app.set("operation", std::move(operation));
    if (Node* status = app.find_mut("status")) status->erase("operationState");
    auto updated = update_application(client, app);
    if (updated || updated.error().code() != 409) return updated;
  }
  return fail(label_of(name), ": could not set the operation: the application kept changing (",
              std::to_string(k_attempts), " conflicts)");
}

std::string local_username() {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
    return found->pw_name;
  }
  const char* user = std::getenv("USER");
  return user ? user : "";
}

Result<std::optional<Node>> refresh_application(kube::Client& client, const AppName& name,
                                                Refresh refresh, Clock::time_point deadline) {
  Node before = TRY(get_application(client, name));
  std::string reconciled(before.string_at({"status", "reconciledAt"}));
  Node patch = Node::map();
  Node& annotations = patch["metadata"]["annotations"];
  annotations.set(k_refresh, Node::string(refresh == Refresh::hard ? "hard" : "normal"));
  annotations.set(k_refresh_timestamp,
                  Node::string(format_rfc3339_nano(std::chrono::system_clock::now())));
  Node patched = TRY(patch_application(client, name, patch));
  return flux::wait_for_object(client, argo::k_applications, patched, deadline,
                               [&](const Node& app) {
                                 const Node* a = app.at_path({"metadata", "annotations"});
                                 return !(a && a->find(k_refresh)) ||
                                        app.string_at({"status", "reconciledAt"}) != reconciled;
                               });
}

Result<void> ensure_argo_crds(kube::Client& client, Clock::time_point deadline) {
  const kube::Resource* kinds[] = {&argo::k_applications, &argo::k_app_projects};
  return flux::ensure_crds(client, kinds, argo::argo_crds(), deadline, [] {
    std::fprintf(stderr, "installing the Application and AppProject CRDs\n");
  });
}

Result<std::string> read_input(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  return make_disk_fs()->read_file(path);
}

Result<Output> parse_output(std::string_view text) {
  if (text == "wide" || text.empty()) return Output::wide;
  if (text == "yaml") return Output::yaml;
  if (text == "json") return Output::json;
  return fail("unknown output format: ", text);
}

void print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_object(const Node& object, Output output) {
  if (output == Output::json) {
    print(to_json(object, JsonStyle::indented) + "\n");
  } else {
    // Keys sorted and sequences not indented, as sigs.k8s.io/yaml writes them.
    print(to_yaml(object, {.compact_sequences = true, .fold_long_strings = false}));
  }
}

Clock::time_point deadline_after(int64_t seconds) {
  // No timeout: far enough away never to pass, near enough not to overflow a clock.
  constexpr auto k_never = std::chrono::hours(24 * 365 * 10);
  return Clock::now() +
         (seconds > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds))
                      : std::chrono::duration_cast<Clock::duration>(k_never));
}

}  // namespace plumb::cli::app
