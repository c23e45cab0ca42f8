/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SISCTL_H
#define SISCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <sys/uio.h>
#include <linux/filter.h>
#include <jansson.h>
#include <netlink/attr.h>
#include <sis/sis.h>

struct nl_msg;

/* Policies for parsing what the kernel sends (util.c). */
extern const struct nla_policy sisctl_policy[SIS_A_MAX + 1];
extern const struct nla_policy sisctl_rule_policy[SIS_RULE_A_MAX + 1];
extern const struct nla_policy sisctl_stats_policy[SIS_STATS_A_MAX + 1];
extern const struct nla_policy sisctl_scanner_policy[SIS_SCANNER_A_MAX + 1];
extern const struct nla_policy sisctl_cap_policy[SIS_CAP_A_MAX + 1];
extern const struct nla_policy sisctl_inject_policy[SIS_INJECT_A_MAX + 1];
extern const struct nla_policy sisctl_sub_policy[SIS_SUB_A_MAX + 1];
extern const struct nla_policy sisctl_alert_policy[SIS_ALERT_A_MAX + 1];
extern const struct nla_policy sisctl_limits_policy[SIS_LIMITS_A_MAX + 1];
extern const struct nla_policy sisctl_sstats_policy[SIS_SSTATS_A_MAX + 1];
extern const struct nla_policy sisctl_nstats_policy[SIS_NSTATS_A_MAX + 1];
extern const struct nla_policy sisctl_closed_policy[SIS_CLOSED_A_MAX + 1];
extern const struct nla_policy sisctl_conn_policy[SIS_CONN_A_MAX + 1];
extern const struct nla_policy sisctl_conn_dir_policy[SIS_CONN_DIR_A_MAX + 1];

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
int cmd_scanner(const struct sisctl *o, int argc, char **argv);
int cmd_cap(const struct sisctl *o, int argc, char **argv);
int cmd_inject(const struct sisctl *o, int argc, char **argv);
int cmd_monitor(const struct sisctl *o, int argc, char **argv);
int cmd_set(const struct sisctl *o, int argc, char **argv);
int cmd_conns(const struct sisctl *o, int argc, char **argv);

/* util.c */
void sisctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sisctl_errline(char *buf, size_t len, int err, const char *extack);
int sisctl_result(int err, const char *extack);
int sisctl_ifindex(const char *name, uint32_t *ifindex);
int sisctl_open(struct sis_nl **nl);
int sisctl_netns(const char *name);
void sisctl_json_print(const struct sisctl *o, json_t *j);
size_t sisctl_json_flags(const struct sisctl *o);
bool is_help(const char *arg);
int parse_dir(const char *word, uint8_t *dir);
const char *dir_name(uint8_t dir);
int parse_u32(const char *s, uint32_t *v);
int parse_size(const char *s, uint32_t *v);
int parse_duration_ms(const char *s, uint32_t *ms);
int format_size(char *buf, size_t len, uint64_t v);
int format_duration_ms(char *buf, size_t len, uint64_t ms);
char *join_args(int argc, char *const argv[]);
bool valid_name(const char *name);
void name_error(char *err, size_t err_len, const char *what, const char *name);
bool check_name(const char *what, const char *name);

/*
 * print.c: the printer. One emitter per object writes both forms, each
 * piece marked with where it goes (as iproute2's json_print.c); a key is
 * NULL for an element of an array, a text format NULL for none.
 */
enum print_type {
	PRINT_FP = 1 << 0,	/* text only */
	PRINT_JSON = 1 << 1,	/* JSON only */
	PRINT_ANY = PRINT_FP | PRINT_JSON,
	/* How text writes a string (JSON has it as it is): */
	PRINT_CLEAN = 1 << 2,	/* control characters as spaces */
	PRINT_ESCAPE = 1 << 3,	/* \\, and \xNN outside printable ASCII */
};

#define PRINT_DEPTH 16

struct sisctl_print {
	FILE *f;		/* text, and where print_end() dumps JSON */
	bool json;
	json_t *root;		/* JSON: what is built */
	json_t *open[PRINT_DEPTH];	/* JSON: the containers open */
	int depth;
	int error;		/* the first failure, a negative errno */
};

