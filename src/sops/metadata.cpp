#include "sops/stores.hpp"

#include <charconv>
#include <optional>

#include "sops/rule_regex.hpp"

namespace plumb::sops {

namespace {

Result<KeyGroup> read_group(const Node& group) {
  KeyGroup out;
  if (!group.is_map()) return fail("key group is not a map");
  for (const auto& e : group.entries()) {
    std::string_view kind = e.key.as_string();
    if (e.value.is_null()) continue;
    if (!e.value.is_list()) return fail("key list `", kind, "` is not a list");
    for (const Node& key : e.value.items()) {
      if (!key.is_map()) return fail("an entry of `", kind, "` is not a map");
      if (kind == "age") {
        out.age.push_back(
            {scalar_to_string(key.find("recipient") ? *key.find("recipient") : Node()),
             scalar_to_string(key.find("enc") ? *key.find("enc") : Node())});
      } else if (kind == "pgp") {
        out.pgp.push_back(
            {scalar_to_string(key.find("fp") ? *key.find("fp") : Node()),
             scalar_to_string(key.find("enc") ? *key.find("enc") : Node()),
             scalar_to_string(key.find("created_at") ? *key.find("created_at") : Node())});
      } else {
        ++out.other_keys;
      }
    }
  }
  return out;
}

}  // namespace

// Go's time.Parse(time.RFC3339, text) then Format(time.RFC3339): YYYY-MM-DDTHH:MM:SS, an
// optional fraction (dropped), Z or ±HH:MM (a zero offset prints as Z). Checked here rather
// than through a time_point: Go accepts years 0000-9999.
std::optional<std::string> mac_additional_data_of(std::string_view text) {
  auto digits = [&](size_t at, size_t n) -> std::optional<int> {
    if (at + n > text.size()) return std::nullopt;
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2), hour = digits(11, 2),
       minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  static constexpr int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  if (*month < 1 || *month > 12 || *day < 1 || *day > k_days[*month - 1] ||
      (*month == 2 && *day == 29 && !leap) || *hour > 23 || *minute > 59 || *second > 59)
    return std::nullopt;
  std::string out(text.substr(0, 19));
  std::string_view rest = text.substr(19);
  if (rest.starts_with('.') || rest.starts_with(',')) {
    size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
      ++i;
    if (i == 1) return std::nullopt;
    rest.remove_prefix(i);
  }
  if (rest == "Z") return out + 'Z';
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return std::nullopt;
  size_t at = text.size() - 6;
  auto off_hour = digits(at + 1, 2), off_minute = digits(at + 4, 2);
  if (!off_hour || !off_minute || *off_hour > 23 || *off_minute > 59) return std::nullopt;
  if (*off_hour == 0 && *off_minute == 0) return out + 'Z';
  return out + std::string(rest);
}

namespace {

constexpr std::pair<std::string_view, RuleKind> k_rule_names[] = {
    {"unencrypted_suffix", RuleKind::unencrypted_suffix},
    {"encrypted_suffix", RuleKind::encrypted_suffix},
    {"unencrypted_regex", RuleKind::unencrypted_regex},
    {"encrypted_regex", RuleKind::encrypted_regex},
    {"unencrypted_comment_regex", RuleKind::unencrypted_comment_regex},
    {"encrypted_comment_regex", RuleKind::encrypted_comment_regex},
};

}  // namespace

std::string_view rule_name(RuleKind kind) {
  for (const auto& [name, k] : k_rule_names)
    if (k == kind) return name;
  return "unencrypted_suffix";
}

Result<std::optional<std::pair<RuleKind, std::string>>> read_encryption_rule(
    const Node& map, std::string_view scope) {
  std::optional<std::pair<RuleKind, std::string>> out;
  int rules = 0;
  for (const auto& [name, kind] : k_rule_names) {
    const Node* v = map.find(name);
    if (!v) continue;
    std::string text = scalar_to_string(*v);
    if (text.empty()) continue;
    ++rules;
    out.emplace(kind, std::move(text));
  }
  if (rules > 1)
    return fail(
        "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, "
        "unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex ",
        scope);
  return out;
}

Result<Metadata> read_metadata(const Node& sops) {
  if (!sops.is_map()) return fail("sops metadata not found");
  Metadata md;
  bool has_groups = false;
  if (const Node* groups = sops.find("key_groups"); groups && !groups->is_null()) {
    if (!groups->is_list()) return fail("sops metadata: key_groups is not a list");
    has_groups = true;
    for (const Node& g : groups->items())
      md.key_groups.push_back(TRY(read_group(g)));
  }
  if (!has_groups) {
    Node top = Node::map();
    for (const auto& e : sops.entries()) {
      std::string_view k = e.key.as_string();
      if (k == "kms" || k == "gcp_kms" || k == "azure_kv" || k == "hc_vault" || k == "age" ||
          k == "pgp" || k == "hckms")
        top.set(k, e.value);
    }
    md.key_groups.push_back(TRY(read_group(top)));
  }
  if (const Node* t = sops.find("shamir_threshold"); t && !t->is_null()) {
    if (t->is_int()) {
      md.shamir_threshold = t->as_int();
    } else {
      std::string s = scalar_to_string(*t);
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), md.shamir_threshold);
      if (ec != std::errc() || p != s.data() + s.size())
        return fail("sops metadata: shamir_threshold is not an integer");
    }
  }
  if (const Node* m = sops.find("mac_only_encrypted"); m && !m->is_null()) {
    if (m->is_bool())
      md.mac_only_encrypted = m->as_bool();
    else if (scalar_to_string(*m) == "true")
      md.mac_only_encrypted = true;
    else if (scalar_to_string(*m) != "false" && scalar_to_string(*m) != "")
      return fail("sops metadata: mac_only_encrypted is not a boolean");
  }
  if (const Node* m = sops.find("mac")) md.mac = scalar_to_string(*m);
  if (const Node* v = sops.find("version")) md.version = scalar_to_string(*v);

  if (auto rule = TRY(read_encryption_rule(sops, "in the same file"))) {
    md.rule = rule->first;
    md.rule_value = std::move(rule->second);
  }
  if (md.rule != RuleKind::unencrypted_suffix && md.rule != RuleKind::encrypted_suffix)
    TRY(RuleRegex::compile(md.rule_value));

  const Node* lm = sops.find("lastmodified");
  md.lastmodified = lm ? scalar_to_string(*lm) : "";
  auto ad = mac_additional_data_of(md.lastmodified);
  if (!ad) return fail("sops metadata: lastmodified is not an RFC 3339 time");
  md.mac_additional_data = std::move(*ad);
  return md;
}

