// sops' printers, private to src/sops: YAML (go-yaml v3, 4-space indent; print_yaml.cpp) and
// INI (go-ini's pretty format; print.cpp).
#pragma once

#include <span>
#include <string>

#include "core/node.hpp"

namespace plumb::sops {

std::string print_yaml_documents(std::span<const Node> documents);

// Whether the last section is followed by a blank line: sops' decrypted output has one, its
// encrypted files (the [sops] section last) do not.
enum class IniEnd { no_blank_line, blank_line };

// A map of sections (each a map of string values) as go-ini writes it: an empty DEFAULT
// section first is left out, a blank line between sections.
std::string print_ini(const Node& sections, IniEnd end);

}  // namespace plumb::sops
