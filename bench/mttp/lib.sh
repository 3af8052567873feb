# What bench/mttp, bench/mttp-helm and bench/mttp-argo share: a work directory, the processes
# they start (stopped newest first on exit), times in microseconds, CPU seconds and peak memory,
# the API server's request counters and `kubectl get -w` read through a fifo. Sourced after
# setting BENCH (the name in messages and in the work directory's).
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
# hwm PID: the peak resident memory of a process so far, in MB (VmHWM).
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }
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

# start_cluster N: DIR=$WORK/nN, and in it a fresh `plumb cluster` (KUBECONFIG exported,
# cluster.log), started and ready: PIDS[0].
start_cluster() {
  DIR=$WORK/n$1
  mkdir -p "$DIR"
  export KUBECONFIG=$DIR/kubeconfig
  "$PLUMB" cluster --port 0 --kubeconfig "$KUBECONFIG" >"$DIR/cluster.log" 2>&1 &
  PIDS+=($!)
  until [ -s "$KUBECONFIG" ] && kubectl get --raw /readyz >/dev/null 2>&1; do sleep 0.1; done
}

# start_controller: `plumb controller` on it (git cache in $DIR, webhooks on a free port,
# WORKERS and CONTROLLER_FLAGS), logging to $DIR/controller.log; its pid in CONTROLLER_PID.
start_controller() {
  # shellcheck disable=SC2086  # CONTROLLER_FLAGS is a list of flags
  "$PLUMB" controller --cache-dir "$DIR/cache" --webhook-port 0 ${WORKERS:+--workers "$WORKERS"} \
    ${CONTROLLER_FLAGS:-} >"$DIR/controller.log" 2>&1 &
  CONTROLLER_PID=$!
  PIDS+=("$CONTROLLER_PID")
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

# count_ready N [WANT]: reads "NAME STATUS" lines from $WATCH_FD until N names are Ready
# (STATUS is WANT, default True) at once — a name that turns not Ready again counts down — or
# the watch ends; prints how many were Ready then.
count_ready() {
  local n=$1 want=${2:-True} name status count=0
  local -A ready=()
  while [ "$count" -lt "$n" ] && read -r name status <&"$WATCH_FD"; do
    [ -n "$name" ] || continue
    if [ "$status" = "$want" ]; then
      [ -n "${ready[$name]:-}" ] || { ready[$name]=1; count=$((count + 1)); }
    elif [ -n "${ready[$name]:-}" ]; then
      unset "ready[$name]"
      count=$((count - 1))
    fi
  done
  echo "$count"
}

# count_at N REVISION [WANT]: reads "NAME REVISION STATUS" lines from $WATCH_FD until N names
# have been seen at REVISION with STATUS WANT (default True), or the watch ends; prints how
# many were.
count_at() {
  local n=$1 at=$2 want=${3:-True} name revision status count=0
  local -A seen=()
  while [ "$count" -lt "$n" ] && read -r name revision status <&"$WATCH_FD"; do
    [ -n "$name" ] || continue
    if [ "$revision" = "$at" ] && [ "$status" = "$want" ]; then
      [ -n "${seen[$name]:-}" ] || { seen[$name]=1; count=$((count + 1)); }
    fi
  done
  echo "$count"
}

# time_restore NAMESPACE NAME: deletes Deployment NAME and prints the microseconds from its
# DELETED event to the event of a Deployment with a new uid (the controller applied it
# again), read from $WATCH_FD: a watch_start of that Deployment with --output-watch-events
# printing "TYPE UID" lines.
time_restore() {
  local line uid t0=0 t1=0
  read -r line <&"$WATCH_FD"
  uid=${line#* }
  kubectl -n "$1" delete deploy "$2" --wait=false >/dev/null
  while read -r line <&"$WATCH_FD"; do
    [ "${line%% *}" = DELETED ] && { t0=$(now); continue; }
    [ "${line#* }" != "$uid" ] && [ "${line%% *}" != DELETED ] && { t1=$(now); break; }
  done
  echo $((t1 - t0))
}
