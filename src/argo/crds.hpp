// Argo CD's kinds as Plumb serves them: the Application, AppProject and ApplicationSet
// resources (argoproj.io/v1alpha1) and the CustomResourceDefinitions Plumb installs when a
// cluster lacks them — with Argo CD's names, short names and printer columns (`kubectl get
// applications` shows SYNC STATUS and HEALTH STATUS; `-o wide` adds REVISION and PROJECT;
// ApplicationSets have none), and the subresources of Argo CD's own CRDs: none for
// Application and AppProject (Argo writes an Application's status with the object), status
// for ApplicationSet. The schema keeps every field (Argo's full schema is not reproduced).
#pragma once

#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_group = "argoproj.io";
extern const kube::Resource k_applications;
extern const kube::Resource k_app_projects;
extern const kube::Resource k_application_sets;

// The CRDs of Application, AppProject and ApplicationSet.
std::vector<Node> argo_crds();

}  // namespace plumb::argo
