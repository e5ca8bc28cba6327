#!/bin/bash
# tests/docs/completion.sh [COMPLETION_FILE]: vmctl's bash completion
# (completion/vmctl.bash by default), loaded with bash-completion, asked for
# representative command lines as bash would ask; its value lists are
# compared with the names of lib/thinvm_names.c and lib/thinvm_features.c.
#
# Prints "PASS docs/completion-NAME" or "FAIL docs/completion-NAME: why",
# one line per check; exits 1 if any failed. Needs bash-completion and a C
# compiler (scripts/deps.sh installs both).
#
# Completion is simulated: COMP_WORDS is split the way bash splits a line
# (the characters of COMP_WORDBREAKS, such as "=", are words of their own),
# and the function vmctl is registered with is called as bash calls it.

root=$(cd "$(dirname "$0")/../.." && pwd)
file=${1:-$root/completion/vmctl.bash}
failed=0

pass() { echo "PASS docs/completion-$1"; }
fail() {
	echo "FAIL docs/completion-$1: $2"
	failed=1
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# bash-completion itself; BASH_COMPLETION_MAIN names another copy.
main=${BASH_COMPLETION_MAIN:-/usr/share/bash-completion/bash_completion}
if [ ! -r "$main" ]; then
	fail setup "bash-completion is not installed ($main missing; scripts/deps.sh installs it)"
	exit 1
fi
# shellcheck disable=SC1090
. "$main"
if ! declare -F _init_completion >/dev/null; then
	fail setup "$main did not define _init_completion"
	exit 1
fi

# The names the library knows, through the library itself.
if ! cc -std=gnu11 -D_GNU_SOURCE -I"$root/include/uapi" -I"$root/lib" \
	-o "$tmp/list_names" "$root/tests/docs/list_names.c" \
	"$root/lib/thinvm_names.c" "$root/lib/thinvm_features.c" \
	2>"$tmp/cc.log" || ! "$tmp/list_names" >"$tmp/names"; then
	fail setup "cannot build or run tests/docs/list_names.c: $(head -n1 "$tmp/cc.log")"
	exit 1
fi
names() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/names"; }

# The completion file, as vmctl's: it must register a function for vmctl.
complete -r vmctl 2>/dev/null
# shellcheck disable=SC1090
if ! . "$file" 2>"$tmp/source.log" || [ -s "$tmp/source.log" ]; then
	fail source "sourcing $file failed or wrote to stderr: $(head -n1 "$tmp/source.log")"
	exit 1
fi
spec=$(complete -p vmctl 2>/dev/null)
func=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
if [ -z "$func" ] || ! declare -F "$func" >/dev/null; then
	fail registered "$file registers no completion function for vmctl (complete -p: ${spec:-nothing})"
	exit 1
fi
pass registered

# compopt only works inside a real completion: record what is asked.
compopt() { compopts+=" $*"; }

# complete LINE [COMMAND]: COMPREPLY for LINE, the cursor at its end.
# COMMAND is what the function gets as $1 (the vmctl to run), vmctl by
# default.
complete_line() {
	local line=$1 cmd=${2:-vmctl} w= kind= k c i
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:space:]] ]]; then
			[[ $w ]] && COMP_WORDS+=("$w")
			w= kind=
			continue
		fi
		k=word
		[[ $COMP_WORDBREAKS == *"$c"* ]] && k=break
		if [[ $w && $k != "$kind" ]]; then
			COMP_WORDS+=("$w")
			w=
		fi
		w+=$c kind=$k
	done
	COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9 COMP_KEY=9
	COMPREPLY=() compopts=
	"$func" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

