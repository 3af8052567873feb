#!/usr/bin/env bash
# The documentation's test (issue 20): docs/ says what the binary does.
#
# - commands_current: docs/commands/ is what scripts/gen-docs-commands writes from this
#   binary's --help now (regenerated into a temporary directory and diffed), and every command
#   `plumb help` lists and every flag its --help (and its subcommands' --help) shows is on its
#   page.
# - runnable_examples: every fenced block of docs/*.md (and docs/**/*.md) whose info string is
#   `sh runnable` (or `sh runnable exit=N`) runs, in file order and then line order, against
#   one `plumb up` with its example repository, as a user would type it: bash -e -o pipefail,
#   the working directory a scratch directory, `plumb` and kubectl on PATH, HOME a fresh
#   directory (so the data directory is ~/.local/share/plumb and the kubeconfig
#   ~/.kube/config, with the plumb context current). Each block must exit 0, or N. Blocks run
#   one after the other on the same cluster, so a block sees what the blocks before it did.
# - links_resolve: every relative link of docs/ and README.md names a file or directory.
#
# Usage: run.sh PLUMB_BINARY SCENARIO     Exit 0 pass, 1 fail, 77 skip (no kubectl; CI: 1).
# DOCS_OUTPUT_DIR=DIR run.sh PLUMB runnable_examples keeps each example's output in DIR.
PLUMB=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SCENARIO=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/../e2e/lib.sh"

# The Markdown files checked: the README and everything under docs/.
markdown_files() { { echo "$ROOT/README.md"; find "$ROOT/docs" -name '*.md'; } | LC_ALL=C sort; }

scenario_commands_current() {
  require_tool python3 diff
  "$ROOT/scripts/gen-docs-commands" "$PLUMB" "$WORK/commands" >"$WORK/gen.log" 2>&1 ||
    fail "scripts/gen-docs-commands failed: $(cat "$WORK/gen.log")"
  diff -ru "$ROOT/docs/commands" "$WORK/commands" >"$WORK/stale.diff" ||
    fail "docs/commands/ is stale (the help texts changed); regenerate it and commit the result:
  scripts/gen-docs-commands build/plumb
$(head -60 "$WORK/stale.diff")"
  local cmd page flag
  for cmd in $("$PLUMB" help | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
    [ "$cmd" = help ] && continue
    page=$ROOT/docs/commands/$cmd.md
    [ -f "$page" ] || fail "'plumb $cmd' has no page docs/commands/$cmd.md"
    grep -qF "[\`plumb $cmd\`]($cmd.md)" "$ROOT/docs/commands/README.md" ||
      fail "docs/commands/README.md does not link plumb $cmd"
    for flag in $("$PLUMB" "$cmd" --help 2>/dev/null | grep -oE -- '(^|[ ,[(|])--?[a-zA-Z][a-zA-Z0-9-]*' |
      sed 's/^[ ,[(|]//' | sort -u); do
      grep -qF -- "$flag" "$page" || fail "'plumb $cmd --help' shows $flag, docs/commands/$cmd.md does not"
    done
  done
}

# extract_runnable DIR: writes each runnable block of the Markdown files into DIR/N.sh (N
# counting from 1000, in file and line order) and a line "N FILE LINE EXIT" into DIR/index.
extract_runnable() {
  local dir=$1 file
  mkdir -p "$dir"
  : >"$dir/index"
  markdown_files | while IFS= read -r file; do
    awk -v file="${file#"$ROOT"/}" -v dir="$dir" '
      BEGIN { while ((getline line < (dir "/index")) > 0) n++; n += 1000 }
      !inside && /^```sh runnable( exit=[0-9]+)?[ \t]*$/ {
        inside = 1; code = 0; n++
        if (match($0, /exit=[0-9]+/)) code = substr($0, RSTART + 5, RLENGTH - 5)
        printf "%d %s %d %d\n", n, file, NR, code >> (dir "/index")
        printf "" > (dir "/" n ".sh")
        next
      }
      inside && /^```[ \t]*$/ { inside = 0; close(dir "/" n ".sh"); next }
      inside { print >> (dir "/" n ".sh") }
      END { if (inside) { printf "%s: unterminated runnable block\n", file > "/dev/stderr"; exit 1 } }
    ' "$file" || return 1
  done
}

# start_up: `plumb up` with its example repository, as getting-started.md starts it (the
# default data directory, the plumb context in ~/.kube/config); waits until the example's
# Kustomizations are Ready.
start_up() {
  unset KUBECONFIG
  mkdir -p "$WORK/scratch"
  (cd "$WORK/scratch" && exec "$PLUMB" up --port 0) >"$WORK/controller.log" 2>&1 &
  PID=$!
  wait_for "plumb up's start-up lines (it may have exited: its log follows)" 30 \
    grep -q "^Try:" "$WORK/controller.log"
  wait_for "the example's Kustomizations to be Ready" 30 examples_ready
}
examples_ready() {
  [ "$(kubectl -n flux-system get kustomizations \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}')" = "True True " ]
}

scenario_runnable_examples() {
  require_tool git awk timeout
  extract_runnable "$WORK/blocks" || fail "extracting the runnable blocks failed"
  local count
  count=$(wc -l <"$WORK/blocks/index")
  [ "$count" -ge 5 ] || fail "only $count runnable examples in docs/ (getting-started and troubleshooting mark theirs)"
  export PATH="$(dirname "$PLUMB"):$PATH" GIT_CONFIG_NOSYSTEM=1
  export GIT_AUTHOR_NAME=docs GIT_AUTHOR_EMAIL=docs@example.com GIT_COMMITTER_NAME=docs GIT_COMMITTER_EMAIL=docs@example.com
  start_up
  local n file line code got out
  while read -r n file line code; do
    out=$(cd "$WORK/scratch" && timeout 30 bash -e -o pipefail "$WORK/blocks/$n.sh" 2>&1 </dev/null)
    got=$?
    # DOCS_OUTPUT_DIR=DIR keeps each block's output (DIR/FILE:LINE.out), for the pages' samples.
    if [ -n "${DOCS_OUTPUT_DIR:-}" ]; then
      mkdir -p "$DOCS_OUTPUT_DIR/$(dirname "$file")"
      printf '%s\n' "$out" >"$DOCS_OUTPUT_DIR/$file:$line.out"
      cp "$WORK/controller.log" "$DOCS_OUTPUT_DIR/up.log"
      echo "$WORK" >"$DOCS_OUTPUT_DIR/work"
    fi
    [ "$got" -eq "$code" ] ||
      fail "$file:$line: the example exited $got, expected $code:
--- example
$(cat "$WORK/blocks/$n.sh")
--- output
$out"
  done <"$WORK/blocks/index"
  echo "$count runnable examples ran"
}

scenario_links_resolve() {
  local file link target bad=""
  while IFS= read -r file; do
    # Inline links and images: ](target), the target up to a space or ')'; code spans and
    # fenced blocks left out.
    while IFS= read -r link; do
      case $link in http://* | https://* | mailto:* | '#'*) continue ;; esac
      target=${link%%#*}
      [ -e "$(dirname "$file")/$target" ] || bad+="
  ${file#"$ROOT"/}: $link"
    done < <(awk '/^```/ { fenced = !fenced; next } !fenced { gsub(/`[^`]*`/, ""); print }' "$file" |
      grep -oE '\]\([^) ]+' | sed 's/^](//')
  done < <(markdown_files)
  [ -z "$bad" ] || fail "relative links that name no file:$bad"
}

run_scenario
