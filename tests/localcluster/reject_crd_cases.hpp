// Custom resources a real API server rejects for their CRD's openAPIV3Schema (the Widget CRD
// below), sent each way a client sends them; cases of rejects_test.cpp.
#pragma once

#include <string_view>
#include <vector>

#include "localcluster/reject_cases.hpp"

namespace plumb::localcluster {

constexpr std::string_view k_widget_crd = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              replicas: {type: integer}
              color: {type: string, enum: [red, blue]}
              name: {type: string, pattern: '^[a-z]+$', maxLength: 8}
              mode: {type: string, default: fast}
              tags: {type: array, maxItems: 2, items: {type: string}}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              port: {x-kubernetes-int-or-string: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
)";

inline const std::vector<RejectCase> k_crd_cases = {
    {"WidgetReplicasString", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, replicas: "
     "two}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string")",
     "spec.replicas", Match::exact, "", "", false, k_widget_crd},
    {"WidgetColorNotInEnum", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, color: "
     "pink}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.color: Unsupported value: "pink": supported values: "red", "blue")",
     "spec.color", Match::exact, "", "", false, k_widget_crd},
    {"WidgetSizeRequired", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {color: red}}", 422,
     "Invalid", R"(Widget.example.com "w" is invalid: spec.size: Required value)", "spec.size",
     Match::exact, "", "", false, k_widget_crd},
    {"WidgetNamePattern", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, name: Web}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.name: Invalid value: "Web": spec.name in body should match '^[a-z]+$')",
     "spec.name", Match::exact, "", "", false, k_widget_crd},
    {"WidgetSizeBelowMinimum", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 0}}", 422,
     "Invalid",
     R"(Widget.example.com "w" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1)",
     "spec.size", Match::exact, "", "", false, k_widget_crd},
    {"WidgetSizeAboveMaximum", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 11}}", 422,
     "Invalid",
     R"(Widget.example.com "w" is invalid: spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10)",
     "spec.size", Match::exact, "", "", false, k_widget_crd},
    {"WidgetNameTooLong", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, name: "
     "abcdefghij}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.name: Too long: may not be more than 8 bytes)",
     "spec.name", Match::exact, "", "", false, k_widget_crd},
    {"WidgetTooManyTags", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, tags: [a, b, "
     "c]}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.tags: Too many: 3: must have at most 2 items)",
     "spec.tags", Match::exact, "", "", false, k_widget_crd},
    {"WidgetPortBool", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, port: true}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean")",
     "spec.port", Match::exact, "", "", false, k_widget_crd},
    {"WidgetUnknownFieldStrict", Way::create,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1, colour: "
     "red}}",
     400, "BadRequest",
     R"(Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour")",
     "", Match::exact, "", "", false, k_widget_crd},
    {"ApplyWidgetReplicasString", Way::apply,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: default}, spec: "
     "{size: 1, replicas: two}}",
     500, "",
     R"(failed to create typed patch object (default/w; example.com/v1, Kind=Widget): .spec.replicas: expected numeric (int or float), got string)",
     "", Match::exact,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1}}", "", false,
     k_widget_crd},
    {"ApplyWidgetUnknownField", Way::apply,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: default}, spec: "
     "{size: 1, colour: red}}",
     500, "",
     R"(failed to create typed patch object (default/w; example.com/v1, Kind=Widget): .spec.colour: field not declared in schema)",
     "", Match::exact,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1}}", "", false,
     k_widget_crd},
    {"ApplyWidgetColorNotInEnum", Way::apply,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: default}, spec: "
     "{size: 1, color: pink}}",
     422, "Invalid",
     R"(Widget.example.com "w" is invalid: spec.color: Unsupported value: "pink": supported values: "red", "blue")",
     "spec.color", Match::exact,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1}}", "", false,
     k_widget_crd},
    {"MergePatchWidgetSizeZero", Way::merge_patch,
     "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {size: 1}}", 422,
     "Invalid",
     R"(Widget.example.com "w" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1)",
     "spec.size", Match::exact, "", "{spec: {size: 0}}", false, k_widget_crd},
};

}  // namespace plumb::localcluster
