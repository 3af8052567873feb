// print_file: the decrypted file as `sops --decrypt` prints it.
#include <algorithm>
#include <cctype>

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

std::string print_ini(const Node& sections, IniEnd end) {
  std::string out;
  auto all = sections.entries();
  for (size_t i = 0; i < all.size(); ++i) {
    std::string_view name = all[i].key.as_string();
    const Node& keys = all[i].value;
    bool has_keys = keys.is_map() && !keys.empty();
    if (i == 0 && name == "DEFAULT") {
      if (!has_keys) continue;  // go-ini writes nothing for an empty default section
    } else {
      out += '[';
      out += name;
      out += "]\n";
    }
    // go-ini's PrettyFormat: `=` aligned on the longest key, keys and values quoted when
    // they hold what INI would read otherwise.
    auto quoted_key = [](std::string_view key) {
      if (key.find_first_of("\"=:") != std::string_view::npos) return "`" + std::string(key) + "`";
      if (key.find('`') != std::string_view::npos) return "\"\"\"" + std::string(key) + "\"\"\"";
      return std::string(key);
    };
    size_t align = 0;
    if (keys.is_map())
      for (const auto& e : keys.entries())
        align = std::max(align, quoted_key(e.key.as_string()).size());
    if (keys.is_map()) {
      for (const auto& e : keys.entries()) {
        std::string key = quoted_key(e.key.as_string());
        std::string value = scalar_to_string(e.value);
        out += key;
        out.append(align - key.size(), ' ');
        out += " = ";
        if (value.find_first_of("\n`") != std::string::npos) {
          out += "\"\"\"" + value + "\"\"\"";
        } else if (value.find_first_of("#;") != std::string::npos) {
          out += "`" + value + "`";
        } else if (!value.empty() && (std::isspace(static_cast<unsigned char>(value.front())) ||
                                      std::isspace(static_cast<unsigned char>(value.back())))) {
          out += "\"" + value + "\"";
        } else {
          out += value;
        }
        out += '\n';
      }
    }
    if (i + 1 < all.size() || end == IniEnd::blank_line) out += '\n';
  }
  return out;
}

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
      // What sops 3.13 prints for a decrypted INI file ends with a blank line.
      return print_ini(file.documents.front(), IniEnd::blank_line);
  }
  return error("unknown format");
}

}  // namespace plumb::sops
