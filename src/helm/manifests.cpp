// Sorting and printing rendered manifests as `helm template` does (see manifests.hpp).
#include "helm/manifests.hpp"

#include <algorithm>
#include <array>

#include "helm/sigs_yaml.hpp"

namespace plumb::helm {
namespace {

// releaseutil.InstallOrder (helm v4.1.4).
constexpr std::array<std::string_view, 38> k_install_order = {
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
};

// release.HookEvent names, plus Helm 2's test-success.
constexpr std::array<std::string_view, 10> k_hook_events = {
    "pre-install",  "post-install", "pre-delete",    "post-delete", "pre-upgrade",
    "post-upgrade", "pre-rollback", "post-rollback", "test",        "test-success",
};

struct Manifest {
  std::string path;
  std::string content;
  std::string kind;
  bool test_hook = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string json_type(const Node& n) {
  if (n.is_string()) return "string";
  if (n.is_list()) return "array";
  if (n.is_map()) return "object";
  if (n.is_bool()) return "bool";
  return "number";
}

Error head_error(std::string_view field, const Node& n, std::string_view type) {
  return Error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
               json_type(n) + " into Go struct field " + std::string(field) + " of type " +
               std::string(type));
}

// sigs.k8s.io/yaml coerces a YAML scalar into a string field (`name: y` is "true", `kind: 1`
// is "1"); only a list or a map cannot go there.
bool fits_string(const Node& n) {
  return !n.is_list() && !n.is_map();
}

std::string as_string_field(const Node& n) {
  if (n.is_string()) return std::string(n.as_string());
  if (n.is_bool()) return n.as_bool() ? "true" : "false";
  if (n.is_int()) return std::to_string(n.as_int());
  if (n.is_float()) return format_float_g(n.as_float(), 32);
  return "";
}

struct Head {
  std::string kind;
  const Node* annotations = nullptr;
};

// yaml.Unmarshal into releaseutil.SimpleHead.
Result<Head> read_head(const Node& doc) {
  Head head;
  if (doc.is_null()) return head;
  if (!doc.is_map())
    return fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ",
                json_type(doc), " into Go value of type util.SimpleHead");
  for (std::string_view key : {"apiVersion", "kind"}) {
    const Node* v = doc.find(key);
    if (v != nullptr && !fits_string(*v))
      return std::unexpected(head_error("SimpleHead." + std::string(key), *v, "string"));
  }
  if (const Node* kind = doc.find("kind")) head.kind = as_string_field(*kind);
  const Node* metadata = doc.find("metadata");
  if (metadata == nullptr || metadata->is_null()) return head;
  if (!metadata->is_map())
    return std::unexpected(head_error("SimpleHead.metadata", *metadata,
                                      "struct { Name string "
                                      "\"json:\\\"name\\\"\"; Annotations map[string]string "
                                      "\"json:\\\"annotations\\\"\" }"));
  if (const Node* name = metadata->find("name"); name && !fits_string(*name))
    return std::unexpected(head_error("SimpleHead.metadata.name", *name, "string"));
  const Node* annotations = metadata->find("annotations");
  if (annotations == nullptr || annotations->is_null()) return head;
  if (!annotations->is_map())
    return std::unexpected(
        head_error("SimpleHead.metadata.annotations", *annotations, "map[string]string"));
  for (const MapEntry& e : annotations->entries())
    if (!fits_string(e.value))
      return std::unexpected(head_error("SimpleHead.metadata.annotations", e.value, "string"));
  head.annotations = annotations;
  return head;
}

size_t kind_rank(std::string_view kind) {
  auto it = std::find(k_install_order.begin(), k_install_order.end(), kind);
  return static_cast<size_t>(it - k_install_order.begin());
}

void sort_by_kind(std::vector<Manifest>& list) {
  std::stable_sort(list.begin(), list.end(), [](const Manifest& a, const Manifest& b) {
    size_t ra = kind_rank(a.kind), rb = kind_rank(b.kind);
    bool ka = ra < k_install_order.size(), kb = rb < k_install_order.size();
    if (!ka && !kb) return a.kind < b.kind;
    if (!ka) return false;
    if (!kb) return true;
    return ra < rb;
  });
}

void collect_crds(const Chart& chart, const std::string& full_path,
                  std::vector<ReleaseDocument>& out) {
  for (const ChartFile* f : chart.crd_files())
    out.push_back(ReleaseDocument{full_path + "/" + f->name, f->data, ReleaseDocument::Part::crd});
  for (const Chart& sub : chart.dependencies)
    collect_crds(sub, full_path + "/charts/" + sub.name(), out);
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Go's filepath.Match character class at p (after '['); returns the index after ']' or npos.
size_t match_class(std::string_view p, size_t i, char c, bool& matched) {
  bool negate = i < p.size() && p[i] == '^';
  if (negate) ++i;
  bool found = false;
  bool first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) hi = p[++i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) found = true;
    ++i;
  }
  if (i >= p.size()) return std::string_view::npos;
  matched = found != negate;
  return i + 1;
}

}  // namespace

