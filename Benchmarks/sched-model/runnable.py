# Runnable-thread model of one process (PERFORMANCE.md "Indexing (session 8 …)"), from a system-wide
# `perf record -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_wakeup_new` (run.sh).
# Usage: runnable.py PERF_DATA PID [BUCKET_SECONDS] [-t]. CPU time of the process's threads is attributed
# to how many of them were runnable (running or waiting for a CPU) at the time: CPU spent while only
# one was runnable is serial work (the other core had nothing of ours to run, whatever the load);
# "2-core model" = serial CPU + the rest / 2. -t prints that per time bucket.
import sys, subprocess, re, collections
data, pid = sys.argv[1], int(sys.argv[2])
step = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
out = subprocess.run(["perf", "script", "-i", data, "-F", "pid,tid,time,event,trace"], capture_output=True, text=True).stdout
rows = []
ours = set()
for line in out.split("\n"):
    m = re.match(r"\s*(\d+)/(-?\d+)\s+([\d.]+):\s+(\S+):\s+(.*)", line)
    if not m: continue
    p, tid, t, ev, tr = int(m.group(1)), int(m.group(2)), float(m.group(3)), m.group(4), m.group(5)
    if p == pid: ours.add(tid)
    rows.append((t, ev, tr))
    if "wakeup_new" in ev and p == pid:
        mm = re.search(r"pid=(\d+)", tr); ours.add(int(mm.group(1)))
runnable = set(); running = set(); last = None; t0 = None
wall = collections.Counter(); cpu = collections.Counter(); tl = collections.defaultdict(collections.Counter)
for t, ev, tr in rows:
    if ev.startswith("sched:sched_switch"):
        m = re.search(r"prev_pid=(\d+) .*?prev_state=(\S+) ==> next_comm=.*? next_pid=(\d+)", tr)
        pp, ps, np_ = int(m.group(1)), m.group(2), int(m.group(3))
        if pp not in ours and np_ not in ours: continue
    else:
        m = re.search(r"pid=(\d+)", tr)
        if int(m.group(1)) not in ours: continue
    if t0 is None: t0 = t
    if last is not None and t > last:
        k = min(len(runnable), 3)
        wall[k] += t - last; cpu[k] += (t - last) * len(running)
        tl[int((last - t0) / step)][k] += (t - last) * len(running)
    last = t
    if ev.startswith("sched:sched_switch"):
        if pp in ours:
            running.discard(pp)
            if ps.startswith("R"): runnable.add(pp)
            else: runnable.discard(pp)
        if np_ in ours: running.add(np_); runnable.add(np_)
    else:
        runnable.add(int(m.group(1)))
W = sum(wall.values()); C = sum(cpu.values())
print(f"threads {len(ours)}; wall {W:.3f} s, CPU {C:.3f} s; CPU by runnable count: " + ", ".join(f"{k}{'+' if k==3 else ''}: {cpu[k]:.3f} s ({100*cpu[k]/C:.1f}%)" for k in sorted(cpu)))
serial = cpu[1] + cpu[0]
print(f"serial CPU {serial:.3f} s; 2-core model wall {serial + (C - serial)/2:.3f} s (CPU/2 = {C/2:.3f})")
if "-t" in sys.argv:
    for b in sorted(tl):
        c = tl[b]; print(f"{b*step:6.2f}s " + " ".join(f"r{k}={c[k]:.3f}" for k in sorted(c)))
