#!/bin/bash
# test_ops_install.sh - `make install` into a temporary DESTDIR and
# `make uninstall`:
#
#   - the tree holds exactly the binary, the man page, the unit, the example
#     config and the bash completion, with their modes, for PREFIX=/usr/local
#     and PREFIX=/usr; the unit runs the installed binary;
#   - the unit passes `systemd-analyze verify`;
#   - the man page renders without a warning (groff -ww, man -l) and names
#     every command and option of `mtuguard --help`; `mtuguard CMD --help`
#     works for every command;
#   - the completion offers the commands, interfaces, keywords and options;
#   - make uninstall leaves no file behind.
# Builds nothing: the binary must be built (make -o keeps it as it is).
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init ops_install

if ! mtug_ready; then
	skip "ops_install" "build/mtuguard not built"
	exit 0
fi
D=$MTUG_TMP

# do_make TARGET PREFIX DESTDIR
do_make() {
	make -C "$MTUG_ROOT" --no-print-directory -o "$BUILD/mtuguard" BUILD="$BUILD" \
		"$1" PREFIX="$2" DESTDIR="$3" >"$D/make.log" 2>&1
}

# tree DIR: "mode path" of every file and link under DIR, sorted.
tree() { (cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | sort); }

check_prefix() { # PREFIX
	local prefix=$1 dest="$D/dest${1//\//_}" p=${1#/} why=""
	local want
	want=$(printf '%s\n' "755 $p/sbin/mtuguard" \
		"644 $p/share/man/man8/mtuguard.8" \
		"644 $p/lib/systemd/system/mtuguard.service" \
		"644 $p/share/doc/mtuguard/mtuguard.conf.example" \
		"644 $p/share/bash-completion/completions/mtuguard" | sort)
	if ! do_make install "$prefix" "$dest"; then
		fail "ops_install: make install PREFIX=$prefix" "$(tail -3 "$D/make.log" | tr '\n' '|')"
		return
	fi
	if [ "$(tree "$dest")" != "$want" ]; then
		why="tree: $(tree "$dest" | tr '\n' '|')"
	elif ! cmp -s "$dest/$p/sbin/mtuguard" "$MTUG_BIN"; then
		why="installed binary differs from the build"
	elif ! "$dest/$p/sbin/mtuguard" --help >/dev/null 2>&1; then
		why="installed binary does not run"
	elif [ "$(grep -c "^Exec[A-Za-z]*=.*$prefix/sbin/mtuguard " "$dest/$p/lib/systemd/system/mtuguard.service")" != 3 ] ||
		grep -v '^#' "$dest/$p/lib/systemd/system/mtuguard.service" | grep 'sbin/mtuguard' |
			grep -qv "$prefix/sbin/mtuguard "; then
		why="unit does not run $prefix/sbin/mtuguard: $(grep ^Exec "$dest/$p/lib/systemd/system/mtuguard.service" | tr '\n' '|')"
	elif ! cmp -s "$dest/$p/share/man/man8/mtuguard.8" "$MTUG_ROOT/tools/mtuguard.8"; then
		why="man page differs from tools/mtuguard.8"
	fi
	if [ -n "$why" ]; then
		fail "ops_install: make install PREFIX=$prefix DESTDIR=... installs the tree" "$why"
	else
		pass "ops_install: make install PREFIX=$prefix DESTDIR=... installs the tree"
	fi
	LAST_DEST=$dest LAST_P=$p
}

check_uninstall() { # PREFIX DEST
	local left
	do_make uninstall "$1" "$2"
	left=$(tree "$2")
	if [ -z "$left" ] && [ ! -e "$2/${1#/}/share/doc/mtuguard" ]; then
		pass "ops_install: make uninstall PREFIX=$1 leaves no file"
	else
		fail "ops_install: make uninstall PREFIX=$1 leaves no file" "left: $(echo "$left" | tr '\n' ' ')"
	fi
}

check_prefix /usr
USR_DEST=$LAST_DEST
check_prefix /usr/local
DEST=$LAST_DEST P=$LAST_P
BIN=$DEST/$P/sbin/mtuguard

# ---- the unit ------------------------------------------------------------------------------

if command -v systemd-analyze >/dev/null 2>&1; then
	# Point it at the staged binary: verify checks that the command exists.
	mkdir -p "$D/unit"
	sed "s#/usr/local/sbin/mtuguard#$BIN#g" "$DEST/$P/lib/systemd/system/mtuguard.service" \
		>"$D/unit/mtuguard.service"
	if systemd-analyze verify --man=no "$D/unit/mtuguard.service" >"$D/verify" 2>&1 &&
		[ ! -s "$D/verify" ]; then
		pass "ops_install: systemd-analyze verify accepts mtuguard.service"
	else
		fail "ops_install: systemd-analyze verify accepts mtuguard.service" \
			"$(head -c 300 "$D/verify" | tr '\n' '|')"
	fi
else
	skip "ops_install: systemd-analyze verify accepts mtuguard.service" "no systemd-analyze"
fi

# ---- the man page ----------------------------------------------------------------------------

MAN=$DEST/$P/share/man/man8/mtuguard.8
groff -man -Tutf8 -ww "$MAN" >/dev/null 2>"$D/groff.err"
g=$?
MANWIDTH=80 man -l "$MAN" >"$D/man.txt" 2>"$D/man.err"
m=$?
MANWIDTH=80 man -M "$DEST/$P/share/man" 8 mtuguard >"$D/man2.txt" 2>&1
m2=$?
if [ "$g" = 0 ] && [ ! -s "$D/groff.err" ] && [ "$m" = 0 ] && [ ! -s "$D/man.err" ] &&
	[ "$m2" = 0 ] && cmp -s "$D/man.txt" "$D/man2.txt"; then
	pass "ops_install: man page renders without warnings (groff -ww, man -l, man -M)"
else
	fail "ops_install: man page renders without warnings (groff -ww, man -l, man -M)" \
		"groff $g: $(head -c 200 "$D/groff.err"); man $m/$m2: $(head -c 200 "$D/man.err")"
fi

# Every command and option of the built-in help is in the man page, and
# the page has the sections an operator looks for.
missing=""
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "CONFIGURATION FILE" METRICS FILES \
	ENVIRONMENT "EXIT STATUS" EXAMPLES; do
	grep -q "^$s" "$D/man.txt" || missing="$missing section:$s"
done
"$BIN" --help >"$D/help"
COMMANDS=$(sed -n 's/^  mtuguard \([a-z-]*\).*/\1/p' "$D/help" | sort -u)
for c in $COMMANDS; do
	# As a tag ("   stats ..."), after "mtuguard " or as "enable|disable".
	grep -Eq "^ +$c\b|mtuguard $c\b|[a-z]\|$c\b" "$D/man.txt" || missing="$missing cmd:$c"
done
for c in $COMMANDS; do
	"$BIN" "$c" --help
done >"$D/allhelp" 2>&1
while IFS= read -r o; do
	grep -q -- "$o" "$D/man.txt" || missing="$missing opt:$o"
done < <(grep -ho -- '--[a-z][a-z-]*' "$D/help" "$D/allhelp" | sort -u)
for w in native generic fib broadcast pmtu frag drop min-mtu default-mtu mtu-source \
	ptb-mode egress mtuguard_up mtuguard_interface_info /etc/mtuguard.conf MTUGUARD_PIN_DIR; do
	grep -q -- "$w" "$D/man.txt" || missing="$missing word:$w"
done
if [ -z "$missing" ] && [ -n "$COMMANDS" ]; then
	pass "ops_install: man page documents every command, option, section"
else
	fail "ops_install: man page documents every command, option, section" "missing:$missing"
fi

# --help for every command: exit 0, its own usage on stdout.
bad=""
for c in $COMMANDS; do
	out=$("$BIN" "$c" --help 2>/dev/null) || bad="$bad $c(exit)"
	case $out in "usage: mtuguard $c"*) ;; *) bad="$bad $c" ;; esac
	out=$("$BIN" "$c" -h 2>/dev/null) || bad="$bad $c(-h)"
