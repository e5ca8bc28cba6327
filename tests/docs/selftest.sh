#!/bin/bash
# tests/docs/selftest.sh: the checks of tests/docs/ can fail. Runs run.sh on
# pages with deliberate errors and completion.sh on broken completions, and
# checks that they say FAIL where they must (and PASS where they must: a
# check that fails everything proves nothing).
#
# Prints "PASS docs/selftest-NAME" or "FAIL docs/selftest-NAME: why"; exits 1
# if any failed.

root=$(cd "$(dirname "$0")/../.." && pwd)
docs=$root/tests/docs
failed=0

pass() { echo "PASS docs/selftest-$1"; }
fail() {
	echo "FAIL docs/selftest-$1: $2"
	failed=1
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# expect NAME OUTPUT_FILE LINE_PATTERN...: each grep -E pattern must match
# a whole line of OUTPUT_FILE.
expect() {
	local name=$1 out=$2 p
	shift 2
	for p in "$@"; do
		if ! grep -qxE -- "$p" "$out"; then
			fail "$name" "no line matching \"$p\" in: $(paste -sd'|' "$out")"
			return
		fi
	done
	pass "$name"
}

# --- man pages -----------------------------------------------------------

man_dir=$tmp/man
mkdir -p "$man_dir"
page() { printf '.TH %s 1 2026-11-21 thinvm "User Commands"\n%s\n' "$1" "$2" \
	>"$man_dir/$3.1"; }
page GOOD '.SH NAME
good \- a page without fault
.SH DESCRIPTION
Some \fBbold\fR text.' good
page MACRO '.SH NAME
macro \- an undefined macro
.SH DESCRIPTION
.BOGUS text' macro
page WIDE ".SH NAME
wide \\- a word wider than the terminal
.SH DESCRIPTION
$(printf 'x%.0s' $(seq 1 120))" wide
page NONAME '.SH DESCRIPTION
No NAME section.' noname
page ESCAPE '.SH NAME
escape \- an escape only mandoc minds
.SH DESCRIPTION
A \fXfont that does not exist.' escape

"$docs/run.sh" "$man_dir" >"$tmp/man.out" 2>&1
rc=$?
expect man-good-page "$tmp/man.out" 'PASS docs/man-good\.1'
expect man-undefined-macro "$tmp/man.out" "FAIL docs/man-macro\.1: .*macro 'BOGUS' not defined"
expect man-unbreakable-line "$tmp/man.out" "FAIL docs/man-wide\.1: .*can't break line"
expect man-no-name-section "$tmp/man.out" 'FAIL docs/man-noname\.1: .*NAME.*'
if command -v mandoc >/dev/null 2>&1; then
	expect man-mandoc-warning "$tmp/man.out" 'FAIL docs/man-escape\.1: mandoc: .*WARNING: invalid escape.*'
else
	echo "SKIP docs/selftest-man-mandoc-warning: mandoc is not installed"
fi
if [ "$rc" -ne 0 ]; then
	pass man-exit-status
else
	fail man-exit-status "run.sh exited 0 with failing pages"
fi
mkdir -p "$tmp/empty"
"$docs/run.sh" "$tmp/empty" >"$tmp/empty.out" 2>&1
expect man-no-pages "$tmp/empty.out" 'FAIL docs/man: no man page .*'

# --- bash completion -----------------------------------------------------

completion=$root/completion/vmctl.bash
"$docs/completion.sh" "$completion" >"$tmp/real.out" 2>&1
checks=$(sed -n 's/^[A-Z]* docs\/completion-\([^:]*\).*/\1/p' "$tmp/real.out" | sort -u)
if [ "$(wc -l <<<"$checks")" -lt 10 ]; then
	fail completion-checks-ran "completion.sh reported only: $(paste -sd'|' "$tmp/real.out")"
fi

# Completions that are wrong everywhere: one offers nothing and never asks
# for nospace, one offers a word nobody wants, one registers nothing, one is
# not found under its installed name, one is noisy when sourced. Between
# them, every check of completion.sh must fail at least once.
cat >"$tmp/empty.bash" <<'EOF'
_vmctl_none() { COMPREPLY=(); }
complete -F _vmctl_none vmctl
EOF
cat >"$tmp/junk.bash" <<'EOF'
_vmctl_junk() { COMPREPLY=(junk); }
complete -F _vmctl_junk vmctl
EOF
cat >"$tmp/unregistered.bash" <<'EOF'
_vmctl_unused() { COMPREPLY=(); }
EOF
cat >"$tmp/unloadable.bash" <<'EOF'
_vmctl_none() { COMPREPLY=(); }
complete -F _vmctl_none vmctl
# Fails when sourced under its installed name, as bash-completion does.
[[ ${BASH_SOURCE[0]} != */completions/vmctl ]]
EOF
cat >"$tmp/noisy.bash" <<'EOF'
echo "vmctl completion: hello" >&2
EOF
: >"$tmp/union"
for v in empty junk unregistered unloadable noisy; do
	"$docs/completion.sh" "$tmp/$v.bash" >"$tmp/$v.out" 2>&1
	sed -n 's/^FAIL docs\/completion-\([^:]*\):.*/\1/p' "$tmp/$v.out" >>"$tmp/union"
done
BASH_COMPLETION_MAIN=$tmp/nowhere "$docs/completion.sh" "$completion" \
	>"$tmp/nobc.out" 2>&1
sed -n 's/^FAIL docs\/completion-\([^:]*\):.*/\1/p' "$tmp/nobc.out" >>"$tmp/union"
never=$(sort -u "$tmp/union" | comm -23 <(echo "$checks") -)
if [ -z "$never" ]; then
	pass completion-every-check-can-fail
else
	fail completion-every-check-can-fail "never failed with a broken completion: $(echo $never)"
fi
expect completion-missing-bash-completion "$tmp/nobc.out" 'FAIL docs/completion-setup: bash-completion is not installed.*'

# The value lists are checked against the library one by one: a list that
# drifts fails the checks of that list (CHECKS, an extended regular
# expression, each of them) and no other.
drift() { # NAME CHECKS SED_EXPRESSION
	local c bad=
	sed -e "$3" "$completion" >"$tmp/$1.bash"
	if cmp -s "$completion" "$tmp/$1.bash"; then
		fail "$1" "the sed expression changed nothing: the completion's lists moved"
		return
	fi
	"$docs/completion.sh" "$tmp/$1.bash" >"$tmp/$1.out" 2>&1
	for c in $(grep -xE "$2" <<<"$checks"); do
		grep -q "^FAIL docs/completion-$c:" "$tmp/$1.out" || bad+=" $c"
	done
	others=$(grep '^FAIL ' "$tmp/$1.out" | grep -vE "^FAIL docs/completion-($2):")
	if [ -z "$(grep -xE "$2" <<<"$checks")" ]; then
		fail "$1" "completion.sh has no check matching $2"
	elif [ -n "$bad" ]; then
		fail "$1" "did not fail:$bad"
	elif [ -n "$others" ]; then
		fail "$1" "more failed than $2: $(echo "$others" | paste -sd'|')"
	else
		pass "$1"
	fi
}
drift completion-drift-feature 'list-features' 's/ vnmi'"'"'/'"'"'/'
drift completion-drift-hotplug-mode 'list-hotplug-modes' \
	"s/'reject reject-while-running'/'reject reject-while-running quarantine'/"
drift completion-drift-hypercall 'list-hypercall(s|-default|-exit)' \
	's/ send_ipi / /'

exit "$failed"
