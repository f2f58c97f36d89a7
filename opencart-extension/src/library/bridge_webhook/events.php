<?php
/**
 * Which OpenCart events the extension listens to, spelled for each OpenCart version.
 *
 * Triggers: 3.0 and 4.0 name model calls "<app>/model/<route>/<method>/after"; 4.1 joins route
 * and method with a dot. The order-history method is addOrderHistory in 3.0, addHistory in 4.x.
 * Actions: 3.0 "extension/module/bridge_webhook/<handler>"; 4.0.0.0-4.0.1.x
 * "extension/bridge_webhook/module/bridge_webhook|<handler>"; 4.0.2.0 and later use "." for "|".
 * Handlers (BridgeWebhookHandlers) read the id from where that call puts it:
 *   onOrderHistory  $args[0] = order_id
 *   onCustomerAdd   $output  = new customer_id
 *   onCustomerEdit  $args[0] = customer_id
 *   onAddressEdit   $args[0] = address_id (3.0/4.0 editAddress; 4.1 passes the customer first)
 */
final class BridgeWebhookEvents {
	const CODE = 'bridge_webhook';

	/**
	 * code suffix => [app, model route, method (3.0 / 4.x), handler (3.0+4.0 / 4.1), since version]
	 */
	const DEFINITIONS = [
		'order_history'        => ['catalog', 'checkout/order', ['addOrderHistory', 'addHistory'], ['onOrderHistory', 'onOrderHistory'], '3.0'],
		'customer_add'         => ['catalog', 'account/customer', ['addCustomer', 'addCustomer'], ['onCustomerAdd', 'onCustomerAdd'], '3.0'],
		'customer_edit'        => ['catalog', 'account/customer', ['editCustomer', 'editCustomer'], ['onCustomerEdit', 'onCustomerEdit'], '3.0'],
		'address_add'          => ['catalog', 'account/address', ['addAddress', 'addAddress'], ['onCustomerEdit', 'onCustomerEdit'], '3.0'],
		'address_edit'         => ['catalog', 'account/address', ['editAddress', 'editAddress'], ['onAddressEdit', 'onCustomerEdit'], '3.0'],
		'admin_customer_add'   => ['admin', 'customer/customer', ['addCustomer', 'addCustomer'], ['onCustomerAdd', 'onCustomerAdd'], '3.0'],
		'admin_customer_edit'  => ['admin', 'customer/customer', ['editCustomer', 'editCustomer'], ['onCustomerEdit', 'onCustomerEdit'], '3.0'],
		// 4.1's admin customer form saves addresses through their own model methods.
		'admin_address_add'    => ['admin', 'customer/customer', ['addAddress', 'addAddress'], ['onCustomerEdit', 'onCustomerEdit'], '4.1'],
		'admin_address_edit'   => ['admin', 'customer/customer', ['editAddress', 'editAddress'], ['onCustomerEdit', 'onCustomerEdit'], '4.1']
	];

	/**
	 * Every event code the extension may have registered, whatever the version: uninstall
	 * removes them all.
	 *
	 * @return string[]
	 */
	public static function codes(): array {
		$codes = [];

		foreach (array_keys(self::DEFINITIONS) as $suffix) {
			$codes[] = self::CODE . '_' . $suffix;
		}

		return $codes;
	}

	/**
	 * @param string $version OpenCart's VERSION constant
	 * @return array<int, array{code: string, description: string, trigger: string, action: string}>
	 */
	public static function forVersion(string $version): array {
		$is3 = version_compare($version, '4.0.0.0', '<');
		$is41 = version_compare($version, '4.1.0.0', '>=');

		$events = [];

		foreach (self::DEFINITIONS as $suffix => list($app, $route, $methods, $handlers, $since)) {
			if (version_compare($version, $since, '<')) {
				continue;
			}

			$method = $methods[$is3 ? 0 : 1];
			$handler = $handlers[$is41 ? 1 : 0];

			$events[] = [
				'code'        => self::CODE . '_' . $suffix,
				'description' => 'Odoo bridge webhook on ' . $app . ' ' . $route . ' ' . $method,
				'trigger'     => $app . '/model/' . $route . ($is41 ? '.' : '/') . $method . '/after',
				'action'      => self::action($version, $handler)
			];
		}

		return $events;
	}

	public static function action(string $version, string $handler): string {
		if (version_compare($version, '4.0.0.0', '<')) {
			return 'extension/module/bridge_webhook/' . $handler;
		}

		$separator = version_compare($version, '4.0.2.0', '<') ? '|' : '.';

		return 'extension/bridge_webhook/module/bridge_webhook' . $separator . $handler;
	}
}