void print_init(struct sisctl_print *p, FILE *f, bool json);
bool print_wants(const struct sisctl_print *p, enum print_type t);
void open_object(struct sisctl_print *p, const char *key);
void close_object(struct sisctl_print *p);
void open_array(struct sisctl_print *p, const char *key);
void close_array(struct sisctl_print *p);
void print_fp(struct sisctl_print *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_string(struct sisctl_print *p, enum print_type t, const char *key,
		  const char *fmt, const char *s);
void print_stringn(struct sisctl_print *p, enum print_type t, const char *key,
		   const char *fmt, const char *s, size_t n);
void print_u64(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t v);
void print_uint(struct sisctl_print *p, enum print_type t, const char *key,
		const char *fmt, unsigned int v);
void print_null(struct sisctl_print *p, enum print_type t, const char *key,
		const char *text);
void print_hex(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, const void *data, size_t n);
void print_dev(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, const char *name, uint32_t ifindex);
json_t *print_json_take(struct sisctl_print *p);
char *text_escape(const char *s, size_t n);
int print_end(struct sisctl_print *p, size_t json_flags);

/* args.c: keyword arguments, one parser for every command. */
enum arg_kind {
	ARG_STRING,	/* any word */
	ARG_U32,	/* lo to hi (unit) */
	ARG_SIZE,	/* bytes, with k, m or g */
	ARG_DURATION,	/* with ms, s, m or h: milliseconds */
	ARG_CHOICE,	/* one of choices: its values[] entry, or its index */
	ARG_DIR,	/* in, out or any: enum sis_dir */
	ARG_USER,	/* a user name or uid */
	ARG_FLAG,	/* the key alone */
	ARG_REST,	/* the words after the key, one at least (rest) */
	ARG_CUSTOM,	/* parse() */
};

struct arg {
	const char *key;
	enum arg_kind kind;
	const char *what;		/* in messages, when not the key */
	uint32_t lo, hi;		/* ARG_U32 */
	const char *unit;		/* ARG_U32 */
	const char *const *choices;	/* ARG_CHOICE, NULL-terminated */
	const uint32_t *values;		/* ARG_CHOICE, or NULL */
	int (*parse)(const char *v, uint32_t *out, char *err, size_t err_len);
};

struct arg_value {
	bool set;
	uint32_t u;		/* numbers, choices, directions, users */
	const char *s;		/* the value as given */
};

/*
 * The keys of spec[n] in argv[0..argc), each once, into val[n] (val[i]
 * for spec[i]; an entry without a key is skipped). With rest, a word that is no key (or the words after an
 * ARG_REST key) ends the pairs: its index goes to *rest (argc: none);
 * without, it is an error. 0, or -1 with the reason in err.
 */
int args_parse(const struct arg *spec, size_t n, int argc, char *const argv[],
	       struct arg_value *val, int *rest, char *err, size_t err_len);
const char *rights_name(uint8_t rights);
const char *fail_name(uint8_t fail);
const char *absent_name(uint8_t absent);
typedef int (*sisctl_fill_fn)(struct nl_msg *msg, const void *arg);
int sisctl_send(uint8_t cmd, size_t size, sisctl_fill_fn fill, const void *arg);

/* filter.c: libpcap, loaded on first use */
int filter_compile(const char *expr, struct sock_filter **insns,
		   unsigned int *len, char *err, size_t err_len);
int pcapfile_read_first(const char *path, unsigned char *buf, size_t size,
			size_t *caplen, size_t *len, char *err, size_t err_len);
struct pcapfile;
struct pcapfile *pcapfile_create(const char *path, char *err, size_t err_len);
int pcapfile_write(struct pcapfile *f, uint64_t time_ns, const void *data,
		   size_t caplen, size_t len);
int pcapfile_close(struct pcapfile *f);

/* ports.c: the port lists of stream capabilities (n == 0: any port) */
struct port_list {
	unsigned int n;
	struct sis_port_range r[SIS_PORT_RANGES_MAX];
};
int parse_port_list(const char *s, struct port_list *l, char *err,
		    size_t err_len);
int parse_ports_spec(const char *s, struct port_list *host,
		     struct port_list *net, bool *has_host, bool *has_net,
		     char *err, size_t err_len);
int format_port_list(char *buf, size_t len, const struct port_list *l);
int port_list_from_attr(struct port_list *l, const void *data, int len);

/* attach.c */
int attach_fill(struct nl_msg *msg, uint32_t bridge, uint32_t host, int fail);
int detach_fill(struct nl_msg *msg, uint32_t bridge);
void attach_warn_addresses(FILE *f, const char *bridge, const char *host);

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

/* SIS_A_LIMITS: v[SIS_LIMITS_A_*], present when bit (1 << attr) is in has. */
struct sisctl_limits {
	uint32_t has;
	uint32_t v[SIS_LIMITS_A_MAX + 1];
};

/* SIS_A_STREAM_STATS, the same way. */
struct sisctl_sstats {
	uint64_t has;
	uint64_t v[SIS_SSTATS_A_MAX + 1];
};

/* SIS_A_NORM_STATS, the same way. */
struct sisctl_nstats {
	uint32_t has;
	uint64_t v[SIS_NSTATS_A_MAX + 1];
};

struct sisctl_bridge {
	uint32_t ifindex, host_ifindex, net_ifindex;
	char ifname[IF_NAMESIZE];
	char host_ifname[IF_NAMESIZE];
	char net_ifname[IF_NAMESIZE];
	struct sisctl_stats in, out;
	struct sisctl_limits limits;
	struct sisctl_sstats sstats;
	struct sisctl_nstats nstats;
	struct sisctl_rule *rules;
	size_t nrules, rules_cap;
	bool has_fail;			/* SIS_A_FAIL was there */
	uint8_t fail;			/* enum sis_fail */
	/* SIS_A_CLOSED: kept closed after losing a port */
	bool closed;
	uint8_t closed_reason;		/* enum sis_event_reason */
	char closed_port[IF_NAMESIZE];
	uint64_t closed_dropped;
};

struct sisctl_bridges {
	struct sisctl_bridge *v;
	size_t n, cap;
};

int show_merge(struct sisctl_bridges *l, const struct nlmsghdr *nlh);
void show_free(struct sisctl_bridges *l);
int sisctl_dump(struct sis_nl *nl, uint8_t cmd, uint32_t ifindex,
		sis_nl_msg_cb cb, void (*reset)(void *), void *arg,
		const char *what, char *extack, size_t extack_len);

/* show_scanner.c: SIS_CMD_GET_SCANNER dumps */
struct sisctl_cap {
	char name[SIS_NAME_MAX];
	uint8_t dir, rights, kind;
	char *expr;
	uint64_t matches;
	struct port_list host_ports, net_ports;	/* SIS_CAP_STREAM */
	int midstream;		/* enum sis_unjudged, -1: not in the dump */
	uint32_t max_cuts;	/* 0: no bound */
};

struct sisctl_inject {
	uint32_t id;
	uint8_t dir;
	uint8_t kind;		/* enum sis_inject_kind */
	uint32_t len;
	uint64_t sent;
};

struct sisctl_sub {
	uint32_t id;
	char cap[SIS_NAME_MAX];
	uint8_t rights;
	char *expr;
	uint32_t snaplen;
	uint64_t matches;
};

struct sisctl_scanner_stats {
	uint64_t frames, passed, cut, timeouts, overflows, released, stale,
		 lost, alerts, alerts_dropped, injects, injects_limited,
		 absent_dropped, attachments, attach_dropped;
};

struct sisctl_scanner {
	char name[SIS_NAME_MAX];
	uint32_t ifindex, uid, timeout_ms, max_held, max_bytes, inject_rate;
	uint8_t fail, absent;
	bool attached;
	uint32_t pid, held, held_bytes;
	struct sisctl_scanner_stats st;
	struct sisctl_cap *caps;
	size_t ncaps, caps_cap;
	struct sisctl_inject *injects;
	size_t ninjects, injects_cap;
	struct sisctl_sub *subs;
	size_t nsubs, subs_cap;
};

struct sisctl_scanners {
	struct sisctl_scanner *v;
	size_t n, cap;
};

int scanners_merge(struct sisctl_scanners *l, const struct nlmsghdr *nlh);
void scanners_free(struct sisctl_scanners *l);
const char *scanner_bridge_name(const struct sisctl_bridges *bl,
				uint32_t ifindex, char *buf, size_t len);
const char *cap_kind_name(uint8_t kind);
const char *inject_kind_name(uint8_t kind);
void scanner_print(struct sisctl_print *p, const struct sisctl_scanner *s,
		   const char *bridge);

/* show.c: bl and sl may be NULL (nothing of that kind) */
void show_print(struct sisctl_print *p, const struct sisctl_bridges *bl,
		const struct sisctl_scanners *sl);
void filter_end_print(struct sisctl_print *p, const char *expr);
int show_scanners(const struct sisctl *o, const char *name);

/* scanner.c */
struct scanner_add_args {
	const char *name, *bridge;
	uint32_t uid;
	bool has_timeout, has_fail, has_absent, has_max_held, has_max_bytes;
	bool has_inject_rate;
	uint32_t timeout_ms, max_held, max_bytes, inject_rate;
	uint8_t fail, absent;
};
int parse_user(const char *s, uint32_t *uid);
int scanner_add_parse(int argc, char *const argv[], struct scanner_add_args *a,
		      char *err, size_t err_len);
int scanner_add_fill(struct nl_msg *msg, const struct scanner_add_args *a,
		     uint32_t bridge);
int scanner_del_fill(struct nl_msg *msg, const char *name);

/* cap.c */
struct cap_add_args {
	const char *scanner, *name;
	uint8_t dir, rights;
	char *expr;		/* joined filter words, malloc'ed (NULL: none) */
	bool stream;		/* SIS_CAP_STREAM */
	struct port_list host_ports, net_ports;
	int midstream;		/* enum sis_unjudged, -1: not given */
	uint32_t max_cuts;	/* 0: not given */
};
int parse_rights(const char *s, uint8_t *rights);
int cap_add_parse(int argc, char *const argv[], struct cap_add_args *a,
		  char *err, size_t err_len);
int cap_add_fill(struct nl_msg *msg, const char *scanner, const char *name,
		 uint8_t dir, uint8_t rights, const struct sock_filter *insns,
		 unsigned int len, const char *expr);
int cap_add_stream_fill(struct nl_msg *msg, const struct cap_add_args *a,
			const struct sock_filter *insns, unsigned int len);
int cap_del_fill(struct nl_msg *msg, const char *scanner, const char *name);

/* inject.c */
struct inject_add_args {
	const char *scanner, *file;
	uint32_t id;
	uint8_t dir;
	uint8_t kind;		/* enum sis_inject_kind */
};
int inject_add_parse(int argc, char *const argv[], struct inject_add_args *a,
		     char *err, size_t err_len);
int inject_read_frame(const char *path, unsigned char *buf, size_t *len,
		      char *err, size_t err_len);
int inject_read_stream(const char *path, unsigned char *buf, size_t *len,
		       char *err, size_t err_len);
int inject_add_fill(struct nl_msg *msg, const char *scanner, uint32_t id,
		    uint8_t dir, const void *frame, size_t len);
int inject_add_stream_fill(struct nl_msg *msg, const char *scanner,
			   uint32_t id, uint8_t dir, const void *data,
			   size_t len);
int inject_del_fill(struct nl_msg *msg, const char *scanner, uint32_t id);

/* set.c: sisctl set dev BRIDGE LIMIT VALUE... */
struct set_args {
	const char *bridge;
	struct sisctl_limits limits;
};
int set_parse(int argc, char *const argv[], struct set_args *a, char *err,
	      size_t err_len);
int set_fill(struct nl_msg *msg, uint32_t bridge,
	     const struct sisctl_limits *l);
void limits_print(struct sisctl_print *p, const struct sisctl_limits *l);
void nstats_print(struct sisctl_print *p, const struct sisctl_nstats *s);
void sstats_print(struct sisctl_print *p, const struct sisctl_sstats *s);

/* conns.c: SIS_CMD_GET_CONN dumps */
struct sisctl_conn_dir {
	uint64_t seen, passed;
	uint32_t held, kept, watchers;
};

struct sisctl_conn {
	uint64_t id, age_ms;
	uint32_t ifindex;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t initiator;	/* SIS_DIR_OUT: the host opened it; 0: unknown */
	uint8_t host_state, net_state;	/* enum sis_tcp_state */
	unsigned char host_addr[16], net_addr[16];
	uint16_t host_port, net_port;
	struct sisctl_conn_dir in, out;
};

struct sisctl_conns {
	struct sisctl_conn *v;
	size_t n, cap;
};

const char *tcp_state_name(uint8_t state);
int conns_merge(struct sisctl_conns *l, const struct nlmsghdr *nlh);
void conns_free(struct sisctl_conns *l);
int conn_endpoint(char *buf, size_t len, uint8_t family,
		  const unsigned char *addr, uint16_t port);
void conn_print(struct sisctl_print *p, const struct sisctl_conn *c,
		const char *bridge);
int show_conns(const struct sisctl *o, int argc, char **argv);

/* monitor.c */
struct nl_sock;

/* The groups monitor joins. */
enum {
	MONITOR_ALERTS = 1,	/* "alerts": the scanners' alerts */
	MONITOR_CONFIG = 2,	/* "config": changes of configuration */
	MONITOR_ALL = MONITOR_ALERTS | MONITOR_CONFIG,
};

/* Attachments monitor --save receives at once (monitor_save.c). */
#define MONITOR_ATTACH_MAX	8

/* An attachment being received; its bytes go straight to its file. */
struct monitor_attach {
	uint64_t id;		/* SIS_ALERT_A_ID, 0: this slot is free */
	uint64_t len;		/* SIS_ALERT_A_ATTACH_LEN */
	uint64_t got;		/* bytes written so far */
	uint64_t seq;		/* announced as the monitor's seq-th */
	uint32_t ifindex;
	char scanner[SIS_NAME_MAX];
	int fd;			/* its temporary file */
};

/* monitor --eve FILE (eve.c). */
struct eve_out {
	const char *path;	/* "-": standard output */
	int fd;
	bool failing;		/* the last write failed (said once) */
	uint64_t written;	/* records written */
	uint64_t lost;		/* records that could not be written */
	uint64_t lost_run;	/* of those, since the last success */
	uint64_t reopened;	/* times SIGHUP reopened it */
};

struct monitor {
	bool json;
	bool kept_only;		/* --eve or --journal: no lines on out */
	struct eve_out *eve;	/* --eve, NULL: none */
	bool journal;		/* --journal */
	bool journal_failing;
	uint64_t journal_lost, journal_lost_run;
	int hupfd;		/* SIGHUP: reopen --eve; -1: none */
	uint32_t count;		/* stop after this many events, 0: never */
	uint32_t seen;		/* alerts and configuration events printed */
	struct pcapfile *pcap;
	FILE *out;
	int error;		/* first error, a negative errno */
	const char *save;	/* --save DIR, NULL: attachments not saved */
	int save_fd;		/* DIR, open */
	struct monitor_attach attach[MONITOR_ATTACH_MAX];
	uint64_t attach_seq;
	uint64_t attach_saved, attach_discarded;
};

/* A configuration event (SIS_A_EVENT); the strings point into its message. */
struct config_event {
	uint8_t cmd;		/* SIS_CMD_* of the change */
	uint8_t reason;		/* enum sis_event_reason */
	uint32_t ifindex;
	const char *bridge;	/* NULL: not sent */
	const char *port, *scanner, *cap;	/* NULL: none */
	bool has_id;
	uint32_t id;
	uint32_t pid;		/* 0: none */
};

/* What monitor_parse() reads besides the groups and -j. */
struct monitor_opts {
	uint32_t count;		/* --count, 0: none */
	const char *pcap;	/* --pcap FILE */
	const char *save;	/* --save DIR */
	const char *eve;	/* --eve FILE ("-": standard output) */
	bool journal;		/* --journal */
};

int monitor_parse(int argc, char *const argv[], bool *json,
		  unsigned int *groups, struct monitor_opts *o, char *err,
		  size_t err_len);
int format_local_time(char *buf, size_t len, uint64_t ns, bool eve);
int monitor_format_time(char *buf, size_t len, uint64_t ns);
bool utf8_printable(const unsigned char *s, size_t n);

/* An alert of the "alerts" group; the pointers point into its message. */
struct monitor_alert {
	uint32_t ifindex;
	const char *scanner;
	uint64_t time_ns;
	const unsigned char *msg;	/* NULL: none */
	size_t msg_len;
	bool has_frame;
	uint64_t frame;
	uint8_t dir;
	uint32_t len;
	const unsigned char *data;
	size_t data_len;
	uint64_t attach_id;	/* 0: no attachment */
	uint64_t attach_len;
};

int monitor_alert_parse(const struct nlmsghdr *nlh, struct monitor_alert *a);
const char *config_cmd_json(uint8_t cmd);
const char *config_reason_json(uint8_t reason);
int config_event_parse(const struct nlmsghdr *nlh, struct config_event *e);
void config_event_print(struct sisctl_print *p, const struct config_event *e,
			const char *time, uint64_t time_ns);
int monitor_msg(struct monitor *m, const struct nlmsghdr *nlh);
int monitor_join(struct nl_sock *sk, const char *family, const char *group);
int monitor_run(struct monitor *m, struct nl_sock *sk, int family, int stopfd);
char *monitor_message(const struct monitor_alert *a,
		      const struct config_event *e);
void monitor_keep(struct monitor *m, json_t *rec, const char *message,
		  int priority);
void monitor_keep_close(struct monitor *m);

/* monitor_save.c */
int monitor_save_open(struct monitor *m, const char *dir, char *err,
		      size_t err_len);
unsigned int monitor_save_pending(const struct monitor *m);
void monitor_save_alert(struct monitor *m, uint32_t ifindex,
			const char *scanner, uint64_t id, uint64_t len);
void monitor_save_piece(struct monitor *m, const struct nlmsghdr *nlh);
void monitor_save_lost(struct monitor *m);
void monitor_save_close(struct monitor *m);

/* eve.c */
#define EVE_IDENTIFIER	"sis-monitor"	/* the journal's SYSLOG_IDENTIFIER */
#define EVE_VLAN_MAX	2

/* What an alert's frame says of its connection. */
struct eve_tuple {
	int family;		/* AF_INET or AF_INET6, 0: not IP */
	char src[46], dst[46];	/* INET6_ADDRSTRLEN */
	uint8_t proto;
	bool ports;		/* sport, dport: TCP, UDP, SCTP */
	uint16_t sport, dport;
	bool icmp;
	uint8_t icmp_type, icmp_code;
	int nvlan;
	uint16_t vlan[EVE_VLAN_MAX];
};

/* A journal entry's fields, each "NAME=value", malloc()ed. */
#define EVE_FIELDS_MAX	48
struct eve_fields {
	struct iovec v[EVE_FIELDS_MAX];
	size_t n;
};

int eve_format_time(char *buf, size_t len, uint64_t ns);
int eve_frame_tuple(const unsigned char *f, size_t len, struct eve_tuple *t);
json_t *eve_alert(const struct monitor_alert *a, const char *bridge);
json_t *eve_config(const struct config_event *e, const char *bridge,
		   uint64_t ns);
json_t *eve_fileinfo(const struct monitor_attach *at, const char *bridge,
		     const char *dir, const char *name, const char *why,
		     uint64_t ns);
char *eve_line(const json_t *rec, size_t *len);
int eve_open(struct eve_out *e, const char *path, char *err, size_t err_len);
void eve_reopen(struct eve_out *e);
void eve_close(struct eve_out *e);
int eve_write(struct eve_out *e, const char *line, size_t len);
int eve_fields(struct eve_fields *f, const json_t *rec, const char *message,
	       int priority, const char *line, size_t line_len);
void eve_fields_free(struct eve_fields *f);
#define EVE_JOURNAL_SOCKET "/run/systemd/journal/socket"
int eve_journal_check(char *err, size_t err_len);
int eve_journal(struct monitor *m, const json_t *rec, const char *message,
		int priority, const char *line, size_t line_len);

#endif
