// Private to render_source*.cpp: the pieces render_source (render_source.hpp) is made of, one
// file per tool: render_directory.cpp, render_kustomize.cpp, render_helm.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argo/render_source.hpp"

namespace plumb::argo::detail {

// Argo's build environment for one manifest generation (repository.go newEnv) and Go's
// os.Expand over it as v1alpha1.Env.Envsubst runs it: `$NAME` and `${NAME}` replaced by the
// variable's value, unknown names by "", `$$` by `$`, a bad `${` eaten.
class BuildEnv {
 public:
  explicit BuildEnv(const RenderRequest& request);
  std::string expand(std::string_view text) const;

 private:
  std::vector<std::pair<std::string, std::string>> m_vars;
};

// One decoded manifest document, as Argo's decoders turn YAML into an unstructured object:
// sigs.k8s.io/yaml (YAML 1.1 scalars, first document only), null for an empty document, an
// error unless an object with a string kind. `what` names the document in errors.
Result<Node> decode_object(std::string_view yaml, std::string_view what);
// `doc` as an unstructured object: null passes (an empty document); anything but an object
// with a string kind is an error naming `what`.
Result<Node> as_object(Node doc, std::string_view what);

Result<std::vector<Node>> render_directory(const RenderRequest& request, const std::string& dir);
Result<std::vector<Node>> render_kustomize(const RenderRequest& request, const std::string& dir,
                                           const BuildEnv& env);
Result<std::vector<Node>> render_helm(const RenderRequest& request, const std::string& dir,
                                      const BuildEnv& env);

}  // namespace plumb::argo::detail
