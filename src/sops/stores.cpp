#include "sops/stores.hpp"

#include <vector>

#include "core/json.hpp"
#include "core/strings.hpp"
#include "core/yaml.hpp"

namespace plumb::sops {

namespace {

// Takes the `sops` entry out of a document; returns it (null when absent).
Node take_sops(Node& document) {
  const Node* found = document.find("sops");
  if (!found) return Node();
  Node sops = *found;
  document.erase("sops");
  return sops;
}

Result<EncryptedFile> load_tree_documents(std::vector<Node> documents, Format format) {
  EncryptedFile file;
  file.format = format;
  if (documents.empty()) return fail("sops metadata not found");
  Node metadata;
  for (size_t i = 0; i < documents.size(); ++i) {
    if (!documents[i].is_map()) return fail("document ", std::to_string(i + 1), " is not a map");
    Node sops = take_sops(documents[i]);
    if (i == 0) metadata = std::move(sops);
  }
  if (metadata.is_null()) return fail("sops metadata not found");
  file.metadata = TRY(read_metadata(metadata));
  file.documents = std::move(documents);
  return file;
}

Result<EncryptedFile> load_yaml(std::string_view content) {
  auto documents = TRY(parse_yaml_stream(content, "sops file"));
  return load_tree_documents(std::move(documents), Format::yaml);
}

Result<EncryptedFile> load_json(std::string_view content, Format format) {
  Node document = TRY(parse_json(content, "sops file"));
  if (format == Format::binary) {
    if (!document.is_map()) return fail("binary sops file is not a JSON object");
    const Node* data = document.find("data");
    if (!data || !data->is_string()) return fail("binary sops file has no string `data`");
  }
  std::vector<Node> documents;
  documents.push_back(std::move(document));
  return load_tree_documents(std::move(documents), format);
}

// The two characters \n become a newline (how sops writes newlines in dotenv and INI).
std::string unescape_newlines(std::string_view raw) {
  std::string value;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n') {
      value += '\n';
      ++i;
    } else {
      value += raw[i];
    }
  }
  return value;
}

// sops' dotenv store: KEY=VALUE lines (`\n` in a value is a newline), `#` comment lines, empty
// lines skipped. `sops_`-prefixed keys (the flattened metadata) go to `flat`.
struct DotenvLines {
  Node data = Node::map();
  Node flat = Node::map();
  std::vector<LineComment> comments;
};

Result<DotenvLines> parse_dotenv(std::string_view content) {
  DotenvLines out;
  size_t line_number = 0;
  while (!content.empty()) {
    size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_number;
    if (line.empty()) continue;
    if (line.front() == '#') {
      out.comments.push_back({out.data.size(), std::string(line.substr(1))});
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      return fail("invalid dotenv input line ", std::to_string(line_number));
    std::string_view key = line.substr(0, eq);
    std::string value = unescape_newlines(line.substr(eq + 1));
    if (key.starts_with("sops_"))
      out.flat.append_entry(Node::string(key.substr(5)), Node::string(value));
    else
      out.data.append_entry(Node::string(key), Node::string(value));
  }
  return out;
}

Result<EncryptedFile> load_dotenv(std::string_view content) {
  DotenvLines lines = TRY(parse_dotenv(content));
  if (lines.flat.empty()) return fail("sops metadata not found");
  EncryptedFile file;
  file.format = Format::dotenv;
  file.metadata = TRY(read_metadata(unflatten_metadata(lines.flat.entries())));
  file.documents.push_back(std::move(lines.data));
  file.comments = std::move(lines.comments);
  return file;
}

// An INI value as go-ini reads it: quotes removed, an inline `#`/`;` comment cut.
std::string ini_value(std::string_view raw) {
  raw = trim(raw);
  for (std::string_view q : {"\"\"\"", "`", "\"", "'"}) {
    if (raw.size() >= 2 * q.size() && raw.starts_with(q) && raw.ends_with(q))
      return std::string(raw.substr(q.size(), raw.size() - 2 * q.size()));
  }
  size_t cut = raw.find_first_of("#;");
  if (cut != std::string_view::npos) raw = trim(raw.substr(0, cut));
  return std::string(raw);
}

// sops' INI store (go-ini): sections in order after the implicit DEFAULT, `key = value` or
// `key: value`, `;`/`#` comment lines; the `[sops]` section is the flattened metadata.
Result<Node> parse_ini(std::string_view content) {
  Node tree = Node::map();
  tree.set("DEFAULT", Node::map());
  std::string section = "DEFAULT";
  size_t line_number = 0;
  while (!content.empty()) {
    size_t nl = content.find('\n');
    std::string_view line = trim(content.substr(0, nl));
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos)
        return fail("INI: unclosed section on line ", std::to_string(line_number));
      section = std::string(trim(line.substr(1, close - 1)));
      if (!tree.find(section)) tree.set(section, Node::map());
      continue;
    }
    size_t delim = line.find_first_of("=:");
    if (delim == std::string_view::npos)
      return fail("INI: key without a value on line ", std::to_string(line_number));
    std::string_view key = trim(line.substr(0, delim));
    std::string_view raw = trim(line.substr(delim + 1));
    std::string value;
    if (raw.starts_with("\"\"\"") && (raw.size() < 6 || !raw.ends_with("\"\"\""))) {
      // go-ini's multi-line value: up to the next line holding the closing """.
      value = std::string(raw.substr(3)) + "\n";
      bool closed = false;
      while (!content.empty()) {
        size_t next_nl = content.find('\n');
        std::string_view next = content.substr(0, next_nl);
        content.remove_prefix(next_nl == std::string_view::npos ? content.size() : next_nl + 1);
        ++line_number;
        size_t quote = next.rfind("\"\"\"");
        if (quote != std::string_view::npos) {
          value += next.substr(0, quote);
          closed = true;
          break;
        }
        value += next;
        value += '\n';
      }
      if (!closed)
        return fail("INI: unclosed \"\"\" value from line ", std::to_string(line_number));
    } else {
      value = ini_value(raw);
    }
    Node* values = tree.find_mut(section);
    values->set(key, Node::string(value));
  }
  return tree;
}

