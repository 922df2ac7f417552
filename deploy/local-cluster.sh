#!/usr/bin/env bash
# A local cluster on this machine: a private PostgreSQL, N silos on loopback ports and one api gateway.
#
#   deploy/local-cluster.sh start [N]        build, start PostgreSQL, apply the schema, N silos (default 3), the api on :5080
#   deploy/local-cluster.sh add-silo         one more silo; it joins and starts taking grains, nothing else restarts
#   deploy/local-cluster.sh stop-silo K      SIGTERM silo K: it leaves and hands its grains over
#   deploy/local-cluster.sh kill-silo K      SIGKILL silo K: the others declare it dead in about 10 s
#   deploy/local-cluster.sh status           processes and membership
#   deploy/local-cluster.sh stop             stop the api, every silo and PostgreSQL
#
# State (PostgreSQL data, logs, pids) lives in LOCAL_CLUSTER_STATE (default .local-cluster/ at the repository root).
# PGPORT (default 5433), API_URL (default http://localhost:5080), SILO_PORT_BASE and GATEWAY_PORT_BASE (silo K listens
# on base + K; defaults 11110 and 30000) can be set; LOCAL_CLUSTER_NO_BUILD=1 makes `start` use the existing Release
# build. Give every command the same settings. Local trust authentication on loopback only: no secret needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state="${LOCAL_CLUSTER_STATE:-$root/.local-cluster}"
case "$state" in /*) ;; *) state="$PWD/$state" ;; esac
pgport="${PGPORT:-5433}"
api_url="${API_URL:-http://localhost:5080}"
silo_port_base="${SILO_PORT_BASE:-11110}"
gateway_port_base="${GATEWAY_PORT_BASE:-30000}"
connection="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=collaboration"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
api_dll="$root/api/bin/Release/net10.0/Collaboration.Api.dll"
silo_dll="$root/silo/bin/Release/net10.0/Collaboration.Silo.dll"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Is pid $1 a running process of assembly $2? Not when it has ended (a zombie has no command line) nor when its pid
# now belongs to another program: only such pids are ever signalled.
runs() {
  local arg args=()
  mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
  for arg in "${args[@]}"; do [ "$arg" = "$2" ] && return 0; done
  return 1
}

# Waits up to $1 seconds for the processes that follow ("pid:assembly") to end; leaves those still running in $left.
wait_gone() {
  local deadline=$((SECONDS + $1)) entry still
  shift
  left=("$@")
  while :; do
    still=()
    for entry in "${left[@]}"; do
      if runs "${entry%%:*}" "${entry#*:}"; then still+=("$entry"); fi
    done
    left=("${still[@]}")
    if [ ${#left[@]} -eq 0 ] || [ $SECONDS -ge $deadline ]; then return 0; fi
    sleep 0.2
  done
}

cluster_env() {
  export Collaboration__Mode=Cluster ConnectionStrings__postgres="$connection"
  export Orleans__ClusterId=local Orleans__AdvertisedIP=127.0.0.1
}

start_postgres() {
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  mkdir -p "$state/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$state/pg"
  if [ ! -f "$state/pg/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$state/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$state/pg/data" -l "$state/pg/server.log" -w \
    -o "-p $pgport -k $state/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'collaboration'" | grep -q 1 ||
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -c "CREATE DATABASE collaboration" >/dev/null
}

start_silo() {
  local index=$1
  cluster_env
  Orleans__SiloPort=$((silo_port_base + index)) Orleans__GatewayPort=$((gateway_port_base + index)) \
    nohup dotnet "$silo_dll" </dev/null >"$state/silo-$index.log" 2>&1 &
  # A simple command in the background: bash forks once and nohup execs dotnet, so $! is dotnet's own pid.
  echo $! >"$state/silo-$index.pid"
  echo "silo $index: pid $!, silo port $((silo_port_base + index)), gateway port $((gateway_port_base + index))"
}

signal_silo() {
  local signal=$1 index=$2 file="$state/silo-$2.pid" pid
  [ -f "$file" ] || { echo "silo $index: no pid file in $state" >&2; exit 1; }
  pid=$(cat "$file")
  if runs "$pid" "$silo_dll"; then
    kill "-$signal" "$pid"
    echo "silo $index: sent SIG$signal to pid $pid"
  else
    echo "silo $index: pid $pid is not running"
  fi
  rm -f "$file"
}

case "${1:-}" in
  start)
    count="${2:-3}"
    mkdir -p "$state"
    # No build servers: they would outlive the script and hold its output open.
    [ "${LOCAL_CLUSTER_NO_BUILD:-}" = 1 ] ||
      dotnet build "$root/Collaboration.sln" -c Release -nologo -v quiet --disable-build-servers
    start_postgres
    cluster_env
    dotnet "$silo_dll" migrate
    for index in $(seq 1 "$count"); do start_silo "$index"; done
    # From its output folder, so the api finds its appsettings.json; exec makes the subshell's pid dotnet's own.
    (cd "$(dirname "$api_dll")" && ASPNETCORE_URLS="$api_url" exec nohup dotnet "$api_dll" </dev/null >"$state/api.log" 2>&1) &
    echo $! >"$state/api.pid"
    deadline=$((SECONDS + 120))
    until curl -fsS --max-time 5 "$api_url/health/ready" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { echo "the api did not answer $api_url/health/ready within 120 s; see $state/api.log" >&2; exit 1; }
      sleep 0.5
    done
    echo "api: $api_url (pid $(cat "$state/api.pid"))"
    ;;
  add-silo)
    last=$(ls "$state"/silo-*.log 2>/dev/null | sed 's/.*silo-\([0-9]*\).log/\1/' | sort -n | tail -n 1)
    start_silo $(( ${last:-0} + 1 ))
    ;;
  stop-silo) signal_silo TERM "${2:?which silo}" ;;
  kill-silo) signal_silo KILL "${2:?which silo}" ;;
  status)
    for file in "$state"/api.pid "$state"/silo-*.pid; do
      [ -f "$file" ] || continue
      name=$(basename "$file" .pid) dll=$silo_dll
      [ "$name" = api ] && dll=$api_dll
      if runs "$(cat "$file")" "$dll"; then echo "$name: pid $(cat "$file")"; else echo "$name: pid $(cat "$file"), not running"; fi
    done
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d collaboration -c \
      "SELECT address, port, generation, status, i_am_alive_time FROM orleans_membership_silo ORDER BY port, generation"
    ;;
  stop)
    # The api and the silos first, while PostgreSQL is still up for the silos to leave the membership; what still runs
    # after 10 s is killed. Then PostgreSQL. Only the pids in the pid files are signalled (see runs), so that other
    # clusters and test runs on this machine are left alone. Bounded: about 25 s at most.
    running=()
    for file in "$state"/api.pid "$state"/silo-*.pid; do
      [ -f "$file" ] || continue
      pid=$(cat "$file") dll=$silo_dll
      [ "$file" = "$state/api.pid" ] && dll=$api_dll
      if runs "$pid" "$dll" && kill -TERM "$pid" 2>/dev/null; then running+=("$pid:$dll"); fi
    done
    wait_gone 10 "${running[@]}"
    if [ ${#left[@]} -gt 0 ]; then
      for entry in "${left[@]}"; do
        kill -KILL "${entry%%:*}" 2>/dev/null || true
        echo "pid ${entry%%:*} ($(basename "${entry#*:}")) did not stop within 10 s: killed"
      done
      wait_gone 3 "${left[@]}"
    fi
    rm -f "$state"/api.pid "$state"/silo-*.pid
    if [ -f "$state/pg/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$state/pg/data" status >/dev/null; then
      as_postgres "$bin/pg_ctl" -D "$state/pg/data" -m fast -w -t 8 stop >/dev/null ||
        as_postgres "$bin/pg_ctl" -D "$state/pg/data" -m immediate -w -t 5 stop >/dev/null
    fi
    echo "stopped"
    ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
