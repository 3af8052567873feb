// Errors are values across module boundaries: every fallible function returns Result<T>,
// and TRY propagates the error. An Error's message is what a user reads, so it names the
// file, object and field involved; context() prepends an outer layer ("file.yaml: ...").
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace plumb {

class Error {
 public:
  Error() = default;
  explicit Error(std::string message, int code = 0) : m_message(std::move(message)), m_code(code) {}

  const std::string& message() const { return m_message; }
  // A machine-readable cause where one exists: the HTTP status of a failed API call
  // (404, 409, 422 ...); 0 otherwise.
  int code() const { return m_code; }

  // Returns this error with `what: ` put in front of the message.
  Error context(std::string_view what) const&;
  Error context(std::string_view what) &&;

 private:
  std::string m_message;
  int m_code = 0;
};

template <typename T>
using Result = std::expected<T, Error>;

// A failed Result: `return fail("resources: ", path, ": not found");`
template <typename... Parts>
std::unexpected<Error> fail(Parts&&... parts) {
  std::string message;
  (message.append(std::string_view(parts)), ...);
  return std::unexpected<Error>(Error(std::move(message)));
}

}  // namespace plumb

// Evaluates a Result expression; on error returns the error from the enclosing function,
// otherwise yields the value. Uses a statement expression (GCC and Clang).
#define TRY(...)                                                                          \
  __extension__({                                                                         \
    auto plumb_try_result_ = (__VA_ARGS__);                                               \
    if (!plumb_try_result_) return std::unexpected(std::move(plumb_try_result_).error()); \
    std::move(plumb_try_result_).value();                                                 \
  })

// Like TRY, for Result<void>.
#define TRY_VOID(...)                                                                     \
  do {                                                                                    \
    auto plumb_try_result_ = (__VA_ARGS__);                                               \
    if (!plumb_try_result_) return std::unexpected(std::move(plumb_try_result_).error()); \
  } while (0)
