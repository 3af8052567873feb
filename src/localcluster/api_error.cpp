#include "localcluster/api_error.hpp"

#include <algorithm>

namespace plumb::localcluster {

std::unexpected<ApiError> api_fail(int code, std::string_view reason, std::string message) {
  ApiError error;
  error.code = code;
  error.reason = std::string(reason);
  error.message = std::move(message);
  return std::unexpected(std::move(error));
}

Node status_object(const ApiError& error) {
  Node status = Node::map();
  status.set("kind", Node::string("Status"));
  status.set("apiVersion", Node::string("v1"));
  status.set("metadata", Node::map());
  status.set("status", Node::string("Failure"));
  status.set("message", Node::string(error.message));
  if (!error.reason.empty()) status.set("reason", Node::string(error.reason));
  if (!error.name.empty() || !error.kind.empty() || !error.causes.empty()) {
    Node details = Node::map();
    if (!error.name.empty()) details.set("name", Node::string(error.name));
    if (!error.group.empty()) details.set("group", Node::string(error.group));
    if (!error.kind.empty()) details.set("kind", Node::string(error.kind));
    if (!error.causes.empty()) {
      Node causes = Node::list();
      for (const StatusCause& cause : error.causes) {
        Node c = Node::map();
        c.set("reason", Node::string(cause.reason));
        c.set("message", Node::string(cause.message));
        if (!cause.field.empty()) c.set("field", Node::string(cause.field));
        causes.push_back(std::move(c));
      }
      details.set("causes", std::move(causes));
    }
    status.set("details", std::move(details));
  }
  status.set("code", Node::integer(error.code));
  return status;
}

Node success_status(std::string_view name, std::string_view group, std::string_view kind) {
  Node status = Node::map();
  status.set("kind", Node::string("Status"));
  status.set("apiVersion", Node::string("v1"));
  status.set("metadata", Node::map());
  status.set("status", Node::string("Success"));
  Node details = Node::map();
  details.set("name", Node::string(name));
  if (!group.empty()) details.set("group", Node::string(group));
  details.set("kind", Node::string(kind));
  status.set("details", std::move(details));
  return status;
}

std::string qualified_resource(std::string_view plural, std::string_view group) {
  std::string out(plural);
  if (!group.empty()) {
    out += '.';
    out += group;
  }
  return out;
}

ApiError not_found(std::string_view plural, std::string_view group, std::string_view name) {
  ApiError e;
  e.code = 404;
  e.reason = "NotFound";
  e.message = qualified_resource(plural, group) + " \"" + std::string(name) + "\" not found";
  e.name = std::string(name);
  e.group = std::string(group);
  e.kind = std::string(plural);
  return e;
}

ApiError already_exists(std::string_view plural, std::string_view group, std::string_view name) {
  ApiError e;
  e.code = 409;
  e.reason = "AlreadyExists";
  e.message = qualified_resource(plural, group) + " \"" + std::string(name) + "\" already exists";
  e.name = std::string(name);
  e.group = std::string(group);
  e.kind = std::string(plural);
  return e;
}

ApiError conflict(std::string_view plural, std::string_view group, std::string_view name,
                  std::string_view why) {
  ApiError e;
  e.code = 409;
  e.reason = "Conflict";
  e.message = "Operation cannot be fulfilled on " + qualified_resource(plural, group) + " \"" +
              std::string(name) + "\": " + std::string(why);
  e.name = std::string(name);
  e.group = std::string(group);
  e.kind = std::string(plural);
  return e;
}

ApiError bad_request(std::string message) {
  ApiError e;
  e.code = 400;
  e.reason = "BadRequest";
  e.message = std::move(message);
  return e;
}

ApiError invalid(std::string_view kind, std::string_view group, std::string_view name,
                 std::vector<StatusCause> causes) {
  ApiError e;
  e.code = 422;
  e.reason = "Invalid";
  e.message = std::string(kind);
  if (!group.empty()) e.message += "." + std::string(group);
  e.message += " \"" + std::string(name) + "\" is invalid";
  // Each cause as "field: message", the same one once; several in brackets.
  std::vector<std::string> seen;
  for (const StatusCause& cause : causes) {
    std::string text = cause.field + ": " + cause.message;
    if (std::find(seen.begin(), seen.end(), text) == seen.end()) seen.push_back(std::move(text));
  }
  if (!seen.empty()) {
    e.message += ": ";
    if (seen.size() > 1) e.message += "[";
    for (size_t i = 0; i < seen.size(); ++i) {
      if (i > 0) e.message += ", ";
      e.message += seen[i];
    }
    if (seen.size() > 1) e.message += "]";
  }
  e.name = std::string(name);
  e.group = std::string(group);
  e.kind = std::string(kind);
  e.causes = std::move(causes);
  return e;
}

}  // namespace plumb::localcluster
