#include "core/error.hpp"

namespace plumb {

Error Error::context(std::string_view what) const& {
  Error copy = *this;
  return std::move(copy).context(what);
}

Error Error::context(std::string_view what) && {
  std::string message;
  message.reserve(what.size() + 2 + m_message.size());
  message.append(what).append(": ").append(m_message);
  m_message = std::move(message);
  return std::move(*this);
}

}  // namespace plumb
