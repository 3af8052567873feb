#include "core/conditions.hpp"

#include <span>

namespace plumb {

std::string_view to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::true_:
      return "True";
    case ConditionStatus::false_:
      return "False";
    case ConditionStatus::unknown:
      return "Unknown";
  }
  return "Unknown";
}

const Node* find_condition(const Node& status, std::string_view type) {
  const Node* conditions = status.find("conditions");
  if (!conditions || !conditions->is_list()) return nullptr;
  for (const Node& c : conditions->items()) {
    if (c.string_at({"type"}) == type) return &c;
  }
  return nullptr;
}

const Node* condition_of(const Node& object, std::string_view type) {
  const Node* status = object.find("status");
  return status ? find_condition(*status, type) : nullptr;
}

std::optional<ConditionStatus> condition_status(const Node& status, std::string_view type) {
  const Node* c = find_condition(status, type);
  if (!c) return std::nullopt;
  for (ConditionStatus s :
       {ConditionStatus::true_, ConditionStatus::false_, ConditionStatus::unknown}) {
    if (c->string_at({"status"}) == to_string(s)) return s;
  }
  return std::nullopt;
}

void set_condition(Node& status, const Condition& condition, std::string_view now) {
  Node& conditions = status["conditions"];
  if (!conditions.is_list()) conditions = Node::list();
  std::string_view value = to_string(condition.status);
  Node* slot = nullptr;
  for (Node& c : conditions.items_mut()) {
    if (c.string_at({"type"}) == condition.type) slot = &c;
  }
  if (!slot) {
    // Keys in the order the API server prints them.
    Node c = Node::map();
    c.set("type", Node::string(condition.type));
    c.set("status", Node::string(value));
    c.set("observedGeneration", Node::integer(condition.observed_generation));
    c.set("lastTransitionTime", Node::string(now));
    conditions.push_back(std::move(c));
    slot = &conditions.items_mut().back();
  }
  if (slot->string_at({"status"}) != value) slot->set("lastTransitionTime", Node::string(now));
  slot->set("status", Node::string(value));
  slot->set("observedGeneration", Node::integer(condition.observed_generation));
  slot->set("reason", Node::string(condition.reason));
  slot->set("message", Node::string(condition.message));
}

void remove_condition(Node& status, std::string_view type) {
  Node* conditions = status.find_mut("conditions");
  if (!conditions || !conditions->is_list()) return;
  Node kept = Node::list();
  for (const Node& c : conditions->items()) {
    if (c.string_at({"type"}) != type) kept.push_back(c);
  }
  *conditions = std::move(kept);
}

bool is_ready(const Node& object) {
  const Node* status = object.find("status");
  if (!status || condition_status(*status, "Ready") != ConditionStatus::true_) return false;
  const Node* generation = object.at_path({"metadata", "generation"});
  if (!generation) return true;
  const Node* observed = find_condition(*status, "Ready")->find("observedGeneration");
  if (!observed) observed = status->find("observedGeneration");
  return !observed || observed->as_int() >= generation->as_int();
}

}  // namespace plumb
