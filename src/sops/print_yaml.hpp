// sops' YAML printer (go-yaml v3, 4-space indent), private to src/sops: see print_yaml.cpp.
#pragma once

#include <span>
#include <string>

#include "core/node.hpp"

namespace plumb::sops {

std::string print_yaml_documents(std::span<const Node> documents);

}  // namespace plumb::sops
