// SPDX-License-Identifier: GPL-2.0
/*
 * The administrator's scanner commands of the "sis" family: declare and
 * delete scanners, their capabilities and injections, and dump them
 * (uapi/linux/sis.h documents each). All take RTNL, like every other change
 * to an attached bridge.
 */
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "event.h"
#include "inject.h"
#include "netlink.h"
#include "netns.h"
#include "scanner.h"
#include "subscription.h"

/* The attributes of each operation's nests (netlink.c: one policy each). */
static const struct nla_policy sis_scanner_add_attrs[SIS_SCANNER_A_MAX + 1] = {
	[SIS_SCANNER_A_NAME] = { .type = NLA_NUL_STRING,
				 .len = SIS_NAME_MAX - 1 },
	[SIS_SCANNER_A_UID] = { .type = NLA_U32 },
	[SIS_SCANNER_A_TIMEOUT_MS] = { .type = NLA_U32 },	/* checked below */
	[SIS_SCANNER_A_FAIL] = NLA_POLICY_MAX(NLA_U8, SIS_FAIL_OPEN),
	[SIS_SCANNER_A_MAX_HELD] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_SCANNER_A_MAX_BYTES] = NLA_POLICY_MIN(NLA_U32, ETH_ZLEN),
	[SIS_SCANNER_A_ABSENT] = NLA_POLICY_MAX(NLA_U8, SIS_ABSENT_PASS),
	[SIS_SCANNER_A_INJECT_RATE] = { .type = NLA_U32 },	/* checked below */
};

/* Every other operation names a scanner, and that is all. */
const struct nla_policy sis_scanner_name_attrs[SIS_SCANNER_A_MAX + 1] = {
	[SIS_SCANNER_A_NAME] = { .type = NLA_NUL_STRING,
				 .len = SIS_NAME_MAX - 1 },
};

static int sis_nl_ports_validate(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	const struct sis_port_range *r = nla_data(attr);
	unsigned int i, n = nla_len(attr) / sizeof(*r);

	if (!n || n > SIS_PORT_RANGES_MAX || nla_len(attr) % sizeof(*r)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a port list is 1 to 16 struct sis_port_range");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!r[i].lo || r[i].lo > r[i].hi) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "ports are 1 to 65535, each range low to high");
			return -EINVAL;
		}
	}
	return 0;
}

static const struct nla_policy sis_cap_add_attrs[SIS_CAP_A_MAX + 1] = {
	[SIS_CAP_A_KIND] = NLA_POLICY_MAX(NLA_U8, SIS_CAP_STREAM),
	[SIS_CAP_A_MIDSTREAM] = NLA_POLICY_MAX(NLA_U8, SIS_UNJUDGED_MAX),
	[SIS_CAP_A_MAX_CUTS] = { .type = NLA_U32 },	/* checked below */
	[SIS_CAP_A_HOST_PORTS] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							sis_nl_ports_validate),
	[SIS_CAP_A_NET_PORTS] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						       sis_nl_ports_validate),
	[SIS_CAP_A_NAME] = { .type = NLA_NUL_STRING, .len = SIS_NAME_MAX - 1 },
	[SIS_CAP_A_DIR] = NLA_POLICY_RANGE(NLA_U8, SIS_DIR_IN, SIS_DIR_ANY),
	[SIS_CAP_A_RIGHTS] = NLA_POLICY_RANGE(NLA_U8, SIS_RIGHT_READ,
					      SIS_RIGHT_READ |
					      SIS_RIGHT_CONTAIN),
	[SIS_CAP_A_BPF] = SIS_NL_POLICY_BPF,
	[SIS_CAP_A_EXPR] = { .type = NLA_NUL_STRING,
			     .len = SIS_RULE_EXPR_MAX - 1 },
};

static const struct nla_policy sis_cap_name_attrs[SIS_CAP_A_MAX + 1] = {
	[SIS_CAP_A_NAME] = { .type = NLA_NUL_STRING, .len = SIS_NAME_MAX - 1 },
};

