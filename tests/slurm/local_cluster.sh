#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A throw-away single-node Slurm cluster (munged + slurmctld + slurmd) living in one directory.
#
#   tests/slurm/local_cluster.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   tests/slurm/local_cluster.sh stop DIR
#   tests/slurm/local_cluster.sh logs DIR    # dumps the daemons' logs (for failure reports)
#
# or `source` it and call slurm_cluster_start/slurm_cluster_stop/slurm_cluster_logs DIR.
# Needs root (slurmd runs jobs as their submitter) and the Debian packages slurm-wlm and munge.
# Everything (munge key and socket, state, spool, logs, pid files) stays under DIR, so nothing in
# /etc or /run is touched and several clusters can run side by side: each gets its own free ports.
# Keep DIR short (e.g. mktemp -d /tmp/tsslurm.XXXXXX): Unix socket paths are limited to 107 bytes.

# Two currently free TCP ports on 127.0.0.1 (the kernel picks them; a race with another process
# taking one before slurmctld binds is possible but unlikely, and shows up as a start failure).
_slurm_free_ports() {
  python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()'
}

slurm_cluster_start() {
  local dir=${1:?usage: slurm_cluster_start DIR}
  local node ctld_port slurmd_port i
  mkdir -p "$dir"/{munge,state,spool,log}
  # munged refuses keys and sockets in group/world-writable dirs, and warns unless all may enter.
  chmod 711 "$dir" "$dir/munge"
  dir=$(cd "$dir" && pwd)
  node=$(hostname -s)
  read -r ctld_port slurmd_port < <(_slurm_free_ports)

  # munge: a private random key and socket, so no system munged or /etc/munge key is needed.
  head -c 1024 /dev/urandom > "$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"

  # auth/munge and cred/munge both read socket= from AuthInfo; client commands (sbatch, squeue)
  # read the same file through SLURM_CONF, so they talk to this munged and these daemons only.
  # CPUs: all of them (nproc alone would obey an OMP_NUM_THREADS set by the caller).
  cat > "$dir/slurm.conf" <<EOF
ClusterName=tokenscope-test
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge/socket
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
# Schedule on every event instead of every few seconds: keeps short test jobs short.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=${node} NodeAddr=127.0.0.1 CPUs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc) State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  # -i: ignore state from an earlier run (there is none; it just makes the start explicit).
  slurmctld -i
  slurmd

  # Wait until the node is idle, i.e. the controller heard from slurmd and jobs can start.
  for ((i = 0; i < 60; i++)); do
    if [[ $(sinfo -h -N -o '%T' 2>/dev/null) == idle ]]; then return 0; fi
    sleep 0.5
  done
  echo "local_cluster: node did not become idle within 30 s (sinfo: $(sinfo -h -N -o '%T' 2>&1))" >&2
  return 1
}

slurm_cluster_stop() {
  local dir=${1:?usage: slurm_cluster_stop DIR} pidfile pid i pids=()
  # Each daemon takes ~2 s to shut down, so signal all three at once, then wait (at most 10 s)
  # and SIGKILL whatever is left.
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [[ -s $pidfile ]] || continue
    pid=$(<"$pidfile")
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

slurm_cluster_logs() {
  local dir=${1:?usage: slurm_cluster_logs DIR} f
  for f in "$dir"/log/*.log; do
    [[ -f $f ]] || continue
    echo "===== $f (last 60 lines) ====="
    tail -n 60 "$f"
  done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  case ${1:-} in
    start) slurm_cluster_start "${2:?DIR}"; echo "export SLURM_CONF=$SLURM_CONF" ;;
    stop) slurm_cluster_stop "${2:?DIR}" ;;
    logs) slurm_cluster_logs "${2:?DIR}" ;;
    *) echo "usage: $0 start|stop|logs DIR" >&2; exit 2 ;;
  esac
fi
