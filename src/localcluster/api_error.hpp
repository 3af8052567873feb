// Errors of the Kubernetes API as values: an ApiError becomes a `Status` object with the
// HTTP code, reason and (for validation) causes that kubectl prints.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"

namespace plumb::localcluster {

struct StatusCause {
  std::string reason;  // e.g. FieldValueInvalid, FieldManagerConflict
  std::string message;
  std::string field;
};

struct ApiError {
  int code = 500;
  std::string reason;  // NotFound, AlreadyExists, Conflict, Invalid, Gone, BadRequest ...
  std::string message;
  // details: the object named (kind is the plural resource, as the API server reports it).
  std::string name;
  std::string group;
  std::string kind;
  std::vector<StatusCause> causes;
};

template <typename T>
using ApiResult = std::expected<T, ApiError>;

std::unexpected<ApiError> api_fail(int code, std::string_view reason, std::string message);

// The `Status` object (kind Status, apiVersion v1) for an error.
Node status_object(const ApiError& error);
// A success Status (as `delete` of a collection-less resource returns).
Node success_status(std::string_view name, std::string_view group, std::string_view kind);

// "deployments.apps \"web\"" style qualified names used in messages.
std::string qualified_resource(std::string_view plural, std::string_view group);

ApiError not_found(std::string_view plural, std::string_view group, std::string_view name);
ApiError already_exists(std::string_view plural, std::string_view group, std::string_view name);
ApiError conflict(std::string_view plural, std::string_view group, std::string_view name,
                  std::string_view why);
ApiError bad_request(std::string message);
// 422 Invalid with causes; `kind` is the object Kind here, as Kubernetes reports it.
ApiError invalid(std::string_view kind, std::string_view group, std::string_view name,
                 std::vector<StatusCause> causes);

}  // namespace plumb::localcluster
