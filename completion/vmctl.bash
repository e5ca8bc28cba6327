# bash completion for vmctl(8), the thinvm command-line tool  -*- shell-script -*-
#
# Installed as $(PREFIX)/share/bash-completion/completions/vmctl, where
# bash-completion loads it the first time vmctl is completed. Verbs and
# options follow vmctl(8). The value lists of _vmctl_values are the names
# of lib/thinvm_names.c (hotplug modes, hypercalls) and
# lib/thinvm_features.c (features): tests/docs/completion.sh fails when
# they differ, so change them together.

# The values KEY=VALUE takes for policy key $1, space-separated; nothing for
# keys whose value is a number.
_vmctl_values()
{
    case $1 in
        hotplug-mode)
            echo 'reject reject-while-running'
            ;;
        hypercall-ceiling | hypercall-default | hypercall-exit)
            echo 'vapic_poll_irq mmu_op features ppc_map_magic_page' \
                'kick_cpu mips_get_clock_freq mips_exit_vm' \
                'mips_console_output clock_pairing send_ipi sched_yield' \
                'map_gpa_range'
            ;;
        hidden-features)
            echo 'tsc-scaling perf-global-ctrl posted-interrupts pml' \
                'vmfunc preemption-timer apic-register-virt' \
                'virtual-interrupt-delivery shadow-vmcs xsaves' \
                'encls-exiting bus-lock-detection notify-vm-exiting' \
                'ipi-virtualization load-ia32-rtit-ctl load-ia32-bndcfgs' \
                'npt lbrv nrip-save tsc-rate-msr vmcb-clean flush-by-asid' \
                'decode-assists pause-filter pause-filter-threshold avic' \
                'v-vmsave-vmload vgif vnmi'
            ;;
    esac
}

# Whether policy key $1 takes a comma-separated list (or "none").
_vmctl_is_list()
{
    case $1 in
        hypercall-ceiling | hypercall-default | hypercall-exit | hidden-features)
            return 0
            ;;
    esac
    return 1
}

# The ids and names of the VMs, from "vmctl --no-legend vms" (ID and NAME
# are its first two columns); nothing, silently, when that fails. $1 is the
# vmctl being completed. A NAME of digits only is not offered: vmctl reads
# it as an id, and it may be the PID column of a VM without a name.
_vmctl_vms()
{
    local out
    out=$(timeout 3 "$1" --no-legend vms 2>/dev/null) || return 0
    awk '$1 ~ /^[0-9]+$/ {
        print $1
        if ($2 != "-" && $2 !~ /^[0-9]*$/) print $2
    }' <<<"$out"
}

# KEY=VALUE arguments: $1 is the keys, space-separated; words from index $2
# to the current one are this verb's KEY=VALUE arguments, whose keys are
# not offered again.
_vmctl_assignments()
{
    local keys=$1 first=$2 i key used=" "

    for ((i = first; i < cword; i++)); do
        used+="${words[i]%%=*} "
    done
    if [[ $cur == *=* ]]; then
        key=${cur%%=*}
        local value=${cur#*=} prefix= item list
        list=$(_vmctl_values "$key")
        [[ $list ]] || return
        item=$value
        if _vmctl_is_list "$key"; then
            compopt -o nospace
            if [[ $value == *,* ]]; then
                prefix=${value%,*},
                item=${value##*,}
            else
                # Whole values only: "none", and for masks "all", which
                # vmctl takes besides what tnl_hc_mask_parse() takes.
                list+=" none"
                [[ $key == hypercall-* ]] && list+=" all"
            fi
        fi
        COMPREPLY=($(compgen -P "$prefix" -W "$list" -- "$item"))
        # Readline replaces only what follows the "=" when "=" breaks words.
        [[ $COMP_WORDBREAKS == *=* ]] || COMPREPLY=("${COMPREPLY[@]/#/$key=}")
        return
    fi
    local k avail=
    for k in $keys; do
        [[ $used == *" $k "* ]] || avail+=" $k"
    done
    COMPREPLY=($(compgen -S = -W "$avail" -- "$cur"))
    [[ ${COMPREPLY-} ]] && compopt -o nospace
}

# vmctl run [OPTIONS] IMAGE, from the word after "run" (index $1) on.
_vmctl_run()
{
    local first=$1 i images=0

    case $prev in
        --device)
            _filedir
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W 'elf flat' -- "$cur"))
            return
            ;;
        -m | --memory | -c | --cpus | --name | --load-addr)
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--device -m --memory -c --cpus --name
            --format --load-addr --stats' -- "$cur"))
        return
    fi
    for ((i = first; i < cword; i++)); do
        case ${words[i]} in
            --device | -m | --memory | -c | --cpus | --name | --format | --load-addr)
                ((i++))
                ;;
            -*) ;;
            *) ((images++)) ;;
        esac
    done
    ((images == 0)) && _filedir
}

_vmctl()
{
    local cur prev words cword split
    _init_completion -s -n = || return

    local i verb= at=0
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} != -* ]]; then
            verb=${words[i]}
            at=$i
            break
        fi
    done

    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-j --json --no-legend -h --help' \
                -- "$cur"))
        else
            COMPREPLY=($(compgen -W 'status cpus vms vm policy events profile run' \
                -- "$cur"))
        fi
        return
    fi

    # Arguments of the verb before the current word.
    local nargs=$((cword - at - 1)) sub=${words[at + 1]-}
    case $verb in
        vm)
            if ((nargs == 0)); then
                COMPREPLY=($(compgen -W 'show policy' -- "$cur"))
            elif ((nargs == 1)) && [[ $sub == show || $sub == policy ]]; then
                COMPREPLY=($(compgen -W "$(_vmctl_vms "$1")" -- "$cur"))
            elif [[ $sub == policy ]]; then
                _vmctl_assignments 'hypercall-exit' $((at + 3))
            fi
            ;;
        profile)
            # profile [--cpuid] | profile baseline FILE... (saved --json profiles)
            if ((nargs == 0)); then
                COMPREPLY=($(compgen -W 'baseline --cpuid' -- "$cur"))
            elif [[ $sub == baseline ]]; then
                _filedir json
            fi
            ;;
        policy)
            if ((nargs == 0)); then
                COMPREPLY=($(compgen -W 'show set reset' -- "$cur"))
                return
            fi
            local keys='hypercall-ceiling hypercall-default hotplug-mode
                hidden-features hyperv-vcpu-limit vm-max-vcpus'
            case $sub in
                set)
                    _vmctl_assignments "$keys" $((at + 2))
                    ;;
                reset)
                    local used=" " k avail=
                    for ((i = at + 2; i < cword; i++)); do
                        used+="${words[i]} "
                    done
                    for k in $keys; do
                        [[ $used == *" $k "* ]] || avail+=" $k"
                    done
                    COMPREPLY=($(compgen -W "$avail" -- "$cur"))
                    ;;
            esac
            ;;
        run)
            _vmctl_run $((at + 1))
            ;;
    esac
} &&
    complete -F _vmctl vmctl

# ex: filetype=sh
