#!/bin/bash
# lint.sh - shellcheck on every shell script of the tree: the tests, the
# tools, CI, the bash completion; then tests/headers.sh (every header
# compiles on its own).  One PASS or FAIL line per script, the
# findings under a FAIL.  A script is shell if it is named *.sh, starts
# with a sh/bash #! line, or carries a "# shellcheck shell=" directive.
#
# Settings are those of .shellcheckrc (sourced files are followed from the
# script's directory).  A finding that is wrong for a line is disabled on
# that line with a comment that says why, never for the whole tree.
set -u
cd "$(dirname "$0")/.." || exit 1

if ! command -v shellcheck >/dev/null 2>&1; then
	echo "SKIP: lint (shellcheck not installed: tools/deps.sh)"
	exit 0
fi

list_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
		[ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
		git ls-files -co --exclude-standard -- .ci tests tools debian
	else
		find .ci tests tools debian -type f 2>/dev/null
	fi
}

is_shell() {
	case $1 in
	*.sh) return 0 ;;
	esac
	head -n 1 "$1" | grep -Eq '^#! */(usr/)?bin/(env +)?(ba)?sh\b' && return 0
	grep -q '^# shellcheck shell=' "$1"
}

mapfile -t files < <(list_files | sort | while IFS= read -r f; do
	[ -f "$f" ] && is_shell "$f" && printf '%s\n' "$f"
done)
if [ "${#files[@]}" -eq 0 ]; then
	echo "FAIL: lint (no shell script found)"
	exit 0
fi
# Four scripts a run, as many runs at once as there are CPUs; one line per
# finding: FILE:LINE:COL: LEVEL: MESSAGE [SCnnnn].
findings=$(printf '%s\n' "${files[@]}" |
	xargs -d '\n' -n 4 -P "$(nproc)" shellcheck -x -f gcc 2>&1)
for f in "${files[@]}"; do
	mine=$(printf '%s\n' "$findings" | awk -v f="$f:" 'index($0, f) == 1')
	if [ -z "$mine" ]; then
		echo "PASS: lint/$f"
	else
		echo "FAIL: lint/$f (shellcheck: $(printf '%s\n' "$mine" | wc -l) finding(s); shellcheck -x $f)"
		printf '%s\n' "$mine" | sed 's/^/    /'
	fi
done
# And the C side's lint: every header compiles on its own.
tests/headers.sh
exit 0
