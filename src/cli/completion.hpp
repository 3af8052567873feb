// `plumb completion bash|zsh|fish` and the hidden `plumb __complete` its scripts call. The
// scripts hold no lists: what they offer comes from the binary — commands from the command
// table, flags, verbs and kinds from each command's --help text (the text the docs are made
// of), object names from the cluster.
//
//   plumb __complete args WORDS...   candidates for the next argument after `plumb WORDS...`
//   plumb __complete flags WORDS...  the flags of the command WORDS name
//
// Thread safety: pure functions (help_sections, flags_in_help, positionals_of).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace plumb::cli::completion {

// The shell script for `shell` (bash, zsh, fish); nullopt for another shell.
std::optional<std::string_view> script_for(std::string_view shell);

// The flags a --help text lists: every --long and -s flag on its lines that start with '-'.
std::vector<std::string> flags_in_help(std::string_view help);

// The first words of the lines of a help section ("Commands:", "Verbs:", "Kinds:", "Shells:"):
// "  kustomizations, kustomization, ks" gives all three; "  source git|helm|oci" gives source.
std::vector<std::string> section_words(std::string_view help, std::string_view section);

// The kind words the usage lines of `command` start with: "Usage: plumb reconcile
// kustomization|ks NAME" and "       plumb reconcile source git NAME" give kustomization, ks
// and source (a word in capitals or brackets is not one).
std::vector<std::string> usage_words(std::string_view help, std::string_view command);

// The positional words of a command line (flags and the values of value flags left out).
std::vector<std::string> positionals_of(std::span<const std::string> words);

// The value of -n/--namespace (or another flag's names) among words; "" when not given.
std::string flag_value(std::span<const std::string> words, std::span<const std::string_view> names);

}  // namespace plumb::cli::completion
