// TEMPORARY: a private copy of the ApplicationSource structs that src/argo/application.hpp
// (written in parallel) declares with the same names; the lead merges the two and removes this
// file. An Application's spec.source as Argo CD's v1alpha1 types hold it, for the fields Plumb
// acts on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/node.hpp"

namespace plumb::argo {

struct DirectoryOptions {
  bool recurse = false;
  std::string include, exclude;
};
struct KustomizeOptions {
  std::string name_prefix, name_suffix, namespace_;
  std::vector<std::string> images;
  std::vector<std::pair<std::string, std::string>> common_labels, common_annotations;
  std::vector<Node> patches;
  std::vector<std::string> components;
  struct Replica {
    std::string name;
    int64_t count = 0;
  };
  std::vector<Replica> replicas;
};
struct HelmParameter {
  std::string name, value;
  bool force_string = false;
};
struct HelmOptions {
  std::vector<std::string> value_files;
  std::string values;
  Node values_object;
  std::vector<HelmParameter> parameters;
  std::string release_name;
  bool skip_crds = false;
  bool ignore_missing_value_files = false;
  std::string kube_version;
  std::vector<std::string> api_versions;
  bool pass_credentials = false;
};
struct ApplicationSource {
  std::string repo_url, path, target_revision, chart, ref, name;
  std::optional<DirectoryOptions> directory;
  std::optional<KustomizeOptions> kustomize;
  std::optional<HelmOptions> helm;
};

}  // namespace plumb::argo
