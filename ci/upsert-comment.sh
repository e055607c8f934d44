#!/usr/bin/env bash
# Creates or updates plumb's ONE comment on a pull request (GitHub) or merge
# request (GitLab): the comment is the first one that holds a hidden marker in
# its body (PLUMB_COMMENT_MARKER, default `<!-- plumb-review -->`) AND was
# written by the token's own user — never "the last comment of the token's
# user" (other comments sharing the token are left alone) and never a comment
# someone else wrote with the marker in it (anyone can paste the marker before
# plumb's first run; plumb would then edit their comment, or be refused and
# post nothing). Such a planted comment is left untouched and plumb creates
# its own.
#
# The token's user: PLUMB_COMMENT_AUTHOR when set (a login / username), else
#   GitHub: the login of `GET /user`; when that is refused — an installation
#     token has no /user — and PLUMB_TOKEN_IS_GITHUB_TOKEN=true (action.yml
#     sets it when the token is the workflow's own GITHUB_TOKEN), the author
#     is `github-actions[bot]`, who writes that token's comments. Any other
#     installation token is a GitHub App's, whose comments are
#     `APP-SLUG[bot]`'s and which cannot read its own app (GET /app takes the
#     app's JWT): the script stops and asks for PLUMB_COMMENT_AUTHOR.
#   GitLab: the id of `GET /user` (a project access token's bot user too),
#     compared with each note's author id.
#
#   ci/upsert-comment.sh github|gitlab BODY_FILE
#
# GitHub (through `gh api`, as on GitHub-hosted runners): GITHUB_REPOSITORY
#   (owner/name), PLUMB_PR_NUMBER, and gh's own GH_TOKEN (and GH_HOST for
#   GitHub Enterprise Server). Without gh, curl with GITHUB_API_URL
#   (default https://api.github.com) and GH_TOKEN.
# GitLab (notes API through curl): CI_API_V4_URL, CI_PROJECT_ID,
#   CI_MERGE_REQUEST_IID (all set by GitLab in merge request pipelines) and
#   PLUMB_GITLAB_TOKEN, a project or personal access token with the `api` scope
#   (GitLab's CI_JOB_TOKEN cannot write notes).
#
# Bounded against a server that misbehaves: at most PLUMB_COMMENT_MAX_PAGES
# pages of 100 comments are read (default 100, i.e. 10,000 comments), reading
# stops when a page repeats one read before (a server or proxy that ignores
# `page` answers the first page forever), and each request gives up after
# PLUMB_HTTP_TIMEOUT seconds (default 60: curl's --max-time; gh api, which has
# no timeout option, runs under timeout(1) where the runner has it). When reading stops early without
# finding plumb's comment, stderr says so and a new comment is posted.
#
# Refuses an empty or missing BODY_FILE (exit 1): a comment that says nothing
# is never posted. Prints `created NOTE_ID` or `updated NOTE_ID`. JSON is read
# and written with node, which plumb needs anyway.
set -euo pipefail

platform="${1-}"
body_file="${2-}"
marker="${PLUMB_COMMENT_MARKER:-<!-- plumb-review -->}"
max_pages="${PLUMB_COMMENT_MAX_PAGES:-100}"
http_timeout="${PLUMB_HTTP_TIMEOUT:-60}"
die() { echo "upsert-comment.sh: $*" >&2; exit 1; }
case "$max_pages" in '' | *[!0-9]* | 0) die "PLUMB_COMMENT_MAX_PAGES must be a whole number of pages, at least 1" ;; esac
case "$http_timeout" in '' | *[!0-9]* | 0) die "PLUMB_HTTP_TIMEOUT must be a whole number of seconds, at least 1" ;; esac

case "$platform" in github | gitlab) ;; *) die 'usage: upsert-comment.sh github|gitlab BODY_FILE' ;; esac
[ -s "$body_file" ] || die "$body_file is missing or empty: nothing to post"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The request body: {"body": marker + comment}; the marker leads so it survives GitHub's length limit.
MARKER="$marker" node -e '
  const fs = require("node:fs");
  const text = fs.readFileSync(process.argv[1], "utf8");
  const body = text.includes(process.env.MARKER) ? text : `${process.env.MARKER}\n${text}`;
  fs.writeFileSync(process.argv[2], JSON.stringify({ body }));