/* Registering; a scanner process's injection takes the same (inject.h). */
const struct nla_policy sis_inject_add_attrs[SIS_INJECT_A_MAX + 1] = {
	[SIS_INJECT_A_ID] = { .type = NLA_U32 },
	[SIS_INJECT_A_DIR] = NLA_POLICY_RANGE(NLA_U8, SIS_DIR_IN, SIS_DIR_ANY),
	[SIS_INJECT_A_KIND] = NLA_POLICY_MAX(NLA_U8, SIS_INJECT_STREAM),
	[SIS_INJECT_A_FRAME] = NLA_POLICY_RANGE(NLA_BINARY, ETH_ZLEN,
						SIS_INJECT_FRAME_MAX),
	/*
	 * Past a policy's own 16-bit signed bounds, and a policy dump gives
	 * none of a range kept apart: the length at most, 1 checked below.
	 */
	[SIS_INJECT_A_DATA] = { .type = NLA_BINARY,
				.len = SIS_INJECT_STREAM_MAX },
};

static const struct nla_policy sis_inject_id_attrs[SIS_INJECT_A_MAX + 1] = {
	[SIS_INJECT_A_ID] = { .type = NLA_U32 },
};

const struct nla_policy sis_scanner_add_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_add_attrs),
};

const struct nla_policy sis_scanner_del_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
};

const struct nla_policy sis_cap_add_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
	[SIS_A_CAP] = NLA_POLICY_NESTED(sis_cap_add_attrs),
};

const struct nla_policy sis_cap_del_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
	[SIS_A_CAP] = NLA_POLICY_NESTED(sis_cap_name_attrs),
};

const struct nla_policy sis_inject_add_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
	[SIS_A_INJECT] = NLA_POLICY_NESTED(sis_inject_add_attrs),
};

const struct nla_policy sis_inject_del_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
	[SIS_A_INJECT] = NLA_POLICY_NESTED(sis_inject_id_attrs),
};

/*
 * The nests of a request, parsed into tb by the operation's @attrs (the
 * genl core validated them already); -EINVAL if missing.
 */
static int sis_nl_scanner_nest(struct genl_info *info, struct nlattr **tb,
			       const struct nla_policy *attrs)
{
	return SIS_NL_PARSE_NEST(info, tb, SIS_A_SCANNER, SIS_SCANNER_A_MAX,
				 attrs, "missing scanner (SIS_A_SCANNER)");
}

static int sis_nl_cap_nest(struct genl_info *info, struct nlattr **tb,
			   const struct nla_policy *attrs)
{
	return SIS_NL_PARSE_NEST(info, tb, SIS_A_CAP, SIS_CAP_A_MAX, attrs,
				 "missing capability (SIS_A_CAP)");
}

static int sis_nl_inject_nest(struct genl_info *info, struct nlattr **tb,
			      const struct nla_policy *attrs)
{
	return SIS_NL_PARSE_NEST(info, tb, SIS_A_INJECT, SIS_INJECT_A_MAX,
				 attrs, "missing injection (SIS_A_INJECT)");
}

/* The scanner a request names (SIS_A_SCANNER / SIS_SCANNER_A_NAME). */
struct sis_scanner *sis_nl_scanner(struct genl_info *info, int *err)
{
	struct nlattr *tb[SIS_SCANNER_A_MAX + 1];
	struct sis_scanner *sc;

	ASSERT_RTNL();

	*err = sis_nl_scanner_nest(info, tb, sis_scanner_name_attrs);
	if (*err)
		return NULL;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_SCANNER], tb,
			      SIS_SCANNER_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing scanner name");
		*err = -EINVAL;
		return NULL;
	}
	sc = sis_scanner_find(sis_net(genl_info_net(info)),
			      nla_data(tb[SIS_SCANNER_A_NAME]));
	if (!sc) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SCANNER_A_NAME],
				    "no scanner with this name");
		*err = -ENOENT;
	}
	return sc;
}

/* Announce a request's change of a scanner to the config group. RTNL. */
static void sis_nl_scanner_notify(struct genl_info *info, u8 cmd,
				  const struct net_device *br_dev,
				  const char *scanner, const char *cap, u32 id)
{
	struct sis_event ev = {
		.cmd = cmd,
		.reason = SIS_EVENT_REQUEST,
		.br_dev = br_dev,
		.scanner = scanner,
		.cap = cap,
		.id = id,
	};

	sis_event_notify(genl_info_net(info), &ev);
}

