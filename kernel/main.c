// SPDX-License-Identifier: GPL-2.0
/*
 * SIS: a self-securing network interface on a two-port Linux bridge.
 * See Documentation/architecture.md.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "bridge.h"
#include "conn.h"
#include "held.h"
#include "netlink.h"
#include "netns.h"

static int __init sis_init(void)
{
	int err;

	err = sis_netns_register();
	if (err)
		goto err_netns;
	err = sis_bridge_notifier_register();
	if (err)
		goto err_notifier;
	err = sis_held_init();
	if (err)
		goto err_held;
	err = sis_conn_init();
	if (err)
		goto err_conn;
	err = sis_nl_proc_register();
	if (err)
		goto err_proc;
	err = sis_genl_register();
	if (err)
		goto err_genl;
	return 0;

err_genl:
	sis_nl_proc_unregister();
err_proc:
	sis_conn_exit();
err_conn:
	sis_held_exit();
err_held:
	sis_bridge_notifier_unregister();
err_notifier:
	sis_netns_unregister();
err_netns:
	return err;
}

static void __exit sis_exit(void)
{
	sis_genl_unregister();
	sis_nl_proc_unregister();
	/*
	 * Detaches every bridge still attached, in every namespace: scanners
	 * release what they hold.
	 */
	sis_bridge_unloading();
	sis_bridge_notifier_unregister();
	sis_netns_unregister();
	/* Rules, scanners and bridges are freed from RCU callbacks. */
	rcu_barrier();
	sis_conn_exit();
	sis_held_exit();
}

module_init(sis_init);
module_exit(sis_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SIS: self-securing network interface");
MODULE_AUTHOR("SIS developers");
MODULE_VERSION(SIS_VERSION);
/* The first use of the "sis" family loads the module (request_module()). */
MODULE_ALIAS_GENL_FAMILY(SIS_GENL_NAME);
