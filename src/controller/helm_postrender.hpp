// A HelmRelease's post-renderers (spec.postRenderers[].kustomize) run over a chart's rendered
// templates as helm v4's renderResources runs helm-controller's post-renderer: the documents
// of each file annotated with their file name (postrenderer.helm.sh/postrender-filename) and
// merged in one stream, file names in byte order; each kustomize post-renderer in turn builds
// a kustomization of that stream (resources: the stream; its patches and images) with
// Plumb's kustomize engine (render/build.hpp, load restrictions off, as Flux builds); the
// output split back into files by the annotation (documents without one named
// generated-by-postrender-[GROUP-]N.yaml) and the annotation removed. The strategy decides
// what goes through: hooks and manifests together (combined, helm v4's default), manifests
// only (nohooks), or each in its own stream (separate). CRDs of the chart's crds/ are never
// post-rendered (Helm installs them apart).
//
// The caller sorts the files into manifests and hooks again (helm::release_documents), as
// Helm does after post-rendering.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/helmrelease_types.hpp"
#include "core/error.hpp"
#include "helm/manifests.hpp"

namespace plumb::controller {

// The rendered files (path → text) after the post-renderers; `documents` are the manifests
// and hooks helm::template_release gives (CRDs among them are left out).
Result<std::map<std::string, std::string>> post_render(
    const std::vector<helm::ReleaseDocument>& documents,
    const std::vector<KustomizePostRenderer>& renderers, PostRenderStrategy strategy);

}  // namespace plumb::controller
