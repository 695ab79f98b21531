#!/usr/bin/env bash
# Install the external tools that the test suite runs. Each tool is optional
# for a developer (its tests skip with the reason); CI runs as root on a fresh
# Debian machine, so there everything is installed and nothing is skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=()
command -v buildah >/dev/null || apt_packages+=(buildah)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || apt_packages+=(busybox-static)

if [ ${#apt_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "install-tools: apt-get install ${apt_packages[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            "${apt_packages[@]}" >/dev/null
    else
        echo "install-tools: missing ${apt_packages[*]}; install them as root" \
            "(apt-get install ${apt_packages[*]}) or their tests will skip" >&2
    fi
fi

# checkov pins old versions of packages the rest of the suite uses, so it
# gets a virtual environment of its own. Tests find it at .venv-checkov.
checkov_venv="$here/.venv-checkov"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
    echo "install-tools: pip install checkov into .venv-checkov"
    python3 -m venv "$checkov_venv"
    "$checkov_venv/bin/pip" install -q checkov
fi
