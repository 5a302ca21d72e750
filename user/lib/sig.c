// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sig.c - see sig.h. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "sig.h"

static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NHELD (sizeof(held) / sizeof(held[0]))

static struct sigaction saved[NHELD];
static bool installed[NHELD];
static unsigned int depth;
static volatile sig_atomic_t caught;
static bool acked;

static void on_signal(int sig)
{
	if (!caught)
		caught = sig;
}

void mg_sig_hold(void)
{
	struct sigaction sa = {};
	size_t i;

	if (depth++)
		return;
	caught = 0;
	acked = false;
	/* SA_RESTART: a signal must not make a bpf() or netlink call in the
	 * middle of a change fail with EINTR; the steps ask mg_sig_caught(). */
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < NHELD; i++) {
		/* A signal the caller ignores (nohup: SIGHUP) stays ignored:
		 * it was never going to stop the command. */
		installed[i] = !sigaction(held[i], NULL, &saved[i]) &&
			       saved[i].sa_handler != SIG_IGN;
		sa.sa_handler = held[i] == SIGPIPE ? SIG_IGN : on_signal;
		if (installed[i])
			sigaction(held[i], &sa, NULL);
	}
}

void mg_sig_release(void)
{
	size_t i;
	int sig;

	if (!depth || --depth)
		return;
	for (i = 0; i < NHELD; i++)
		if (installed[i])
			sigaction(held[i], &saved[i], NULL);
	sig = caught;
	if (sig && !acked)
		mg_note("%s came during a change: the change was completed first",
			mg_sig_name(sig));
	caught = 0;
	acked = false;
}

int mg_sig_caught(void)
{
	return depth ? caught : 0;
}

void mg_sig_ack(void)
{
	acked = true;
}

const char *mg_sig_name(int sig)
{
	static char buf[32];

	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}
