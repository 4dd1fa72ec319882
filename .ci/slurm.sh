#!/usr/bin/env bash
# A single-node Slurm cluster for the tests, on a fresh Debian machine, as root, without systemd.
#
#   bash .ci/slurm.sh up      install slurm-wlm and munge if missing, write slurm.conf, start
#                             munged, slurmctld and slurmd, wait until the node is idle
#   bash .ci/slurm.sh down    stop only the daemons `up` started (their PIDs are kept in
#                             $STATE/pids), never any other slurm or munge process
#   bash .ci/slurm.sh status  which of those daemons are alive (from /proc), and sinfo
#
# Accounting is off (no slurmdbd): sacct does not work, squeue/scontrol/sbatch do. A killed
# daemon may linger as a zombie, so liveness is read from /proc/<pid>/stat, never from sinfo.
set -euo pipefail

STATE=/run/rfm-slurm
CONF=/etc/slurm/slurm.conf
MARK="# written by rfm .ci/slurm.sh"

alive() { # pid [name] → 0 when the process exists, is not a zombie and (if given) is `name`
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # field 3 (after the parenthesised command name) is the state
  [[ "${stat##*) }" != Z* ]] || return 1
  [[ -z ${2:-} || $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]
}

# $STATE/pids holds "pid name" per daemon started here; keep only those still running, so a
# pid reused by another process after a reboot is never touched.
prune() {
  [[ -f $STATE/pids ]] || return 0
  local kept
  kept=$(while read -r pid name; do alive "$pid" "$name" && echo "$pid $name"; done < "$STATE/pids" || true)
  printf '%s\n' "$kept" | sed '/^$/d' > "$STATE/pids"
}

install() {
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then return; fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge
}

write_conf() {
  if [[ -f $CONF ]] && ! grep -qF "$MARK" "$CONF"; then
    echo "slurm.sh: $CONF exists and was not written by this script; refusing to replace it" >&2
    exit 1
  fi
  local host node
  host=$(hostname -s)
  # slurmd -C prints the node line (CPUs, sockets, memory) and an UpTime line.
  node=$(slurmd -C | head -n 1)
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm "$STATE"
  cat > "$CONF" <<CONF
$MARK
ClusterName=rfmci
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.txt
JobAcctGatherType=jobacct_gather/none
DependencyParameters=kill_invalid_depend
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=300
KillWait=10
$node
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start_munge() {
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    if command -v mungekey >/dev/null; then mungekey --create --force; else create-munge-key -f; fi
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  # Reuse a munged that is already answering (not ours: we do not record it, so down keeps it).
  if munge -n >/dev/null 2>&1; then return; fi
  runuser -u munge -- munged
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null
  echo "$(cat /run/munge/munged.pid) munged" >> "$STATE/pids"
}

start_daemon() { # name
  local pidfile="$STATE/$1.pid"
  if [[ -f $pidfile ]] && alive "$(cat "$pidfile")" "$1"; then return; fi
  "$1"
  for _ in $(seq 50); do [[ -s $pidfile ]] && break; sleep 0.1; done
  [[ -s $pidfile ]] || { echo "slurm.sh: $1 wrote no pid file; see /var/log/slurm/$1.log" >&2; exit 1; }
  echo "$(cat "$pidfile") $1" >> "$STATE/pids"
}

up() {
  [[ $(id -u) == 0 ]] || { echo "slurm.sh: run as root" >&2; exit 1; }
  install
  write_conf
  touch "$STATE/pids"
  prune
  start_munge
  start_daemon slurmctld
  start_daemon slurmd
  for _ in $(seq 300); do
    if [[ $(sinfo -h -o %T 2>/dev/null) == idle* ]]; then
      sinfo
      return
    fi
    for d in slurmctld slurmd; do
      alive "$(cat "$STATE/$d.pid")" "$d" || { echo "slurm.sh: $d died; tail of its log:" >&2; tail -n 20 "/var/log/slurm/$d.log" >&2; exit 1; }
    done
    sleep 0.1
  done
  echo "slurm.sh: the node did not become idle in 30 s" >&2
  sinfo >&2 || true
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2
  exit 1
}

down() {
  [[ -f $STATE/pids ]] || return 0
  # Reverse start order: slurmd, slurmctld, munged.
  tac "$STATE/pids" | while read -r pid name; do
    if alive "$pid" "$name"; then kill -TERM "$pid"; fi
    for _ in $(seq 100); do alive "$pid" "$name" || break; sleep 0.1; done
  done
  rm -f "$STATE/pids"
}

status() {
  [[ -f $STATE/pids ]] || { echo "no daemons started by slurm.sh"; return; }
  while read -r pid name; do
    if alive "$pid" "$name"; then echo "$pid $name alive"; else echo "$pid $name gone"; fi
  done < "$STATE/pids"
  sinfo || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
