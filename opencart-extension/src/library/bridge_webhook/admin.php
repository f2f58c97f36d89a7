<?php
require_once(__DIR__ . '/handlers.php');
require_once(__DIR__ . '/events.php');

/**
 * What the admin controllers of OpenCart 3.0 and 4.x share: install/uninstall (outbox table
 * and event rows), saving the settings form, and the facts shown on the settings page.
 * The using class extends OpenCart's admin Controller; VERSION says which OpenCart runs.
 */
trait BridgeWebhookAdmin {
	use BridgeWebhookHandlers;

	/**
	 * Called by OpenCart when the module is installed under Extensions > Modules.
	 */
	public function install() {
		(new BridgeWebhookOutbox($this->db, DB_PREFIX))->createTable();

		$this->load->model('setting/event');

		// Re-installing must not leave duplicate event rows.
		$this->bridgeWebhookDeleteEvents();

		foreach (BridgeWebhookEvents::forVersion(VERSION) as $event) {
			if (version_compare(VERSION, '4.0.0.0', '<')) {
				$this->model_setting_event->addEvent($event['code'], $event['trigger'], $event['action']);
			} else {
				$this->model_setting_event->addEvent($event + ['status' => 1, 'sort_order' => 0]);
			}
		}
	}

	/**
	 * Called by OpenCart when the module is uninstalled; OpenCart itself deletes the settings.
	 * Unsent rows go with the table: the bridge's order-history polling still catches up.
	 */
	public function uninstall() {
		$this->load->model('setting/event');

		$this->bridgeWebhookDeleteEvents();

		(new BridgeWebhookOutbox($this->db, DB_PREFIX))->dropTable();
	}

	private function bridgeWebhookDeleteEvents() {
		foreach (BridgeWebhookEvents::codes() as $code) {
			$this->model_setting_event->deleteEventByCode($code);
		}
	}

	/**
	 * Validates and stores the posted form.
	 *
	 * @return array<string, string> form field => error text; empty when saved
	 */
	private function bridgeWebhookSave(array $post): array {
		$stored = (string)$this->config->get(BridgeWebhookSettings::SECRET);
		$errors = BridgeWebhookSettings::validate($post, $stored);

		if (!$errors) {
			$this->load->model('setting/setting');
			$this->model_setting_setting->editSetting(BridgeWebhookSettings::CODE, BridgeWebhookSettings::toSave($post, $stored));
		}

		return array_map([$this->language, 'get'], $errors);
	}

	/**
	 * Template data for the settings page. The secret itself is never sent to the browser.
	 */
	private function bridgeWebhookFormData(): array {
		$settings = BridgeWebhookSettings::load([$this->config, 'get']);
		$token = $settings->flushToken();

		$data = [
			'status'      => $settings->enabled(),
			'url'         => (string)$this->config->get(BridgeWebhookSettings::URL),
			'secret_set'  => $token !== '',
			'endpoint'    => $settings->endpoint(),
			'cron_url'    => $token === '' ? '' : HTTP_CATALOG . 'index.php?route=' . BridgeWebhookEvents::action(VERSION, 'flush') . '&token=' . $token,
			'cli_command' => 'php ' . __DIR__ . '/flush_cli.php ' . dirname(DIR_CATALOG) . '/config.php',
			'pending'     => '',
			'last_error'  => ''
		];

		try {
			$outbox = new BridgeWebhookOutbox($this->db, DB_PREFIX);
			$data['pending'] = $outbox->pending();
			$data['last_error'] = $outbox->lastError();
		} catch (\Throwable $e) {
			$data['last_error'] = $e->getMessage();
		}

		return $data;
	}
}
