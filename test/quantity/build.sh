#!/usr/bin/env bash
# Builds the quantity oracle (apimachinery's resource.Quantity, k8s.io/apimachinery
# v0.36.3 — the version of test/cluster's API server) into
# ~/.cache/plumb/quantity-oracle/v0.36.3/, only when missing. Seconds when the Go
# module cache is warm (test/cluster/build.sh fills it).
set -euo pipefail
cd "$(dirname "$0")"
out="${PLUMB_QUANTITY_ORACLE:-$HOME/.cache/plumb/quantity-oracle/v0.36.3}/quantity-oracle"
[ -x "$out" ] && exit 0
command -v go >/dev/null 2>&1 || { echo "go not found: the quantity property test will be skipped" >&2; exit 0; }
mkdir -p "$(dirname "$out")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp main.go go.mod "$work/"
cd "$work"
GOFLAGS=-mod=mod go mod tidy >/dev/null
go build -trimpath -ldflags '-s -w' -o "$out.tmp" .
mv "$out.tmp" "$out"