/* SIS_NL_BRIDGE: RTNL held, the bridge found. */
int sis_nl_scanner_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_SCANNER_A_MAX + 1];
	struct sis_scanner_conf conf = {
		.timeout_ms = SIS_TIMEOUT_MS_DEFAULT,
		.max_held = SIS_MAX_HELD_DEFAULT,
		.max_bytes = SIS_MAX_BYTES_DEFAULT,
		.fail = SIS_FAIL_CLOSED,
		.inject_rate = SIS_INJECT_RATE,
	};
	struct sis_bridge *sb = info->user_ptr[0];
	const char *name;
	int err;

	err = sis_nl_scanner_nest(info, tb, sis_scanner_add_attrs);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_SCANNER], tb,
			      SIS_SCANNER_A_NAME) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_SCANNER], tb,
			      SIS_SCANNER_A_UID)) {
		NL_SET_ERR_MSG(info->extack,
			       "a scanner needs a name and a user");
		return -EINVAL;
	}
	name = nla_data(tb[SIS_SCANNER_A_NAME]);
	if (!sis_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SCANNER_A_NAME],
				    "scanner names are letters, digits, '-', '_' and '.'");
		return -EINVAL;
	}
	conf.uid = make_kuid(current_user_ns(),
			     nla_get_u32(tb[SIS_SCANNER_A_UID]));
	if (!uid_valid(conf.uid)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SCANNER_A_UID],
				    "user id not valid in this user namespace");
		return -EINVAL;
	}
	if (tb[SIS_SCANNER_A_TIMEOUT_MS]) {
		conf.timeout_ms = nla_get_u32(tb[SIS_SCANNER_A_TIMEOUT_MS]);
		if (!conf.timeout_ms || conf.timeout_ms > SIS_TIMEOUT_MS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SIS_SCANNER_A_TIMEOUT_MS],
					    "verdict timeout must be 1 ms to 10 minutes");
			return -EINVAL;
		}
	}
	if (tb[SIS_SCANNER_A_FAIL])
		conf.fail = nla_get_u8(tb[SIS_SCANNER_A_FAIL]);
	if (tb[SIS_SCANNER_A_MAX_HELD])
		conf.max_held = nla_get_u32(tb[SIS_SCANNER_A_MAX_HELD]);
	if (tb[SIS_SCANNER_A_MAX_BYTES])
		conf.max_bytes = nla_get_u32(tb[SIS_SCANNER_A_MAX_BYTES]);
	/* While no process is attached: as it fails, unless told. */
	conf.absent = conf.fail == SIS_FAIL_CLOSED ? SIS_ABSENT_DROP :
						     SIS_ABSENT_PASS;
	if (tb[SIS_SCANNER_A_ABSENT])
		conf.absent = nla_get_u8(tb[SIS_SCANNER_A_ABSENT]);
	if (tb[SIS_SCANNER_A_INJECT_RATE]) {
		conf.inject_rate = nla_get_u32(tb[SIS_SCANNER_A_INJECT_RATE]);
		if (!conf.inject_rate ||
		    conf.inject_rate > SIS_INJECT_RATE_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SIS_SCANNER_A_INJECT_RATE],
					    "injection rate must be 1 to 100000 a second");
			return -EINVAL;
		}
	}

	err = sis_scanner_add(sb, name, &conf, info->extack);
	if (!err)
		sis_nl_scanner_notify(info, SIS_CMD_SCANNER_ADD, sb->br_dev,
				      name, NULL, 0);
	return err;
}

/* SIS_NL_SCANNER: RTNL held, the scanner found. */
int sis_nl_scanner_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc = info->user_ptr[0];
	struct net_device *br_dev = sc->sb->br_dev;
	char name[SIS_NAME_MAX];

	/* sc is freed after RCU: what the event needs, first. */
	strscpy(name, sc->name, sizeof(name));
	sis_scanner_del(sc);
	sis_nl_scanner_notify(info, SIS_CMD_SCANNER_DEL, br_dev, name, NULL, 0);
	return 0;
}

/* A checked port list (sis_nl_ports_validate()) into @r; its length. */
static u8 sis_nl_ports(const struct nlattr *attr, struct sis_port_range *r)
{
	if (!attr)
		return 0;
	memcpy(r, nla_data(attr), nla_len(attr));
	return nla_len(attr) / sizeof(*r);
}

