#!/usr/bin/env bash
# Installs and configures podman for podgraph's tests, offline, as root. Idempotent: a second
# run changes nothing and takes a few seconds.
#
# What it does:
#   1. apt-get installs podman, runc, catatonit (pod infra) and busybox-static (the tiny image);
#   2. writes /etc/containers/containers.conf with the settings these machines need
#      (runc instead of crun, rlimits root may set, cgroupfs and file events without systemd);
#   3. builds localhost/tiny:latest from busybox, since no registry is reachable;
#   4. checks a container and a pod can run;
#   5. makes the user podgraph-rootless (with subordinate uids and gids) for the rootless tests.
set -euo pipefail

IMAGE=localhost/tiny:latest
CONF=/etc/containers/containers.conf

log() { printf 'setup-podman: %s\n' "$*"; }
die() { printf 'setup-podman: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (podman's rootful mode is what the tests use)"

install_packages() {
  local missing=()
  for bin in podman runc catatonit busybox; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
  done
  # Debian puts catatonit in /usr/libexec/podman; check the package instead of PATH for it.
  if ((${#missing[@]} == 0)) && dpkg -s catatonit busybox-static >/dev/null 2>&1; then
    log "packages already installed ($(podman --version))"
    return
  fi
  log "installing podman runc catatonit busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    podman runc catatonit busybox-static uidmap slirp4netns fuse-overlayfs >/dev/null
  log "installed $(podman --version)"
}

write_config() {
  local wanted
  wanted=$(cat <<'EOF'
# Written by podgraph's scripts/setup-podman.sh.
[containers]
# root here lacks CAP_SYS_RESOURCE: podman's default rlimits would fail with EPERM.
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
# crun fails with "cgroups in hybrid mode not supported" on these machines.
runtime = "runc"
# No systemd.
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
)
  mkdir -p /etc/containers
  if [[ -f $CONF ]] && [[ $(cat "$CONF") == "$wanted" ]]; then
    log "$CONF already written"
    return
  fi
  [[ -f $CONF ]] && cp "$CONF" "$CONF.before-podgraph"
  printf '%s\n' "$wanted" >"$CONF"
  log "wrote $CONF"
}

build_image() {
  if podman image exists "$IMAGE"; then
    log "image $IMAGE already built"
    return
  fi
  local dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs"/{etc,tmp,proc,sys,dev,run}
  cp "$(command -v busybox)" "$dir/rootfs/bin/busybox"
  for tool in sh sleep true cat ls echo ps; do
    ln -s busybox "$dir/rootfs/bin/$tool"
  done
  tar -C "$dir/rootfs" -cf "$dir/rootfs.tar" .
  # STOPSIGNAL SIGKILL: sleep as PID 1 ignores SIGTERM, so every rm -f would wait 10 s.
  podman import --quiet \
    --change 'CMD ["/bin/sleep","1000"]' --change 'STOPSIGNAL SIGKILL' \
    "$dir/rootfs.tar" "$IMAGE" >/dev/null
  log "built $IMAGE"
}

smoke_test() {
  local name=podgraph-setup-check-$$
  podman run --rm --name "$name" "$IMAGE" /bin/true ||
    die "a container cannot run; see the podman error above"
  podman pod create --name "$name-pod" >/dev/null || die "a pod cannot be created"
  podman run -d --pod "$name-pod" --name "$name-member" "$IMAGE" >/dev/null ||
    die "a pod member cannot run"
  podman pod rm -f -t 0 "$name-pod" >/dev/null
  log "ok: a container and a pod ran"
}

# The rootless tests run podman and podgraph as this user (rootless containers here need --network none).
ROOTLESS_USER=podgraph-rootless
make_rootless_user() {
  if id "$ROOTLESS_USER" >/dev/null 2>&1; then
    log "user $ROOTLESS_USER already made"
  else
    useradd --create-home --shell /bin/sh "$ROOTLESS_USER"
    log "made user $ROOTLESS_USER"
  fi
  # useradd gives subordinate ids on Debian; make sure of them either way.
  for file in /etc/subuid /etc/subgid; do
    grep -q "^$ROOTLESS_USER:" "$file" 2>/dev/null || echo "$ROOTLESS_USER:200000:65536" >>"$file"
  done
}

install_packages
write_config
build_image
smoke_test
make_rootless_user