' "$body_file" "$work/request.json"

# Prints the id of the first comment of a JSON array (one page) whose body holds
# the marker and whose author is AUTHOR_LOGIN (GitHub `user.login`, GitLab
# `author.username`; logins compared without case, as both forges do) or, when
# AUTHOR_ID is set, AUTHOR_ID (GitLab `author.id`).
find_marked() {
  MARKER="$marker" node -e '
    const fs = require("node:fs");
    const page = JSON.parse(fs.readFileSync(0, "utf8") || "[]");
    if (!Array.isArray(page)) { console.error("not a list of comments: " + JSON.stringify(page).slice(0, 200)); process.exit(1); }
    const { AUTHOR_ID: id, AUTHOR_LOGIN: login = "" } = process.env;
    const mine = (c) => {
      const who = c.user ?? c.author ?? {};
      if (id) return String(who.id) === id;
      const name = who.login ?? who.username;
      return typeof name === "string" && name.toLowerCase() === login.toLowerCase();
    };
    const hit = page.find((c) => typeof c.body === "string" && c.body.includes(process.env.MARKER) && c.system !== true && mine(c));
    if (hit) console.log(hit.id);
  '
}

# Prints the value of a top-level field of a JSON object.
field_of() {
  FIELD="$1" node -e '
    const v = JSON.parse(require("node:fs").readFileSync(0, "utf8"))[process.env.FIELD];
    if (v === undefined || v === null || v === "") process.exit(1);
    console.log(v);
  '
}

# Prints the length of a JSON array (one page).
page_length() {
  node -e 'const p = JSON.parse(require("node:fs").readFileSync(0, "utf8") || "[]"); console.log(Array.isArray(p) ? p.length : 0)'
}

# next_page PAGE N: whether to read page PAGE+1 after page PAGE held N
# comments ($work/page.json): not when the page was short, when it repeats a
# page read before (its checksum is in $work/seen), or past max_pages (said on
# stderr: the comment may be further on).
next_page() {
  local page="$1" n="$2" sum
  [ "$n" -ge 100 ] || return 1
  sum="$(cksum < "$work/page.json")"
  if grep -qxF "$sum" "$work/seen" 2> /dev/null; then
    echo "upsert-comment.sh: page $page repeats an earlier page (the server ignores paging): stopped reading comments" >&2
    return 1
  fi
  echo "$sum" >> "$work/seen"
  if [ "$page" -ge "$max_pages" ]; then
    echo "upsert-comment.sh: read $max_pages pages of comments without finding plumb's (PLUMB_COMMENT_MAX_PAGES): stopped reading" >&2
    return 1
  fi
}

id_of() {
  node -e 'console.log(JSON.parse(require("node:fs").readFileSync(0, "utf8")).id)'
}

github() {
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY (owner/name) is not set}"
  : "${PLUMB_PR_NUMBER:?PLUMB_PR_NUMBER (the pull request number) is not set}"
  local comments="repos/$GITHUB_REPOSITORY/issues/$PLUMB_PR_NUMBER/comments"
  local id='' page=1 n author="${PLUMB_COMMENT_AUTHOR-}"
  if [ -z "$author" ]; then
    if gh_api GET user > "$work/user.json" 2> "$work/user.err"; then
      author="$(field_of login < "$work/user.json")" || die "GET /user answered no login"
    elif grep -qs 'Resource not accessible by integration' "$work/user.json" "$work/user.err"; then
      # an installation token. The workflow's own GITHUB_TOKEN writes as github-actions[bot]; a GitHub App's
      # writes as APP-SLUG[bot], which the token cannot find out (GET /app takes the app's JWT): never guessed
      if [ "${PLUMB_TOKEN_IS_GITHUB_TOKEN-}" = true ]; then
        author='github-actions[bot]'
      else
        die "the token is an installation token (GET /user is refused) but not the workflow's GITHUB_TOKEN: a GitHub App's token, whose comments are APP-SLUG[bot]'s — set comment-author (PLUMB_COMMENT_AUTHOR) to that login"
      fi
    else
      cat "$work/user.err" >&2
      die "GET /user failed: cannot tell which comments are plumb's (set PLUMB_COMMENT_AUTHOR to the token's login)"
    fi
  fi
  while :; do
    gh_api GET "$comments?per_page=100&page=$page" > "$work/page.json"
    id="$(AUTHOR_LOGIN="$author" find_marked < "$work/page.json")"
    n="$(page_length < "$work/page.json")"
    [ -z "$id" ] && next_page "$page" "$n" || break
    page=$((page + 1))
  done
  if [ -n "$id" ]; then
    gh_api PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" "$work/request.json" > /dev/null
    echo "updated $id"
  else
    echo "created $(gh_api POST "$comments" "$work/request.json" | id_of)"
  fi
}

