/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sig.h - SIGINT, SIGTERM and SIGHUP while a command changes state.
 *
 * A command that writes holds the pin dir lock, and while any lock is held
 * those three signals are caught instead of ending the process (and
 * SIGPIPE is ignored: a closed stdout must not cut a change short).  One
 * the process was started ignoring (nohup) stays ignored.  A
 * command made of several changes (apply, enable/disable/ptb mode over
 * several interfaces) asks mg_sig_caught() between its steps and, if one
 * came, undoes what it did and says so (mg_sig_ack()); any other change
 * runs to its end.  When the last hold goes, the old dispositions come
 * back, and a signal caught but not acknowledged is reported in one line:
 * the change it came during is whole.
 */
#ifndef MG_SIG_H
#define MG_SIG_H

/* Nested: the first hold installs the handlers, the last release restores
 * what was there. */
void mg_sig_hold(void);
void mg_sig_release(void);

/* The first signal caught during the hold, 0 if none. */
int mg_sig_caught(void);

/* The command has reported the caught signal itself. */
void mg_sig_ack(void);

/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N". */
const char *mg_sig_name(int sig);

#endif /* MG_SIG_H */
