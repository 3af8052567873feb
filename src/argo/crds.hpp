// Argo CD's kinds as Plumb serves them: the Application and AppProject resources
// (argoproj.io/v1alpha1) and the CustomResourceDefinitions Plumb installs when a cluster lacks
// them — with Argo CD's names, short names and printer columns (`kubectl get applications`
// shows SYNC STATUS and HEALTH STATUS; `-o wide` adds REVISION and PROJECT), and, as Argo
// CD's own CRDs, no status subresource: Argo writes an Application's status with the object.
// The schema keeps every field (Argo's full schema is not reproduced).
#pragma once

#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_group = "argoproj.io";
extern const kube::Resource k_applications;
extern const kube::Resource k_app_projects;

// The CRDs of Application and AppProject.
std::vector<Node> argo_crds();

}  // namespace plumb::argo
