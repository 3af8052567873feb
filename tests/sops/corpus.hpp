// What the sops tests share about ../shared/sops-cases: its path, reading a file, and the
// format names case.json uses.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "sops/sops.hpp"

namespace plumb::sops::test {

inline const std::string k_root = PLUMB_SHARED_DIR "/sops-cases/";

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// case.json's "format".
inline Format format_named(std::string_view name) {
  if (name == "yaml") return Format::yaml;
  if (name == "json") return Format::json;
  if (name == "dotenv") return Format::dotenv;
  if (name == "ini") return Format::ini;
  return Format::binary;
}

}  // namespace plumb::sops::test
