#include "gotemplate/template.hpp"

#include "gotemplate/ast.hpp"
#include "gotemplate/parse.hpp"

namespace plumb::gotemplate {

void FuncMap::add(std::string name, FuncInfo info) {
  m_funcs.insert_or_assign(std::move(name), std::move(info));
}

void FuncMap::add(std::string name, Function fn) {
  add(std::move(name), FuncInfo{std::move(fn), {Param::any}, true});
}

const FuncInfo* FuncMap::find(std::string_view name) const {
  auto it = m_funcs.find(name);
  return it == m_funcs.end() ? nullptr : &it->second;
}

TemplateSet::TemplateSet(std::string name, std::shared_ptr<const FuncMap> funcs)
    : m_name(std::move(name)), m_funcs(std::move(funcs)) {}

bool TemplateSet::has_function(std::string_view name) const {
  if (m_funcs && m_funcs->contains(name)) return true;
  return find_builtin(name) != nullptr;
}

Result<void> TemplateSet::parse(std::string_view name, std::string text) {
  ParseOptions options;
  options.has_function = [this](std::string_view fn) { return has_function(fn); };
  auto trees = TRY(parse_trees(name, std::move(text), options));
  for (auto& tree : trees) {
    auto it = m_trees.find(tree->name);
    if (it != m_trees.end()) {
      // Go's associate: an empty definition does not replace an existing one.
      if (is_empty_tree(tree->root.get())) continue;
      it->second = std::move(tree);
    } else {
      std::string key = tree->name;
      m_trees.emplace(std::move(key), std::move(tree));
    }
  }
  return {};
}

bool TemplateSet::contains(std::string_view name) const {
  return m_trees.find(name) != m_trees.end();
}

std::vector<std::string> TemplateSet::names() const {
  std::vector<std::string> out;
  out.reserve(m_trees.size());
  for (const auto& [name, tree] : m_trees)
    out.push_back(name);
  return out;
}

const std::shared_ptr<const Tree>* TemplateSet::find_tree(std::string_view name) const {
  auto it = m_trees.find(name);
  return it == m_trees.end() ? nullptr : &it->second;
}

}  // namespace plumb::gotemplate
