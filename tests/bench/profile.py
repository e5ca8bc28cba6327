#!/usr/bin/env python3
"""The two halves of make bench-profile (profile.sh) that need no emulator.

profile.py --breakpoint THINVM_KO KALLSYMS
    The address of the instruction after VMRUN in thinvm_svm_vmrun (where
    every exit lands), in hex: its offset in THINVM_KO, plus where KALLSYMS
    says the function is.
profile.py --report KALLSYMS TRACE ROW
    Names the function of every instruction in TRACE (profile_gdb.py) with
    KALLSYMS (/proc/kallsyms of the emulated host) and prints one round trip
    step by step (one line per run of instructions in one function), then
    the instructions per round trip of each function, most first, both of
    the trips of the most common length.
"""
import bisect
import collections
import subprocess
import sys

# Guest code of make bench's rows sits in the guest's first 64 KiB.
GUEST_TOP = 0x10000
KERNEL_BASE = 0xFFFF800000000000


def after_vmrun(ko):
    dump = subprocess.run(["objdump", "-d", ko], check=True, capture_output=True,
                          text=True).stdout
    start = None
    seen = False
    for line in dump.splitlines():
        if line.endswith("<thinvm_svm_vmrun>:"):
            start = int(line.split()[0], 16)
            continue
        if start is None or ":" not in line:
            continue
        addr = line.split(":")[0].strip()
        try:
            pc = int(addr, 16)
        except ValueError:
            continue
        if seen:
            return "%x" % (pc - start)
        if "\tvmrun" in line:
            seen = True
    sys.exit("profile.py: no VMRUN in thinvm_svm_vmrun of %s" % ko)


def breakpoint_at(ko, kallsyms):
    for line in open(kallsyms, errors="replace"):
        f = line.split()
        if len(f) >= 3 and f[2] == "thinvm_svm_vmrun":
            return "%x" % (int(f[0], 16) + int(after_vmrun(ko), 16))
    sys.exit("profile.py: no thinvm_svm_vmrun in %s" % kallsyms)


def load_symbols(path):
    syms = []
    for line in open(path, errors="replace"):
        f = line.split()
        if len(f) < 3 or f[1].lower() != "t":
            continue
        name = f[2] + (" " + f[3] if len(f) > 3 else "")
        syms.append((int(f[0], 16), name))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def namer(addrs, names):
    def name(pc):
        if pc < GUEST_TOP:
            return "(guest)"
        if pc < KERNEL_BASE:
            return "(host user space)"
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else "(unknown)"
    return name


def read_trips(path):
    trips = []
    for line in open(path):
        line = line.strip()
        if line == "TRIP":
            trips.append([])
        elif line:
            trips[-1].append(int(line, 16))
    return [t for t in trips if t]


def report(kallsyms, trace, row):
    name = namer(*load_symbols(kallsyms))
    trips = read_trips(trace)
    if not trips:
        sys.exit("profile.py: no round trip in %s" % trace)
    lengths = [len(t) for t in trips]
    # An interrupt or another exit can make a trip short or long: the
    # report is of the trips of the most common length.
    counts = collections.Counter(lengths)
    usual = max(counts, key=lambda n: (counts[n], n))
    kept = [t for t in trips if len(t) == usual]
    print("row %s: %d round trips of %s instructions (from the instruction after VMRUN"
          " back to it, guest included)" % (row, len(trips), ", ".join(map(str, lengths))))
    if len(kept) < len(trips):
        print("reported: the %d trips of %d instructions" % (len(kept), usual))
    print("\none round trip, step by step (a line per run of instructions in one"
          " function):")
    print("%6s %6s  %s" % ("instrs", "total", "function"))
    total = 0
    runs = []
    for pc in kept[0]:
        f = name(pc)
        if runs and runs[-1][0] == f:
            runs[-1][1] += 1
        else:
            runs.append([f, 1])
    for f, n in runs:
        total += n
        print("%6d %6d  %s" % (n, total, f))
    per = collections.Counter()
    for t in kept:
        for pc in t:
            per[name(pc)] += 1
    print("\ninstructions per round trip by function, most first:")
    for f, n in per.most_common():
        print("%8.1f %5.1f%%  %s" % (n / len(kept), 100.0 * n / (usual * len(kept)), f))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--breakpoint":
        print(breakpoint_at(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
