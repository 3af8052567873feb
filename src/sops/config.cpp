#include "sops/config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/fs.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"
#include "sops/rule_regex.hpp"
#include "sops/stores.hpp"

namespace plumb::sops {

namespace {

// A key field: a comma-separated string or a list of strings (parseKeyField).
Result<std::vector<std::string>> key_list(const Node* field, std::string_view name) {
  std::vector<std::string> out;
  if (!field || field->is_null()) return out;
  auto add_split = [&](std::string_view text) {
    while (true) {
      size_t comma = text.find(',');
      std::string_view key = trim(text.substr(0, comma));
      if (!key.empty()) out.emplace_back(key);
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
  };
  if (field->is_string()) {
    add_split(field->as_string());
    return out;
  }
  if (!field->is_list())
    return fail("invalid ", name, " key configuration: expected a string or a list of strings");
  for (const Node& item : field->items()) {
    if (!item.is_string())
      return fail("invalid ", name, " key configuration: expected string in list");
    add_split(item.as_string());
  }
  return out;
}

// sops removes the spaces people copy from gpg's fingerprint display.
std::string clean_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ') out += c;
  return out;
}

Result<void> refuse_other_keys(const Node& map, std::string_view where) {
  for (std::string_view kind :
       {"kms", "gcp_kms", "hckms", "azure_keyvault", "hc_vault", "hc_vault_transit_uri"}) {
    const Node* v = map.find(kind);
    if (v && !v->is_null() && !(v->is_list() && v->empty()) &&
        !(v->is_string() && v->as_string().empty()))
      return fail(where, " names ", kind,
                  " keys: plumb wraps data keys with age and PGP only (use sops for them)");
  }
  return {};
}

Result<RecipientGroup> group_from(const Node& group) {
  if (!group.is_map()) return fail("a key group is not a map");
  TRY_VOID(refuse_other_keys(group, "a key group"));
  RecipientGroup out;
  if (const Node* merge = group.find("merge"); merge && merge->is_list()) {
    for (const Node& sub : merge->items()) {
      RecipientGroup merged = TRY(group_from(sub));
      out.age.insert(out.age.end(), merged.age.begin(), merged.age.end());
      out.pgp.insert(out.pgp.end(), merged.pgp.begin(), merged.pgp.end());
    }
  }
  for (std::string& key : TRY(key_list(group.find("age"), "age")))
    out.age.push_back(std::move(key));
  if (const Node* pgp = group.find("pgp"); pgp && pgp->is_list()) {
    for (const Node& fp : pgp->items())
      out.pgp.push_back(clean_fingerprint(scalar_to_string(fp)));
  }
  // deduplicateKeygroup: the same key twice is kept once.
  auto dedup = [](std::vector<std::string>& keys) {
    std::vector<std::string> seen;
    for (auto& k : keys)
      if (std::find(seen.begin(), seen.end(), k) == seen.end()) seen.push_back(k);
    keys = std::move(seen);
  };
  dedup(out.age);
  dedup(out.pgp);
  return out;
}

Result<CreationRule> rule_from(const Node& rule) {
  CreationRule out;
  TRY_VOID(refuse_other_keys(rule, "the creation rule"));
  if (const Node* groups = rule.find("key_groups");
      groups && groups->is_list() && !groups->empty()) {
    for (const Node& group : groups->items())
      out.key_groups.push_back(TRY(group_from(group)));
  } else {
    RecipientGroup group;
    group.age = TRY(key_list(rule.find("age"), "age"));
    for (const std::string& fp : TRY(key_list(rule.find("pgp"), "pgp")))
      group.pgp.push_back(clean_fingerprint(fp));
    out.key_groups.push_back(std::move(group));
  }
  if (const Node* t = rule.find("shamir_threshold"); t && !t->is_null()) {
    if (!t->is_int()) return fail("shamir_threshold is not a whole number");
    out.shamir_threshold = t->as_int();
  }
  if (auto named = TRY(read_encryption_rule(rule, "for the same rule"))) {
    out.rule = named->first;
    out.rule_value = std::move(named->second);
  }
  if (const Node* m = rule.find("mac_only_encrypted"); m && m->is_bool())
    out.mac_only_encrypted = m->as_bool();
  return out;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<std::string> find_config(std::string_view start_dir,
                                       const std::function<bool(const std::string&)>& exists) {
  std::string dir = clean_path(start_dir);
  for (int depth = 0; depth < 100; ++depth) {
    std::string candidate = join_path(dir, ".sops.yaml");
    if (exists(candidate)) return candidate;
    if (dir == "/") break;
    std::string parent(dir_name(dir));
    if (parent == dir || parent.empty()) break;
    dir = parent;
  }
  return std::nullopt;
}

Result<std::optional<CreationRule>> creation_rule_for(std::string_view text,
                                                      std::string_view config_path,
                                                      std::string_view file_path) {
  auto parsed = parse_yaml(text, config_path);
  if (!parsed) return fail("could not read config file: ", parsed.error().message());
  const Node* rules = parsed->is_map() ? parsed->find("creation_rules") : nullptr;
  if (!rules || rules->is_null()) return std::optional<CreationRule>();
  if (!rules->is_list()) return fail(config_path, ": creation_rules is not a list");
  std::string dir(dir_name(clean_path(config_path)));
  std::string_view relative = file_path;
  if (relative.starts_with(dir + "/")) relative.remove_prefix(dir.size() + 1);
  size_t index = 0;
  for (const Node& rule : rules->items()) {
    ++index;
    if (!rule.is_map())
      return fail(config_path, ": creation rule ", std::to_string(index), " is not a map");
    const Node* path_regex = rule.find("path_regex");
    std::string pattern = path_regex ? scalar_to_string(*path_regex) : "";
    if (!pattern.empty()) {
      auto regex = RuleRegex::compile(pattern);
      if (!regex)
        return fail(config_path, ": creation rule ", std::to_string(index),
                    ": can not compile regexp: ", regex.error().message());
      if (!regex->search(relative)) continue;
    }
    auto out = rule_from(rule);
    if (!out)
      return fail(config_path, ": creation rule ", std::to_string(index), ": ",
                  out.error().message());
    return std::optional<CreationRule>(std::move(*out));
  }
  return fail(config_path, ": no matching creation rules found for ", relative);
}

Result<Keys> user_keys(const GetEnv& getenv) {
  Keys keys;
  keys.pgp_user_keyring = true;
  auto add = [&](std::string_view text, std::string_view source) -> Result<void> {
    auto ids = age::parse_identities(text);
    if (!ids) return fail(source, ": ", ids.error().message());
    keys.age.insert(keys.age.end(), ids->begin(), ids->end());
    return {};
  };
  if (auto key = getenv("SOPS_AGE_KEY")) {
    std::string text = *key;
    for (char& c : text)
      if (c == ',') c = '\n';
    TRY_VOID(add(text, "SOPS_AGE_KEY"));
  }
  if (auto file = getenv("SOPS_AGE_KEY_FILE")) {
    auto text = read_text(*file);
    if (!text) return fail("failed to open SOPS_AGE_KEY_FILE file ", *file);
    TRY_VOID(add(*text, "SOPS_AGE_KEY_FILE " + *file));
  }
  std::string config_dir;
  if (auto xdg = getenv("XDG_CONFIG_HOME"); xdg && !xdg->empty())
    config_dir = *xdg;
  else if (auto home = getenv("HOME"); home && !home->empty())
    config_dir = *home + "/.config";
  if (!config_dir.empty()) {
    std::string path = config_dir + "/sops/age/keys.txt";
    if (auto text = read_text(path)) TRY_VOID(add(*text, path));
  }
  return keys;
}

}  // namespace plumb::sops
