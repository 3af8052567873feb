// An ApiServer over an in-memory store with the `default` namespace, for tests that drive
// the verbs directly.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/json.hpp"
#include "localcluster/api_server.hpp"

namespace plumb::localcluster {

struct ApiFixture {
  ApiFixture() {
    m_store = std::move(Store::open({}).value());
    m_api = std::make_unique<ApiServer>(m_registry, *m_store, ApiServerOptions{});
    Node ns = parse_json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}})")
                  .value();
    EXPECT_TRUE(m_api->create(*m_registry.find("", "v1", "namespaces"), "", ns, {}));
  }

  Registry m_registry;
  std::unique_ptr<Store> m_store;
  std::unique_ptr<ApiServer> m_api;
};

}  // namespace plumb::localcluster
