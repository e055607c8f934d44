#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into a cache outside the
# repository (default ~/.cache/plumb/k8s/<version>/), only when they are missing.
# Usage: test/cluster/build.sh            → prints the cache directory
# Needs Go >= 1.26. A cold build takes several minutes on 2 cores; the Go module and
# build caches make a rebuild fast.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
K8S_VERSION="${PLUMB_K8S_VERSION:-v1.36.3}"
ETCD_VERSION="v3.6.14"
cache="${PLUMB_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plumb/k8s/$K8S_VERSION}"
mkdir -p "$cache"

if ! command -v go >/dev/null 2>&1; then
  echo "go is not installed: cannot build the test control plane" >&2
  exit 2
fi

if [ ! -x "$cache/kube-apiserver" ]; then
  echo "building kube-apiserver $K8S_VERSION into $cache (several minutes on a cold cache)" >&2
  minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  (cd "$here/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$cache/kube-apiserver.tmp" "$cache/kube-apiserver"
fi

if [ ! -x "$cache/kubectl" ]; then
  # kubectl of the same release, for the tests that change objects "by hand" and the
  # kubectl-vs-plumb benchmark (Debian's kubernetes-client is 1.20)
  echo "building kubectl $K8S_VERSION into $cache" >&2
  minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
  ldflags="-s -w -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
  (cd "$here/kube-apiserver" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl)
  mv "$cache/kubectl.tmp" "$cache/kubectl"
fi

if [ ! -x "$cache/etcd" ]; then
  echo "building etcd $ETCD_VERSION into $cache" >&2
  (cd "$here/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$cache/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$cache/etcd.tmp" "$cache/etcd"
fi

echo "$cache"
