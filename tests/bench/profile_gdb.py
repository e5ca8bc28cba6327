# gdb -batch -x profile_gdb.py, from tests/bench/profile.sh: connect to
# QEMU's gdb stub, stop at the instruction after VMRUN (PROFILE_BP), then
# single-step PROFILE_TRIPS round trips back to it, writing every
# instruction pointer to PROFILE_OUT (one hex address a line, "TRIP" between
# round trips). QEMU steps with interrupts and timers off, so a trip is
# the loop alone.
import os

import gdb

MAX_STEPS = 200000

port = os.environ["PROFILE_PORT"]
bp = int(os.environ["PROFILE_BP"], 16)
trips = int(os.environ.get("PROFILE_TRIPS", "3"))
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:%s" % port)
gdb.execute("hbreak *0x%x" % bp)
gdb.execute("continue")
gdb.execute("delete")
with open(os.environ["PROFILE_OUT"], "w") as out:
    for _ in range(trips):
        out.write("TRIP\n")
        for _ in range(MAX_STEPS):
            gdb.execute("stepi", to_string=True)
            pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
            out.write("%x\n" % pc)
            if pc == bp:
                break
        else:
            raise gdb.GdbError("no way back to VMRUN in %d steps" % MAX_STEPS)
gdb.execute("detach")
