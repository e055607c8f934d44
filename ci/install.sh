#!/usr/bin/env bash
# Installs the pinned plumb release from the npm registry, as the GitHub
# Action runs it (the GitLab template's before_script does the same inline:
# it runs before plumb's files are on the runner).
#
# Environment: PLUMB_PACKAGE, the npm package your organisation publishes plumb
# under (e.g. @your-org/plumb — the name `plumb` on the public registry is an
# unrelated package, so there is no default); PLUMB_VERSION, the release.
# Refuses (exit 1) when either is unset, when the package installs no `plumb`
# command, or when `plumb --version` is not PLUMB_VERSION.
set -euo pipefail
die() { echo "install.sh: $*" >&2; exit 1; }
[ -n "${PLUMB_PACKAGE:-}" ] || die 'set PLUMB_PACKAGE (the action input `package`): the npm package plumb is published under, e.g. @your-org/plumb'
[ -n "${PLUMB_VERSION:-}" ] || die 'set PLUMB_VERSION (the action input `version`): the plumb release to install, e.g. 0.1.0'
npm install --global --no-fund --no-audit "$PLUMB_PACKAGE@$PLUMB_VERSION"
installed="$(plumb --version 2>/dev/null)" || die "$PLUMB_PACKAGE@$PLUMB_VERSION installed no plumb command: is it the package plumb is published under?"
[ "$installed" = "$PLUMB_VERSION" ] || die "plumb --version says $installed, not $PLUMB_VERSION"
echo "plumb $installed from $PLUMB_PACKAGE"
