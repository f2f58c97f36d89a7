<?php
require_once(__DIR__ . '/settings.php');
require_once(__DIR__ . '/notifier.php');

/**
 * Event handlers and the cron route, shared by the admin and catalog controllers of
 * OpenCart 3.0 and 4.x (the using class extends OpenCart's Controller, which provides
 * $this->db, config, log, request and response). BridgeWebhookEvents says which model call
 * reaches which handler.
 *
 * A handler runs inside checkout or an admin save: it must never break it, so every
 * failure is caught and written to OpenCart's error log instead.
 */
trait BridgeWebhookHandlers {
	public function onOrderHistory(&$route, &$args, &$output) {
		$orderId = (int)($args[0] ?? 0);

		$this->bridgeWebhookNotify(function (BridgeWebhookNotifier $notifier) use ($orderId) {
			$notifier->orderHistoryAdded($orderId);
		});
	}

	public function onCustomerAdd(&$route, &$args, &$output) {
		$customerId = (int)$output;

		$this->bridgeWebhookNotify(function (BridgeWebhookNotifier $notifier) use ($customerId) {
			$notifier->customerChanged($customerId);
		});
	}

	public function onCustomerEdit(&$route, &$args, &$output) {
		$customerId = (int)($args[0] ?? 0);

		$this->bridgeWebhookNotify(function (BridgeWebhookNotifier $notifier) use ($customerId) {
			$notifier->customerChanged($customerId);
		});
	}

	public function onAddressEdit(&$route, &$args, &$output) {
		$addressId = (int)($args[0] ?? 0);

		$this->bridgeWebhookNotify(function (BridgeWebhookNotifier $notifier) use ($addressId) {
			$notifier->addressChanged($addressId);
		});
	}

	/**
	 * Cron route: retries unsent webhooks. GET ...&token=<flush token shown on the settings
	 * page>. Also deletes rows sent more than KEEP_SENT_DAYS ago. Answers JSON
	 * {"sent":n,"failed":n,"pending":n,"pruned":n} or {"error":"..."}.
	 */
	public function flush() {
		$settings = BridgeWebhookSettings::load([$this->config, 'get']);
		$token = (string)($this->request->get['token'] ?? '');
		$client = $settings->client();

		if (!$settings->acceptsFlushToken($token)) {
			$this->response->addHeader('HTTP/1.1 403 Forbidden');
			$result = ['error' => 'bad or missing token; copy the cron URL from the extension settings page'];
		} elseif (!$settings->enabled() || !$client) {
			$result = ['error' => 'the extension is disabled or its bridge URL/secret is not set'];
		} else {
			$outbox = new BridgeWebhookOutbox($this->db, DB_PREFIX);
			$result = $outbox->flush($client, max(1, min(1000, (int)($this->request->get['limit'] ?? 100))));
			$result['pruned'] = $outbox->prune(BridgeWebhookOutbox::KEEP_SENT_DAYS);
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($result));
	}

	private function bridgeWebhookNotify(callable $notify) {
		try {
			$settings = BridgeWebhookSettings::load([$this->config, 'get']);

			if ($settings->enabled()) {
				$notify(new BridgeWebhookNotifier($this->db, DB_PREFIX, $settings->client()));
			}
		} catch (\Throwable $e) {
			$this->log->write('bridge_webhook: ' . $e->getMessage());
		}
	}
}
