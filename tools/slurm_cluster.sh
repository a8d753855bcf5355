#!/usr/bin/env bash
# A one-node Slurm cluster on loopback, for testing `anneal sweep --slurm` (issue #15).
#
#   tools/slurm_cluster.sh start DIR   # installs slurm-wlm and munge when missing, starts munged, slurmctld, slurmd
#   tools/slurm_cluster.sh stop DIR    # cancels the cluster's jobs, then stops exactly the daemons `start` started
#   tools/slurm_cluster.sh env DIR     # prints the export line the clients need (SLURM_CONF)
#
# Runs as root without systemd: every path (config, munge key and socket, state, spool, logs, pid files) is
# inside DIR, the ports are non-default (SLURM_CLUSTER_PORT, default 26817, and the next one), the node is
# `localhost` with 2 CPUs, ProctrackType=proctrack/linuxproc and TaskPlugin=task/none (no cgroup.conf:
# Slurm 22.05 has no "disabled" cgroup plugin). The daemons run in the foreground (-F / -D) as children of
# this script's background jobs, so their PIDs are the ones recorded in DIR/pids/ and `stop` kills those,
# after checking that each PID still runs the daemon it was recorded for. Both commands are idempotent.
set -euo pipefail

die() { echo "slurm_cluster.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: $0 start|stop|env DIR"
cmd=$1
mkdir -p "$2" 2>/dev/null || die "cannot create folder $2"
dir=$(cd "$2" && pwd)
port=${SLURM_CLUSTER_PORT:-26817}
conf=$dir/slurm.conf
export SLURM_CONF=$conf
DAEMONS=(munged slurmctld slurmd)

# The PID recorded for daemon $1 when that process is still running it (its command line names DIR), else empty.
live_pid() {
  local f=$dir/pids/$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$1" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir"; then
    echo "$pid"
  fi
}

install_missing() {
  local need=()
  command -v slurmctld >/dev/null || [ -x /usr/sbin/slurmctld ] || need+=(slurm-wlm)
  command -v munged >/dev/null || [ -x /usr/sbin/munged ] || need+=(munge)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "${need[*]} missing and not root: install them (apt-get install slurm-wlm munge) or run as root"
  command -v apt-get >/dev/null || die "${need[*]} missing and no apt-get here: install Slurm (slurmctld, slurmd, sbatch) and munge"
  echo "slurm_cluster.sh: installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >"$dir/log/apt.log" 2>&1 || { tail -5 "$dir/log/apt.log" >&2; die "apt-get update failed (log: $dir/log/apt.log)"; }
  apt-get install -y -q --no-install-recommends "${need[@]}" >>"$dir/log/apt.log" 2>&1 \
    || { tail -5 "$dir/log/apt.log" >&2; die "apt-get install ${need[*]} failed (log: $dir/log/apt.log)"; }
}

write_config() {
  local host
  host=$(hostname -s)
  cat >"$conf" <<EOF
# Written by tools/slurm_cluster.sh: one node on loopback, everything under $dir.
ClusterName=anneal-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=10
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=2048 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

# Starts daemon $1 (the rest: its command line) in the background and records its PID.
launch() {
  local name=$1
  shift
  nohup "$@" >"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

wait_for() { # seconds, description, command...
  local n=$1 what=$2
  shift 2
  for _ in $(seq "$n"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "slurm_cluster.sh: $what did not happen within ${n}s; last log lines:" >&2
  tail -n 5 "$dir"/log/*.log "$dir"/log/*.out 2>/dev/null >&2 || true
  return 1
}

node_idle() { [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ]; }

start() {
  mkdir -p "$dir"/{munge,state,spool,run,log,pids}
  local running=0
  for d in "${DAEMONS[@]}"; do [ -n "$(live_pid "$d")" ] && running=$((running + 1)); done
  if [ $running -eq ${#DAEMONS[@]} ]; then
    echo "slurm_cluster.sh: already running in $dir"
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  [ $running -eq 0 ] || { stop; mkdir -p "$dir/pids"; }
  install_missing
  write_config
  chmod 700 "$dir/munge"
  if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
  fi
  launch munged /usr/sbin/munged -F --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  wait_for 20 "munged's socket" test -S "$dir/munge/munge.socket" || { stop; exit 1; }
  launch slurmctld /usr/sbin/slurmctld -D -i -f "$conf"
  wait_for 30 "slurmctld answering" scontrol ping || { stop; exit 1; }
  launch slurmd /usr/sbin/slurmd -D -N localhost -f "$conf"
  wait_for 60 "node localhost idle in sinfo" node_idle || { stop; exit 1; }
  echo "slurm_cluster.sh: one-node cluster up in $dir (munged $(cat "$dir/pids/munged"), slurmctld $(cat "$dir/pids/slurmctld"), slurmd $(cat "$dir/pids/slurmd"))"
  echo "export SLURM_CONF=$conf"
}

stop() {
  local any=0 pid
  if [ -n "$(live_pid slurmctld)" ] && [ -n "$(live_pid munged)" ]; then
    # Cancel this cluster's jobs first so that no job step outlives its slurmd.
    if [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
      scancel --full --user=root 2>/dev/null || true
      for _ in $(seq 30); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 1; done
    fi
  fi
  for d in slurmd slurmctld munged; do
    pid=$(live_pid "$d")
    if [ -n "$pid" ]; then
      any=1
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "slurm_cluster.sh: $d ($pid) ignored SIGTERM for 10 s; sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$dir/pids/$d"
  done
  if [ $any -eq 1 ]; then echo "slurm_cluster.sh: stopped the cluster in $dir"; else echo "slurm_cluster.sh: no cluster running in $dir"; fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) die "unknown command '$cmd' (allowed: start, stop, env)" ;;
esac
