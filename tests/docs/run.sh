#!/bin/sh
# tests/docs/run.sh [MANDIR]: lint every man page in MANDIR (man/ by
# default): every file named NAME.SECTION, so new pages are covered as they
# come. Prints "PASS docs/man-PAGE" or "FAIL docs/man-PAGE: first warning",
# one line per page; exits 1 if any failed.
#
# A page fails on anything either formatter says about it:
#   - groff, through man-db as lintian runs it, but with every groff warning
#     (--warnings=w: undefined macros, strings and registers, bad escapes,
#     out-of-range values, lines that cannot be broken or adjusted at 80
#     columns, ...), rendered for a UTF-8 terminal; man-db exits 0 even when
#     groff warns, so any line on stderr is a failure;
#   - mandoc -T lint at level "warning" and above (warnings, errors,
#     unsupported requests); its "style" notes (long source lines and the
#     like) are not defects of the page and are not counted;
#   - lexgrog, which reads the NAME section as mandb does for whatis and
#     apropos: it must parse, and name the page's own NAME.
# Without mandoc (scripts/deps.sh installs it) one SKIP line says so and only
# groff checks the pages.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/man}

if ! command -v man >/dev/null 2>&1; then
	echo "FAIL docs/man: man (man-db) is not installed"
	exit 1
fi
have_mandoc=1
if ! command -v mandoc >/dev/null 2>&1; then
	have_mandoc=0
	echo "SKIP docs/man-mandoc-lint: mandoc is not installed (scripts/deps.sh installs it); groff checks only"
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The same result whatever the caller's environment says about man.
unset MANOPT MANROFFOPT MANROFFSEQ MANPAGER PAGER MANSECT
export LC_ALL=C.UTF-8 MANWIDTH=80

failed=0
found=0
for page in "$dir"/*.[1-9]; do
	[ -f "$page" ] || continue
	found=1
	name=${page##*/}
	why=
	if ! man --warnings=w -E UTF-8 -l -Tutf8 -Z "$page" \
		>/dev/null 2>"$tmp/groff"; then
		why="man -l failed: $(head -n1 "$tmp/groff")"
	elif [ -s "$tmp/groff" ]; then
		why=$(head -n1 "$tmp/groff")
	elif ! lexgrog "$page" >"$tmp/whatis" 2>&1; then
		why="lexgrog: the NAME section does not parse: $(head -n1 "$tmp/whatis")"
	elif ! sed 's/^[^"]*"//; s/ - .*//; s/, */\n/g' "$tmp/whatis" |
		grep -qxF "${name%.*}"; then
		why="the NAME section does not name ${name%.*}: $(head -n1 "$tmp/whatis")"
	elif [ "$have_mandoc" -eq 1 ]; then
		mandoc -T lint -W warning "$page" >"$tmp/mandoc" 2>&1
		rc=$?
		if [ -s "$tmp/mandoc" ]; then
			why=$(head -n1 "$tmp/mandoc")
		elif [ "$rc" -ne 0 ]; then
			why="mandoc -T lint exited $rc"
		fi
	fi
	if [ -z "$why" ]; then
		echo "PASS docs/man-$name"
	else
		# groff reads the page on its standard input: name it.
		echo "FAIL docs/man-$name: $why" | sed "s|<standard input>|$name|"
		failed=1
	fi
done

if [ "$found" -eq 0 ]; then
	echo "FAIL docs/man: no man page (NAME.SECTION) in $dir"
	exit 1
fi
exit "$failed"
