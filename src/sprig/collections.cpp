#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

void add_collection_functions(gotemplate::FuncMap& /*funcs*/) {}

}  // namespace plumb::sprig
