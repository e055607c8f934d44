#!/usr/bin/env bash
# plumb review for a pull request (GitHub) or merge request (GitLab), as the
# action (action.yml) and the GitLab template (ci/gitlab/plumb-review.yml) run it.
#
#   ci/review.sh --base REV [--head REV] [--target NAME] [--out-dir DIR] [--repo DIR]
#
# One `plumb review` run writes the pull-request comment (DIR/plumb-review.md)
# and the SARIF log (DIR/plumb-review.sarif) and prints the text review to the
# job log. The comment is never empty: plumb writes why a review could not be
# computed (an invalid head) into it, and when plumb itself could not run (not
# installed, crashed) this script writes a comment that says so, with the end
# of its error output, and an empty SARIF log so an upload step still works.
#
# The review's exit code (0 allowed, 1 invalid or failed, 2 changes with
# --detailed-exitcode, 3 denied by policy) is written to DIR/plumb-review.code
# and, on GitHub Actions, to $GITHUB_OUTPUT as `code`; the script itself exits
# 0 so the comment and the SARIF upload happen before the job fails on it.
#
# Environment: PLUMB, the command that runs plumb (default `plumb`; e.g.
# `npx --yes plumb@0.1.0`), split on spaces.
set -uo pipefail

base='' head='HEAD' target='' out_dir='.' repo=''
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="${2-}"; shift 2 ;;
    --head) head="${2-}"; shift 2 ;;
    --target) target="${2-}"; shift 2 ;;
    --out-dir) out_dir="${2-}"; shift 2 ;;
    --repo) repo="${2-}"; shift 2 ;;
    *) echo "review.sh: unknown argument: $1" >&2; exit 64 ;;
  esac
done
if [ -z "$base" ]; then
  echo 'review.sh: --base REV is required (e.g. origin/main)' >&2
  exit 64
fi

mkdir -p "$out_dir"
md="$out_dir/plumb-review.md"
sarif="$out_dir/plumb-review.sarif"
err="$out_dir/plumb-review.stderr"
rm -f "$md" "$sarif"

read -r -a plumb <<< "${PLUMB:-plumb}"
args=(review --base "$base" --head "$head" -o "markdown=$md" -o "sarif=$sarif")
[ -n "$target" ] && args+=(--target "$target")
[ -n "$repo" ] && args+=(--repo "$repo")

# stderr is kept for the fallback comment, then shown in the log
"${plumb[@]}" "${args[@]}" 2> "$err"
code=$?
cat "$err" >&2

if [ ! -s "$md" ]; then
  {
    echo '## plumb review'
    echo
    echo '> [!CAUTION]'
    echo "> **plumb did not run to the end** (exit code $code), so this pull request was not reviewed. The end of its error output:"
    echo
    echo '```'
    tail -n 20 "$err" 2>/dev/null | sed 's/```/` ` `/g'
    echo '```'
  } > "$md"
  [ "$code" -eq 0 ] && code=1
fi
if [ ! -s "$sarif" ]; then
  echo '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":{"name":"plumb","informationUri":"https://plumb.io","rules":[]}},"results":[]}]}' > "$sarif"
fi

echo "$code" > "$out_dir/plumb-review.code"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "code=$code" >> "$GITHUB_OUTPUT"
echo "plumb review exit code: $code (0 allowed, 1 invalid or failed, 3 denied by policy)"
exit 0
