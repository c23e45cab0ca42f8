// SPDX-License-Identifier: GPL-2.0
/* sisctl: administer SIS, self-securing network interfaces. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "sisctl.h"

#ifndef SIS_VERSION
#define SIS_VERSION "unknown"
#endif

static const struct {
	const char *name;
	int (*run)(const struct sisctl *o, int argc, char **argv);
} commands[] = {
	{ "attach", cmd_attach },
	{ "detach", cmd_detach },
	{ "prevent", cmd_prevent },
	{ "show", cmd_show },
	{ "scanner", cmd_scanner },
	{ "cap", cmd_cap },
	{ "inject", cmd_inject },
	{ "monitor", cmd_monitor },
	{ "set", cmd_set },
	{ "conns", cmd_conns },
};

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl [OPTIONS] COMMAND [ARGS]\n"
		"Commands:\n"
		"  attach BRIDGE host PORT    make BRIDGE a self-securing NI, PORT faces the host\n"
		"  detach BRIDGE              undo attach\n"
		"  prevent add BRIDGE [dir in|out|any] FILTER...\n"
		"                             drop frames matching a pcap filter, print the rule id\n"
		"  prevent del BRIDGE ID      remove a rule\n"
		"  show [BRIDGE]              attached bridges, counters, rules and scanners\n"
		"  show scanner [NAME]        scanners only\n"
		"  show conns [dev BRIDGE]    the same as conns\n"
		"  scanner add NAME bridge BRIDGE user USER [timeout MS] [fail open|closed]\n"
		"              [absent drop|pass] [max-held FRAMES] [max-bytes BYTES]\n"
		"              [inject-rate N]\n"
		"                             declare a scanner, run by USER\n"
		"  scanner del NAME           delete it\n"
		"  cap add SCANNER CAP [dir in|out|any] rights read|read,contain FILTER...\n"
		"                             let SCANNER read (and contain) matching frames\n"
		"  cap add SCANNER CAP stream [host-port LIST] [net-port LIST] [dir in|out|any]\n"
		"              [midstream drop|pass] [max-cuts N]\n"
		"              rights read|read,contain [filter FILTER...]\n"
		"                             the same for TCP byte streams, by port\n"
		"  cap del SCANNER CAP        remove a capability\n"
		"  inject add SCANNER ID FILE [frame] [dir in|out|any]\n"
		"                             let SCANNER send the frame in FILE (raw or pcap)\n"
		"  inject add SCANNER ID FILE stream [dir in|out|any]\n"
		"                             let SCANNER put the bytes in FILE into a stream\n"
		"  inject del SCANNER ID      remove an injection\n"
		"  monitor [-j] [alerts|config|all] [--pcap FILE] [--save DIR]\n"
		"          [--eve FILE] [--journal] [--count N]\n"
		"                             print the scanners' alerts and the changes of\n"
		"                             configuration as they come\n"
		"  set dev BRIDGE [max-conns N] [max-half-open N] [max-memory SIZE]\n"
		"              [conn-bytes SIZE] [conn-segs N] [syn-timeout DUR]\n"
		"              [idle-timeout DUR] [close-timeout DUR]\n"
		"              [fragments reassemble|drop|pass]\n"
		"              [ip6-exthdr drop|pass] [local drop|pass]\n"
		"                             the settings of BRIDGE\n"
		"  conns [dev BRIDGE]         the TCP connections tracked for streams\n"
		"  help                       this text\n"
		"Options:\n"
		"  -j, --json                 JSON output\n"
		"  -p, --pretty               indented JSON output (implies -j)\n"
		"  -n, --netns NETNS          act in network namespace NETNS\n"
		"  -h, --help                 this text\n"
		"  -V, --version              print the version\n");
	return f == stdout ? 0 : 1;
}

static int finish(int ret)
{
	/* A failed write of the output must not look like success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		sisctl_error("write error: %s", strerror(errno));
		return 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sisctl o = { 0 };
	const char *netns = NULL;
	int c;

	opterr = 0;
	/* '+': options end at the command, as with ip(8). */
	while ((c = getopt_long(argc, argv, "+jpn:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'p':
			o.json = o.pretty = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'h':
			return finish(usage(stdout));
		case 'V':
			printf("sisctl %s\n", SIS_VERSION);
			return finish(0);
		default:
			if (optopt == 'n')
				sisctl_error("option -n needs a network namespace");
			else if (optopt)
				sisctl_error("unknown option -%c", optopt);
			else
				sisctl_error("unknown option \"%s\"", argv[optind - 1]);
			return usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage(stderr);
	if (!strcmp(argv[0], "help"))
		return finish(usage(stdout));

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		if (netns && sisctl_netns(netns) < 0)
			return 1;
		return finish(commands[i].run(&o, argc, argv));
	}
	sisctl_error("unknown command \"%s\"", argv[0]);
	return usage(stderr);
}
