#!/usr/bin/env bash
# Installs OpenSSH's server for podgraph's ssh:// tests, as root. Idempotent: with sshd present it
# only makes sure /run/sshd exists. It starts no sshd: each test file starts its own on
# 127.0.0.1 with a private config, host key and client key (test/support/ssh-sandbox.ts), and
# stops it by its PID. The package's own service start is blocked on these machines
# (policy-rc.d), which is what we want: nothing system-wide listens.
set -euo pipefail

log() { printf 'setup-ssh: %s\n' "$*"; }
die() { printf 'setup-ssh: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (apt-get, and sshd's privilege separation dir /run/sshd)"

if [[ -x /usr/sbin/sshd ]]; then
  log "openssh-server already installed ($(dpkg-query -W -f='${Version}' openssh-server 2>/dev/null || echo '?'))"
else
  log "installing openssh-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openssh-server openssh-client >/dev/null
  [[ -x /usr/sbin/sshd ]] || die "apt-get installed openssh-server but /usr/sbin/sshd is missing"
  log "installed openssh-server $(dpkg-query -W -f='${Version}' openssh-server 2>/dev/null || echo '?')"
fi

# sshd refuses to start without its privilege separation directory (normally made by systemd).
install -d -m 0755 /run/sshd
command -v ssh-keygen >/dev/null || die "ssh-keygen is missing (openssh-client)"
log "ok: /usr/sbin/sshd and /run/sshd ready"
