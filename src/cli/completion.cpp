#include "cli/completion.hpp"

#include <algorithm>

namespace plumb::cli::completion {
namespace {

constexpr std::string_view k_bash =
    R"sh(# bash completion for plumb: source <(plumb completion bash)
_plumb() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local words=("${COMP_WORDS[@]:1:COMP_CWORD-1}")
  local what=args IFS=$'\n'
  [[ $cur == -* ]] && what=flags
  COMPREPLY=($(compgen -W "$(plumb __complete "$what" "${words[@]}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _plumb plumb
)sh";

constexpr std::string_view k_zsh = R"sh(#compdef plumb
# zsh completion for plumb: source <(plumb completion zsh)
_plumb() {
  local what=args
  [[ ${words[CURRENT]} == -* ]] && what=flags
  local -a candidates
  candidates=(${(f)"$(plumb __complete $what ${words[2,CURRENT-1]} 2>/dev/null)"})
  compadd -- $candidates
}
if (( $+functions[compdef] )); then compdef _plumb plumb; fi
)sh";

constexpr std::string_view k_fish = R"sh(# fish completion for plumb: plumb completion fish | source
function __plumb_complete
  set -l words (commandline -opc)
  set -e words[1]
  set -l what args
  string match -q -- '-*' (commandline -ct); and set what flags
  plumb __complete $what $words 2>/dev/null
end
complete -c plumb -f -a '(__plumb_complete)'
)sh";

// Value flags of the commands: the word after one of them is its value, not a positional.
constexpr std::string_view k_value_flags[] = {
    "-n",         "--namespace", "--kubeconfig",    "--context", "-o",         "--output",
    "--timeout",  "-N",          "--app-namespace", "-l",        "--selector", "--since",
    "--level",    "--kind",      "--name",          "--file",    "--data-dir", "--journal",
    "--revision", "--path",      "--repo",          "--branch"};

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  return s;
}

bool is_flag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

void add_unique(std::vector<std::string>& out, std::string word) {
  if (std::ranges::find(out, word) == out.end()) out.push_back(std::move(word));
}

}  // namespace

std::optional<std::string_view> script_for(std::string_view shell) {
  if (shell == "bash") return k_bash;
  if (shell == "zsh") return k_zsh;
  if (shell == "fish") return k_fish;
  return std::nullopt;
}

std::vector<std::string> flags_in_help(std::string_view help) {
  std::vector<std::string> out;
  for (size_t start = 0; start < help.size();) {
    size_t end = help.find('\n', start);
    if (end == std::string_view::npos) end = help.size();
    std::string_view line = trim_left(help.substr(start, end - start));
    start = end + 1;
    if (!line.starts_with('-')) continue;
    // Flags up to the description (two spaces after the flags column).
    std::string_view flags = line.substr(0, line.find("  "));
    for (size_t i = 0; i < flags.size(); ++i) {
      bool at_word = i == 0 || flags[i - 1] == ' ' || flags[i - 1] == ',';
      if (!at_word || flags[i] != '-') continue;
      size_t j = i + 1;
      if (j < flags.size() && flags[j] == '-') ++j;
      size_t name = j;
      while (j < flags.size() && is_flag_char(flags[j]))
        ++j;
      if (j > name) add_unique(out, std::string(flags.substr(i, j - i)));
      i = j;
    }
  }
  return out;
}

std::vector<std::string> section_words(std::string_view help, std::string_view section) {
  std::vector<std::string> out;
  size_t at = help.find("\n" + std::string(section) + "\n");
  if (at == std::string_view::npos) return out;
  size_t start = at + section.size() + 2;
  size_t indent = std::string_view::npos;  // the items'; deeper lines continue an item
  while (start < help.size()) {
    size_t end = help.find('\n', start);
    if (end == std::string_view::npos) end = help.size();
    std::string_view line = help.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with("  ")) break;  // the section ends at a blank or unindented line
    std::string_view words = trim_left(line);
    size_t depth = line.size() - words.size();
    if (indent == std::string_view::npos) indent = depth;
    if (depth > indent) continue;
    words = words.substr(0, words.find("  "));
    if (size_t paren = words.find(" ("); paren != std::string_view::npos)
      words = words.substr(0, paren);
    // "a, b, c" or "source git|helm|oci": the first word of each comma-separated part.
    for (size_t part = 0; part <= words.size();) {
      size_t comma = words.find(',', part);
      if (comma == std::string_view::npos) comma = words.size();
      std::string_view w = trim_left(words.substr(part, comma - part));
      w = w.substr(0, w.find(' '));
      if (!w.empty() && w.find('|') == std::string_view::npos) add_unique(out, std::string(w));
      part = comma + 1;
    }
  }
  return out;
}

std::vector<std::string> usage_words(std::string_view help, std::string_view command) {
  std::vector<std::string> out;
  std::string lead = "plumb " + std::string(command) + " ";
  for (size_t at = help.find(lead); at != std::string_view::npos; at = help.find(lead, at + 1)) {
    std::string_view rest = help.substr(at + lead.size());
    std::string_view word = rest.substr(0, rest.find_first_of(" \n"));
    bool lower = !word.empty() && std::ranges::all_of(word, [](char c) {
      return (c >= 'a' && c <= 'z') || c == '|';
    });
    if (!lower) continue;
    for (size_t part = 0; part <= word.size();) {
      size_t bar = std::min(word.find('|', part), word.size());
      if (bar > part) add_unique(out, std::string(word.substr(part, bar - part)));
      part = bar + 1;
    }
  }
  return out;
}

std::vector<std::string> positionals_of(std::span<const std::string> words) {
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!w.starts_with('-')) {
      out.push_back(w);
      continue;
    }
    if (w.find('=') == std::string::npos &&
        std::ranges::find(k_value_flags, w) != std::end(k_value_flags))
      ++i;  // its value
  }
  return out;
}

std::string flag_value(std::span<const std::string> words,
                       std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    for (std::string_view name : names) {
      if (words[i] == name && i + 1 < words.size()) out = words[i + 1];
      if (words[i].starts_with(std::string(name) + "=")) out = words[i].substr(name.size() + 1);
    }
  }
  return out;
}

}  // namespace plumb::cli::completion
