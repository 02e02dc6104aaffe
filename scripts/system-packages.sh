#!/usr/bin/env bash
# Debian packages the test suite needs: a browser for Playwright, HarfBuzz's
# subsetter (WeasyPrint is ~5x faster with it), poppler (PDF → PNG), zbar (QR),
# gettext (makemessages, compilemessages), wrk (the load figures of `make bench`).
set -euo pipefail
needed=()
for pkg in chromium libharfbuzz-subset0 poppler-utils zbar-tools libpango-1.0-0 libpangoft2-1.0-0 gettext wrk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || needed+=("$pkg")
done
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${needed[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${needed[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${needed[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
