# What bench/mttp and bench/mttp-helm share: a work directory, the processes they start (stopped
# newest first on exit), times in microseconds, CPU seconds, the API server's request counters
# and `kubectl get -w` read through a fifo. Sourced after setting BENCH (the name in messages
# and in the work directory's).
PLUMB=$(realpath "${PLUMB:-build/plumb}")
WORK=$(mktemp -d /tmp/plumb-bench-$BENCH-XXXXXX)
export HOME=$WORK
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
PIDS=()
stop_all() {  # the newest first: the controller before the cluster it talks to
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_all; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

die() {
  echo "bench/$BENCH: $*" >&2
  tail -5 "$DIR/cluster.log" "$DIR/controller.log" >&2
  exit 1
}
now() { echo "${EPOCHREALTIME/./}"; }                  # microseconds
secs() { printf '%d.%03d' $(($1 / 1000000)) $((($1 / 1000) % 1000)); }  # µs → s.mmm
ms() { echo $((($1 + 500) / 1000)); }
# cpu PID: user + system CPU seconds of a process so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# requests: the API server's request counters, "verb=count ..." (non-zero ones).
requests() {
  kubectl get --raw /metrics | awk -F'[{}" ]+' '/^plumb_apiserver_requests_total/ && $NF > 0 {
    printf "%s%s=%s", sep, $3 ($5 == "true" ? "(dry)" : ""), $NF; sep = " " }'
}
# requests_since "BEFORE": per-verb differences of two requests outputs.
requests_since() {
  awk -v before="$1" -v after="$(requests)" 'BEGIN {
    n = split(before, b, " "); for (i = 1; i <= n; i++) { split(b[i], kv, "="); old[kv[1]] = kv[2] }
    n = split(after, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, "=");
      d = kv[2] - old[kv[1]]; if (d > 0) { printf "%s%s=%d", sep, kv[1], d; sep = " " } } }'
}

# watch_start NAME kubectl-get-args...: `kubectl get -w` through $DIR/NAME.fifo, opened for
# reading as $WATCH_FD. Its first lines are the current state.
watch_start() {
  local name=$1
  shift
  mkfifo "$DIR/$name.fifo"
  kubectl get "$@" -w >"$DIR/$name.fifo" 2>"$DIR/$name.err" &
  PIDS+=($!)
  exec {WATCH_FD}<"$DIR/$name.fifo"
}

# count_ready N: reads "NAME STATUS" lines from $WATCH_FD until N names are Ready (STATUS True)
# at once — a name that turns not Ready again counts down — or the watch ends; prints how many
# were Ready then.
count_ready() {
  local n=$1 name status count=0
  local -A ready=()
  while [ "$count" -lt "$n" ] && read -r name status <&"$WATCH_FD"; do
    [ -n "$name" ] || continue
    if [ "$status" = True ]; then
      [ -n "${ready[$name]:-}" ] || { ready[$name]=1; count=$((count + 1)); }
    elif [ -n "${ready[$name]:-}" ]; then
      unset "ready[$name]"
      count=$((count - 1))
    fi
  done
  echo "$count"
}
