#include "cli/appset_table.hpp"

#include <algorithm>

#include "core/sort_keys.hpp"

namespace plumb::cli::app {
namespace {

// ApplicationSpec.GetSource: the first of spec.sources, else spec.source (empty when none).
const Node* template_source(const Node& appset) {
  const Node* sources = appset.at_path({"spec", "template", "spec", "sources"});
  if (sources && sources->is_list() && !sources->empty()) return &sources->items()[0];
  return appset.at_path({"spec", "template", "spec", "source"});
}

std::string_view source_field(const Node& appset, std::string_view key) {
  const Node* source = template_source(appset);
  return source ? source->string_at({key}) : "";
}

std::string_view project_of(const Node& appset) {
  return appset.string_at({"spec", "template", "spec", "project"});
}

}  // namespace

std::string appset_sync_policy_text(const Node& appset) {
  const Node* policy = appset.at_path({"spec", "syncPolicy"});
  if (!policy || !policy->is_map()) return "nil";
  const Node* preserve = policy->find("preserveResourcesOnDeletion");
  const Node* sync = policy->find("applicationsSync");
  std::string out = "&ApplicationSetSyncPolicy{PreserveResourcesOnDeletion:";
  out += preserve && preserve->as_bool() ? "true" : "false";
  out += ",ApplicationsSync:";
  out += sync && sync->is_string() ? "*" + std::string(sync->as_string()) : std::string("nil");
  out += ",}";
  return out;
}

std::string appset_conditions_text(const Node& appset) {
  std::string out = "[";
  bool first = true;
  if (const Node* conditions = appset.at_path({"status", "conditions"})) {
    for (const Node& c : conditions->items()) {
      if (c.string_at({"status"}) != "True") continue;
      if (!first) out += " ";
      first = false;
      out +=
          "{" + std::string(c.string_at({"type"})) + " " + std::string(c.string_at({"message"})) +
          " " + go_time_or_nil(c.string_at({"lastTransitionTime"})) + " " +
          std::string(c.string_at({"status"})) + " " + std::string(c.string_at({"reason"})) + "}";
    }
  }
  return out + "]";
}

std::string appset_list_table(std::span<const Node> appsets, ListColumns columns) {
  bool wide = columns == ListColumns::wide;
  std::string text = "NAME\tPROJECT\tSYNCPOLICY\tHEALTH\tCONDITIONS";
  text += wide ? "\tREPO\tPATH\tTARGET\n" : "\n";
  for (const Node& a : appsets) {
    text += qualified_name(a) + "\t" + std::string(project_of(a)) + "\t" +
            appset_sync_policy_text(a) + "\t" +
            std::string(a.string_at({"status", "health", "status"})) + "\t" +
            appset_conditions_text(a);
    if (wide) {
      text += "\t" + std::string(source_field(a, "repoURL")) + "\t" +
              std::string(source_field(a, "path")) + "\t" +
              std::string(source_field(a, "targetRevision"));
    }
    text += "\n";
  }
  return tabwrite(text);
}

std::vector<Node> appsets_for_list(std::vector<Node> appsets,
                                   const std::vector<std::string>& projects) {
  if (!projects.empty()) {
    std::erase_if(appsets, [&](const Node& a) {
      return std::find(projects.begin(), projects.end(), project_of(a)) == projects.end();
    });
  }
  std::stable_sort(appsets.begin(), appsets.end(), [](const Node& a, const Node& b) {
    return a.string_at({"metadata", "name"}) < b.string_at({"metadata", "name"});
  });
  return appsets;
}

std::string appset_summary(const Node& appset) {
  std::string out;
  std::string_view project = project_of(appset);
  std::string_view server = appset.string_at({"spec", "template", "spec", "destination", "server"});
  if (server.empty())
    server = appset.string_at({"spec", "template", "spec", "destination", "name"});
  summary_field(out, "Name:", qualified_name(appset));
  summary_field(out, "Project:", project.empty() ? "default" : project);
  summary_field(out, "Server:", server);
  summary_field(out, "Namespace:",
                appset.string_at({"spec", "template", "spec", "destination", "namespace"}));
  summary_field(out, "Health Status:", appset.string_at({"status", "health", "status"}));
  const Node* sources = appset.at_path({"spec", "template", "spec", "sources"});
  bool multiple = sources && sources->is_list() && !sources->empty();
  out += multiple ? "Sources:\n" : "Source:\n";
  if (multiple) {
    for (const Node& s : sources->items())
      source_details(out, s);
  } else {
    const Node* source = appset.at_path({"spec", "template", "spec", "source"});
    source_details(out, source ? *source : Node::map());
  }
  const Node* automated = appset.at_path({"spec", "template", "spec", "syncPolicy", "automated"});
  std::string policy = "<none>";
  if (automated && automated->is_map()) {
    const Node* enabled = automated->find("enabled");
    if (!enabled || !enabled->is_bool() || enabled->as_bool()) {
      const Node* prune = automated->find("prune");
      policy = prune && prune->as_bool() ? "Automated (Prune)" : "Automated";
    }
  }
  summary_field(out, "SyncPolicy:", policy);
  return out;
}

std::string appset_conditions_table(const Node& appset) {
  const Node* conditions = appset.at_path({"status", "conditions"});
  if (!conditions || !conditions->is_list() || conditions->empty()) return "";
  std::string text = "CONDITION\tSTATUS\tMESSAGE\tLAST TRANSITION\n";
  for (const Node& c : conditions->items()) {
    text += std::string(c.string_at({"type"})) + "\t" + std::string(c.string_at({"status"})) +
            "\t" + std::string(c.string_at({"message"})) + "\t" +
            go_time_or_nil(c.string_at({"lastTransitionTime"})) + "\n";
  }
  return "\n" + tabwrite(text) + "\n";
}

Node generated_output(std::span<const Node> applications) {
  if (applications.empty()) return Node();
  Node list = Node::list();
  for (Node app : applications) {
    app.erase("status");
    if (Node* meta = app.find_mut("metadata")) {
      meta->erase("creationTimestamp");
      meta->erase("namespace");
    }
    list.push_back(sort_keys(app));  // maps after omitFields' JSON round trip
  }
  if (list.size() == 1) return list.items()[0];
  return list;
}

}  // namespace plumb::cli::app