/* SIS_NL_SCANNER: RTNL held, the scanner found. */
int sis_nl_cap_add(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc = info->user_ptr[0];
	struct nlattr *tb[SIS_CAP_A_MAX + 1];
	struct nlattr *bpf;
	struct sis_cap *cap;
	const char *name;
	unsigned int len;
	u8 kind;
	int err;

	err = sis_nl_cap_nest(info, tb, sis_cap_add_attrs);
	if (err)
		return err;
	kind = tb[SIS_CAP_A_KIND] ? nla_get_u8(tb[SIS_CAP_A_KIND]) :
				     SIS_CAP_FRAMES;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_CAP], tb,
			      SIS_CAP_A_NAME) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_CAP], tb,
			      SIS_CAP_A_RIGHTS) ||
	    (kind == SIS_CAP_FRAMES &&
	     NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_CAP], tb,
			       SIS_CAP_A_BPF))) {
		NL_SET_ERR_MSG(info->extack,
			       "a capability needs a name, rights and (for frames) a filter program");
		return -EINVAL;
	}
	if (kind == SIS_CAP_FRAMES &&
	    (tb[SIS_CAP_A_HOST_PORTS] || tb[SIS_CAP_A_NET_PORTS])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_HOST_PORTS] ?:
				    tb[SIS_CAP_A_NET_PORTS],
				    "port lists are for stream capabilities");
		return -EINVAL;
	}
	if (tb[SIS_CAP_A_MIDSTREAM] &&
	    (kind != SIS_CAP_STREAM ||
	     (!(nla_get_u8(tb[SIS_CAP_A_RIGHTS]) & SIS_RIGHT_CONTAIN) &&
	      nla_get_u8(tb[SIS_CAP_A_MIDSTREAM]) != SIS_UNJUDGED_PASS))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_MIDSTREAM],
				    "a mid-stream policy is for stream capabilities that contain");
		return -EINVAL;
	}
	if (tb[SIS_CAP_A_MAX_CUTS] &&
	    (kind != SIS_CAP_STREAM ||
	     !(nla_get_u8(tb[SIS_CAP_A_RIGHTS]) & SIS_RIGHT_CONTAIN))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_MAX_CUTS],
				    "a bound on cuts is for stream capabilities that contain");
		return -EINVAL;
	}
	name = nla_data(tb[SIS_CAP_A_NAME]);
	if (!sis_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_NAME],
				    "capability names are letters, digits, '-', '_' and '.'");
		return -EINVAL;
	}
	if (!(nla_get_u8(tb[SIS_CAP_A_RIGHTS]) & SIS_RIGHT_READ)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_RIGHTS],
				    "contain without read is not a right");
		return -EINVAL;
	}
	bpf = tb[SIS_CAP_A_BPF];
	len = bpf ? nla_len(bpf) : 0;
	cap = sis_cap_create(name, tb[SIS_CAP_A_DIR] ?
			     nla_get_u8(tb[SIS_CAP_A_DIR]) : SIS_DIR_ANY,
			     nla_get_u8(tb[SIS_CAP_A_RIGHTS]),
			     bpf ? nla_data(bpf) : NULL,
			     len / sizeof(struct sock_filter),
			     tb[SIS_CAP_A_EXPR] ?
			     nla_data(tb[SIS_CAP_A_EXPR]) : NULL,
			     info->extack);
	if (IS_ERR(cap))
		return PTR_ERR(cap);
	cap->kind = kind;
	/* What cannot be reassembled is not let past a container. */
	cap->midstream = tb[SIS_CAP_A_MIDSTREAM] ?
			 nla_get_u8(tb[SIS_CAP_A_MIDSTREAM]) :
			 cap->rights & SIS_RIGHT_CONTAIN ? SIS_UNJUDGED_DROP :
							   SIS_UNJUDGED_PASS;
	if (tb[SIS_CAP_A_MAX_CUTS])
		cap->max_cuts = nla_get_u32(tb[SIS_CAP_A_MAX_CUTS]);
	cap->n_host_ports = sis_nl_ports(tb[SIS_CAP_A_HOST_PORTS],
					 cap->host_ports);
	cap->n_net_ports = sis_nl_ports(tb[SIS_CAP_A_NET_PORTS],
					cap->net_ports);

	err = sis_cap_add(sc, cap, info->extack);
	if (err) {
		sis_cap_destroy(cap);
		return err;
	}
	sis_nl_scanner_notify(info, SIS_CMD_CAP_ADD, sc->sb->br_dev, sc->name,
			      name, 0);
	return 0;
}

