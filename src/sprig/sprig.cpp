#include "sprig/sprig.hpp"

#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

gotemplate::FuncMap functions() {
  gotemplate::FuncMap funcs;
  add_string_functions(funcs);
  add_collection_functions(funcs);
  return funcs;
}

}  // namespace plumb::sprig
