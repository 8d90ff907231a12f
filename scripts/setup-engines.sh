#!/usr/bin/env bash
# Installs the engines people run today, podman 5 (5.5 or newer) and Docker 28, for podgraph's
# test matrix, as root. They do not install on Debian 12 (newer libc), so they live in a Debian
# forky root filesystem made with debootstrap and run there through chroot (see
# /work/shared/engines.md for every trap met). Idempotent: a second run only checks the mounts
# and the versions, in a few seconds.
#
#   bash scripts/setup-engines.sh           build (once), mount, install, check
#   bash scripts/setup-engines.sh --mount   only the mounts (after a reboot)
#   bash scripts/setup-engines.sh --unmount undo the mounts, deepest first
#
# What the tests rely on (test/support/engines.ts reads the same paths):
#   - $PODGRAPH_FORKY (default /var/lib/podgraph/forky) holds the root filesystem;
#   - the host's /tmp and /var/tmp are bind-mounted at the same paths inside it, so a sandbox's
#     folder, socket and files have one path for the host and for the engine;
#   - /dev/shm and /run inside it are private tmpfs (podman's lock table and run dirs are never the host's);
#   - network namespaces podgraph-podman5 and podgraph-docker28 (ip netns), loopback up: the
#     engines' services and CLIs run there, so netavark's nftables and bridges stay off the host's.
set -euo pipefail

ROOT=${PODGRAPH_FORKY:-/var/lib/podgraph/forky}
SUITE=forky
NETNS=(podgraph-podman5 podgraph-docker28)
PATH_IN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf 'setup-engines: %s\n' "$*"; }
die() { printf 'setup-engines: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap, mounts, chroot)"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH="$PATH_IN" HOME=/root DEBIAN_FRONTEND=noninteractive PODMAN_IGNORE_CGROUPSV1_WARNING=1 "$@"; }

mirror() {
  local uri
  uri=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

bootstrap() {
  if [[ -f $ROOT/.podgraph-bootstrapped ]]; then
    log "root filesystem already made ($ROOT)"
    return
  fi
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  }
  # A folder left by a run cut short: its mounts first, then the folder, on its own file system only.
  if [[ -d $ROOT ]]; then
    unmount_all
    rm -rf --one-file-system "$ROOT"
  fi
  mkdir -p "$ROOT"
  local started=$SECONDS
  # Debian 12's debootstrap has no script for forky; sid's works.
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$(mirror)" /usr/share/debootstrap/scripts/sid >/dev/null ||
    die "debootstrap $SUITE failed (see $ROOT/debootstrap/debootstrap.log)"
  # forky's Release file can look expired against this machine's clock; no recommends, no daemons started by packages.
  printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' >"$ROOT/etc/apt/apt.conf.d/90podgraph"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
  touch "$ROOT/.podgraph-bootstrapped"
  log "made the $SUITE root filesystem in $((SECONDS - started)) s"
}

# mounted PATH: whether PATH is a mount point.
mounted() { mountpoint -q "$1"; }

mount_all() {
  # runc 1.3 wants the root to be a mount point of its own.
  mounted "$ROOT" || mount --bind "$ROOT" "$ROOT"
  mounted "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  for dir in sys dev; do
    if ! mounted "$ROOT/$dir"; then
      mount --rbind "/$dir" "$ROOT/$dir"
      mount --make-rslave "$ROOT/$dir"
    fi
  done
  # Private: podman keeps its lock table in /dev/shm, and a podman starting fresh frees every lock there.
  # (The rbind of /dev brings the host's /dev/shm along, a mount point too: compare devices, not mount points.)
  [[ $(stat -c %d "$ROOT/dev/shm") != "$(stat -c %d /dev/shm)" ]] || mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
  mounted "$ROOT/run" || mount -t tmpfs -o mode=0755 tmpfs "$ROOT/run"
  # One path for the host and the engines: sandboxes live in the host's /tmp and /var/tmp.
  for dir in tmp var/tmp; do
    mkdir -p "$ROOT/$dir"
    mounted "$ROOT/$dir" || mount --bind "/$dir" "$ROOT/$dir"
  done
  for ns in "${NETNS[@]}"; do
    [[ -e /run/netns/$ns ]] || ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
}

unmount_all() {
  [[ -d $ROOT ]] || return 0
  # Deepest first; a recursive, lazy unmount of each top-level mount takes what is under it.
  for dir in var/tmp tmp run dev/shm dev sys proc; do
    mounted "$ROOT/$dir" && umount -R -l "$ROOT/$dir"
  done
  mounted "$ROOT" && umount -l "$ROOT"
  for ns in "${NETNS[@]}"; do
    [[ -e /run/netns/$ns ]] && ip netns delete "$ns"
  done
  return 0
}

install_packages() {
  local wanted=(podman runc conmon catatonit netavark aardvark-dns passt busybox-static containers-storage iptables nftables
    docker.io docker-cli systemd-standalone-sysusers)
  local missing=()
  for pkg in "${wanted[@]}"; do
    in_root dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "packages already installed"
    return
  fi
  local started=$SECONDS
  log "installing in the root filesystem: ${missing[*]}"
  in_root apt-get update -qq >/dev/null
  # systemd-standalone-sysusers keeps apt from pulling systemd in for docker.io.
  in_root apt-get install -y -qq "${wanted[@]}" >/dev/null
  log "installed in $((SECONDS - started)) s"
}

write_config() {
  local conf=$ROOT/etc/containers/containers.conf
  mkdir -p "$(dirname "$conf")"
  cat >"$conf" <<'EOF'
# Written by podgraph's scripts/setup-engines.sh.
[containers]
# root here lacks CAP_SYS_RESOURCE: podman's default rlimits would fail with EPERM.
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
# crun fails on this host's hybrid cgroup layout.
runtime = "runc"
# No systemd.
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
}

# version_at_least A B: whether version A >= B (dotted numbers).
version_at_least() { [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1) == "$2" ]]; }

