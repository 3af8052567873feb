// A Directory source as Argo's findManifests reads it (reposerver/repository/repository.go):
// getPotentiallyValidManifests walks the path first (names, links, include/exclude, the skip
// marker, the size limit), then every candidate is decoded in walk order.
#include <cstdint>

#include "argo/render_source_parts.hpp"
#include "core/json.hpp"
#include "helm/objects.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::argo::detail {
namespace {

constexpr std::string_view k_skip_marker = "+argocd:skip-file-rendering";

struct Candidate {
  std::string path;  // in the tree, for reading and for messages
  std::string rel;   // relative to the source path, what include/exclude match
  std::string text;  // UTF-8
};

// The manifestFile regexp `^.*\.(yaml|yml|json|jsonnet)$`.
bool manifest_name(std::string_view name) {
  for (std::string_view ext : {".yaml", ".yml", ".json", ".jsonnet"})
    if (name.ends_with(ext)) return true;
  return false;
}

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out.push_back(char(c));
  } else if (c < 0x800) {
    out.push_back(char(0xC0 | (c >> 6)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(char(0xE0 | (c >> 12)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (c >> 18)));
    out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  }
}

// utfutil.ReadFile(path, UTF8): a UTF-16 byte order mark decodes the file (bad surrogates as
// U+FFFD), a UTF-8 one is dropped.
std::string utf8_text(std::string raw) {
  if (raw.starts_with("\xEF\xBB\xBF")) return raw.substr(3);
  bool le = raw.starts_with("\xFF\xFE");
  if (!le && !raw.starts_with("\xFE\xFF")) return raw;
  auto unit = [&](size_t i) -> uint32_t {
    auto a = uint32_t(uint8_t(raw[i])), b = uint32_t(uint8_t(raw[i + 1]));
    return le ? a | (b << 8) : (a << 8) | b;
  };
  std::string out;
  for (size_t i = 2; i + 1 < raw.size(); i += 2) {
    uint32_t c = unit(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 3 < raw.size()) {
      uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        c = 0xFFFD;
      }
    } else if (c >= 0xD800 && c < 0xE000) {
      c = 0xFFFD;
    }
    append_utf8(out, c);
  }
  return out;
}

bool glob_matches(std::string_view pattern, std::string_view rel) {
  // util/glob.Match: a pattern that does not compile matches nothing.
  return helm::glob_match(pattern, rel, helm::GlobSeparator::none).value_or(false);
}

class Walk {
 public:
  Walk(const FileSystem& tree, const DirectoryOptions& options, int64_t max_bytes)
      : m_tree(tree), m_options(options), m_max_bytes(max_bytes) {}

  // filepath.Walk from the source path: entries in name order, directories entered when
  // `recurse` (the source path itself always).
  Result<void> run(const std::string& dir, const std::string& rel) {
    for (const std::string& name : TRY(m_tree.list_dir(dir))) {
      std::string path = join_path(dir, name);
      std::string entry_rel = rel.empty() ? name : rel + "/" + name;
      auto real = m_tree.resolve(path);
      bool link = !real || *real != path;
      if (!link && m_tree.is_dir(path)) {
        if (m_options.recurse) TRY_VOID(run(path, entry_rel));
        continue;
      }
      TRY_VOID(consider(path, entry_rel, name, link ? real : Result<std::string>(path)));
    }
    return {};
  }

  std::vector<Candidate> take() { return std::move(m_found); }

 private:
  // getPotentiallyValidManifestFile: the name is the link's own; a link is followed to a
  // regular file (one whose target is missing or not a file is skipped).
  Result<void> consider(const std::string& path, const std::string& rel, std::string_view name,
                        const Result<std::string>& real) {
    if (!manifest_name(name)) return {};
    if (!real || !m_tree.is_file(*real)) return {};
    if (!m_options.exclude.empty() && glob_matches(m_options.exclude, rel)) return {};
    if (!m_options.include.empty() && !glob_matches(m_options.include, rel)) return {};
    std::string raw = TRY(m_tree.read_file(path));
    if (raw.find(k_skip_marker) != std::string::npos) return {};
    if (!name.ends_with(".jsonnet")) {
      m_total += int64_t(raw.size());
      if (m_max_bytes > 0 && m_total > m_max_bytes)
        return fail(path, ": exceeded max combined manifest file size (",
                    std::to_string(m_max_bytes), " bytes)");
    }
    m_found.push_back({path, rel, utf8_text(std::move(raw))});
    return {};
  }

