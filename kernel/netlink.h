/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "sis" generic netlink family and what its command files share, one
 * file per kind of object: netlink.c has the family (its operations, their
 * preamble, the shared validators, the groups); netlink_bridge.c the
 * bridge commands (attach, detach, dump, prevent rules, settings);
 * netlink_scanner.c the administrator's scanner declarations;
 * netlink_proc.c the scanner processes' commands (stream passes
 * included); netlink_conn.c the connection dump. Configuration events are
 * sent by event.c.
 */
#ifndef _SIS_NETLINK_H
#define _SIS_NETLINK_H

#include <linux/filter.h>
#include <linux/sis.h>
#include <net/genetlink.h>

struct sis_bridge;

extern struct genl_family sis_genl_family;

/*
 * Validators the operations' policies share (netlink.c): a classic BPF
 * program, 1 to BPF_MAXINSNS whole instructions; a top-level array of
 * fixed-size structs (SIS_A_VERDICTS, SIS_A_PASSES), a whole number of
 * them.
 */
int sis_nl_bpf_validate(const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int sis_nl_array_validate(const struct nlattr *attr,
			  struct netlink_ext_ack *extack);

#define SIS_NL_POLICY_BPF {						\
	.type = NLA_BINARY,						\
	.len = BPF_MAXINSNS * sizeof(struct sock_filter),		\
	.validation_type = NLA_VALIDATE_FUNCTION,			\
	.validate = sis_nl_bpf_validate,				\
}

#define SIS_NL_POLICY_ARRAY(type_, max_) {				\
	.type = NLA_BINARY,						\
	.len = (max_) * sizeof(type_),					\
	.validation_type = NLA_VALIDATE_FUNCTION,			\
	.validate = sis_nl_array_validate,				\
}

/* A required attribute: a missing one is named in the extended ack. */
#define SIS_NL_REQUIRE(info, type, msg) ({				\
	struct genl_info *__sis_info = (info);				\
	bool __missing = GENL_REQ_ATTR_CHECK(__sis_info, type);		\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__sis_info->extack, msg);		\
	__missing;							\
})

#define SIS_NL_REQUIRE_BRIDGE(info)					\
	SIS_NL_REQUIRE(info, SIS_A_IFINDEX, "missing bridge (SIS_A_IFINDEX)")

/*
 * A required nest @type_ of the request, parsed into @tb_ by the
 * operation's @policy_ (the genl core validated it already): 0, or -EINVAL
 * with @msg_ when it is missing, or the parse's error.
 */
#define SIS_NL_PARSE_NEST(info_, tb_, type_, maxtype_, policy_, msg_) ({ \
	struct genl_info *__sis_pinfo = (info_);			\
	int __sis_ptype = (type_);					\
									\
	SIS_NL_REQUIRE(__sis_pinfo, __sis_ptype, msg_) ? -EINVAL :	\
		nla_parse_nested(tb_, maxtype_,				\
				 __sis_pinfo->attrs[__sis_ptype],	\
				 (policy_), __sis_pinfo->extack);	\
})

/*
 * What an operation's handler finds ready (its internal_flags): the
 * preamble (sis_nl_pre_doit()) takes RTNL and looks the object up into
 * info->user_ptr[0], the epilogue releases RTNL; a lookup that fails ends
 * the request with its error and message before the handler runs.
 */
#define SIS_NL_BRIDGE	BIT(0)	/* the attached bridge SIS_A_IFINDEX names */
#define SIS_NL_SCANNER	BIT(1)	/* the scanner SIS_A_SCANNER names */

/* netlink_bridge.c: bridges */
struct sis_bridge *sis_nl_attached(struct genl_info *info, int *err);
extern const struct nla_policy sis_bridge_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_attach_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_prevent_add_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_prevent_del_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_set_policy[SIS_A_MAX + 1];
int sis_nl_attach(struct sk_buff *skb, struct genl_info *info);
int sis_nl_detach(struct sk_buff *skb, struct genl_info *info);
int sis_nl_prevent_add(struct sk_buff *skb, struct genl_info *info);
int sis_nl_prevent_del(struct sk_buff *skb, struct genl_info *info);
int sis_nl_set_bridge(struct sk_buff *skb, struct genl_info *info);
int sis_nl_get_start(struct netlink_callback *cb);
int sis_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

struct sis_scanner *sis_nl_scanner(struct genl_info *info, int *err);
void sis_nl_notify(struct genl_info *info, u8 cmd,
		   const struct net_device *br_dev, u32 id);

int sis_nl_scanner_add(struct sk_buff *skb, struct genl_info *info);
int sis_nl_scanner_del(struct sk_buff *skb, struct genl_info *info);
int sis_nl_cap_add(struct sk_buff *skb, struct genl_info *info);
int sis_nl_cap_del(struct sk_buff *skb, struct genl_info *info);
int sis_nl_inject_add(struct sk_buff *skb, struct genl_info *info);
int sis_nl_inject_del(struct sk_buff *skb, struct genl_info *info);
int sis_nl_scanner_get_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb);
extern const struct nla_policy sis_scanner_add_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_scanner_del_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_cap_add_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_cap_del_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_inject_add_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_inject_del_policy[SIS_A_MAX + 1];
/* Nests the scanner processes' commands share. */
extern const struct nla_policy sis_scanner_name_attrs[SIS_SCANNER_A_MAX + 1];
extern const struct nla_policy sis_inject_add_attrs[SIS_INJECT_A_MAX + 1];

/* netlink_proc.c: the scanner processes' commands */
enum sis_mcgrp {
	SIS_MCGRP_ALERTS_ID,
	SIS_MCGRP_CONFIG_ID,	/* event.c */
};

extern const struct nla_policy sis_scanner_attach_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_subscribe_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_unsubscribe_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_verdict_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_inject_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_alert_policy[SIS_A_MAX + 1];
extern const struct nla_policy sis_alert_data_policy[SIS_A_MAX + 1];
int sis_nl_scanner_attach(struct sk_buff *skb, struct genl_info *info);
int sis_nl_subscribe(struct sk_buff *skb, struct genl_info *info);
int sis_nl_unsubscribe(struct sk_buff *skb, struct genl_info *info);
int sis_nl_verdict(struct sk_buff *skb, struct genl_info *info);
int sis_nl_inject(struct sk_buff *skb, struct genl_info *info);
int sis_nl_alert(struct sk_buff *skb, struct genl_info *info);
int sis_nl_alert_data(struct sk_buff *skb, struct genl_info *info);
int sis_nl_deliver(struct sock *sk, struct sk_buff *skb);
void sis_nl_detached(struct sock *sk, const char *name);
struct sis_scanner *sis_nl_self(struct sk_buff *skb, struct genl_info *info);
int sis_nl_proc_register(void);
void sis_nl_proc_unregister(void);

/* netlink_proc.c: a scanner's passes of stream bytes */
extern const struct nla_policy sis_stream_pass_policy[SIS_A_MAX + 1];
int sis_nl_stream_pass(struct sk_buff *skb, struct genl_info *info);

/* netlink_conn.c: the connection dump */
int sis_nl_conn_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

int sis_genl_register(void);
bool sis_genl_is_live(void);
void sis_genl_unregister(void);

#endif /* _SIS_NETLINK_H */