done
if [ -z "$bad" ] && echo "$COMMANDS" | grep -qx apply && echo "$COMMANDS" | grep -qx show-config; then
	pass "ops_install: --help for every command ($(wc -w <<<"$COMMANDS") commands)"
else
	fail "ops_install: --help for every command" "bad:$bad; commands: ${COMMANDS//$'\n'/ }"
fi

# ---- bash completion ---------------------------------------------------------------------------

COMP=$DEST/$P/share/bash-completion/completions/mtuguard
bash --norc --noprofile -c '
. "$1" || exit 1
complete -p mtuguard >/dev/null || { echo "not registered"; exit 1; }
t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mtuguard; echo "${COMPREPLY[*]}"; }
echo "top=$(t mtuguard "")"
echo "attach=$(t mtuguard attach "")"
echo "mode=$(t mtuguard attach lo --mode "")"
echo "ptbmode=$(t mtuguard --pin-dir /x ptb mode "")"
echo "ptbiface=$(t mtuguard ptb mode fib --iface "")"
echo "ptbsub=$(t mtuguard ptb "")"
echo "mtusub=$(t mtuguard mtu "")"
echo "source=$(t mtuguard mtu source "")"
echo "stats=$(t mtuguard stats --)"
echo "apply=$(t mtuguard apply -)"
echo "applyfile=$(t mtuguard apply -f "$1")"
echo "enable=$(t mtuguard enable "")"
' _ "$COMP" >"$D/comp" 2>&1
cget() { sed -n "s/^$1=//p" "$D/comp"; }
has_all() { # "got" words...
	local got=" $1 " w; shift
	for w in "$@"; do [[ $got == *" $w "* ]] || return 1; done
}
ifaces=$(ls /sys/class/net)
bad=""
# shellcheck disable=SC2086 # a list of words
has_all "$(cget top)" $COMMANDS || bad="$bad top"
# shellcheck disable=SC2086 # a list of words
has_all "$(cget attach)" $ifaces || bad="$bad attach"
has_all "$(cget mode)" native generic || bad="$bad mode"
has_all "$(cget ptbmode)" fib broadcast off || bad="$bad ptbmode"
# shellcheck disable=SC2086 # a list of words
has_all "$(cget ptbiface)" $ifaces || bad="$bad ptbiface"
has_all "$(cget ptbsub)" mode min-mtu rate forward errors invalid || bad="$bad ptbsub"
has_all "$(cget mtusub)" add del list default iface source || bad="$bad mtusub"
has_all "$(cget source)" map pmtu || bad="$bad source"
has_all "$(cget stats)" --json --per-cpu --watch --reset --prometheus --textfile || bad="$bad stats"
has_all "$(cget apply)" -f --dry-run || bad="$bad apply"
has_all "$(cget applyfile)" "$COMP" || bad="$bad applyfile"
has_all "$(cget enable)" mss ptb || bad="$bad enable"
# Every option a command's --help names is offered for that command.
for c in attach detach enable disable stats apply; do
	opts=$("$BIN" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
	got=$(bash --norc --noprofile -c '. "$1"; COMP_WORDS=(mtuguard "$2" -); COMP_CWORD=2; _mtuguard; echo "${COMPREPLY[*]}"' _ "$COMP" "$c")
	# shellcheck disable=SC2086 # a list of words
	has_all "$got" $opts || bad="$bad opts:$c"
done
if [ -z "$bad" ]; then
	pass "ops_install: bash completion: commands, interfaces, keywords, options"
else
	fail "ops_install: bash completion: commands, interfaces, keywords, options" \
		"wrong:$bad; $(tr '\n' '|' <"$D/comp" | head -c 400)"
fi

# ---- uninstall -------------------------------------------------------------------------------

check_uninstall /usr/local "$DEST"
check_uninstall /usr "$USR_DEST"

[ "$(fail_count)" -eq 0 ]
