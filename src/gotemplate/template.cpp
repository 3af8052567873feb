#include "gotemplate/template.hpp"

#include <algorithm>

#include "gotemplate/ast.hpp"
#include "gotemplate/parse.hpp"

namespace plumb::gotemplate {

void FuncMap::add(std::string name, FuncInfo info) {
  m_funcs.insert_or_assign(std::move(name), std::move(info));
}

void FuncMap::add(std::string name, Function fn) {
  add(std::move(name), FuncInfo{std::move(fn), {Param::any}, true});
}

void FuncMap::remove(std::string_view name) {
  if (auto it = m_funcs.find(name); it != m_funcs.end()) m_funcs.erase(it);
}

const FuncInfo* FuncMap::find(std::string_view name) const {
  auto it = m_funcs.find(name);
  return it == m_funcs.end() ? nullptr : &it->second;
}

TemplateSet::TemplateSet(std::string name, std::shared_ptr<const FuncMap> funcs)
    : m_name(std::move(name)), m_funcs(std::move(funcs)), m_base(std::make_shared<TreeMap>()) {}

bool TemplateSet::has_function(std::string_view name) const {
  if (m_funcs && m_funcs->contains(name)) return true;
  return find_builtin(name) != nullptr;
}

Result<void> TemplateSet::parse(std::string_view name, std::string text) {
  ParseOptions options;
  options.has_function = [this](std::string_view fn) { return has_function(fn); };
  auto trees = TRY(parse_trees(name, std::move(text), options));
  for (auto& tree : trees)
    add_tree(std::move(tree));
  return {};
}

void TemplateSet::add_tree(std::shared_ptr<const Tree> tree) {
  // Go's associate: an empty definition does not replace an existing one.
  if (find_tree(tree->name) != nullptr && is_empty_tree(tree->root.get())) return;
  if (m_base.use_count() == 1 && m_own.empty()) {
    (*m_base)[tree->name] = std::move(tree);
  } else {
    std::string key = tree->name;
    m_own[std::move(key)] = std::move(tree);
  }
}

bool TemplateSet::contains(std::string_view name) const {
  return find_tree(name) != nullptr;
}

std::vector<std::string> TemplateSet::names() const {
  std::vector<std::string> out;
  out.reserve(m_base->size() + m_own.size());
  for (const auto& [name, tree] : *m_base) {
    if (!m_own.contains(name)) out.push_back(name);
  }
  for (const auto& [name, tree] : m_own)
    out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

const std::shared_ptr<const Tree>* TemplateSet::find_tree(std::string_view name) const {
  if (!m_own.empty()) {
    auto it = m_own.find(name);
    if (it != m_own.end()) return &it->second;
  }
  auto it = m_base->find(name);
  return it == m_base->end() ? nullptr : &it->second;
}

}  // namespace plumb::gotemplate
