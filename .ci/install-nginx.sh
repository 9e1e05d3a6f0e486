#!/usr/bin/env bash
# Installs the nginx test peer from Debian when it is missing: the Nginx fixture of NginxTlsTest (client-core,
# and client-tls on BoringSSL) starts /usr/sbin/nginx itself on loopback and fails when it cannot.
# A failed install stops .ci/run here rather than failing the tests later.
set -euo pipefail

have_nginx() { [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; }

if have_nginx; then
  exit 0
fi
echo ".ci/install-nginx.sh: installing the nginx test peer: apt-get install -y nginx" >&2
as_root=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo ".ci/install-nginx.sh: cannot install nginx: not root and no sudo. Install it first: apt-get install -y nginx" >&2
    exit 1
  fi
  as_root=sudo
fi
if ! $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
   || ! $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx; then
  echo ".ci/install-nginx.sh: apt-get failed to install nginx, which NginxTlsTest needs (apt-get install -y nginx)" >&2
  exit 1
fi
if ! have_nginx; then
  echo ".ci/install-nginx.sh: nginx was installed but neither /usr/sbin/nginx nor 'nginx' on PATH exists" >&2
  exit 1
fi
