/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SISCTL_H
#define SISCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/filter.h>
#include <jansson.h>
#include <netlink/attr.h>
#include <sis/sis.h>

struct nl_msg;

/* Policies for parsing what the kernel sends (util.c). */
extern const struct nla_policy sisctl_policy[SIS_A_MAX + 1];
extern const struct nla_policy sisctl_rule_policy[SIS_RULE_A_MAX + 1];
extern const struct nla_policy sisctl_stats_policy[SIS_STATS_A_MAX + 1];

/* Global options. */
struct sisctl {
	bool json;
	bool pretty;
};

/* Subcommands: argv[0] is the command word; the result is the exit code. */
int cmd_attach(const struct sisctl *o, int argc, char **argv);
int cmd_detach(const struct sisctl *o, int argc, char **argv);
int cmd_prevent(const struct sisctl *o, int argc, char **argv);
int cmd_show(const struct sisctl *o, int argc, char **argv);

/* util.c */
void sisctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sisctl_errline(char *buf, size_t len, int err, const char *extack);
int sisctl_result(int err, const char *extack);
int sisctl_ifindex(const char *name, uint32_t *ifindex);
int sisctl_open(struct sis_nl **nl);
int sisctl_netns(const char *name);
void sisctl_json_print(const struct sisctl *o, json_t *j);
bool is_help(const char *arg);
int parse_dir(const char *word, uint8_t *dir);
const char *dir_name(uint8_t dir);
int parse_u32(const char *s, uint32_t *v);
char *join_args(int argc, char *const argv[]);

/* filter.c */
int filter_compile(const char *expr, struct sock_filter **insns,
		   unsigned int *len, char *err, size_t err_len);

/* attach.c */
int attach_fill(struct nl_msg *msg, uint32_t bridge, uint32_t host);
int detach_fill(struct nl_msg *msg, uint32_t bridge);

/* prevent.c */
struct prevent_add_args {
	const char *bridge;
	uint8_t dir;
	char *expr;		/* joined filter words, malloc'ed */
};
int prevent_add_parse(int argc, char *const argv[], struct prevent_add_args *a,
		      char *err, size_t err_len);
int prevent_add_fill(struct nl_msg *msg, uint32_t bridge, uint8_t dir,
		     const struct sock_filter *insns, unsigned int len,
		     const char *expr);
int prevent_del_fill(struct nl_msg *msg, uint32_t bridge, uint32_t id);
int prevent_reply_id(const struct nlmsghdr *nlh, uint32_t *id);

/* show.c */
struct sisctl_stats {
	uint64_t frames, bytes, dropped;
};

struct sisctl_rule {
	uint32_t id;
	uint8_t dir;
	char *expr;
	uint64_t matches, bytes;
};

struct sisctl_bridge {
	uint32_t ifindex, host_ifindex, net_ifindex;
	char ifname[IF_NAMESIZE];
	char host_ifname[IF_NAMESIZE];
	char net_ifname[IF_NAMESIZE];
	struct sisctl_stats in, out;
	struct sisctl_rule *rules;
	size_t nrules, rules_cap;
};

struct sisctl_bridges {
	struct sisctl_bridge *v;
	size_t n, cap;
};

int show_merge(struct sisctl_bridges *l, const struct nlmsghdr *nlh);
void show_free(struct sisctl_bridges *l);
void show_text(FILE *f, const struct sisctl_bridges *l);
json_t *show_json(const struct sisctl_bridges *l);

#endif
