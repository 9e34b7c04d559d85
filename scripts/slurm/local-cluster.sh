#!/bin/bash
# A real one-node Slurm cluster on this machine (munged, slurmctld, slurmd; two CPUs), for
# scripts/slurm/cluster-check.sh and for trying the sbatch scripts by hand. No systemd, no cgroups, no slurmdbd.
#
#   bash scripts/slurm/local-cluster.sh start    # installs slurm-wlm and munge with apt-get if missing; idempotent
#   bash scripts/slurm/local-cluster.sh status
#   bash scripts/slurm/local-cluster.sh stop     # cancels the cluster's jobs, stops the three daemons
#   bash scripts/slurm/local-cluster.sh purge    # stop, then remove the state directory
#   export SLURM_CONF=/tmp/perseus-slurm/slurm.conf   # then sbatch, squeue, sacct -c, scontrol ... talk to it
#
# Runs as root (apt-get, and SlurmUser=root). The configuration is scripts/slurm/cluster/slurm.conf.in; the state
# (configuration copy, munge key and socket, spool, logs, job-completion log) goes to $PERSEUS_SLURM_DIR
# (default /tmp/perseus-slurm). Ports: $PERSEUS_SLURM_PORT and the one after it (default 16817, 16818), away from
# a site installation's 6817/6818.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${PERSEUS_SLURM_DIR:-/tmp/perseus-slurm}
PORT=${PERSEUS_SLURM_PORT:-16817}
export SLURM_CONF=$STATE/slurm.conf
SOCKET=$STATE/munge/munge.socket

say() { echo "local-cluster: $*"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }   # alive PIDFILE
munge_ok() { [ -S "$SOCKET" ] && munge -n -S "$SOCKET" 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1; }

install() {
    local missing=() p
    for p in slurmctld slurmd slurm-client munge; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    [ "$(id -u)" -eq 0 ] || { echo "local-cluster: run as root (apt-get install ${missing[*]})" >&2; exit 1; }
    say "installing slurm-wlm munge (missing: ${missing[*]})"
    # Keep the packages' init scripts from starting a system munged/slurmctld with /etc's configuration.
    local policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge > "/tmp/perseus-slurm-apt.log" 2>&1 \
        || { [ -n "$policy" ] && rm -f "$policy"; cat /tmp/perseus-slurm-apt.log >&2; exit 1; }
    [ -n "$policy" ] && rm -f "$policy"
    say "installed $(dpkg-query -W -f='slurm ${Version}' slurmctld), $(dpkg-query -W -f='munge ${Version}' munge)"
}

configure() {
    mkdir -p "$STATE"/{munge,ctld,slurmd,log}
    chmod 755 "$STATE" "$STATE/munge"   # munged refuses a socket directory others can write to
    local memory
    memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
    sed -e "s|@STATE@|$STATE|g" -e "s|@HOST@|$(hostname -s)|g" -e "s|@MEMORY@|$memory|g" \
        -e "s|@CTLD_PORT@|$PORT|g" -e "s|@SLURMD_PORT@|$((PORT + 1))|g" "$HERE/cluster/slurm.conf.in" > "$STATE/slurm.conf.new"
    mv "$STATE/slurm.conf.new" "$STATE/slurm.conf"
    : > "$STATE/plugstack.conf"
}

start_munge() {
    munge_ok && return
    [ -f "$STATE/munge/munge.key" ] || mungekey --create --keyfile="$STATE/munge/munge.key"
    chmod 400 "$STATE/munge/munge.key"
    rm -f "$SOCKET" "$SOCKET.lock"
    munged --force --socket="$SOCKET" --key-file="$STATE/munge/munge.key" --pid-file="$STATE/munge/munged.pid" \
        --log-file="$STATE/log/munged.log" --seed-file="$STATE/munge/munged.seed"
    for _ in $(seq 50); do munge_ok && return; sleep 0.1; done
    echo "local-cluster: munged did not come up; see $STATE/log/munged.log" >&2; exit 1
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local t=$1 what=$2; shift 2
    for _ in $(seq $((t * 5))); do "$@" >/dev/null 2>&1 && return; sleep 0.2; done
    echo "local-cluster: $what did not happen within $t s; logs in $STATE/log" >&2; tail -5 "$STATE"/log/slurm*.log >&2; exit 1
}

node_state() { sinfo -h -N -o %T 2>/dev/null | head -1; }
node_ready() { case "$(node_state)" in idle|mixed|allocated|completing) return 0 ;; *) return 1 ;; esac; }

start() {
    install
    configure
    start_munge
    if ! alive "$STATE/slurmctld.pid"; then
        slurmctld -f "$SLURM_CONF"
        wait_for 30 "slurmctld answering" scontrol ping
    fi
    if ! alive "$STATE/slurmd.pid"; then
        slurmd -f "$SLURM_CONF" -N "$(hostname -s)"
    fi
    wait_for 60 "node registering" sinfo -h -N
    for _ in $(seq 150); do
        node_ready && break
        case "$(node_state)" in
            down*|drain*|fail*) scontrol update nodename="$(hostname -s)" state=resume 2>/dev/null || true ;;
        esac
        sleep 0.2
    done
    node_ready || { echo "local-cluster: node is $(node_state); see $STATE/log/slurmd.log" >&2; exit 1; }
    say "up: $(sinfo -h -o '%P %a %D node(s) %c CPUs %T'); slurmctld $(cat "$STATE/slurmctld.pid"), slurmd $(cat "$STATE/slurmd.pid"), munged $(cat "$STATE/munge/munged.pid")"
    say "export SLURM_CONF=$SLURM_CONF"
}

stop_pid() {  # stop_pid NAME PIDFILE: SIGTERM, then SIGKILL after 10 s
    local name=$1 file=$2 pid
    alive "$file" || { rm -f "$file"; return 0; }
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }; sleep 0.2; done
    say "$name ($pid) ignored SIGTERM; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; rm -f "$file"
}

stop() {
    [ -f "$SLURM_CONF" ] || { say "not configured ($STATE)"; return 0; }
    if alive "$STATE/slurmctld.pid"; then
        local jobs
        jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
        if [ -n "${jobs// }" ]; then
            say "cancelling jobs $jobs"
            # shellcheck disable=SC2086
            scancel --full $jobs 2>/dev/null || true
            for _ in $(seq 100); do [ -z "$(squeue -h -t running,completing 2>/dev/null)" ] && break; sleep 0.2; done
        fi
    fi
    stop_pid slurmd "$STATE/slurmd.pid"
    stop_pid slurmctld "$STATE/slurmctld.pid"
    stop_pid munged "$STATE/munge/munged.pid"
    say "stopped"
}

status() {
    local name file
    for name in munged slurmctld slurmd; do
        file=$STATE/$name.pid; [ "$name" = munged ] && file=$STATE/munge/munged.pid
        if alive "$file"; then echo "$name: running ($(cat "$file"))"; else echo "$name: stopped"; fi
    done
    alive "$STATE/slurmctld.pid" && sinfo && squeue
    return 0
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    purge) stop; rm -rf "$STATE"; say "removed $STATE" ;;
    *) echo "usage: $0 start|stop|status|purge" >&2; exit 2 ;;
esac