Result<EncryptedFile> load_ini(std::string_view content) {
  Node tree = TRY(parse_ini(content));
  const Node* sops = tree.find("sops");
  if (!sops || sops->empty()) return fail("sops metadata not found");
  EncryptedFile file;
  file.format = Format::ini;
  // sops writes the newlines of metadata values as \n.
  Node flat = Node::map();
  for (const auto& e : sops->entries()) {
    flat.append_entry(e.key, Node::string(unescape_newlines(e.value.as_string())));
  }
  file.metadata = TRY(read_metadata(unflatten_metadata(flat.entries())));
  tree.erase("sops");
  file.documents.push_back(std::move(tree));
  return file;
}

}  // namespace

Result<DecryptedFile> load_plain_store(std::string_view content, Format format) {
  DecryptedFile file;
  file.format = format;
  constexpr std::string_view k_encrypted = "the file is already encrypted (it has sops metadata)";
  switch (format) {
    case Format::yaml: {
      auto documents = TRY(parse_yaml_stream(content, "input"));
      for (size_t i = 0; i < documents.size(); ++i) {
        if (documents[i].is_null()) continue;
        if (!documents[i].is_map())
          return fail("document ", std::to_string(i + 1),
                      " is not a map: sops encrypts YAML documents that are maps");
        if (documents[i].find("sops")) return fail(k_encrypted);
        file.documents.push_back(std::move(documents[i]));
      }
      if (file.documents.empty()) return fail("the YAML input has no document");
      return file;
    }
    case Format::json: {
      Node document = TRY(parse_json(content, "input"));
      if (!document.is_map()) return fail("SOPS only supports JSON files with a top-level object");
      if (document.find("sops")) return fail(k_encrypted);
      file.documents.push_back(std::move(document));
      return file;
    }
    case Format::binary: {
      Node document = Node::map();
      document.set("data", Node::string(content));
      file.documents.push_back(std::move(document));
      return file;
    }
    case Format::dotenv: {
      DotenvLines lines = TRY(parse_dotenv(content));
      if (!lines.flat.empty()) return fail(k_encrypted);
      file.documents.push_back(std::move(lines.data));
      file.comments = std::move(lines.comments);
      return file;
    }
    case Format::ini: {
      Node tree = TRY(parse_ini(content));
      if (tree.find("sops")) return fail(k_encrypted);
      file.documents.push_back(std::move(tree));
      return file;
    }
  }
  return fail("unknown format");
}

Result<EncryptedFile> load_store(std::string_view content, Format format) {
  switch (format) {
    case Format::yaml:
      return load_yaml(content);
    case Format::json:
    case Format::binary:
      return load_json(content, format);
    case Format::dotenv:
      return load_dotenv(content);
    case Format::ini:
      return load_ini(content);
  }
  return fail("unknown format");
}

}  // namespace plumb::sops
