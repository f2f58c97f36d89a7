<?php
require_once(__DIR__ . '/outbox.php');

/**
 * Turns OpenCart model calls into webhook events: reads the few ids an event needs, writes
 * the outbox row, posts it, and then retries a bounded batch of older unsent rows.
 * Events carry ids only; the bridge reads everything else from the database.
 */
final class BridgeWebhookNotifier {
	const ORDER_CREATED        = 'order.created';
	const ORDER_STATUS_CHANGED = 'order.status_changed';
	const CUSTOMER_UPDATED     = 'customer.updated';

	/** Older unsent rows retried after each successful post. */
	const BACKLOG_BATCH = 10;

	private $db;
	private $prefix;
	private $outbox;
	private $client;

	/**
	 * @param BridgeWebhookClient|null $client null: record only (settings incomplete)
	 */
	public function __construct($db, string $prefix, $client) {
		$this->db = $db;
		$this->prefix = $prefix;
		$this->outbox = new BridgeWebhookOutbox($db, $prefix);
		$this->client = $client;
	}

	/**
	 * After a history row was added to an order. The first row with a real status (> 0) is
	 * the order's confirmation: order.created; every later one is order.status_changed.
	 * The status is read back from the order because fraud checks may have replaced the one
	 * the caller asked for.
	 *
	 * @return string the event emitted, '' when none (unknown order, or still status 0)
	 */
	public function orderHistoryAdded(int $orderId): string {
		$query = $this->db->query("SELECT o.`store_id`, o.`customer_id`, o.`order_status_id`, (SELECT COUNT(*) FROM `" . $this->prefix . "order_history` h WHERE h.`order_id` = o.`order_id` AND h.`order_status_id` > 0) AS `confirmed_rows` FROM `" . $this->prefix . "order` o WHERE o.`order_id` = '" . $orderId . "'");

		if (!$query->num_rows || (int)$query->row['order_status_id'] <= 0) {
			return '';
		}

		$order = $query->row;
		$event = (int)$order['confirmed_rows'] <= 1 ? self::ORDER_CREATED : self::ORDER_STATUS_CHANGED;

		$this->emit($event, [
			'store_id'        => (int)$order['store_id'],
			'order_id'        => $orderId,
			'order_status_id' => (int)$order['order_status_id'],
			'customer_id'     => (int)$order['customer_id']
		]);

		return $event;
	}

	/**
	 * @return string the event emitted, '' when the customer does not exist
	 */
	public function customerChanged(int $customerId): string {
		$query = $this->db->query("SELECT `store_id` FROM `" . $this->prefix . "customer` WHERE `customer_id` = '" . $customerId . "'");

		if (!$query->num_rows) {
			return '';
		}

		$this->emit(self::CUSTOMER_UPDATED, ['store_id' => (int)$query->row['store_id'], 'customer_id' => $customerId]);

		return self::CUSTOMER_UPDATED;
	}

	/**
	 * For OpenCart 3.0/4.0 editAddress, whose only id argument is the address.
	 */
	public function addressChanged(int $addressId): string {
		$query = $this->db->query("SELECT `customer_id` FROM `" . $this->prefix . "address` WHERE `address_id` = '" . $addressId . "'");

		if (!$query->num_rows) {
			return '';
		}

		return $this->customerChanged((int)$query->row['customer_id']);
	}

	/**
	 * The webhook body. Ids that are 0 do not apply and are left out; store_id 0 is the
	 * default store and always sent.
	 */
	public static function encode(string $event, array $ids, int $occurredAt): string {
		$body = ['event' => $event, 'store_id' => (int)($ids['store_id'] ?? 0)];

		foreach (['order_id', 'order_status_id', 'customer_id'] as $field) {
			if (!empty($ids[$field])) {
				$body[$field] = (int)$ids[$field];
			}
		}

		$body['occurred_at'] = gmdate('Y-m-d\TH:i:s\Z', $occurredAt);

		return json_encode($body, JSON_UNESCAPED_SLASHES);
	}

	private function emit(string $event, array $ids): void {
		$payload = self::encode($event, $ids, time());
		$id = $this->outbox->add($event, $payload);

		if ($this->client && $this->outbox->deliver($this->client, $id, $payload)) {
			$this->outbox->flush($this->client, self::BACKLOG_BATCH);
		}
	}
}
