// The pieces of plumb's shell completion: flags and section words read from --help texts, the
// positional words of a command line.
#include <gtest/gtest.h>

#include "cli/completion.hpp"

namespace plumb::cli::completion {
namespace {

constexpr std::string_view k_help =
    "Usage: plumb get KIND [NAME] [flags]\n\n"
    "Kinds:\n"
    "  kustomizations, kustomization, ks\n"
    "  sources              every source kind (names prefixed with the kind)\n"
    "  sources git|helm|oci, source git|helm|oci\n"
    "  application, app   (namespace default argocd)\n\n"
    "Flags:\n"
    "  -A, --all-namespaces  list across all namespaces\n"
    "  --kubeconfig FILE, --context NAME\n"
    "  --cascade=true|false    delete the application's resources too\n"
    "Example: plumb get ks --not-a-flag-line\n";

TEST(Completion, FlagsOfAHelpText) {
  EXPECT_EQ(flags_in_help(k_help),
            (std::vector<std::string>{"-A", "--all-namespaces", "--kubeconfig", "--context",
                                      "--cascade"}));
}

TEST(Completion, SectionWords) {
  EXPECT_EQ(section_words(k_help, "Kinds:"),
            (std::vector<std::string>{"kustomizations", "kustomization", "ks", "sources", "source",
                                      "application", "app"}));
  EXPECT_TRUE(section_words(k_help, "Verbs:").empty());
  EXPECT_EQ(section_words("Usage\n\nShells:\n  bash    source it, or save it in\n          /etc/x\n"
                          "  zsh     the same\n",
                          "Shells:"),
            (std::vector<std::string>{"bash", "zsh"}));
  EXPECT_EQ(section_words("Usage: plumb\n\nCommands:\n  build      render\n  get        show\n\n",
                          "Commands:"),
            (std::vector<std::string>{"build", "get"}));
}

TEST(Completion, KindWordsOfUsageLines) {
  EXPECT_EQ(usage_words("Usage: plumb reconcile kustomization|ks NAME [--with-source]\n"
                        "       plumb reconcile helmrelease|hr NAME [flags]\n"
                        "       plumb reconcile source git|helm|oci NAME [flags]\n\n"
                        "Run plumb reconcile KIND --help.\n",
                        "reconcile"),
            (std::vector<std::string>{"kustomization", "ks", "helmrelease", "hr", "source"}));
  EXPECT_TRUE(usage_words("Usage: plumb events [--for KIND[/NAME]]\n", "events").empty());
}

TEST(Completion, PositionalsSkipFlagValues) {
  std::vector<std::string> words = {"get",     "-n", "apps", "ks", "--all-namespaces",
                                    "-o=yaml", "web"};
  EXPECT_EQ(positionals_of(words), (std::vector<std::string>{"get", "ks", "web"}));
  constexpr std::string_view ns[] = {"-n", "--namespace"};
  EXPECT_EQ(flag_value(words, ns), "apps");
  std::vector<std::string> inline_value = {"get", "--namespace=x"};
  EXPECT_EQ(flag_value(inline_value, ns), "x");
}

TEST(Completion, ScriptsForThreeShells) {
  for (std::string_view shell : {"bash", "zsh", "fish"}) {
    auto script = script_for(shell);
    ASSERT_TRUE(script) << shell;
    EXPECT_NE(script->find("plumb __complete"), std::string_view::npos) << shell;
  }
  EXPECT_FALSE(script_for("tcsh"));
}

}  // namespace
}  // namespace plumb::cli::completion
