// First cut of the sealed-secrets library: every function of sealed.hpp present so the
// controller can build against it; bodies follow.
#include "sealed/sealed.hpp"

namespace plumb::sealed {

std::string_view scope_name(Scope scope) {
  switch (scope) {
    case Scope::strict:
      return "strict";
    case Scope::namespace_wide:
      return "namespace-wide";
    case Scope::cluster_wide:
      return "cluster-wide";
  }
  return "strict";
}

Result<Scope> parse_scope(std::string_view) {
  return fail("not implemented");
}
Result<Scope> scope_of(const Node&) {
  return fail("not implemented");
}
std::string label_of(Scope, std::string_view, std::string_view) {
  return {};
}
Result<KeyPair> generate_key(int) {
  return fail("not implemented");
}
Result<KeyPair> key_from_secret(const Node&) {
  return fail("not implemented");
}
Node key_secret(const KeyPair&, std::string_view) {
  return Node();
}
Result<std::string> seal(std::string_view, std::string_view, std::string_view) {
  return fail("not implemented");
}
Result<std::string> unseal(const std::vector<KeyPair>&, std::string_view, std::string_view) {
  return fail("not implemented");
}
Result<Node> unseal_object(const Node&, const std::vector<KeyPair>&) {
  return fail("not implemented");
}
Result<Node> seal_object(const Node&, std::string_view, Scope) {
  return fail("not implemented");
}

}  // namespace plumb::sealed
