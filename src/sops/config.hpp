// `.sops.yaml` as sops v3.13 reads it, and the keys the sops CLI finds on a user's machine.
//
// Config: sops looks for `.sops.yaml` from the working directory upwards (100 levels; a
// `.sops.yml` is not read), and takes the first `creation_rules` entry
// whose `path_regex` (Go RE2 syntax, unanchored) matches the file's absolute path with the
// config's directory removed from its front — or the first rule without a path_regex. A
// rule names keys as `age` and `pgp` (a comma-separated string or a list) or as
// `key_groups` (each with `age`, `pgp` lists and `merge`), plus `shamir_threshold`, one
// encryption rule (`encrypted_regex` …) and `mac_only_encrypted`. Cloud KMS and Vault keys
// are refused with an error naming them: Plumb wraps data keys with age and PGP only.
//
// Keys: SOPS_AGE_KEY (keys separated by newlines or commas), SOPS_AGE_KEY_FILE, the user's
// age key file ($XDG_CONFIG_HOME/sops/age/keys.txt, else ~/.config/sops/age/keys.txt) — all
// that exist are used, as sops does — and the user's GnuPG keyring for PGP.
//
// Thread safety: pure functions except user_keys, which reads the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

// One creation rule, as it applies to a file.
struct CreationRule {
  std::vector<RecipientGroup> key_groups;
  int64_t shamir_threshold = 0;
  std::optional<RuleKind> rule;  // absent: the default (unencrypted_suffix _unencrypted)
  std::string rule_value;
  bool mac_only_encrypted = false;
};

// The `.sops.yaml` found walking up from `start_dir` (at most 100 levels); nullopt when none.
// `exists` tells whether a path is a file (a seam for tests).
std::optional<std::string> find_config(std::string_view start_dir,
                                       const std::function<bool(const std::string&)>& exists);

// The rule of config `text` (read from `config_path`) for `file_path` (absolute); nullopt when
// the file has no creation_rules. Errors: YAML, a rule that does not parse, no rule matching
// ("no matching creation rules found"), keys Plumb cannot use.
Result<std::optional<CreationRule>> creation_rule_for(std::string_view text,
                                                      std::string_view config_path,
                                                      std::string_view file_path);

// How to read the environment (a seam for tests): the variable's value, or nullopt.
using GetEnv = std::function<std::optional<std::string>(const char*)>;

// The keys the sops CLI would use to decrypt, from the environment and the user's files.
// Errors name the source (SOPS_AGE_KEY_FILE, a key file's line), never a key.
Result<Keys> user_keys(const GetEnv& getenv);

}  // namespace plumb::sops
