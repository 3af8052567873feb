// plumb completion bash|zsh|fish, and the hidden plumb __complete its scripts call
// (cli/completion.hpp).
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <cstdio>

#include "argo/crds.hpp"
#include "cli/cli.hpp"
#include "cli/completion.hpp"
#include "cli/flux_common.hpp"

namespace plumb::cli {
namespace {

using namespace completion;

constexpr std::string_view k_usage =
    "Usage: plumb completion SHELL\n\n"
    "Prints a script that completes plumb's commands, flags, kinds and object names (from the\n"
    "cluster of the current kubeconfig context) in SHELL. The script asks plumb itself, so it\n"
    "stays right when plumb is upgraded.\n\n"
    "Shells:\n"
    "  bash    source <(plumb completion bash), or save it in\n"
    "          /etc/bash_completion.d/plumb\n"
    "  zsh     source <(plumb completion zsh) (after compinit), or save it as _plumb in $fpath\n"
    "  fish    plumb completion fish | source, or save it in\n"
    "          ~/.config/fish/completions/plumb.fish\n\n"
    "Flags:\n"
    "  -h, --help    this help\n\n"
    "Exit status: 0 printed, 2 usage error (no or an unknown SHELL).\n\n"
    "Examples:\n"
    "  # Completion in this bash session\n"
    "  source <(plumb completion bash)\n\n"
    "  # For every fish session\n"
    "  plumb completion fish > ~/.config/fish/completions/plumb.fish\n";

// What `plumb WORDS... --help` prints, run in a child process (stdout captured, stderr
// dropped): the help text is the one source of verbs, kinds and flags.
std::string help_of(std::span<const std::string> words) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return "";
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO);
    std::vector<std::string_view> args(words.begin(), words.end());
    args.push_back("--help");
    run(args);
    std::fflush(stdout);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

void print_lines(const std::vector<std::string>& lines) {
  for (const std::string& l : lines)
    std::printf("%s\n", l.c_str());
}

// The names of the objects of `resource` in the namespace the words give.
void print_names(std::span<const std::string> words, const kube::Resource& resource,
                 std::string_view default_ns) {
  constexpr std::string_view ns_flags[] = {"-n", "--namespace", "-N", "--app-namespace"};
  constexpr std::string_view kubeconfig[] = {"--kubeconfig"};
  constexpr std::string_view context[] = {"--context"};
  std::string ns = flag_value(words, ns_flags);
  auto client = kube::Client::connect(
      {.kubeconfig = flag_value(words, kubeconfig), .context = flag_value(words, context)});
  if (!client) return;
  auto list = (*client)->list(resource, ns.empty() ? std::string(default_ns) : ns);
  const Node* items = list ? list->find("items") : nullptr;
  if (!items) return;
  for (const Node& item : items->items())
    std::printf("%s\n", std::string(item.string_at({"metadata", "name"})).c_str());
}

// Candidates for the argument after WORDS.
void complete_args(std::span<const std::string> words) {
  std::vector<std::string> positional = positionals_of(words);
  if (positional.empty()) {
    for (std::string_view name : command_names())
      std::printf("%.*s\n", int(name.size()), name.data());
    return;
  }
  std::string help = help_of(positional);
  for (std::string_view section : {"Verbs:", "Commands:", "Shells:"}) {
    if (positional.size() == 1 && !section_words(help, section).empty())
      return print_lines(section_words(help, section));
  }
  if (positional[0] == "app" && positional.size() >= 2)  // an Application's name
    return print_names(words, argo::k_applications, "argocd");
  std::vector<std::string> kinds = section_words(help, "Kinds:");
  if (kinds.empty()) kinds = usage_words(help, positional[0]);
  if (kinds.empty()) return;
  std::span<const std::string> after(positional.begin() + 1, positional.end());
  if (after.empty()) return print_lines(kinds);
  if (after.back() == "source" || after.back() == "sources")
    return print_lines({"git", "helm", "oci"});
  if (after[0] == "app" || after[0] == "application" || after[0] == "applications")
    return print_names(words, argo::k_applications, "argocd");
  auto selection = flux::select_kind(std::vector<std::string>(after.begin(), after.end()),
                                     flux::AllSources::refused);
  if (selection && !selection->all_sources && selection->names.empty())
    print_names(words, *selection->kind->resource, "flux-system");
}

}  // namespace

int completion_command(std::span<const std::string_view> args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h"))
    return flux::usage("completion", "", k_usage);
  if (args.size() != 1) return flux::usage("completion", "one SHELL is required", k_usage);
  auto script = script_for(args[0]);
  if (!script) {
    return flux::usage("completion",
                       "unknown shell '" + std::string(args[0]) + "'; shells: bash, zsh, fish",
                       k_usage);
  }
  std::fwrite(script->data(), 1, script->size(), stdout);
  return 0;
}

int complete_command(std::span<const std::string_view> args) {
  if (args.empty()) return 2;
  std::vector<std::string> words(args.begin() + 1, args.end());
  if (args[0] == "flags") {
    std::vector<std::string> positional = positionals_of(words);
    print_lines(flags_in_help(help_of(positional)));
    return 0;
  }
  if (args[0] == "args") {
    complete_args(words);
    return 0;
  }
  return 2;
}

}  // namespace plumb::cli
