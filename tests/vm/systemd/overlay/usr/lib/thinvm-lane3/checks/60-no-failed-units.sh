#!/bin/sh
# No unit failed during the boot.
echo "+ systemctl --failed"
failed=$(systemctl --failed --plain --no-legend --no-pager | awk '{ print $1 }')
if [ -n "$failed" ]; then
	for u in $failed; do
		echo "--- $u"
		systemctl status --no-pager -n 20 "$u"
	done
	echo "failed units:" $failed
	exit 1
fi
echo "no failed units"
