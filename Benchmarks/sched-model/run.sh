#!/bin/bash
# Usage: Benchmarks/sched-model/run.sh VIETSEARCH_BINARY INPUT.jsonl [THREADS]
# Indexes INPUT into a temporary index under /usr/bin/time while perf records the scheduler
# system-wide, then prints the runnable-thread model of the indexing process (runnable.py).
set -e
binary=$1; input=$2; threads=${3:-2}
work=$(mktemp -d)
perf record -q -a -m 8M -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_wakeup_new -o "$work/sched.data" &
perf_pid=$!
sleep 0.5
/usr/bin/time -f "elapsed %e s, user %U s, sys %S s, max RSS %M KB, minor faults %R" \
    "$binary" index "$work/index" "$input" --json --threads "$threads" > /dev/null &
time_pid=$!
sleep 0.05
index_pid=$(pgrep -P $time_pid)
wait $time_pid
kill -INT $perf_pid
wait $perf_pid || true
python3 "$(dirname "$0")/runnable.py" "$work/sched.data" "$index_pid"
rm -rf "$work"
