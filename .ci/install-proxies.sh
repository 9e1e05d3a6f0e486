#!/usr/bin/env bash
# Installs the Debian proxies the proxy tests start on loopback (HttpProxyTest, ConnectTunnelTest,
# SocksProxyTest): tinyproxy (HTTP proxy, CONNECT, Basic auth), microsocks (SOCKS5, user/password),
# dante-server (danted: SOCKS4 and SOCKS5) and stunnel4 (TLS in front of tinyproxy: an https:// proxy).
# Installed only when missing; a failed install stops the run here rather than failing the tests later.
set -euo pipefail

packages="tinyproxy microsocks dante-server stunnel4"

have_all() {
  command -v tinyproxy >/dev/null 2>&1 && command -v microsocks >/dev/null 2>&1 \
    && { command -v danted >/dev/null 2>&1 || [ -x /usr/sbin/danted ]; } \
    && command -v stunnel4 >/dev/null 2>&1
}

if have_all; then
  exit 0
fi
echo ".ci/install-proxies.sh: installing the proxy test peers: apt-get install -y $packages" >&2
as_root=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo ".ci/install-proxies.sh: cannot install $packages: not root and no sudo." \
         "Install them first: apt-get install -y $packages" >&2
    exit 1
  fi
  as_root=sudo
fi
# The tests start their own instances on free ports, so a service the packages may start is harmless.
if ! $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
   || ! $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages; then
  echo ".ci/install-proxies.sh: apt-get failed to install $packages, which the proxy tests need" \
       "(apt-get install -y $packages)" >&2
  exit 1
fi
if ! have_all; then
  echo ".ci/install-proxies.sh: $packages were installed but tinyproxy, microsocks, danted or stunnel4 is still missing" >&2
  exit 1
fi
