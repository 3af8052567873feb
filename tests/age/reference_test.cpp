// Cross-checks with the reference implementation, Debian's `age` (scripts/install-deps
// installs it): what plumb encrypts `age -d` decrypts, and what `age -e` encrypts plumb
// decrypts, binary and armored. Without /usr/bin/age skipped locally, failed in CI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "age/age.hpp"
#include "age/test_util.hpp"
#include "support/require.hpp"

namespace plumb::age {
namespace {

namespace fs = std::filesystem;

class AgeReference : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(fs::exists("/usr/bin/age"), "/usr/bin/age is missing (scripts/install-deps)");
    char pattern[] = "/tmp/plumb-age-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    m_dir = pattern;
    auto id = generate_identity();
    ASSERT_TRUE(id);
    m_identity = *id;
    test::write_file(m_dir / "key.txt", "# test key\n" + to_string(m_identity) + "\n");
  }
  void TearDown() override {
    if (!m_dir.empty()) fs::remove_all(m_dir);
  }
  // Runs a shell command; its exit status.
  static int run(const std::string& command) { return std::system(command.c_str()); }

  fs::path m_dir;
  Identity m_identity = passphrase_identity("");
};

TEST_F(AgeReference, AgeDecryptsWhatPlumbEncrypts) {
  std::vector<std::string> recipients = {recipient_of(m_identity)};
  for (size_t size : {size_t(0), size_t(65536), size_t(200000)}) {
    std::string plaintext(size, 'p');
    for (size_t i = 0; i < size; ++i)
      plaintext[i] = char(i * 7 + i / 300);
    for (bool armored : {false, true}) {
      auto file = encrypt(plaintext, recipients, armored);
      ASSERT_TRUE(file) << file.error().message();
      test::write_file(m_dir / "in.age", *file);
      ASSERT_EQ(run("/usr/bin/age -d -i '" + (m_dir / "key.txt").string() + "' -o '" +
                    (m_dir / "out").string() + "' '" + (m_dir / "in.age").string() + "'"),
                0)
          << "size " << size << " armored " << armored;
      EXPECT_TRUE(test::read_file(m_dir / "out") == plaintext)
          << "size " << size << " armored " << armored;
    }
  }
}

TEST_F(AgeReference, PlumbDecryptsWhatAgeEncrypts) {
  std::string plaintext(150000, 'x');
  for (size_t i = 0; i < plaintext.size(); ++i)
    plaintext[i] = char(i * 13 + i / 1000);
  test::write_file(m_dir / "plain", plaintext);
  auto other = generate_identity();
  ASSERT_TRUE(other);
  for (bool armored : {false, true}) {
    ASSERT_EQ(run(std::string("/usr/bin/age -e ") + (armored ? "-a " : "") + "-r " +
                  recipient_of(*other) + " -r " + recipient_of(m_identity) + " -o '" +
                  (m_dir / "out.age").string() + "' '" + (m_dir / "plain").string() + "'"),
              0);
    std::string file = test::read_file(m_dir / "out.age");
    auto back = decrypt(file, std::span(&m_identity, 1));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_TRUE(*back == plaintext) << "armored " << armored;
    // The key file parser reads what age-keygen writes.
    ASSERT_EQ(run("/usr/bin/age-keygen -o '" + (m_dir / "gen.txt").string() + "' 2>/dev/null"), 0);
    auto ids = parse_identities(test::read_file(m_dir / "gen.txt"));
    ASSERT_TRUE(ids) << ids.error().message();
    std::string gen = test::read_file(m_dir / "gen.txt");
    EXPECT_NE(gen.find("# public key: " + recipient_of((*ids)[0]) + "\n"), std::string::npos);
    fs::remove(m_dir / "gen.txt");
  }
}

}  // namespace
}  // namespace plumb::age
