// print_file: the decrypted file as `sops --decrypt` prints it.
#include "core/json.hpp"
#include "sops/print_yaml.hpp"
#include "sops/sops.hpp"

namespace plumb::sops {

namespace {

// Go's json.Indent(dst, compact, "", "\t") followed by a newline: `{}` and `[]` stay closed.
std::string indent_tabs(std::string_view compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  bool pending_open = false;  // after `{` or `[`: the newline waits for the next character
  auto newline = [&] {
    out += '\n';
    out.append(static_cast<size_t>(depth), '\t');
  };
  for (size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < compact.size()) {
        out += compact[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (pending_open) {
      pending_open = false;
      if (c == '}' || c == ']') {
        --depth;
        out += c;
        continue;
      }
      newline();
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        ++depth;
        pending_open = true;
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  out += '\n';
  return out;
}

std::string print_dotenv(const DecryptedFile& file) {
  std::string out;
  const Node& data = file.documents.front();
  size_t next_comment = 0;
  auto comments_at = [&](size_t position) {
    while (next_comment < file.comments.size() &&
           file.comments[next_comment].position <= position) {
      out += '#';
      out += file.comments[next_comment++].text;
      out += '\n';
    }
  };
  size_t position = 0;
  for (const auto& entry : data.entries()) {
    comments_at(position++);
    out += entry.key.as_string();
    out += '=';
    for (char c : entry.value.as_string()) {
      if (c == '\n')
        out += "\\n";
      else
        out += c;
    }
    out += '\n';
  }
  comments_at(static_cast<size_t>(-1));
  return out;
}

}  // namespace

DecryptResult<std::string> print_file(const DecryptedFile& file) {
  auto error = [](std::string what) {
    return std::unexpected(DecryptError{Stage::emit, Error("sops: emit: " + what)});
  };
  if (file.documents.size() != 1 && file.format != Format::yaml)
    return error("expected one document");
  switch (file.format) {
    case Format::json:
      return indent_tabs(to_json(file.documents.front()));
    case Format::binary: {
      const Node* data = file.documents.front().find("data");
      if (!data || !data->is_string()) return error("binary file without string data");
      return std::string(data->as_string());
    }
    case Format::dotenv:
      return print_dotenv(file);
    case Format::yaml:
      return print_yaml_documents(file.documents);
    case Format::ini:
      return error("printing INI is not implemented");
  }
  return error("unknown format");
}

}  // namespace plumb::sops