Node unflatten_metadata(std::span<const MapEntry> flat) {
  Node root = Node::map();
  for (const auto& e : flat) {
    std::string_view key = e.key.as_string();
    Node* at = &root;
    bool ok = true;
    size_t pos = 0;
    bool first = true;
    while (ok) {
      size_t sep = key.find("__", pos);
      std::string_view part = key.substr(pos, sep == std::string_view::npos ? sep : sep - pos);
      bool last = sep == std::string_view::npos;
      Node* next = nullptr;
      if (first || part.starts_with("map_")) {
        std::string_view name = first ? part : part.substr(4);
        if (!at->is_map()) {
          if (!at->is_null()) break;
          *at = Node::map();
        }
        next = &(*at)[name];
      } else if (part.starts_with("list_")) {
        size_t index = 0;
        std::string_view digits = part.substr(5);
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (ec != std::errc() || p != digits.data() + digits.size() || index > 1000) break;
        if (!at->is_list()) {
          if (!at->is_null()) break;
          *at = Node::list();
        }
        while (at->size() <= index)
          at->push_back(Node());
        next = &at->items_mut()[index];
      } else {
        break;
      }
      first = false;
      at = next;
      if (last) {
        *at = e.value;
        break;
      }
      pos = sep + 2;
    }
  }
  return root;
}

}  // namespace plumb::sops