  const FileSystem& m_tree;
  const DirectoryOptions& m_options;
  int64_t m_max_bytes;
  int64_t m_total = 0;
  std::vector<Candidate> m_found;
};

// Where the first JSON value of `text` (after leading space) ends, as a JSON decoder reads
// one value; npos when it does not end.
size_t first_json_value_end(std::string_view text, size_t start) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      if (!in_string && depth == 0) return i + 1;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) return i + 1;
    } else if (depth == 0 && std::string_view(" \t\r\n,:").find(c) != std::string_view::npos) {
      return i;
    }
  }
  return depth == 0 && !in_string ? text.size() : std::string_view::npos;
}

size_t skip_space(std::string_view text, size_t i) {
  while (i < text.size() && std::string_view(" \t\r\n").find(text[i]) != std::string_view::npos)
    ++i;
  return i;
}

Result<Node> json_object(std::string_view value, std::string_view what) {
  return as_object(TRY(parse_json(value, what)), what);
}

// A .json file: one JSON object (json.Decoder, then decoder.More()).
Result<std::vector<Node>> json_file(const Candidate& c) {
  size_t start = skip_space(c.text, 0);
  size_t end = first_json_value_end(c.text, start);
  std::string_view first = std::string_view(c.text).substr(0, end);
  Node object = TRY(json_object(first, c.path));
  if (end != std::string_view::npos && skip_space(c.text, end) < c.text.size())
    return fail("Found multiple objects in ", c.path,
                ". Only single objects are allowed in JSON files.");
  if (object.is_null()) return fail(c.path, ": Object 'Kind' is missing");
  return std::vector<Node>{std::move(object)};
}

// splitYAMLOrJSON: the objects decoded before the first error, and that error. A stream that
// starts with '{' is a sequence of JSON values (YAMLOrJSONDecoder's JSON mode).
std::pair<std::vector<Node>, std::optional<Error>> split_documents(const Candidate& c) {
  std::vector<Node> objects;
  std::string_view text = c.text;
  size_t start = skip_space(text, 0);
  if (start < text.size() && text[start] == '{') {
    for (int n = 1; start < text.size(); ++n) {
      size_t end = first_json_value_end(text, start);
      auto o = json_object(text.substr(start, end == std::string_view::npos ? end : end - start),
                           c.path + ": document " + std::to_string(n));
      if (!o) return {std::move(objects), o.error()};
      if (!o->is_null()) objects.push_back(std::move(*o));
      if (end == std::string_view::npos) break;
      start = skip_space(text, end);
    }
    return {std::move(objects), std::nullopt};
  }
  auto docs = helm::split_yaml_documents(text);
  if (!docs) return {std::move(objects), docs.error().context(c.path)};
  int n = 0;
  for (std::string_view doc : *docs) {
    auto o = decode_object(doc, c.path + ": document " + std::to_string(++n));
    if (!o) return {std::move(objects), o.error()};
    if (!o->is_null()) objects.push_back(std::move(*o));
  }
  return {std::move(objects), std::nullopt};
}

// getObjsFromYAMLOrJSON for a YAML file: a decoding error is the file's error when objects
// came before it or the file looks like a manifest; otherwise the file is not one (ignored).
Result<std::vector<Node>> yaml_file(const Candidate& c) {
  auto [objects, error] = split_documents(c);
  if (!error) return std::move(objects);
  bool looks_like_manifest = c.text.find("apiVersion:") != std::string::npos &&
                             c.text.find("kind:") != std::string::npos &&
                             c.text.find("metadata:") != std::string::npos;
  if (!objects.empty() || looks_like_manifest)
    return std::unexpected(error->context("failed to unmarshal manifest"));
  return std::vector<Node>{};
}

}  // namespace

Result<std::vector<Node>> render_directory(const RenderRequest& request, const std::string& dir) {
  DirectoryOptions options = request.source->directory.value_or(DirectoryOptions{});
  Walk walk(*request.tree, options, request.max_directory_manifests_bytes);
  TRY_VOID(walk.run(dir, ""));
  std::vector<Node> out;
  for (const Candidate& c : walk.take()) {
    if (c.path.ends_with(".jsonnet"))
      return fail(c.path,
                  ": Jsonnet is not supported (Argo CD evaluates .jsonnet files; leave it out "
                  "with spec.source.directory.exclude)");
    auto objects = c.path.ends_with(".json") ? json_file(c) : yaml_file(c);
    if (!objects) return std::unexpected(objects.error());
    for (Node& o : *objects)
      out.push_back(std::move(o));
  }
  return out;
}

}  // namespace plumb::argo::detail
