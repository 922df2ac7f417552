#!/bin/sh
# Starts the silo with Orleans:AdvertisedIP set to this container's own address, unless one was given.
# Other silos and the gateway clients dial the address a silo writes into the membership table. Left alone, Orleans
# takes the lowest non-loopback IPv4 of any interface, which is wrong on a container with several networks. The
# container's hostname resolves to its primary address in both Docker and Kubernetes (/etc/hosts).
set -eu
if [ -z "${Orleans__AdvertisedIP:-}" ]; then
  address=$(getent ahostsv4 "${HOSTNAME:-$(cat /etc/hostname)}" | { read -r first _ || true; echo "${first:-}"; })
  case "$address" in
    "" | 127.*) ;; # nothing usable: let Orleans choose
    *) export Orleans__AdvertisedIP="$address" ;;
  esac
fi
exec dotnet /app/Collaboration.Silo.dll "$@"
