#!/usr/bin/env bash
# Runs the tests of SalesCrm.
#
#   ./test.sh                 every test (what CI runs): domain, data, web, real servers and the browser
#   ./test.sh --fast          the fast loop: everything without a browser or an extra server process
#   ./test.sh --at WHEN       the run at another instant, under libfaketime; WHEN is what `date -d` reads, e.g.
#                             --at 'TZ="Europe/Moscow" 2027-01-01 00:05' (repeat --at for several instants in a row)
#   ./test.sh --instants      the whole suite at each boundary instant listed below, one after the other
#   ./test.sh --busy          while two processes keep both cores busy (what a shared CI machine looks like)
#   ./test.sh -- ARGS         further arguments for dotnet test (e.g. -- --filter "FullyQualifiedName~Approval")
#
# The tests start real servers and a real browser on 127.0.0.1 (PostgreSQL, Redis, Debian's Chromium).
# Missing machine packages are installed when running as root; otherwise the exact install line is printed.
set -euo pipefail
cd "$(dirname "$0")"

# Instants where a calendar-bound figure is most likely to be wrong (Moscow is UTC+3 all year).
BOUNDARY_INSTANTS=(
  'TZ="Europe/Moscow" 2027-01-01 00:05'   # the first minutes of a year in Moscow: still 31 December in UTC
  'TZ="Europe/Moscow" 2027-03-31 21:30'   # the last evening of a quarter
  'TZ="Europe/Moscow" 2028-02-29 12:00'   # 29 February
  'TZ="Europe/Moscow" 2027-02-01 08:00'   # a Monday 08:00, when the weekly pack is produced
  'TZ="Europe/Moscow" 2027-01-10 23:30'   # a Sunday night
  'TZ="Europe/Moscow" 2027-06-01 01:30'   # Moscow already in June, UTC still in May
)

fast=0
busy=0
instants=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=1 ;;
    --busy) busy=1 ;;
    --at) instants+=("$2"); shift ;;
    --instants) instants+=("${BOUNDARY_INSTANTS[@]}") ;;
    --) shift; extra+=("$@"); break ;;
    *) extra+=("$1") ;;
  esac
  shift
done

missing=()
if [ $fast -eq 0 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
fi
[ ${#instants[@]} -eq 0 ] || command -v faketime >/dev/null 2>&1 || missing+=(faketime)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing test dependencies: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing test dependencies: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The tests need: ${missing[*]}"
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

filter=()
[ $fast -eq 0 ] || filter=(--filter "Kind!=Server&Kind!=Browser")

burners=()
stop_burners() { [ ${#burners[@]} -eq 0 ] || kill "${burners[@]}" 2>/dev/null || true; }
trap stop_burners EXIT
if [ $busy -eq 1 ]; then
  for _ in 1 2; do (while :; do :; done) & burners+=($!); done
  echo "Two busy loops keep both cores occupied during the run (pids ${burners[*]})."
fi

if [ ${#instants[@]} -eq 0 ]; then
  dotnet test SalesCrm.sln "${filter[@]}" "${extra[@]}"
  exit
fi

# Build at the real time (NuGet and the compiler need a true clock), then run the tests with the faked one. The faked
# clock ticks from WHEN and every process the tests start (the app, PostgreSQL, Redis, Chromium) shares it.
dotnet build SalesCrm.sln --nologo -v quiet -clp:ErrorsOnly
status=0
for at in "${instants[@]}"; do
  echo "=== tests at $at ($(faketime "$at" date -u '+%Y-%m-%d %H:%M UTC, %A'))"
  faketime "$at" dotnet test SalesCrm.sln --no-build "${filter[@]}" "${extra[@]}" || status=1
done
exit $status
