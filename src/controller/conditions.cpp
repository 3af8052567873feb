#include "controller/conditions.hpp"

#include <ctime>

namespace plumb::controller {

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void set_condition(Node& status, std::string_view type, bool ok, std::string_view reason,
                   std::string_view message, int64_t generation) {
  Node& conditions = status["conditions"];
  if (!conditions.is_list()) conditions = Node::list();
  std::string_view value = ok ? "True" : "False";
  for (Node& c : conditions.items_mut()) {
    if (c.string_at({"type"}) != type) continue;
    if (c.string_at({"status"}) != value) c.set("lastTransitionTime", Node::string(now_rfc3339()));
    c.set("status", Node::string(value));
    c.set("reason", Node::string(reason));
    c.set("message", Node::string(message));
    c.set("observedGeneration", Node::integer(generation));
    return;
  }
  Node c = Node::map();
  c.set("type", Node::string(type));
  c.set("status", Node::string(value));
  c.set("observedGeneration", Node::integer(generation));
  c.set("lastTransitionTime", Node::string(now_rfc3339()));
  c.set("reason", Node::string(reason));
  c.set("message", Node::string(message));
  conditions.push_back(std::move(c));
}

bool is_ready(const Node& object) {
  const Node* conditions = object.at_path({"status", "conditions"});
  const Node* generation = object.at_path({"metadata", "generation"});
  for (const Node& c : conditions ? conditions->items() : std::span<const Node>()) {
    if (c.string_at({"type"}) != "Ready") continue;
    const Node* observed = c.find("observedGeneration");
    bool current = !generation || !observed || observed->as_int() >= generation->as_int();
    return current && c.string_at({"status"}) == "True";
  }
  return false;
}

}  // namespace plumb::controller
