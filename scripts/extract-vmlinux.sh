#!/bin/sh
# Print the uncompressed ELF vmlinux held in a bzImage (Debian compresses with
# xz; gzip is tried too). Like the kernel's scripts/extract-vmlinux, which the
# Debian headers do not ship. Usage: scripts/extract-vmlinux.sh BZIMAGE > vmlinux
set -eu

img=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

try() {
	# $1: magic as printf escapes, $2: grep pattern, $3: decompressor
	for off in $(LC_ALL=C grep -abo -P "$2" "$img" | cut -d: -f1); do
		tail -c +"$((off + 1))" "$img" | $3 >"$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
			cat "$tmp"
			exit 0
		fi
	done
}

try xz '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc --single-stream'
try gzip '\x1f\x8b\x08' 'gzip -dc'
echo "extract-vmlinux: no xz or gzip ELF payload found in $img" >&2
exit 1
