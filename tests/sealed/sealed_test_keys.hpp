// Two small sealing keys shared by the sealed tests: generated once per test binary (2048 bits:
// a 4096-bit key takes seconds). Thread safety: function-local statics.
#pragma once

#include <cstdlib>

#include "sealed/sealed.hpp"

namespace plumb::sealed::test {

inline KeyPair make_key() {
  auto key = generate_key(2048);
  if (!key) std::abort();
  return *key;
}

inline const KeyPair& key_a() {
  static const KeyPair k_key = make_key();
  return k_key;
}

inline const KeyPair& key_b() {
  static const KeyPair k_key = make_key();
  return k_key;
}

}  // namespace plumb::sealed::test
