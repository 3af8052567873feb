#include "sync/unified_diff.hpp"

#include <algorithm>
#include <vector>

namespace plumb::sync {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

enum class Op : char { keep = ' ', remove = '-', add = '+' };

// Myers' O((N+M)·D) shortest edit script.
std::vector<Op> edit_script(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b) {
  const int n = int(a.size()), m = int(b.size()), max = n + m;
  std::vector<int> v(2 * size_t(max) + 2, 0);
  std::vector<std::vector<int>> trace;
  auto at = [&](int k) -> int& { return v[size_t(k + max + 1)]; };
  for (int d = 0; d <= max; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? at(k + 1) : at(k - 1) + 1;
      int y = x - k;
      while (x < n && y < m && a[size_t(x)] == b[size_t(y)])
        ++x, ++y;
      at(k) = x;
      if (x >= n && y >= m) {
        // Walk back through the trace to recover the script.
        std::vector<Op> ops;
        int cx = n, cy = m;
        for (int dd = d; dd > 0; --dd) {
          const std::vector<int>& pv = trace[size_t(dd)];
          auto pat = [&](int kk) { return pv[size_t(kk + max + 1)]; };
          int ck = cx - cy;
          int pk = (ck == -dd || (ck != dd && pat(ck - 1) < pat(ck + 1))) ? ck + 1 : ck - 1;
          int px = pat(pk), py = px - pk;
          while (cx > px && cy > py)
            ops.push_back(Op::keep), --cx, --cy;
          ops.push_back(cx == px ? Op::add : Op::remove);
          cx = px, cy = py;
        }
        while (cx > 0 && cy > 0)
          ops.push_back(Op::keep), --cx, --cy;
        std::reverse(ops.begin(), ops.end());
        return ops;
      }
    }
  }
  return {};
}

}  // namespace

std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_label,
                         std::string_view to_label, int context) {
  if (from == to) return {};
  auto a = split_lines(from);
  auto b = split_lines(to);
  std::vector<Op> ops = edit_script(a, b);
  std::string out;
  out.append("--- ").append(from_label).append("\n+++ ").append(to_label).append("\n");
  size_t i = 0;
  while (i < ops.size()) {
    if (ops[i] == Op::keep) {
      ++i;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` after the last change
    // that is within 2·context lines of the previous one.
    size_t start = i >= size_t(context) ? i - size_t(context) : 0;
    size_t end = i;
    for (size_t j = i; j < ops.size(); ++j) {
      if (ops[j] != Op::keep) end = j + 1;
      if (ops[j] == Op::keep && j - end >= size_t(2 * context)) break;
    }
    size_t stop = std::min(ops.size(), end + size_t(context));
    // Line numbers of the hunk start in a and b.
    int ai = 0, bi = 0;
    for (size_t j = 0; j < start; ++j) {
      if (ops[j] != Op::add) ++ai;
      if (ops[j] != Op::remove) ++bi;
    }
    int a_count = 0, b_count = 0;
    std::string body;
    int ax = ai, bx = bi;
    for (size_t j = start; j < stop; ++j) {
      body += char(ops[j]);
      if (ops[j] == Op::add) {
        body.append(b[size_t(bx++)]);
        ++b_count;
      } else {
        body.append(a[size_t(ax++)]);
        ++a_count;
        if (ops[j] == Op::keep) ++bx, ++b_count;
      }
      body += '\n';
    }
    out += "@@ -" + std::to_string(a_count ? ai + 1 : ai) + "," + std::to_string(a_count) + " +" +
           std::to_string(b_count ? bi + 1 : bi) + "," + std::to_string(b_count) + " @@\n";
    out += body;
    i = stop;
  }
  return out;
}

}  // namespace plumb::sync
