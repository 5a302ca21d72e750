// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trafficgen - line-rate TCP traffic through a router namespace, counted
 * at a sink, for `make bench`.
 *
 *   trafficgen --cli-ns NS --cli-if IF --dst-mac MAC
 *              --snk-ns NS --snk-if IF [--rtr-ns NS --rtr-if IF]
 *              [--modes syn,mixed] [--seconds S] [--warmup S]
 *              [--mss-max N] [--batch N]
 *
 * Generator: bpf_prog_test_run of xdp_gen (tools/bench.bpf.c) in
 * BPF_F_TEST_XDP_LIVE_FRAMES mode with ingress_ifindex = the client's veth.
 * Each frame is rewritten from a template (SYN, or data segment) and sent
 * with XDP_TX, which live mode turns into a redirect out of that veth, so
 * the frames enter the router's veth as if a NIC had received them.
 *   syn    every frame a SYN (MSS 1460): a SYN flood, the clamp's worst case
 *   mixed  one SYN, then 20 data segments (ACK|PSH, 20 bytes), repeating
 * Frames: 74 bytes, one flow 10.77.1.2:40000 -> 10.77.2.2:80 (no per-flow
 * state anywhere on the path: no conntrack, no flow cache).
 *
 * Sink: xdp_sink on the sink's veth counts per CPU and drops; it also
 * counts SYNs whose MSS arrived <= --mss-max, so each round shows whether
 * the clamp under test really ran.  With --rtr-if, xdp_empty is attached
 * to the router's ingress veth (and removed at exit): a veth only runs its
 * NAPI, which frames redirected into it need, with an XDP program or with
 * GRO on; bench.sh keeps GRO off everywhere and gives every case an XDP
 * program there (this placeholder, or mtuguard's).
 *
 * Measurement: one test_run call with a huge repeat runs the generator;
 * a second thread samples the sink counters after --warmup seconds and
 * again --seconds later, then interrupts the call with a signal.  The rate
 * is (received in the window) / (window length): steady state only, no
 * start-up or teardown inside the window.
 *
 * Output: one JSON object per mode on stdout.
 */
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "bench_common.h"
#include "tools/bench.skel.h"

struct sink_stats {
	__u64 packets, syn, syn_clamped;
};

static struct bench_bpf *bb;
static int snk_ifindex, rtr_ifindex;
static char snk_ns[128], rtr_ns[128], cli_ns[128];
static double warmup = 0.3, seconds = 1.0;
static pthread_t gen_thread;

struct window {
	struct sink_stats a, b;
	double ta, tb;
};

static void sink_sum(struct sink_stats *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sink_stats v[256];
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (ncpu > 256 || bpf_map_lookup_elem(bpf_map__fd(bb->maps.sink), &zero, v))
		return;
	for (int i = 0; i < ncpu; i++) {
		out->packets += v[i].packets;
		out->syn += v[i].syn;
		out->syn_clamped += v[i].syn_clamped;
	}
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *sampler(void *arg)
{
	struct window *w = arg;

	sleep_s(warmup);
	sink_sum(&w->a);
	w->ta = now_s();
	sleep_s(seconds);
	sink_sum(&w->b);
	w->tb = now_s();
	pthread_kill(gen_thread, SIGUSR1);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void detach_all(void)
{
	/* Each detach in its own namespace; errors ignored (the namespace may
	 * be gone already). */
	if (snk_ifindex) {
		netns_enter(snk_ns);
		bpf_xdp_detach(snk_ifindex, XDP_FLAGS_DRV_MODE, NULL);
		snk_ifindex = 0;
	}
	if (rtr_ifindex) {
		netns_enter(rtr_ns);
		bpf_xdp_detach(rtr_ifindex, XDP_FLAGS_DRV_MODE, NULL);
		rtr_ifindex = 0;
	}
}

static void on_fatal(int sig)
{
	detach_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int attach_in(const char *ns, const char *ifname, int prog_fd, int *ifindex)
{
	netns_enter(ns);
	*ifindex = if_nametoindex(ifname);
	if (!*ifindex)
		die("%s: no interface %s", ns, ifname);
	if (bpf_xdp_attach(*ifindex, prog_fd,
			   XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL)) {
		int e = errno;

		*ifindex = 0;
		die("%s: attach XDP to %s: %s", ns, ifname, strerror(e));
	}
	return 0;
}

static void parse_mac(const char *s, __u8 *m)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		die("bad MAC %s", s);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: trafficgen --cli-ns NS --cli-if IF --dst-mac MAC --snk-ns NS --snk-if IF\n"
		"                  [--rtr-ns NS --rtr-if IF] [--modes syn,mixed] [--seconds S]\n"
		"                  [--warmup S] [--mss-max N] [--batch N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cli-ns", 1, 0, 'c' }, { "cli-if", 1, 0, 'C' },
		{ "snk-ns", 1, 0, 's' }, { "snk-if", 1, 0, 'S' },
		{ "rtr-ns", 1, 0, 'r' }, { "rtr-if", 1, 0, 'R' },
		{ "dst-mac", 1, 0, 'd' }, { "modes", 1, 0, 'm' },
		{ "seconds", 1, 0, 't' }, { "warmup", 1, 0, 'w' },
		{ "mss-max", 1, 0, 'x' }, { "batch", 1, 0, 'b' },
		{ 0 } };
	const char *cli_if = NULL, *snk_if = NULL, *rtr_if = NULL, *dmac_s = NULL;
	char modes[64] = "syn,mixed";
	__u8 dmac[6], smac[6] = { 0 };
	__u32 mss_max = 1360, batch = 64;
	struct frame syn, dat;
	__u8 opt[40];
	size_t n;
	int cli_ifindex, opt_c;

	while ((opt_c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt_c) {
		case 'c': snprintf(cli_ns, sizeof(cli_ns), "%s", optarg); break;
		case 'C': cli_if = optarg; break;
		case 's': snprintf(snk_ns, sizeof(snk_ns), "%s", optarg); break;
		case 'S': snk_if = optarg; break;
		case 'r': snprintf(rtr_ns, sizeof(rtr_ns), "%s", optarg); break;
		case 'R': rtr_if = optarg; break;
		case 'd': dmac_s = optarg; break;
		case 'm': snprintf(modes, sizeof(modes), "%s", optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 'x': mss_max = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		default: usage();
		}
	}
	if (!cli_ns[0] || !cli_if || !snk_ns[0] || !snk_if || !dmac_s ||
	    (rtr_if && !rtr_ns[0]) || seconds <= 0)
		usage();
	parse_mac(dmac_s, dmac);

	libbpf_set_print(NULL);
	bb = bench_bpf__open_and_load();
	if (!bb)
		die("bench skeleton load failed: %s", strerror(errno));
	bb->bss->sink_mss_max = mss_max;

	atexit(detach_all);
	signal(SIGINT, on_fatal);
	signal(SIGTERM, on_fatal);
	signal(SIGHUP, on_fatal);
	{
		struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART */

		sigaction(SIGUSR1, &sa, NULL);
	}

	attach_in(snk_ns, snk_if, bpf_program__fd(bb->progs.xdp_sink), &snk_ifindex);
	if (rtr_if)
		attach_in(rtr_ns, rtr_if, bpf_program__fd(bb->progs.xdp_empty), &rtr_ifindex);

	netns_enter(cli_ns);
	cli_ifindex = if_nametoindex(cli_if);
	if (!cli_ifindex)
		die("%s: no interface %s", cli_ns, cli_if);
	{
		/* The client's MAC, through a socket of its namespace (after
		 * setns, /sys still shows the original namespace's devices). */
		struct ifreq ifr = {};
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cli_if);
		if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
			die("%s: MAC of %s: %s", cli_ns, cli_if, strerror(errno));
		memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
		close(fd);
	}

	n = syn_options(opt, 1460);
	build_tcp4(&syn, dmac, smac, "10.77.1.2", "10.77.2.2", 40000, 80, TCP_SYN,
		   opt, n, 0);
	build_tcp4(&dat, dmac, smac, "10.77.1.2", "10.77.2.2", 40000, 80,
		   TCP_ACK | TCP_PSH, NULL, 0, 20);
	if (syn.len != sizeof(bb->bss->gen_syn) || dat.len != sizeof(bb->bss->gen_data) ||
	    !tcp4_csums_ok(&syn) || !tcp4_csums_ok(&dat))
		die("template build error (%zu/%zu bytes)", syn.len, dat.len);
	memcpy(bb->bss->gen_syn, syn.b, syn.len);
	memcpy(bb->bss->gen_data, dat.b, dat.len);

	gen_thread = pthread_self();
	for (char *m = strtok(modes, ","); m; m = strtok(NULL, ",")) {
		struct xdp_md ctx = { .data = 0, .data_end = syn.len,
				      .ingress_ifindex = cli_ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = syn.b,
			    .data_size_in = syn.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 0x7fffffff,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = batch);
		struct window w = {};
		pthread_t th;
		double mpps, window;
		int err;

		if (!strcmp(m, "syn"))
			bb->data->gen_period = 1;
		else if (!strcmp(m, "mixed"))
			bb->data->gen_period = 21;
		else
			die("unknown mode %s", m);
		bb->bss->gen_seq = 0;
		if (pthread_create(&th, NULL, sampler, &w))
			die("pthread_create failed");
		err = bpf_prog_test_run_opts(bpf_program__fd(bb->progs.xdp_gen), &o);
		err = err ? -errno : 0;
		pthread_join(th, NULL);
		if (err && err != -EINTR)
			die("live-frames test_run: %s", strerror(-err));
		if (!err)
			die("test_run ended before the window closed");
		window = w.tb - w.ta;
		mpps = (w.b.packets - w.a.packets) / window / 1e6;
		printf("{\"mode\": \"%s\", \"mpps\": %.4f, \"window_s\": %.3f, "
		       "\"received\": %llu, \"syn\": %llu, \"syn_clamped\": %llu}\n",
		       m, mpps, window, (unsigned long long)(w.b.packets - w.a.packets),
		       (unsigned long long)(w.b.syn - w.a.syn),
		       (unsigned long long)(w.b.syn_clamped - w.a.syn_clamped));
		fflush(stdout);
	}
	detach_all();
	bench_bpf__destroy(bb);
	return 0;
}
