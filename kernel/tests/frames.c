// SPDX-License-Identifier: GPL-2.0
/*
 * Frames built as the bridge's forward hook sees them, and the filter
 * programs the suites use. The filter programs are what `tcpdump -dd EXPR`
 * (libpcap) prints, so the kernel side is tested on exactly what the tools
 * send.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "frames.h"

/* tcpdump -dd icmp */
static const struct sock_filter f_icmp[] = {
	{ 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 3, 0x00000800 },
	{ 0x30, 0, 0, 0x00000017 }, { 0x15, 0, 1, 0x00000001 },
	{ 0x06, 0, 0, 0x00040000 }, { 0x06, 0, 0, 0x00000000 },
};

/* tcpdump -dd 'udp dst port 9999' */
static const struct sock_filter f_udp9999[] = {
	{ 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 4, 0x000086dd },
	{ 0x30, 0, 0, 0x00000014 }, { 0x15, 0, 11, 0x00000011 },
	{ 0x28, 0, 0, 0x00000038 }, { 0x15, 8, 9, 0x0000270f },
	{ 0x15, 0, 8, 0x00000800 }, { 0x30, 0, 0, 0x00000017 },
	{ 0x15, 0, 6, 0x00000011 }, { 0x28, 0, 0, 0x00000014 },
	{ 0x45, 4, 0, 0x00001fff }, { 0xb1, 0, 0, 0x0000000e },
	{ 0x48, 0, 0, 0x00000010 }, { 0x15, 0, 1, 0x0000270f },
	{ 0x06, 0, 0, 0x00040000 }, { 0x06, 0, 0, 0x00000000 },
};

/* tcpdump -dd 'tcp[tcpflags] & tcp-syn != 0' */
static const struct sock_filter f_tcpsyn[] = {
	{ 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 8, 0x00000800 },
	{ 0x30, 0, 0, 0x00000017 }, { 0x15, 0, 6, 0x00000006 },
	{ 0x28, 0, 0, 0x00000014 }, { 0x45, 4, 0, 0x00001fff },
	{ 0xb1, 0, 0, 0x0000000e }, { 0x50, 0, 0, 0x0000001b },
	{ 0x45, 0, 1, 0x00000002 }, { 0x06, 0, 0, 0x00040000 },
	{ 0x06, 0, 0, 0x00000000 },
};

/* tcpdump -dd arp */
static const struct sock_filter f_arp[] = {
	{ 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 1, 0x00000806 },
	{ 0x06, 0, 0, 0x00040000 }, { 0x06, 0, 0, 0x00000000 },
};

/* Hand-written: "ld len; ret a" matches every frame. */
static const struct sock_filter f_ret_len[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0),
};

/* "ret a" with A as the program starts: 0, so it never matches. */
static const struct sock_filter f_ret_a0[] = {
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* "txa; ret a": X starts at 0 too. */
static const struct sock_filter f_ret_x0[] = {
	BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_RET | BPF_A, 0),
};

/* IPv4 through scratch memory, returning A: M[3] = ethertype. */
static const struct sock_filter f_mem_ipv4[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_STMT(BPF_ST, 3),
	BPF_STMT(BPF_LD | BPF_IMM, 0),
	BPF_STMT(BPF_LD | BPF_MEM, 3),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 1, 0),
	BPF_STMT(BPF_LD | BPF_IMM, 0),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/*
 * Build a frame as the bridge's forward hook sees it: the MAC header set,
 * skb->data at the network header.
 */
struct sk_buff *sis_test_build_frame(struct kunit *test, enum frame_kind kind)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct ethhdr *eth;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	struct udphdr *uh;
	struct tcphdr *th;
	u8 proto;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_IP_ALIGN);
	skb_reset_mac_header(skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth_broadcast_addr(eth->h_dest);
	eth->h_source[5] = 1;

	switch (kind) {
	case FRAME_ARP:
		eth->h_proto = htons(ETH_P_ARP);
		skb_put_zero(skb, 28);
		goto out;
	case FRAME_UDP6_9999:
		eth->h_proto = htons(ETH_P_IPV6);
		ip6h = skb_put_zero(skb, sizeof(*ip6h));
		ip6h->version = 6;
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = 64;
		ip6h->payload_len = htons(sizeof(*uh) + FRAME_PAYLOAD);
		uh = skb_put_zero(skb, sizeof(*uh));
		uh->source = htons(40000);
		uh->dest = htons(9999);
		skb_put_zero(skb, FRAME_PAYLOAD);
		goto out;
	default:
		break;
	}

	eth->h_proto = htons(ETH_P_IP);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);
	switch (kind) {
	case FRAME_ICMP4:
		proto = IPPROTO_ICMP;
		skb_put_zero(skb, 8 + FRAME_PAYLOAD);
		break;
	case FRAME_TCP4_SYN:
	case FRAME_TCP4_ACK:
		proto = IPPROTO_TCP;
		th = skb_put_zero(skb, sizeof(*th));
		th->source = htons(40000);
		th->dest = htons(80);
		th->doff = 5;
		th->syn = kind == FRAME_TCP4_SYN;
		th->ack = kind == FRAME_TCP4_ACK;
		break;
	case FRAME_UDP4_9999_FRAG:
		iph->frag_off = htons(185);	/* offset 1480 */
		fallthrough;
	default:
		proto = IPPROTO_UDP;
		/* A fragment's payload starts with bytes that look like a
		 * header to port 9999, which must not fool the filter.
		 */
		uh = skb_put_zero(skb, sizeof(*uh));
		uh->source = htons(40000);
		uh->dest = htons(kind == FRAME_UDP4_53 ? 53 : 9999);
		skb_put_zero(skb, FRAME_PAYLOAD);
		break;
	}
	iph->protocol = proto;
	iph->tot_len = htons(skb->len - ETH_HLEN);
out:
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	return skb;
}

const struct sis_test_filter sis_test_filters[] = {
	[FILTER_ICMP] = { f_icmp, ARRAY_SIZE(f_icmp) },
	[FILTER_UDP9999] = { f_udp9999, ARRAY_SIZE(f_udp9999) },
	[FILTER_TCPSYN] = { f_tcpsyn, ARRAY_SIZE(f_tcpsyn) },
	[FILTER_ARP] = { f_arp, ARRAY_SIZE(f_arp) },
	[FILTER_RET_LEN] = { f_ret_len, ARRAY_SIZE(f_ret_len) },
	[FILTER_RET_A0] = { f_ret_a0, ARRAY_SIZE(f_ret_a0) },
	[FILTER_RET_X0] = { f_ret_x0, ARRAY_SIZE(f_ret_x0) },
	[FILTER_MEM_IPV4] = { f_mem_ipv4, ARRAY_SIZE(f_mem_ipv4) },
};