# The words given, sorted and unique, on one line.
set_of() { [ $# -gt 0 ] && printf '%s\n' "$@" | sort -u | paste -sd' ' -; }

# check NAME LINE EXPECTED...: LINE<TAB> must offer exactly EXPECTED.
check() {
	local name=$1 line=$2 got want
	shift 2
	complete_line "$line"
	got=$(set_of "${COMPREPLY[@]}")
	want=$(set_of "$@")
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "\"$line<TAB>\" offers [$got], expected [$want]"
	fi
}

# nospace NAME LINE: LINE<TAB> must ask for no space after the word.
nospace() {
	complete_line "$2"
	if [[ $compopts == *"-o nospace"* ]]; then
		pass "$1"
	else
		fail "$1" "\"$2<TAB>\" lets bash add a space after [${COMPREPLY[*]}]"
	fi
}

COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
keys='hypercall-ceiling hypercall-default hotplug-mode hidden-features hyperv-vcpu-limit vm-max-vcpus'

# Verbs and global options (vmctl(8)).
check verbs "vmctl " status cpus vms vm policy events profile run
check verb-prefix "vmctl st" status
check global-options "vmctl --" --json --no-legend --help
check verb-after-option "vmctl --json --no-legend p" policy profile

# profile
check profile-arguments "vmctl profile " baseline --cpuid
check profile-cpuid-alone "vmctl profile --cpuid "
check no-arguments "vmctl status "

# policy
check policy-subverbs "vmctl policy " show set reset
check policy-keys "vmctl policy set " $(printf '%s= ' $keys)
check policy-key-prefix "vmctl policy set hot" hotplug-mode=
nospace policy-key-nospace "vmctl policy set hot"
check policy-key-once "vmctl policy set hotplug-mode=reject hy" \
	hypercall-ceiling= hypercall-default= hyperv-vcpu-limit=
check policy-reset "vmctl policy reset " $keys
check policy-reset-once "vmctl policy reset hotplug-mode hy" \
	hypercall-ceiling hypercall-default hyperv-vcpu-limit
check value-prefix "vmctl policy set hotplug-mode=reject-" reject-while-running
check value-number "vmctl policy set hyperv-vcpu-limit="
check list-item "vmctl policy set hidden-features=pml,vm" pml,vmcb-clean pml,vmfunc
nospace list-nospace "vmctl policy set hidden-features=pml,vm"
check list-whole-values-first "vmctl policy set hypercall-default=map_gpa_range,a"

# The value lists are the library's.
check list-hotplug-modes "vmctl policy set hotplug-mode=" $(names hotplug-mode)
check list-hypercalls "vmctl policy set hypercall-ceiling=" $(names hypercall) none all
check list-hypercall-default "vmctl policy set hypercall-default=" $(names hypercall) none all
check list-features "vmctl policy set hidden-features=" $(names feature) none
check features-no-all "vmctl policy set hidden-features=a" apic-register-virt avic

# Where "=" does not break words, readline replaces the whole KEY=VALUE.
saved=$COMP_WORDBREAKS
COMP_WORDBREAKS=${COMP_WORDBREAKS//=/}
check value-without-equals-break "vmctl policy set hotplug-mode=rej" \
	hotplug-mode=reject hotplug-mode=reject-while-running
COMP_WORDBREAKS=$saved

# vm: ids and names from "vmctl --no-legend vms", silently nothing on failure.
cat >"$tmp/vmctl-ok" <<'EOF'
#!/bin/sh
[ "$*" = "--no-legend vms" ] || { echo "vmctl: unexpected arguments: $*" >&2; exit 2; }
echo "ID NAME PID VCPUS HYPERCALL-EXIT"
echo "3 web 1234 1 map_gpa_range"
echo "7 - 99 2 none"
echo "12 db.primary 55 4 none"
echo "15  4321 1 none"
EOF
cat >"$tmp/vmctl-down" <<'EOF'
#!/bin/sh
echo "vmctl: thinvmd is not running and could not be started (systemctl start thinvmd)" >&2
exit 4
EOF
chmod +x "$tmp/vmctl-ok" "$tmp/vmctl-down"
check vm-subverbs "vmctl vm " show policy
complete_line "vmctl vm show " "$tmp/vmctl-ok"
got=$(set_of "${COMPREPLY[@]}")
if [ "$got" = "$(set_of 3 7 12 15 web db.primary)" ]; then
	pass vm-ids
else
	fail vm-ids "\"vmctl vm show <TAB>\" offers [$got], expected the ids and names vmctl vms lists"
fi
complete_line "vmctl vm policy " "$tmp/vmctl-down" 2>"$tmp/stderr"
if [ ${#COMPREPLY[@]} -eq 0 ] && [ ! -s "$tmp/stderr" ]; then
	pass vm-ids-failure
else
	fail vm-ids-failure "with vmctl vms failing, offers [${COMPREPLY[*]}] and writes [$(head -n1 "$tmp/stderr")]"
fi
check vm-policy-key "vmctl vm policy web " hypercall-exit=
check list-hypercall-exit "vmctl vm policy 3 hypercall-exit=" $(names hypercall) none all

# run [OPTIONS] IMAGE
mkdir -p "$tmp/images/sub"
: >"$tmp/images/hello.elf"
: >"$tmp/images/hello.bin"
check run-options "vmctl run --" --device --memory --cpus --name --format --load-addr --stats
check run-format "vmctl run --format " elf flat
check run-format-equals "vmctl run --format=f" flat
check run-option-value "vmctl run --memory "
cd "$tmp/images" || exit 1
check run-image "vmctl run -c 2 --name demo " hello.bin hello.elf sub
check run-image-prefix "vmctl run he" hello.bin hello.elf
check run-device "vmctl run --device hello.e" hello.elf
check run-one-image "vmctl run hello.elf "
cd "$root" || exit 1

# Installed under its name, bash-completion's loader finds it.
mkdir -p "$tmp/user/completions"
cp "$file" "$tmp/user/completions/vmctl"
complete -r vmctl
if BASH_COMPLETION_USER_DIR=$tmp/user __load_completion vmctl &&
	complete -p vmctl >/dev/null 2>&1; then
	pass loader
else
	fail loader "bash-completion's loader does not register vmctl from completions/vmctl"
fi

exit "$failed"
