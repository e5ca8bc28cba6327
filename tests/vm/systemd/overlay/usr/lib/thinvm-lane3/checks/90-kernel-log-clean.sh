#!/bin/sh
# The kernel log shows no warning, BUG, oops or call trace.
echo "+ dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace'"
bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace')
if [ -n "$bad" ]; then
	echo "$bad"
	echo "kernel log: $(echo "$bad" | head -n 1)"
	exit 1
fi
echo "kernel log clean"
