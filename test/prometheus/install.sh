#!/usr/bin/env bash
# Puts prometheus and promtool into a cache outside the repository
# (default ~/.cache/plumb/prometheus/<version>/), only when they are missing.
# Usage: test/prometheus/install.sh        → prints the cache directory
#
# They come from Debian's `prometheus` package (2.42 on bookworm), unpacked with
# dpkg-deb, not installed: no service, no user, no files outside the cache. That
# version has everything the tests use — /api/v1/query_range and
# `promtool tsdb create-blocks-from openmetrics` — and takes seconds, where building
# github.com/prometheus/prometheus from the Go module proxy takes many minutes of
# both CPU cores. PLUMB_PROMETHEUS_DIR points at other binaries instead (e.g. a
# Prometheus 3 release): the tests only need `prometheus` and `promtool` in it.
set -euo pipefail
if [ -n "${PLUMB_PROMETHEUS_DIR:-}" ]; then echo "$PLUMB_PROMETHEUS_DIR"; exit 0; fi
root="${XDG_CACHE_HOME:-$HOME/.cache}/plumb/prometheus"

version="$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}')"
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  # apt's lists are empty on a fresh machine
  apt-get update -qq >&2 || true
  version="$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2}')"
fi
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  # offline with a warm cache: use what is there
  cached="$(ls -d "$root"/*/ 2>/dev/null | tail -1)"
  if [ -n "$cached" ] && [ -x "$cached/prometheus" ]; then echo "${cached%/}"; exit 0; fi
  echo "Debian's prometheus package is not available (apt-get update?)" >&2
  exit 2
fi
cache="$root/${version//[^A-Za-z0-9.+-]/_}"
if [ -x "$cache/prometheus" ] && [ -x "$cache/promtool" ]; then echo "$cache"; exit 0; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching Debian's prometheus $version into $cache" >&2
(cd "$work" && chmod 777 . && apt-get download -qq "prometheus=$version" >&2)
dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
mkdir -p "$cache"
for tool in prometheus promtool; do
  cp "$work/x/usr/bin/$tool" "$cache/$tool.tmp"
  mv "$cache/$tool.tmp" "$cache/$tool"
done
echo "$cache"
