#!/usr/bin/env bash
# Installs the C libraries memwall links (GSL, GLPK) and pkg-config on Debian/Ubuntu.
# Uses sudo when not root. Safe to run again.
set -euo pipefail
packages=(libgsl-dev libglpk-dev pkg-config)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