/* SIS_NL_SCANNER: RTNL held, the scanner found. */
int sis_nl_cap_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc = info->user_ptr[0];
	struct nlattr *tb[SIS_CAP_A_MAX + 1];
	struct sis_cap *cap;
	int err;

	err = sis_nl_cap_nest(info, tb, sis_cap_name_attrs);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_CAP], tb,
			      SIS_CAP_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing capability name");
		return -EINVAL;
	}
	cap = sis_cap_find(sc, nla_data(tb[SIS_CAP_A_NAME]));
	if (!cap) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_CAP_A_NAME],
				    "the scanner has no capability with this name");
		return -ENOENT;
	}
	sis_sub_del_cap(sc, cap);
	sis_cap_del(sc, cap);
	sis_nl_scanner_notify(info, SIS_CMD_CAP_DEL, sc->sb->br_dev, sc->name,
			      nla_data(tb[SIS_CAP_A_NAME]), 0);
	return 0;
}

/*
 * SIS_NL_SCANNER: RTNL held, the scanner found. A frame injection takes
 * SIS_INJECT_A_FRAME, a stream block SIS_INJECT_A_DATA; never the other.
 */
int sis_nl_inject_add(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc = info->user_ptr[0];
	struct nlattr *tb[SIS_INJECT_A_MAX + 1];
	unsigned int bytes, other;
	u8 kind;
	int err;

	err = sis_nl_inject_nest(info, tb, sis_inject_add_attrs);
	if (err)
		return err;
	kind = tb[SIS_INJECT_A_KIND] ? nla_get_u8(tb[SIS_INJECT_A_KIND]) :
				       SIS_INJECT_FRAME;
	bytes = kind == SIS_INJECT_STREAM ? SIS_INJECT_A_DATA :
					    SIS_INJECT_A_FRAME;
	other = kind == SIS_INJECT_STREAM ? SIS_INJECT_A_FRAME :
					    SIS_INJECT_A_DATA;
	if (tb[other] && kind == SIS_INJECT_STREAM) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[other],
				    "a stream injection takes bytes (SIS_INJECT_A_DATA), not a frame");
		return -EINVAL;
	}
	if (tb[other]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[other],
				    "a frame injection takes a frame (SIS_INJECT_A_FRAME), not stream bytes");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_INJECT], tb,
			      SIS_INJECT_A_ID) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_INJECT], tb,
			      bytes)) {
		if (kind == SIS_INJECT_STREAM)
			NL_SET_ERR_MSG(info->extack,
				       "a stream injection needs an id and its bytes (SIS_INJECT_A_DATA)");
		else
			NL_SET_ERR_MSG(info->extack,
				       "an injection needs an id and a frame");
		return -EINVAL;
	}
	if (!nla_len(tb[bytes])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[bytes],
				    "a stream injection is 1 byte at least");
		return -EINVAL;
	}
	err = sis_inject_add(sc, nla_get_u32(tb[SIS_INJECT_A_ID]),
			     tb[SIS_INJECT_A_DIR] ?
			     nla_get_u8(tb[SIS_INJECT_A_DIR]) : SIS_DIR_ANY,
			     kind, nla_data(tb[bytes]), nla_len(tb[bytes]),
			     info->extack);
	if (!err)
		sis_nl_scanner_notify(info, SIS_CMD_INJECT_ADD, sc->sb->br_dev,
				      sc->name, NULL,
				      nla_get_u32(tb[SIS_INJECT_A_ID]));
	return err;
}

/* SIS_NL_SCANNER: RTNL held, the scanner found. */
int sis_nl_inject_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc = info->user_ptr[0];
	struct nlattr *tb[SIS_INJECT_A_MAX + 1];
	struct sis_inject *inj;
	int err;

	err = sis_nl_inject_nest(info, tb, sis_inject_id_attrs);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_INJECT], tb,
			      SIS_INJECT_A_ID)) {
		NL_SET_ERR_MSG(info->extack, "missing injection id");
		return -EINVAL;
	}
	inj = sis_inject_find(sc, nla_get_u32(tb[SIS_INJECT_A_ID]));
	if (!inj) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_ID],
				    "the scanner has no injection with this id");
		return -ENOENT;
	}
	sis_inject_del(sc, inj);
	sis_nl_scanner_notify(info, SIS_CMD_INJECT_DEL, sc->sb->br_dev,
			      sc->name, NULL, nla_get_u32(tb[SIS_INJECT_A_ID]));
	return 0;
}

