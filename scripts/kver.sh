#!/bin/sh
# Print the Debian kernel version thinvm builds and tests against.
#
# Resolved from the linux-headers-amd64 meta package (what `apt-get install
# linux-headers-amd64` gives today), never hard-coded. KVER in the environment
# overrides it, for building against another installed kernel.
set -eu

if [ -n "${KVER:-}" ]; then
	echo "$KVER"
	exit 0
fi

dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
kver=$(echo "$dep" | sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
if [ -z "$kver" ]; then
	echo "kver: linux-headers-amd64 is not installed (run scripts/deps.sh)" >&2
	exit 1
fi
echo "$kver"
