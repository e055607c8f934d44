#!/usr/bin/env bash
# Builds the render tools plumb runs — kustomize, helm, sops — and age-keygen (the tests
# make age keys with it) from their Go modules into a cache outside the repository
# (default ~/.cache/plumb/tools/<tool>/<version>/), only when they are missing.
# Usage: test/tools/build.sh            → prints one "TOOL=PATH" line per tool
# Needs Go >= 1.26 (GOTOOLCHAIN=local: no toolchain is downloaded). Cold: a few minutes
# on 2 cores (helm and sops bring large dependency trees); the Go caches make a rebuild fast.
#
# Versions are pinned here and in engine/render/tools.ts (TESTED_VERSIONS); plumb reports the
# versions it rendered with, and a test checks the two lists agree.
set -euo pipefail
export GOTOOLCHAIN=local CGO_ENABLED=0
KUSTOMIZE_VERSION="v5.8.2"   # v5.8.3 needs Go 1.27
HELM_VERSION="v3.22.0"
SOPS_VERSION="v3.13.3"
AGE_VERSION="v1.3.2"
root="${PLUMB_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plumb/tools}"

if ! command -v go >/dev/null 2>&1; then
  echo "go is not installed: cannot build kustomize, helm and sops" >&2
  exit 2
fi

# build NAME VERSION PACKAGE@VERSION [LDFLAGS]: go install into a temporary GOBIN, then move
build() {
  local name="$1" version="$2" pkg="$3" ldflags="${4:-}"
  local dir="$root/$name/$version"
  if [ -x "$dir/$name" ]; then echo "$name=$dir/$name"; return; fi
  echo "building $name $version into $dir" >&2
  mkdir -p "$dir.tmp"
  GOBIN="$dir.tmp" go install -trimpath -ldflags "-s -w $ldflags" "$pkg"
  mkdir -p "$dir"
  mv "$dir.tmp/$name" "$dir/$name"
  rm -rf "$dir.tmp"
  echo "$name=$dir/$name"
}

build kustomize "$KUSTOMIZE_VERSION" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
build age-keygen "$AGE_VERSION" "filippo.io/age/cmd/age-keygen@$AGE_VERSION"
build helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" \
  "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
build sops "$SOPS_VERSION" "github.com/getsops/sops/v3/cmd/sops@$SOPS_VERSION"
