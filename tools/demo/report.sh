# shellcheck shell=bash
# report.sh - how the demo talks: a short report on stdout, details in a log.
#
#   say TEXT...          a report line (stdout and the log)
#   say_n TEXT...        the same without a newline (a result follows)
#   note TEXT...         a detail: the log only
#   run_logged CMD...    run a command, its output into the log only
#   hdr N TITLE          a scenario heading
#   verdict N PASS|FAIL TEXT   the scenario's result line, remembered for
#                        the summary
#
# Colour only when stdout is a terminal (and NO_COLOR is unset); the log
# never has any.

DEMO_LOG=${DEMO_LOG:-/dev/null}

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	C_B=$'\e[1m' C_DIM=$'\e[2m' C_RED=$'\e[31m' C_GRN=$'\e[32m'
	C_YEL=$'\e[33m' C_CYA=$'\e[36m' C_0=$'\e[0m'
else
	C_B="" C_DIM="" C_RED="" C_GRN="" C_YEL="" C_CYA="" C_0=""
fi

_strip() { sed 's/\x1b\[[0-9;]*m//g'; }

_SAY_PENDING=""   # say_n's text, for the log's copy of the whole line
say() {
	local l="$*"
	l=${l%"${l##*[! ]}"}   # no trailing blanks
	printf '%s\n' "$l"
	printf '%s%s\n' "$_SAY_PENDING" "$l" | _strip >>"$DEMO_LOG"
	_SAY_PENDING=""
}
say_n() {
	printf '%s' "$*"
	_SAY_PENDING="$_SAY_PENDING$*"
}
note() { printf '# %s\n' "$*" >>"$DEMO_LOG"; }
run_logged() { "$@" >>"$DEMO_LOG" 2>&1; }

# Colour helpers for pieces of a line.
ok() { printf '%s%s%s' "$C_GRN" "$*" "$C_0"; }
bad() { printf '%s%s%s' "$C_RED" "$*" "$C_0"; }
warn() { printf '%s%s%s' "$C_YEL" "$*" "$C_0"; }
cmd() { printf '%s%s%s' "$C_CYA" "$*" "$C_0"; }
dim() { printf '%s%s%s' "$C_DIM" "$*" "$C_0"; }
bold() { printf '%s%s%s' "$C_B" "$*" "$C_0"; }

hdr() {
	say ""
	say "$(bold "== $1. $2")"
}

# Results, for the summary: VERDICT[n]=PASS|FAIL, SUMMARY[n]=one line.
# shellcheck disable=SC2034 # demo.sh prints them
declare -A VERDICT SUMMARY TITLE
verdict() {
	local n=$1 v=$2; shift 2
	# shellcheck disable=SC2034 # demo.sh prints them
	VERDICT[$n]=$v
	# shellcheck disable=SC2034 # demo.sh prints them
	SUMMARY[$n]="$*"
	if [ "$v" = PASS ]; then
		say "   $(ok PASS)  $*"
	else
		say "   $(bad FAIL)  $*  $(dim "(details: $DEMO_LOG)")"
	fi
}

# mb BYTES: "8 MB", "1.50 MB", "64 KB", "0 B".
mb() {
	awk -v b="$1" 'BEGIN { m = b / 1048576
		if (b < 1024) printf "%d B", b
		else if (b < 1048576) printf "%d KB", b / 1024
		else if (m == int(m)) printf "%d MB", m
		else printf "%.2f MB", m }'
}

# secs T0 T1: elapsed seconds, two decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
now() { date +%s.%N; }
