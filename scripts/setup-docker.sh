#!/usr/bin/env bash
# Installs Debian's Docker Engine (docker.io: dockerd 20.10 and its CLI) for podgraph's Docker
# tests, as root. Idempotent: with /usr/sbin/dockerd present it changes nothing. It starts no
# daemon: each test file starts its own dockerd with a private data root and socket
# (test/support/docker-sandbox.ts) and stops it by its PID. The package's own service start is
# blocked on these machines (policy-rc.d), and this script never starts it either: a system
# dockerd would install iptables rules (FORWARD DROP) that break podman's networking.
set -euo pipefail

log() { printf 'setup-docker: %s\n' "$*"; }
die() { printf 'setup-docker: error: %s\n' "$*" >&2; exit 1; }

DOCKERD=/usr/sbin/dockerd

version() { "$DOCKERD" --version 2>/dev/null || echo '?'; }

if [[ -x $DOCKERD ]]; then
  log "docker.io already installed ($(version))"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  printf 'setup-docker: %s is missing; install it with:\n  sudo bash %s\n' "$DOCKERD" "$0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install_docker() { apt-get install -y -qq --no-install-recommends docker.io >/dev/null; }
log "installing docker.io"
# The package lists are usually fresh enough; refresh them only when the install needs it.
if ! install_docker; then
  log "install failed; running apt-get update and trying again"
  apt-get update -qq
  install_docker
fi
[[ -x $DOCKERD ]] || die "apt-get installed docker.io but $DOCKERD is missing"
log "installed $(version); no daemon started (the tests start their own)"
