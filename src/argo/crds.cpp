#include "argo/crds.hpp"

#include <string>

#include "core/yaml.hpp"

namespace plumb::argo {

const kube::Resource k_applications{"argoproj.io", "v1alpha1", "Application", "applications", true};
const kube::Resource k_app_projects{"argoproj.io", "v1alpha1", "AppProject", "appprojects", true};
const kube::Resource k_application_sets{"argoproj.io", "v1alpha1", "ApplicationSet",
                                        "applicationsets", true};

namespace {

enum class StatusSubresource { no, yes };

Node crd(const kube::Resource& r, std::string_view singular, std::string_view short_names,
         std::string_view columns, StatusSubresource status = StatusSubresource::no) {
  std::string text = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n";
  text += "metadata:\n  name: " + r.name + "." + r.group + "\n";
  text += "spec:\n  group: " + r.group + "\n  scope: Namespaced\n";
  text += "  names:\n    kind: " + r.kind + "\n    listKind: " + r.kind + "List\n";
  text += "    plural: " + r.name + "\n    singular: " + std::string(singular) + "\n";
  text += "    shortNames: [" + std::string(short_names) + "]\n";
  text += "  versions:\n  - name: " + r.version + "\n    served: true\n    storage: true\n";
  text += columns;
  if (status == StatusSubresource::yes) text += "    subresources:\n      status: {}\n";
  text +=
      "    schema:\n      openAPIV3Schema:\n        type: object\n"
      "        x-kubernetes-preserve-unknown-fields: true\n";
  return parse_yaml(text, "Argo CD CRD").value();
}

}  // namespace

std::vector<Node> argo_crds() {
  return {crd(k_applications, "application", "app, apps",
              "    additionalPrinterColumns:\n"
              "    - name: Sync Status\n      type: string\n      jsonPath: .status.sync.status\n"
              "    - name: Health Status\n      type: string\n"
              "      jsonPath: .status.health.status\n"
              "    - name: Revision\n      type: string\n      priority: 10\n"
              "      jsonPath: .status.sync.revision\n"
              "    - name: Project\n      type: string\n      priority: 10\n"
              "      jsonPath: .spec.project\n"),
          crd(k_app_projects, "appproject", "appproj, appprojs", ""),
          crd(k_application_sets, "applicationset", "appset, appsets", "", StatusSubresource::yes)};
}

}  // namespace plumb::argo