# gh_api METHOD PATH [JSON_FILE]: gh api when gh is installed, else curl.
gh_api() {
  local method="$1" path="$2" input="${3-}"
  if command -v gh > /dev/null 2>&1; then
    # gh api has no timeout of its own: a forge that stops answering would hold the job until CI kills it (hours)
    local limit=() status=0
    command -v timeout > /dev/null 2>&1 && limit=(timeout "$http_timeout")
    if [ -n "$input" ]; then
      ${limit[@]+"${limit[@]}"} gh api --method "$method" "$path" --input "$input" || status=$?
    else
      ${limit[@]+"${limit[@]}"} gh api --method "$method" "$path" || status=$?
    fi
    [ "$status" -ne 124 ] || echo "upsert-comment.sh: gh api $method $path got no answer within ${http_timeout}s (PLUMB_HTTP_TIMEOUT)" >&2
    return "$status"
  else
    : "${GH_TOKEN:?GH_TOKEN is not set}"
    local args=(--fail-with-body -sS --max-time "$http_timeout" -X "$method" -H "Authorization: Bearer $GH_TOKEN" -H 'Accept: application/vnd.github+json')
    [ -n "$input" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$input")
    curl "${args[@]}" "${GITHUB_API_URL:-https://api.github.com}/$path"
  fi
}

gitlab() {
  : "${CI_API_V4_URL:?CI_API_V4_URL is not set (run in a merge request pipeline)}"
  : "${CI_PROJECT_ID:?CI_PROJECT_ID is not set}"
  : "${CI_MERGE_REQUEST_IID:?CI_MERGE_REQUEST_IID is not set (run in a merge request pipeline)}"
  : "${PLUMB_GITLAB_TOKEN:?PLUMB_GITLAB_TOKEN (an access token with the api scope) is not set}"
  local notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
  local id='' page=1 n author="${PLUMB_COMMENT_AUTHOR-}" author_id=''
  if [ -z "$author" ]; then
    gl_api GET "$CI_API_V4_URL/user" > "$work/user.json" || die "GET $CI_API_V4_URL/user failed: cannot tell which notes are plumb's (set PLUMB_COMMENT_AUTHOR to the token's username)"
    author_id="$(field_of id < "$work/user.json")" || die "GET /user answered no user id"
  fi
  while :; do
    gl_api GET "$notes?per_page=100&page=$page&sort=asc&order_by=created_at" > "$work/page.json"
    id="$(AUTHOR_LOGIN="$author" AUTHOR_ID="$author_id" find_marked < "$work/page.json")"
    n="$(page_length < "$work/page.json")"
    [ -z "$id" ] && next_page "$page" "$n" || break
    page=$((page + 1))
  done
  if [ -n "$id" ]; then
    gl_api PUT "$notes/$id" "$work/request.json" > /dev/null
    echo "updated $id"
  else
    echo "created $(gl_api POST "$notes" "$work/request.json" | id_of)"
  fi
}

gl_api() {
  local method="$1" url="$2" input="${3-}"
  local args=(--fail-with-body -sS --max-time "$http_timeout" -X "$method" -H "PRIVATE-TOKEN: $PLUMB_GITLAB_TOKEN")
  [ -n "$input" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$input")
  curl "${args[@]}" "$url"
}

"$platform"
