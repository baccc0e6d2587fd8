#!/usr/bin/env bash
# Runs an example against a fresh keyops-sim on loopback, as a reader would run it:
#   run_example.sh KEYOPS_SIM EXAMPLE [ARGS...]
# The example is given the simulator's URL and CA file as its first two arguments, and the
# credentials in the environment (KEYOPS_USER, KEYOPS_PASSWORD and, for Network Insight,
# KEYOPS_NI_USER, KEYOPS_NI_PASSWORD: the simulator's default users; for Network Insight SaaS,
# KEYOPS_CSP_TOKEN, the simulator's CSP API token, and KEYOPS_CSP_URL, the simulator itself, which
# serves the CSP token exchange too).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sim=$1
shift
export KEYOPS_USER=admin KEYOPS_PASSWORD=admin KEYOPS_NI_USER=admin KEYOPS_NI_PASSWORD=admin
export KEYOPS_CSP_TOKEN=keyops-sim-csp-api-token
exec bash "$here/../tests/integration/with_sim.sh" "$sim" \
    bash -c 'export KEYOPS_CSP_URL=$KEYOPS_SIM_URL; exec "$0" "$KEYOPS_SIM_URL" "$KEYOPS_SIM_CA" "$@"' "$@"
