<?php
/**
 * Retries unsent bridge webhooks from the command line, for a crontab:
 *
 *   php <this file> /path/to/opencart/config.php [--limit=500]
 *
 * Reads the database credentials and DB_PREFIX from OpenCart's config.php and the extension's
 * settings from the database. Exit status: 0 all sent, 1 rows still pending, 2 usage or
 * configuration error.
 */
if (PHP_SAPI !== 'cli') {
	// The file sits under the web root on OpenCart 3.0; it only runs from a shell.
	http_response_code(404);
	exit;
}

require_once(__DIR__ . '/settings.php');
require_once(__DIR__ . '/outbox.php');
require_once(__DIR__ . '/mysqli_db.php');

function bridge_webhook_flush_main(array $argv): int {
	$config = '';
	$limit = 500;

	foreach (array_slice($argv, 1) as $arg) {
		if (strpos($arg, '--limit=') === 0) {
			$limit = max(1, (int)substr($arg, 8));
		} else {
			$config = $arg;
		}
	}

	if ($config === '' || !is_file($config)) {
		fwrite(STDERR, "usage: php " . $argv[0] . " /path/to/opencart/config.php [--limit=500]\n");

		return 2;
	}

	require($config);

	foreach (['DB_HOSTNAME', 'DB_USERNAME', 'DB_PASSWORD', 'DB_DATABASE', 'DB_PREFIX'] as $constant) {
		if (!defined($constant)) {
			fwrite(STDERR, $config . " does not define " . $constant . "; pass the config.php of the OpenCart shop\n");

			return 2;
		}
	}

	try {
		$db = new BridgeWebhookMysqliDb(DB_HOSTNAME, DB_USERNAME, DB_PASSWORD, DB_DATABASE, defined('DB_PORT') ? (int)DB_PORT : 3306);

		$stored = [];

		$query = $db->query("SELECT `key`, `value` FROM `" . DB_PREFIX . "setting` WHERE `store_id` = '0' AND `code` = '" . $db->escape(BridgeWebhookSettings::CODE) . "'");

		foreach ($query->rows as $row) {
			$stored[$row['key']] = $row['value'];
		}

		$settings = BridgeWebhookSettings::load(function ($key) use ($stored) {
			return $stored[$key] ?? '';
		});

		$client = $settings->client();

		if (!$settings->enabled() || !$client) {
			fwrite(STDERR, "the bridge webhook extension is disabled or its bridge URL/secret is not set; see Extensions > Modules > Odoo Bridge Webhooks\n");

			return 2;
		}

		$outbox = new BridgeWebhookOutbox($db, DB_PREFIX);
		$sent = 0;

		do {
			$result = $outbox->flush($client, min($limit - $sent, 100));
			$sent += $result['sent'];
		} while (!$result['failed'] && $result['sent'] > 0 && $result['pending'] > 0 && $sent < $limit);
	} catch (\Throwable $e) {
		fwrite(STDERR, 'bridge_webhook: ' . $e->getMessage() . "\n");

		return 2;
	}

	echo json_encode(['sent' => $sent, 'failed' => $result['failed'], 'pending' => $result['pending'], 'pruned' => $outbox->prune(BridgeWebhookOutbox::KEEP_SENT_DAYS), 'last_error' => $outbox->lastError()]), "\n";

	return $result['pending'] > 0 ? 1 : 0;
}

exit(bridge_webhook_flush_main($argv));
