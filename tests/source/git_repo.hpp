// A test fixture: a real repository made with the git CLI in a temporary directory, and a
// cache directory for GitSource. Shared by the source and controller tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "source/git.hpp"

namespace plumb::source {

class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plumb-git-test-XXXXXX";
    m_dir = mkdtemp(pattern);
    m_repo = m_dir + "/repo";
    git("init -q -b main " + m_repo);
    git("-C " + m_repo + " config user.email t@example.com");
    git("-C " + m_repo + " config user.name t");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  static void git(const std::string& args) {
    ASSERT_EQ(std::system(("git " + args + " >/dev/null 2>&1").c_str()), 0) << args;
  }
  void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(m_repo + "/" + path).parent_path());
    std::ofstream(m_repo + "/" + path) << text;
  }
  // A symlink at path (replacing one already there) pointing at target.
  void link(const std::string& path, const std::string& target) {
    std::filesystem::path at(m_repo + "/" + path);
    std::filesystem::create_directories(at.parent_path());
    std::filesystem::remove(at);
    std::filesystem::create_symlink(target, at);
  }
  std::string commit(const std::string& message) {
    git("-C " + m_repo + " add -A");
    git("-C " + m_repo + " commit -q --allow-empty -m '" + message + "'");
    return head();
  }
  std::string head() {
    std::string out = m_dir + "/head";
    std::system(("git -C " + m_repo + " rev-parse HEAD > " + out).c_str());
    std::string hex;
    std::ifstream(out) >> hex;
    return hex;
  }
  GitSource open() { return GitSource::open(m_dir + "/cache", "file://" + m_repo).value(); }

  std::string m_dir, m_repo;
};

}  // namespace plumb::source
