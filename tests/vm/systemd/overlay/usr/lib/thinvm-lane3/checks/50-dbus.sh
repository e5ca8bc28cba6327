#!/bin/sh
# The D-Bus system bus answers.
echo "+ busctl --system list"
if ! out=$(timeout 30 busctl --system --no-pager --no-legend list 2>&1); then
	echo "$out"
	echo "busctl --system list failed"
	exit 1
fi
echo "$out"
if ! echo "$out" | grep -q '^org\.freedesktop\.DBus '; then
	echo "org.freedesktop.DBus is not on the system bus"
	exit 1
fi
echo "system bus answers, org.freedesktop.DBus listed"
