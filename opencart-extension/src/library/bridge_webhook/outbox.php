<?php
require_once(__DIR__ . '/client.php');

/**
 * The durable record of every webhook: a row is written before the POST, so an event is not
 * lost when the bridge is down; unsent rows are retried later. Delivery is at least once
 * (two requests may flush the same row); the bridge treats webhooks as hints and dedupes.
 *
 * $db is OpenCart's DB object or anything with the same query()/escape()/getLastId().
 * Times are UTC (UTC_TIMESTAMP()), whatever the shop's time zone.
 */
final class BridgeWebhookOutbox {
	const LAST_ERROR_LENGTH = 255;

	/** Sent rows are kept this long for troubleshooting, then pruned by the cron flush. */
	const KEEP_SENT_DAYS = 30;

	private $db;
	private $table;

	public function __construct($db, string $prefix) {
		if (!preg_match('/^[A-Za-z0-9_]*$/', $prefix)) {
			throw new InvalidArgumentException('bridge webhook: unexpected table prefix "' . $prefix . '"; check DB_PREFIX in config.php');
		}

		$this->db = $db;
		$this->table = '`' . $prefix . 'bridge_outbox`';
	}

	public function createTable(): void {
		// InnoDB even on OpenCart 3.0 (whose own tables are MyISAM): rows must survive a crash.
		$this->db->query("CREATE TABLE IF NOT EXISTS " . $this->table . " (
			`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
			`event` VARCHAR(32) NOT NULL,
			`payload` TEXT NOT NULL,
			`attempts` INT UNSIGNED NOT NULL DEFAULT 0,
			`last_error` VARCHAR(" . self::LAST_ERROR_LENGTH . ") NOT NULL DEFAULT '',
			`created_at` DATETIME NOT NULL,
			`sent_at` DATETIME NULL DEFAULT NULL,
			PRIMARY KEY (`id`),
			KEY `unsent` (`sent_at`, `id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	}

	public function dropTable(): void {
		$this->db->query("DROP TABLE IF EXISTS " . $this->table);
	}

	/**
	 * @return int the new row's id
	 */
	public function add(string $event, string $payload): int {
		$this->db->query("INSERT INTO " . $this->table . " SET `event` = '" . $this->db->escape($event) . "', `payload` = '" . $this->db->escape($payload) . "', `created_at` = UTC_TIMESTAMP()");

		return (int)$this->db->getLastId();
	}

	/**
	 * Posts one row and records the outcome.
	 *
	 * @return bool true when the bridge accepted it
	 */
	public function deliver(BridgeWebhookClient $client, int $id, string $payload): bool {
		$error = $client->post($payload);

		if ($error === '') {
			$this->db->query("UPDATE " . $this->table . " SET `attempts` = `attempts` + 1, `last_error` = '', `sent_at` = UTC_TIMESTAMP() WHERE `id` = '" . $id . "'");

			return true;
		}

		$this->db->query("UPDATE " . $this->table . " SET `attempts` = `attempts` + 1, `last_error` = '" . $this->db->escape(substr($error, 0, self::LAST_ERROR_LENGTH)) . "' WHERE `id` = '" . $id . "'");

		return false;
	}

	/**
	 * Retries up to $limit unsent rows, oldest first. Stops at the first failure: when the
	 * bridge is down one request pays for one timeout, not for $limit of them.
	 *
	 * @return array{sent: int, failed: int, pending: int}
	 */
	public function flush(BridgeWebhookClient $client, int $limit): array {
		$sent = 0;
		$failed = 0;

		$query = $this->db->query("SELECT `id`, `payload` FROM " . $this->table . " WHERE `sent_at` IS NULL ORDER BY `id` ASC LIMIT " . max(0, $limit));

		foreach ($query->rows as $row) {
			if (!$this->deliver($client, (int)$row['id'], $row['payload'])) {
				$failed++;

				break;
			}

			$sent++;
		}

		return ['sent' => $sent, 'failed' => $failed, 'pending' => $this->pending()];
	}

	/**
	 * Deletes rows sent more than $days days ago; the cron flush calls it so the table
	 * stays small.
	 *
	 * @return int rows deleted
	 */
	public function prune(int $days): int {
		$this->db->query("DELETE FROM " . $this->table . " WHERE `sent_at` < UTC_TIMESTAMP() - INTERVAL " . max(1, $days) . " DAY");

		$query = $this->db->query("SELECT ROW_COUNT() AS `deleted`");

		return (int)$query->row['deleted'];
	}

	public function pending(): int {
		$query = $this->db->query("SELECT COUNT(*) AS `total` FROM " . $this->table . " WHERE `sent_at` IS NULL");

		return (int)$query->row['total'];
	}

	/**
	 * The error of the most recent failed attempt still waiting, for the settings page.
	 */
	public function lastError(): string {
		$query = $this->db->query("SELECT `last_error` FROM " . $this->table . " WHERE `sent_at` IS NULL AND `last_error` != '' ORDER BY `id` DESC LIMIT 1");

		return $query->num_rows ? (string)$query->row['last_error'] : '';
	}
}
