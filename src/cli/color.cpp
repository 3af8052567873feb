#include "cli/color.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace plumb::cli {
namespace {

std::atomic<bool> g_disabled{false};

}  // namespace

void disable_color() {
  g_disabled.store(true);
}

bool use_color(std::FILE* stream) {
  if (g_disabled.load()) return false;
  if (const char* no_color = std::getenv("NO_COLOR"); no_color && *no_color) return false;
  if (const char* term = std::getenv("TERM"); !term || std::string_view(term) == "dumb")
    return false;
  return isatty(fileno(stream)) != 0;
}

std::string paint(std::string_view text, Color color) {
  constexpr std::string_view codes[] = {"\x1b[32m", "\x1b[33m", "\x1b[31m"};
  return std::string(codes[int(color)]) + std::string(text) + "\x1b[0m";
}

std::string colored(std::string_view text, Color color, std::FILE* stream) {
  return use_color(stream) ? paint(text, color) : std::string(text);
}

}  // namespace plumb::cli