check_versions() {
  local podman docker
  podman=$(in_root podman --version | awk '{print $3}')
  docker=$(in_root dockerd --version | sed -E 's/^Docker version ([^ ,+]+).*/\1/')
  version_at_least "$podman" 5.5 || die "podman $podman in $ROOT is older than 5.5 (the graph remover podgraph is measured against)"
  version_at_least "$docker" 28 || die "dockerd $docker in $ROOT is older than 28"
  log "ok: podman $podman and dockerd $docker in $ROOT"
}

# A container and a pod run in a private store, with a private lock table, as the tests' sandboxes do.
smoke_test() {
  local dir
  dir=$(mktemp -d /var/tmp/podgraph-engines-check.XXXXXX)
  local conf=$dir/containers.conf storage=$dir/storage.conf
  printf '[containers]\nnetns = "none"\n[engine]\nlock_type = "file"\ntmp_dir = "%s/tmp"\n' "$dir" >"$conf"
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/root"\nrunroot = "%s/run"\n' "$dir" "$dir" >"$storage"
  local rootfs=$dir/rootfs
  mkdir -p "$rootfs/bin" "$rootfs"/{etc,tmp,proc,sys,dev,run}
  cp "$ROOT/bin/busybox" "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/sleep"
  ln -s busybox "$rootfs/bin/true"
  tar -C "$rootfs" -cf "$dir/rootfs.tar" .
  local p=(nsenter --net=/run/netns/podgraph-podman5 chroot "$ROOT" /usr/bin/env -i PATH="$PATH_IN" HOME=/root
    PODMAN_IGNORE_CGROUPSV1_WARNING=1 CONTAINERS_CONF="$conf" CONTAINERS_STORAGE_CONF="$storage" podman)
  local ok=0
  if "${p[@]}" import --quiet --change 'CMD ["/bin/sleep","1000"]' --change 'STOPSIGNAL SIGKILL' "$dir/rootfs.tar" localhost/check:latest >/dev/null &&
    "${p[@]}" run --rm localhost/check:latest /bin/true &&
    "${p[@]}" pod create --name check >/dev/null &&
    "${p[@]}" run -d --pod check localhost/check:latest >/dev/null &&
    "${p[@]}" pod rm -f -t 0 check >/dev/null; then
    ok=1
  fi
  "${p[@]}" system reset --force >/dev/null 2>&1 || true
  umount -R -l "$dir/root/overlay" 2>/dev/null || true
  rm -rf --one-file-system "$dir"
  ((ok)) || die "podman 5 cannot run a container and a pod in a private store (see the errors above)"
  log "ok: a podman 5 container and pod ran in a private store"
}

case "${1:-}" in
  --mount)
    mount_all
    log "mounted $ROOT"
    ;;
  --unmount)
    unmount_all
    log "unmounted $ROOT"
    ;;
  '')
    started=$SECONDS
    bootstrap
    mount_all
    install_packages
    write_config
    check_versions
    smoke_test
    log "ready in $((SECONDS - started)) s"
    ;;
  *) die "unknown argument $1 (expected nothing, --mount or --unmount)" ;;
esac
