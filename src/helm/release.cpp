#include "helm/release.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "helm/archive.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::helm {
namespace {

constexpr std::array<std::pair<ReleaseStatus, std::string_view>, 9> k_statuses = {{
    {ReleaseStatus::unknown, "unknown"},
    {ReleaseStatus::deployed, "deployed"},
    {ReleaseStatus::uninstalled, "uninstalled"},
    {ReleaseStatus::superseded, "superseded"},
    {ReleaseStatus::failed, "failed"},
    {ReleaseStatus::uninstalling, "uninstalling"},
    {ReleaseStatus::pending_install, "pending-install"},
    {ReleaseStatus::pending_upgrade, "pending-upgrade"},
    {ReleaseStatus::pending_rollback, "pending-rollback"},
}};

// The labels Helm's storage sets itself (driver.GetSystemLabels).
constexpr std::array<std::string_view, 6> k_system_labels = {"name",    "owner",     "status",
                                                             "version", "createdAt", "modifiedAt"};

// A decompressed record larger than this is refused (a gzip bomb in a Secret).
constexpr size_t k_max_record = 256 * 1024 * 1024;

Result<std::string> gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return fail("gzip: cannot initialise zlib");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 64 * 1024> buffer;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
    zs.avail_out = buffer.size();
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = zs.msg != nullptr ? zs.msg : "unexpected end of data";
      inflateEnd(&zs);
      return fail("gzip: ", why);
    }
    out.append(buffer.data(), buffer.size() - zs.avail_out);
    if (out.size() > k_max_record) {
      inflateEnd(&zs);
      return fail("gzip: release record larger than 256 MiB");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return fail("gzip: unexpected EOF");
    }
  }
  inflateEnd(&zs);
  return out;
}

void set_string(Node& out, std::string_view key, std::string_view value) {
  if (!value.empty()) out.set(key, Node::string(value));
}

void set_time(Node& out, std::string_view key, const std::optional<SystemTime>& time) {
  if (time) out.set(key, Node::string(format_rfc3339_nano(*time)));
}

// The JSON types Go's decoder insists on, with its words.
Error wrong_type(std::string_view field, std::string_view go_type) {
  return Error("json: cannot unmarshal into Go struct field Release." + std::string(field) +
               " of type " + std::string(go_type));
}

Result<std::string> read_string(const Node& object, std::string_view key, std::string_view field) {
  const Node* value = object.find(key);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) return std::unexpected(wrong_type(field, "string"));
  return std::string(value->as_string());
}

// A time field: absent, null or "" is no time (Info.UnmarshalJSON).
Result<std::optional<SystemTime>> read_time(const Node& object, std::string_view key) {
  std::string text = TRY(read_string(object, key, "info." + std::string(key)));
  if (text.empty()) return std::optional<SystemTime>();
  auto time = parse_rfc3339(text);
  if (!time) return fail("parsing time \"", text, "\" as RFC 3339 in info.", key);
  return time;
}

Result<ReleaseInfo> read_info(const Node& info) {
  ReleaseInfo out;
  out.first_deployed = TRY(read_time(info, "first_deployed"));
  out.last_deployed = TRY(read_time(info, "last_deployed"));
  out.deleted = TRY(read_time(info, "deleted"));
  out.description = TRY(read_string(info, "description", "info.description"));
  std::string status = TRY(read_string(info, "status", "info.status"));
  // Go keeps any string in a Status; a word Helm does not know reads as unknown here.
  out.status = parse_release_status(status).value_or(ReleaseStatus::unknown);
  out.notes = TRY(read_string(info, "notes", "info.notes"));
  if (const Node* resources = info.find("resources")) out.resources = *resources;
  return out;
}

