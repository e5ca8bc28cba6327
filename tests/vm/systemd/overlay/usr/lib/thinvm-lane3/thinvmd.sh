# Shared by the thinvmd checks (sourced): the bus, the probe, waiting.
B="busctl --no-pager"
M="org.thinvm.Manager1 /org/thinvm/Manager1 org.thinvm.Manager1"
T=/usr/lib/thinvm/tests

# The daemon's last words, then the reason (the runner shows the last line).
fail() {
	journalctl -u thinvmd -o short-monotonic --no-pager -n 8 2>/dev/null | sed 's/^/journal: /'
	echo "$*"
	exit 1
}

# The value of a Manager1 property, without its type: reject, 4096, ...
prop() { $B get-property $M "$1" | sed 's/^[a-z]* //; s/^"\(.*\)"$/\1/'; }

call() { echo "+ busctl call ... $*"; $B call $M "$@"; }

# Run "$@" every 50 ms until it succeeds or $1 seconds pass.
wait_for() {
	secs=$1
	shift
	i=0
	while [ "$i" -lt $((secs * 20)) ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

probe() { echo "+ hc_probe $*" >&2; "$T/hc_probe" "$@"; }

hotplug_is() { [ "$(cat /sys/kernel/thinvm/hotplug_mode)" = "$1" ]; }

active() { [ "$(systemctl is-active thinvmd)" = active ]; }
