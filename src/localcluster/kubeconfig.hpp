// The kubeconfig `plumb cluster` writes: one cluster (server URL and CA data, so clients
// verify the serving certificate), one user with the bearer token, one current context.
#pragma once

#include <string>

#include "core/error.hpp"

namespace plumb::localcluster {

std::string kubeconfig_text(const std::string& server_url, const std::string& ca_pem,
                            const std::string& token);

// Writes atomically (temporary file and rename), mode 0600: it holds the token.
Result<void> write_kubeconfig(const std::string& path, const std::string& text);

}  // namespace plumb::localcluster
