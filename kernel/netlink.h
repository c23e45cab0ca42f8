/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIS_NETLINK_H
#define _SIS_NETLINK_H

int sis_genl_register(void);
void sis_genl_unregister(void);

#endif /* _SIS_NETLINK_H */