bool filepath_match(std::string_view p, std::string_view s) {
  size_t pi = 0;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*')
        ++pi;
      std::string_view rest = p.substr(pi);
      for (size_t k = 0; k <= s.size(); ++k) {
        if (filepath_match(rest, s.substr(k))) return true;
        if (k < s.size() && s[k] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s[0] == '/') return false;
      ++pi;
    } else if (c == '[') {
      bool matched = false;
      size_t next = match_class(p, pi + 1, s[0], matched);
      if (next == std::string_view::npos || !matched || s[0] == '/') return false;
      pi = next;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (s[0] != c) return false;
      ++pi;
    }
    s.remove_prefix(1);
  }
  return s.empty();
}

std::vector<std::string> split_manifests(std::string_view text) {
  // The regexp (?:^|\s*\n)---\s* over the trimmed text.
  text = trim(text);
  std::vector<std::string> out;
  size_t last = 0, pos = 0;
  auto push = [&](std::string_view doc) {
    if (!doc.empty()) out.emplace_back(trim(doc));
  };
  while (true) {
    size_t start = std::string_view::npos, end = 0;
    if (pos == 0 && text.starts_with("---")) {
      start = 0;
      end = 3;
    } else {
      for (size_t j = text.find('\n', pos); j != std::string_view::npos;
           j = text.find('\n', j + 1)) {
        if (text.substr(j + 1, 3) == "---") {
          start = j;
          while (start > pos && is_space(text[start - 1]))
            --start;
          end = j + 4;
          break;
        }
      }
    }
    if (start == std::string_view::npos) break;
    while (end < text.size() && is_space(text[end]))
      ++end;
    push(text.substr(last, start - last));
    last = pos = end;
  }
  push(text.substr(last));
  return out;
}

Result<std::vector<ReleaseDocument>> release_documents(
    const Chart& chart, const std::map<std::string, std::string>& rendered,
    const ManifestOptions& options) {
  std::vector<Manifest> manifests, hooks;
  for (const auto& [path, content] : rendered) {  // byte order of paths
    if (has_suffix(path, "NOTES.txt")) continue;
    std::string_view base = path;
    base.remove_prefix(base.rfind('/') + 1);
    if (base.starts_with("_") || trim(content).empty()) continue;
    for (std::string& doc : split_manifests(content)) {
      auto parsed = yaml_to_json(doc);
      if (!parsed) return fail("YAML parse error on ", path, ": ", parsed.error().message());
      auto head = read_head(*parsed);
      if (!head) return fail("YAML parse error on ", path, ": ", head.error().message());
      const Node* hook = head->annotations ? head->annotations->find("helm.sh/hook") : nullptr;
      if (head->annotations == nullptr || head->annotations->empty() || hook == nullptr) {
        manifests.push_back(Manifest{path, std::move(doc), head->kind});
        continue;
      }
      bool unknown = false, test = false;
      std::string hook_text = as_string_field(*hook);
      std::string_view events = hook_text;
      while (true) {
        size_t comma = events.find(',');
        std::string event = lower(trim(events.substr(0, comma)));
        if (std::find(k_hook_events.begin(), k_hook_events.end(), event) == k_hook_events.end())
          unknown = true;
        if (event == "test" || event == "test-success") test = true;
        if (comma == std::string_view::npos) break;
        events.remove_prefix(comma + 1);
      }
      if (unknown) continue;  // Helm logs "skipping unknown hooks" and drops it
      hooks.push_back(Manifest{path, std::move(doc), head->kind, test});
    }
  }
  sort_by_kind(manifests);
  sort_by_kind(hooks);

  std::vector<ReleaseDocument> out;
  if (options.include_crds) collect_crds(chart, chart.name(), out);
  for (Manifest& m : manifests)
    out.push_back(ReleaseDocument{m.path, std::move(m.content), ReleaseDocument::Part::manifest});
  if (!options.no_hooks) {
    for (Manifest& h : hooks) {
      if (options.skip_tests && h.test_hook) continue;
      out.push_back(ReleaseDocument{h.path, std::move(h.content), ReleaseDocument::Part::hook});
    }
  }
  return out;
}

std::string release_text(const std::vector<ReleaseDocument>& docs) {
  std::string body;
  size_t i = 0;
  for (; i < docs.size() && docs[i].part != ReleaseDocument::Part::hook; ++i)
    body += "---\n# Source: " + docs[i].path + "\n" + docs[i].content + "\n";
  std::string out(trim(body));
  out.push_back('\n');
  for (; i < docs.size(); ++i)
    out += "---\n# Source: " + docs[i].path + "\n" + docs[i].content + "\n";
  return out;
}

Result<std::string> show_only(const std::string& out, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return out;
  std::vector<std::string> docs = split_manifests(out);
  std::string shown;
  for (const std::string& pattern : patterns) {
    bool missing = true;
    for (const std::string& doc : docs) {
      size_t at = doc.find("# Source: ");
      if (at == std::string::npos) continue;
      size_t slash = doc.find('/', at + 10);
      if (slash == std::string::npos || slash == at + 10) continue;
      size_t eol = doc.find('\n', slash);
      std::string_view name = std::string_view(doc).substr(
          slash + 1, eol == std::string::npos ? std::string::npos : eol - slash - 1);
      if (name.empty() || !filepath_match(pattern, name)) continue;
      shown += "---\n" + doc + "\n";
      missing = false;
    }
    if (missing) return fail("could not find template ", pattern, " in chart");
  }
  return shown;
}

}  // namespace plumb::helm