static int sis_nl_put_counts(struct sk_buff *skb, struct sis_scanner *sc)
{
	struct sis_scanner_counts c;
	unsigned int held, held_bytes;
	pid_t pid;

	spin_lock_bh(&sc->lock);
	c = sc->counts;
	held = sc->n_held;
	held_bytes = sc->held_bytes;
	pid = sc->portid ? sc->pid : 0;
	spin_unlock_bh(&sc->lock);

	if ((pid && nla_put_u32(skb, SIS_SCANNER_A_PID, pid)) ||
	    nla_put_u32(skb, SIS_SCANNER_A_HELD, held) ||
	    nla_put_u32(skb, SIS_SCANNER_A_HELD_BYTES, held_bytes))
		return -EMSGSIZE;
#define PUT(attr, v) \
	nla_put_u64_64bit(skb, SIS_SCANNER_A_##attr, c.v, SIS_SCANNER_A_PAD)
	if (PUT(FRAMES, frames) || PUT(PASSED, passed) || PUT(CUT, cut) ||
	    PUT(TIMEOUTS, timeouts) || PUT(OVERFLOWS, overflows) ||
	    PUT(RELEASED, released) || PUT(STALE, stale) || PUT(LOST, lost) ||
	    PUT(ALERTS, alerts) || PUT(ALERTS_DROPPED, alerts_dropped) ||
	    PUT(INJECTS, injects) || PUT(INJECTS_LIMITED, injects_limited) ||
	    PUT(ABSENT_DROPPED, absent_dropped) ||
	    PUT(ATTACHMENTS, attachments) ||
	    PUT(ATTACH_DROPPED, attach_dropped))
		return -EMSGSIZE;
#undef PUT
	return 0;
}

static int sis_nl_put_scanner_head(struct sk_buff *skb,
				   struct sis_scanner *sc)
{
	const struct sis_scanner_conf *c = &sc->conf;
	struct nlattr *nest = nla_nest_start(skb, SIS_A_SCANNER);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SIS_SCANNER_A_NAME, sc->name) ||
	    nla_put_u32(skb, SIS_SCANNER_A_UID,
			from_kuid_munged(current_user_ns(), c->uid)) ||
	    nla_put_u32(skb, SIS_SCANNER_A_TIMEOUT_MS, c->timeout_ms) ||
	    nla_put_u8(skb, SIS_SCANNER_A_FAIL, c->fail) ||
	    nla_put_u32(skb, SIS_SCANNER_A_MAX_HELD, c->max_held) ||
	    nla_put_u32(skb, SIS_SCANNER_A_MAX_BYTES, c->max_bytes) ||
	    nla_put_u8(skb, SIS_SCANNER_A_ABSENT, c->absent) ||
	    nla_put_u32(skb, SIS_SCANNER_A_INJECT_RATE, c->inject_rate) ||
	    sis_nl_put_counts(skb, sc)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sis_nl_put_cap(struct sk_buff *skb, const struct sis_cap *cap)
{
	struct nlattr *nest = nla_nest_start(skb, SIS_A_CAP);
	struct sis_count sum;

	if (!nest)
		return -EMSGSIZE;
	sis_count_read(cap->stats, &sum);
	if (nla_put_string(skb, SIS_CAP_A_NAME, cap->name) ||
	    nla_put_u8(skb, SIS_CAP_A_DIR, cap->dir) ||
	    nla_put_u8(skb, SIS_CAP_A_RIGHTS, cap->rights) ||
	    nla_put_string(skb, SIS_CAP_A_EXPR, cap->expr) ||
	    nla_put_u64_64bit(skb, SIS_CAP_A_MATCHES, sum.frames,
			      SIS_CAP_A_PAD) ||
	    nla_put_u8(skb, SIS_CAP_A_KIND, cap->kind) ||
	    (cap->kind == SIS_CAP_STREAM &&
	     nla_put_u8(skb, SIS_CAP_A_MIDSTREAM, cap->midstream)) ||
	    (cap->max_cuts &&
	     nla_put_u32(skb, SIS_CAP_A_MAX_CUTS, cap->max_cuts)) ||
	    (cap->n_host_ports &&
	     nla_put(skb, SIS_CAP_A_HOST_PORTS,
		     cap->n_host_ports * sizeof(cap->host_ports[0]),
		     cap->host_ports)) ||
	    (cap->n_net_ports &&
	     nla_put(skb, SIS_CAP_A_NET_PORTS,
		     cap->n_net_ports * sizeof(cap->net_ports[0]),
		     cap->net_ports))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sis_nl_put_inject(struct sk_buff *skb,
			     const struct sis_inject *inj)
{
	struct nlattr *nest = nla_nest_start(skb, SIS_A_INJECT);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SIS_INJECT_A_ID, inj->id) ||
	    nla_put_u8(skb, SIS_INJECT_A_DIR, inj->dir) ||
	    nla_put_u8(skb, SIS_INJECT_A_KIND, inj->kind) ||
	    nla_put_u32(skb, SIS_INJECT_A_LEN, inj->len) ||
	    nla_put_u64_64bit(skb, SIS_INJECT_A_SENT,
			      atomic64_read(&inj->sent), SIS_INJECT_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sis_nl_put_sub(struct sk_buff *skb, const struct sis_sub *sub)
{
	struct nlattr *nest = nla_nest_start(skb, SIS_A_SUB);
	struct sis_count sum;

	if (!nest)
		return -EMSGSIZE;
	sis_count_read(sub->stats, &sum);
	if (nla_put_u32(skb, SIS_SUB_A_ID, sub->id) ||
	    nla_put_string(skb, SIS_SUB_A_CAP, sub->cap->name) ||
	    nla_put_u8(skb, SIS_SUB_A_RIGHTS, sub->rights) ||
	    nla_put_string(skb, SIS_SUB_A_EXPR, sub->expr) ||
	    nla_put_u32(skb, SIS_SUB_A_SNAPLEN, sub->snaplen) ||
	    nla_put_u64_64bit(skb, SIS_SUB_A_MATCHES, sum.frames,
			      SIS_SUB_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One scanner from item *cursor on (its capabilities, its injections, then
 * its subscriptions).
 * Returns 0 when complete, -EMSGSIZE when the message is full; *cursor then
 * names the first item still to send.
 */
static int sis_nl_fill_scanner(struct sk_buff *skb, struct netlink_callback *cb,
			       struct sis_scanner *sc, unsigned long *cursor)
{
	const struct sis_inject *inj;
	const struct sis_sub *sub;
	const struct sis_cap *cap;
	unsigned long i = 0;
	int err = 0;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sis_genl_family, NLM_F_MULTI, SIS_CMD_GET_SCANNER);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, SIS_A_IFINDEX, sc->sb->br_dev->ifindex) ||
	    sis_nl_put_scanner_head(skb, sc)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	list_for_each_entry(cap, &sc->caps, list) {
		if (i++ < *cursor)
			continue;
		err = sis_nl_put_cap(skb, cap);
		if (err)
			goto out;
		(*cursor)++;
	}
	list_for_each_entry(inj, &sc->injects, list) {
		if (i++ < *cursor)
			continue;
		err = sis_nl_put_inject(skb, inj);
		if (err)
			goto out;
		(*cursor)++;
	}
	list_for_each_entry(sub, &sc->subs, list) {
		if (i++ < *cursor)
			continue;
		err = sis_nl_put_sub(skb, sub);
		if (err)
			goto out;
		(*cursor)++;
	}
out:
	genlmsg_end(skb, hdr);
	return err;
}

/* cb->args: [0] scanner position, [1] item position in that scanner */
int sis_nl_scanner_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sis_net *sn = sis_net(sock_net(skb->sk));
	const struct sis_bridge *sb;
	struct sis_scanner *sc;
	unsigned long pos = 0;
	int err = 0;

	rtnl_lock();
	cb->seq = sn->gen;
	list_for_each_entry(sb, &sn->bridges, list) {
		list_for_each_entry(sc, &sb->scanners, list) {
			if (pos++ < cb->args[0])
				continue;
			err = sis_nl_fill_scanner(skb, cb, sc, &cb->args[1]);
			if (err)
				goto out;
			cb->args[0] = pos;
			cb->args[1] = 0;
		}
	}
out:
	rtnl_unlock();
	/* Nothing fit in an empty message: cannot make progress. */
	if (err && !skb->len)
		return err;
	return skb->len;
}
