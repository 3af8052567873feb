#include "core/recording_fs.hpp"

namespace plumb {
namespace {

using Question = RenderInputs::Question;

// Answers are strings so that facts of every kind compare the same way.
std::string encode(const Result<std::vector<std::string>>& names) {
  if (!names) return "-";
  std::string out = "+";
  for (const std::string& name : *names) {
    out += name;
    out += '/';  // never part of an entry name
  }
  return out;
}

std::string encode(const Result<std::string>& resolved) {
  return resolved ? "+" + *resolved : "-";
}

std::string encode(bool yes) {
  return yes ? "1" : "0";
}

std::optional<std::string> ask(const FileSystem& fs, Question question, std::string_view path) {
  switch (question) {
    case Question::content:
      return fs.content_id(path);
    case Question::list:
      return encode(fs.list_dir(path));
    case Question::is_file:
      return encode(fs.is_file(path));
    case Question::is_dir:
      return encode(fs.is_dir(path));
    case Question::resolve:
      return encode(fs.resolve(path));
  }
  return std::nullopt;
}

}  // namespace

bool RenderInputs::unchanged_in(const FileSystem& other) const {
  if (!m_cacheable) return false;
  for (const Fact& fact : m_facts) {
    std::optional<std::string> answer = ask(other, fact.question, fact.path);
    if (!answer || *answer != fact.answer) return false;
  }
  return true;
}

size_t RenderInputs::heap_bytes() const {
  size_t bytes = m_facts.capacity() * sizeof(Fact);
  // Strings past the small-string buffer live on the heap.
  auto string_bytes = [](const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
  };
  for (const Fact& fact : m_facts)
    bytes += string_bytes(fact.path) + string_bytes(fact.answer);
  return bytes;
}

void RecordingFileSystem::record(Question question, std::string_view path,
                                 std::optional<std::string> answer) const {
  LockGuard lock(m_mutex);
  // The base does not change, so the first answer to a question is the answer.
  if (!m_seen.emplace(question, std::string(path)).second) return;
  if (!answer) m_inputs.m_cacheable = false;
  m_inputs.m_facts.push_back({question, std::string(path), std::move(answer).value_or("")});
}

Result<std::string> RecordingFileSystem::read_file(std::string_view path) const {
  record(Question::content, path, m_base.content_id(path));
  return m_base.read_file(path);
}

Result<std::vector<std::string>> RecordingFileSystem::list_dir(std::string_view path) const {
  auto names = m_base.list_dir(path);
  record(Question::list, path, encode(names));
  return names;
}

bool RecordingFileSystem::is_dir(std::string_view path) const {
  bool yes = m_base.is_dir(path);
  record(Question::is_dir, path, encode(yes));
  return yes;
}

bool RecordingFileSystem::is_file(std::string_view path) const {
  bool yes = m_base.is_file(path);
  record(Question::is_file, path, encode(yes));
  return yes;
}

Result<std::string> RecordingFileSystem::resolve(std::string_view path) const {
  auto resolved = m_base.resolve(path);
  record(Question::resolve, path, encode(resolved));
  return resolved;
}

std::optional<std::string> RecordingFileSystem::content_id(std::string_view path) const {
  auto id = m_base.content_id(path);
  record(Question::content, path, id);
  return id;
}

RenderInputs RecordingFileSystem::inputs() const {
  LockGuard lock(m_mutex);
  return m_inputs;
}

}  // namespace plumb
