# Shell functions shared by run-comparison.sh and run-tls-h2.sh (sourced; INSTALL=0 means --no-install).

has() { [[ ",$1," == *",$2,"* ]]; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs the Debian packages named (those the caller found missing), as root or with sudo.
install_missing() {
  [ $# -eq 0 ] && return
  [ "${INSTALL:-1}" = 1 ] || { echo "missing: $* (and --no-install)" >&2; exit 1; }
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing $*"
  $sudo apt-get update -q > /dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" > /dev/null
}

# A port below the ephemeral range: one in it may be the local port of some client's TIME_WAIT socket
# (idle10k and idle10k-tls leave 10,000 each), which a listener cannot bind although nothing answers on it.
free_port() {
  local p low; low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2> /dev/null || echo 32768)
  [ "$low" -gt 11000 ] || low=32768
  while :; do
    p=$((10000 + RANDOM % (low - 10000)))
    (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null || { echo "$p"; return; }
  done
}

wait_port() {
  for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0; sleep 0.1; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}
