#!/bin/bash
# test_cli_reference.sh - the CLI is described in three places, and they
# must agree with the one command table (user/main.c), which prints the
# usage text:
#
#   - the usage text: `mtuguard --help` and `mtuguard CMD --help`;
#   - the man page tools/mtuguard.8 (SYNOPSIS, GLOBAL OPTIONS, the tags of
#     COMMANDS), the full reference;
#   - the bash completion tools/mtuguard.bash-completion.
#
# Compared both ways: the commands, the subcommands of mtu and ptb, each
# command's options, and the global options.  A command, subcommand or
# option that one of them has and another lacks fails, naming it.
# timeout: 60
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_reference

if ! mtug_ready; then
	skip "cli_reference" "build/mtuguard not built"
	exit 0
fi
D=$MTUG_TMP
MAN=$MTUG_ROOT/tools/mtuguard.8
COMP=$MTUG_ROOT/tools/mtuguard.bash-completion

# The usage texts.
"$MTUG_BIN" --help >"$D/help" 2>&1
COMMANDS=$(sed -n 's/^  mtuguard \([a-z-]*\).*/\1/p' "$D/help" | sort -u)
for c in $COMMANDS; do
	echo "== $c"
	"$MTUG_BIN" "$c" --help 2>&1
done >"$D/cmdhelp"

# The man page, rendered wide enough that no synopsis line wraps.
MANWIDTH=250 man -l "$MAN" >"$D/man" 2>"$D/man.err"

# What the completion offers: commands, global options, and for each
# command its options and subcommands (and the options after each
# subcommand of mtu and ptb).
bash --norc --noprofile -c '
. "$1" || exit 1
t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mtuguard; echo "${COMPREPLY[*]}"; }
echo "commands: $(t mtuguard "")"
echo "globals: $(t mtuguard -)"
for c in $(t mtuguard ""); do
	echo "opts $c: $(t mtuguard "$c" -)"
	case $c in
	mtu|ptb)
		subs=$(t mtuguard "$c" "")
		echo "subs $c: $subs"
		for s in $subs; do
			echo "opts $c: $(t mtuguard "$c" "$s" x -)"
		done ;;
	esac
done
' _ "$COMP" >"$D/comp" 2>&1

python3 - "$D" <<'EOF' >"$D/result" 2>&1
import re, sys

d = sys.argv[1]
read = lambda n: open("%s/%s" % (d, n)).read()
help_all, cmdhelp, man, comp = read("help"), read("cmdhelp"), read("man"), read("comp")
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])")
GLOBAL_HELP = re.compile(r"^Global options:$")


def section(text, name):
    m = re.search(r"^%s\n(.*?)(?=^[A-Z][A-Z ]+$)" % re.escape(name), text, re.S | re.M)
    return m.group(1) if m else ""


# ---- the usage text: commands, subcommands, options, globals --------------
u_cmds, u_subs, u_opts = set(), {}, {}
for line in help_all.splitlines():
    m = re.match(r"  mtuguard ([a-z-]+)(.*)", line)
    if m:
        u_cmds.add(m.group(1))
glob_part = help_all.split("Global options:", 1)[1] if "Global options:" in help_all else ""
u_glob = set(OPT.findall(glob_part))
cur = None
for line in cmdhelp.splitlines():
    if line.startswith("== "):
        cur = line[3:]
        u_opts.setdefault(cur, set())
        continue
    m = re.match(r"(?:usage: )?mtuguard ([a-z-]+)\s*(.*)", line)
    if not m or m.group(1) != cur:
        continue
    rest = m.group(2)
    if cur in ("mtu", "ptb"):
        u_subs.setdefault(cur, set()).add(rest.split()[0])
    u_opts[cur] |= set(OPT.findall(rest))

# ---- the man page ------------------------------------------------------------
syn = section(man, "SYNOPSIS")
m_cmds, m_subs, m_opts = set(), {}, {}
for line in syn.splitlines():
    m = re.match(r"\s+mtuguard ([a-z|-]+)\s*(.*)", line)
    if not m:
        continue
    names, rest = m.group(1).split("|"), m.group(2)
    for c in names:
        m_cmds.add(c)
        m_opts.setdefault(c, set()).update(OPT.findall(rest))
        if c in ("mtu", "ptb"):
            # "add PREFIX MTU | del PREFIX | list [--json]": each
            # alternative starts with a subcommand.
            for alt in rest.split(" | "):
                m_subs.setdefault(c, set()).add(alt.split()[0])
# "mtuguard version | --version": the global option, not an option of version
m_opts.get("version", set()).discard("--version")
m_glob = set()
for line in section(man, "GLOBAL OPTIONS").splitlines():
    if re.match(r"^       -", line):
        m_glob |= set(OPT.findall(line))
m_tags = set()
for line in section(man, "COMMANDS").splitlines():
    m = re.match(r"^       ([a-z][a-z|-]*)(?:\s|$)", line)
    if m:
        m_tags |= set(m.group(1).split("|"))

# ---- the completion ---------------------------------------------------------
c_cmds, c_glob, c_subs, c_opts = set(), set(), {}, {}
for line in comp.splitlines():
    key, _, val = line.partition(": ")
    words = set(val.split())
    if key == "commands":
        c_cmds = words
    elif key == "globals":
        c_glob = words
    elif key.startswith("subs "):
        c_subs[key[5:]] = words
    elif key.startswith("opts "):
        c_opts.setdefault(key[5:], set()).update(words)
# `mtuguard help` is --help spelled as a command: accepted, not in the table.
c_cmds.discard("help")

errs = []


def same(what, **sets):
    names = list(sets)
    union = set().union(*sets.values())
    for w in sorted(union):
        missing = [n for n in names if w not in sets[n]]
        if missing:
            errs.append("%s %s: not in %s" % (what, w, ", ".join(missing)))


if not u_cmds:
    errs.append("no command in mtuguard --help")
same("command", usage=u_cmds, man_synopsis=m_cmds, man_commands=m_tags, completion=c_cmds)
for c in ("mtu", "ptb"):
    same("%s subcommand" % c, usage=u_subs.get(c, set()), man=m_subs.get(c, set()),
         completion=c_subs.get(c, set()))
same("global option", usage=u_glob, man=m_glob, completion=c_glob)
for c in sorted(u_cmds | m_cmds | c_cmds):
    # --json is global; a command may name it in its synopsis
    same("option of %s" % c, usage=u_opts.get(c, set()) - u_glob,
         man=m_opts.get(c, set()) - m_glob, completion=c_opts.get(c, set()) - c_glob)
print("\n".join(errs) if errs else "ok: %d commands" % len(u_cmds))
sys.exit(1 if errs else 0)
EOF
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$D/man.err" ]; then
	pass "cli_reference: usage text, man page and completion agree ($(cat "$D/result"))"
else
	sed 's/^/    /' "$D/result" "$D/man.err"
	fail "cli_reference: usage text, man page and completion agree" \
		"$(head -n 3 "$D/result" | tr '\n' ';')"
fi

# `mtuguard help` is the usage text, as --help.
if [ "$("$MTUG_BIN" help)" = "$(cat "$D/help")" ]; then
	pass "cli_reference: mtuguard help = mtuguard --help"
else
	fail "cli_reference: mtuguard help = mtuguard --help"
fi
[ "$(fail_count)" -eq 0 ]