std::vector<std::string> split_annotation(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = text.find(',');
    std::string item(trim(text.substr(0, comma)));
    for (char& c : item)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

const Node* annotation(const Node& head, std::string_view key) {
  return head.at_path({"metadata", "annotations", key});
}

std::string_view annotation_text(const Node& head, std::string_view key) {
  const Node* value = annotation(head, key);
  return value != nullptr ? value->as_string() : std::string_view();
}

// strconv.Atoi: an optional sign and decimal digits, nothing else; 0 when it does not parse.
int hook_weight(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  int weight = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), weight);
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  return weight;
}

}  // namespace

std::string_view status_name(ReleaseStatus status) {
  for (const auto& [s, name] : k_statuses) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<ReleaseStatus> parse_release_status(std::string_view name) {
  for (const auto& [s, n] : k_statuses) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool is_pending(ReleaseStatus status) {
  return status == ReleaseStatus::pending_install || status == ReleaseStatus::pending_upgrade ||
         status == ReleaseStatus::pending_rollback;
}

std::string_view Release::chart_name() const {
  return chart.string_at({"metadata", "name"});
}
std::string_view Release::chart_version() const {
  return chart.string_at({"metadata", "version"});
}
std::string_view Release::app_version() const {
  return chart.string_at({"metadata", "appVersion"});
}

Node release_to_json(const Release& release) {
  Node out = Node::map();
  set_string(out, "name", release.name);
  Node info = Node::map();
  set_time(info, "first_deployed", release.info.first_deployed);
  set_time(info, "last_deployed", release.info.last_deployed);
  set_time(info, "deleted", release.info.deleted);
  set_string(info, "description", release.info.description);
  set_string(info, "status", status_name(release.info.status));
  set_string(info, "notes", release.info.notes);
  if (!release.info.resources.is_null() && !release.info.resources.empty())
    info.set("resources", release.info.resources);
  out.set("info", std::move(info));
  if (!release.chart.is_null()) out.set("chart", release.chart);
  if (release.config.is_map() && !release.config.empty()) out.set("config", release.config);
  set_string(out, "manifest", release.manifest);
  if (release.hooks.is_list() && !release.hooks.empty()) out.set("hooks", release.hooks);
  if (release.version != 0) out.set("version", Node::integer(release.version));
  set_string(out, "namespace", release.namespace_name);
  set_string(out, "apply_method", release.apply_method);
  return out;
}

Result<Release> release_from_json(const Node& json) {
  if (!json.is_map()) return fail("json: cannot unmarshal into Go value of type release.Release");
  Release out;
  out.name = TRY(read_string(json, "name", "name"));
  if (const Node* info = json.find("info"); info != nullptr && !info->is_null()) {
    if (!info->is_map()) return std::unexpected(wrong_type("info", "release.Info"));
    out.info = TRY(read_info(*info));
  }
  if (const Node* chart = json.find("chart"); chart != nullptr && !chart->is_null()) {
    if (!chart->is_map()) return std::unexpected(wrong_type("chart", "chart.Chart"));
    out.chart = *chart;
  }
  if (const Node* config = json.find("config"); config != nullptr && !config->is_null()) {
    if (!config->is_map()) return std::unexpected(wrong_type("config", "map[string]interface {}"));
    out.config = *config;
  }
  out.manifest = TRY(read_string(json, "manifest", "manifest"));
  if (const Node* hooks = json.find("hooks"); hooks != nullptr && !hooks->is_null()) {
    if (!hooks->is_list()) return std::unexpected(wrong_type("hooks", "[]*release.Hook"));
    out.hooks = *hooks;
  }
  if (const Node* version = json.find("version"); version != nullptr && !version->is_null()) {
    if (!version->is_int()) return std::unexpected(wrong_type("version", "int"));
    out.version = version->as_int();
  }
  out.namespace_name = TRY(read_string(json, "namespace", "namespace"));
  out.apply_method = TRY(read_string(json, "apply_method", "apply_method"));
  return out;
}

std::string encode_release(const Release& release) {
  return base64_encode(gzip(to_json(release_to_json(release))));
}

Result<Release> decode_release(std::string_view data) {
  auto bytes = base64_decode(data);
  if (!bytes) return fail("release record: illegal base64 data");
  std::string json = std::move(*bytes);
  // Records stored before Helm compressed them are plain JSON.
  if (json.size() > 3 && json.starts_with("\x1f\x8b\x08")) json = TRY(gunzip(json));
  Node parsed = TRY(parse_json(json, "release record"));
  return release_from_json(parsed);
}

std::string release_secret_name(std::string_view name, int64_t version) {
  return "sh.helm.release.v1." + std::string(name) + ".v" + std::to_string(version);
}

Node release_secret(const Release& release, StorageWrite write, SystemTime now) {
  Node labels = Node::map();
  for (const auto& [key, value] : release.labels)
    labels.set(key, Node::string(value));
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  labels.set(write == StorageWrite::create ? "createdAt" : "modifiedAt",
             Node::string(std::to_string(seconds)));
  labels.set("name", Node::string(release.name));
  labels.set("owner", Node::string("helm"));
  labels.set("status", Node::string(status_name(release.info.status)));
  labels.set("version", Node::string(std::to_string(release.version)));

  Node metadata = Node::map();
  metadata.set("name", Node::string(release_secret_name(release.name, release.version)));
  metadata.set("namespace", Node::string(release.namespace_name));
  metadata.set("labels", std::move(labels));
  Node data = Node::map();
  data.set("release", Node::string(base64_encode(encode_release(release))));
  Node secret = Node::map();
  secret.set("apiVersion", Node::string("v1"));
  secret.set("kind", Node::string("Secret"));
  secret.set("metadata", std::move(metadata));
  secret.set("type", Node::string(k_release_secret_type));
  secret.set("data", std::move(data));
  return secret;
}

Result<Release> release_from_secret(const Node& secret) {
  std::string_view name = secret.string_at({"metadata", "name"});
  auto context = [&](const Error& e) {
    return Error("Secret " + std::string(secret.string_at({"metadata", "namespace"})) + "/" +
                 std::string(name) + ": " + e.message());
  };
  auto data = base64_decode(secret.string_at({"data", "release"}));
  if (!data) return std::unexpected(context(Error("data.release is not base64")));
  auto release = decode_release(*data);
  if (!release) return std::unexpected(context(release.error()));
  if (const Node* labels = secret.at_path({"metadata", "labels"}); labels && labels->is_map()) {
    for (const MapEntry& e : labels->entries()) {
      std::string_view key = e.key.as_string();
      if (std::find(k_system_labels.begin(), k_system_labels.end(), key) == k_system_labels.end())
        release->labels.emplace(std::string(key), std::string(e.value.as_string()));
    }
  }
  return release;
}

Node chart_record(const Chart& chart) {
  const Metadata& m = chart.metadata;
  Node metadata = Node::map();
  auto strings = [](const std::vector<std::string>& list) {
    Node out = Node::list();
    for (const std::string& s : list)
      out.push_back(Node::string(s));
    return out;
  };
  // Go's field order of chart.Metadata, omitempty.
  set_string(metadata, "name", m.name);
  set_string(metadata, "home", m.home);
  if (!m.sources.empty()) metadata.set("sources", strings(m.sources));
  set_string(metadata, "version", m.version);
  set_string(metadata, "description", m.description);
  if (!m.keywords.empty()) metadata.set("keywords", strings(m.keywords));
  if (!m.maintainers.empty()) {
    Node maintainers = Node::list();
    for (const Maintainer& maintainer : m.maintainers) {
      Node entry = Node::map();
      set_string(entry, "name", maintainer.name);
      set_string(entry, "email", maintainer.email);
      set_string(entry, "url", maintainer.url);
      maintainers.push_back(std::move(entry));
    }
    metadata.set("maintainers", std::move(maintainers));
  }
  set_string(metadata, "icon", m.icon);
  set_string(metadata, "apiVersion", m.api_version);
  set_string(metadata, "condition", m.condition);
  set_string(metadata, "tags", m.tags);
  set_string(metadata, "appVersion", m.app_version);
  if (m.deprecated) metadata.set("deprecated", Node::boolean(true));
  if (m.annotations.is_map() && !m.annotations.empty()) metadata.set("annotations", m.annotations);
  set_string(metadata, "kubeVersion", m.kube_version);
  if (!m.dependencies.empty()) {
    Node dependencies = Node::list();
    for (const Dependency& d : m.dependencies) {
      Node entry = Node::map();
      entry.set("name", Node::string(d.name));
      set_string(entry, "version", d.version);
      entry.set("repository", Node::string(d.repository));
      set_string(entry, "condition", d.condition);
      if (!d.tags.empty()) entry.set("tags", strings(d.tags));
      if (d.enabled) entry.set("enabled", Node::boolean(true));
      if (d.import_values.is_list() && !d.import_values.empty())
        entry.set("import-values", d.import_values);
      set_string(entry, "alias", d.alias);
      dependencies.push_back(std::move(entry));
    }
    metadata.set("dependencies", std::move(dependencies));
  }
  set_string(metadata, "type", m.type);

  auto files = [](const std::vector<ChartFile>& list) {
    Node out = Node::list();
    for (const ChartFile& f : list) {
      Node entry = Node::map();
      entry.set("name", Node::string(f.name));
      entry.set("data", Node::string(base64_encode(f.data)));
      out.push_back(std::move(entry));
    }
    return out;
  };
  Node out = Node::map();
  out.set("metadata", std::move(metadata));
  out.set("lock", Node());
  out.set("templates", files(chart.templates));
  out.set("values", chart.values);
  out.set("schema", chart.has_schema ? Node::string(base64_encode(chart.schema)) : Node());
  // time.Time under omitempty is still written (a struct is never "empty" to Go).
  out.set("schemamodtime", Node::string("0001-01-01T00:00:00Z"));
  out.set("files", files(chart.files));
  return out;
}

std::string release_manifest(const std::vector<ReleaseDocument>& documents) {
  std::string out;
  for (const ReleaseDocument& doc : documents) {
    if (doc.part == ReleaseDocument::Part::hook) continue;
    out += "---\n# Source: " + doc.path + "\n" + doc.content + "\n";
  }
  return out;
}

Result<Node> release_hooks(const std::vector<ReleaseDocument>& documents) {
  Node out = Node::list();
  for (const ReleaseDocument& doc : documents) {
    if (doc.part != ReleaseDocument::Part::hook) continue;
    Node head = TRY(yaml_to_json(doc.content));
    Node hook = Node::map();
    set_string(hook, "name", head.string_at({"metadata", "name"}));
    set_string(hook, "kind", head.string_at({"kind"}));
    set_string(hook, "path", doc.path);
    set_string(hook, "manifest", doc.content);
    Node events = Node::list();
    for (std::string& event : split_annotation(annotation_text(head, "helm.sh/hook")))
      events.push_back(Node::string(event == "test-success" ? "test" : event));
    hook.set("events", std::move(events));
    Node last_run = Node::map();
    last_run.set("phase", Node::string(""));
    hook.set("last_run", std::move(last_run));
    if (int weight = hook_weight(annotation_text(head, "helm.sh/hook-weight")); weight != 0)
      hook.set("weight", Node::integer(weight));
    for (auto [annotation_key, field] :
         {std::pair<std::string_view, std::string_view>{"helm.sh/hook-delete-policy",
                                                        "delete_policies"},
          {"helm.sh/hook-output-log-policy", "output_log_policies"}}) {
      const Node* text = annotation(head, annotation_key);
      if (text == nullptr) continue;
      Node policies = Node::list();
      for (std::string& policy : split_annotation(text->as_string()))
        policies.push_back(Node::string(policy));
      hook.set(field, std::move(policies));
    }
    out.push_back(std::move(hook));
  }
  return out;
}

}  // namespace plumb::helm
