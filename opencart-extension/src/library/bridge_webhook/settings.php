<?php
require_once(__DIR__ . '/client.php');

/**
 * The extension's three settings (stored by OpenCart in <prefix>setting under the code
 * "module_bridge_webhook") and what follows from them: the endpoint, the HTTP client, the
 * token that guards the cron route, and the admin form's validation.
 */
final class BridgeWebhookSettings {
	const CODE   = 'module_bridge_webhook';
	const STATUS = 'module_bridge_webhook_status';
	const URL    = 'module_bridge_webhook_url';
	const SECRET = 'module_bridge_webhook_secret';

	const WEBHOOK_PATH = '/webhooks/opencart';
	const MIN_SECRET_LENGTH = 16;

	private $enabled;
	private $url;
	private $secret;

	public function __construct(bool $enabled, string $url, string $secret) {
		$this->enabled = $enabled;
		$this->url = trim($url);
		$this->secret = $secret;
	}

	/**
	 * @param callable $get key => stored value, e.g. OpenCart's $this->config->get
	 */
	public static function load(callable $get): self {
		return new self((bool)$get(self::STATUS), (string)$get(self::URL), (string)$get(self::SECRET));
	}

	public function enabled(): bool {
		return $this->enabled;
	}

	/**
	 * The bridge URL may be entered as the base ("https://bridge.example") or as the full
	 * webhook URL; both give the same endpoint.
	 */
	public function endpoint(): string {
		if ($this->url === '') {
			return '';
		}

		$base = rtrim($this->url, '/');

		if (substr($base, -strlen(self::WEBHOOK_PATH)) === self::WEBHOOK_PATH) {
			return $base;
		}

		return $base . self::WEBHOOK_PATH;
	}

	/**
	 * @return BridgeWebhookClient|null null until both the URL and the secret are set: events
	 *         are then kept in the outbox and sent once the settings are complete
	 */
	public function client(int $timeoutMs = BridgeWebhookClient::DEFAULT_TIMEOUT_MS) {
		if ($this->url === '' || $this->secret === '') {
			return null;
		}

		return new BridgeWebhookClient($this->endpoint(), new BridgeWebhookSigner($this->secret), $timeoutMs);
	}

	/**
	 * The cron route's token: derived from the secret so it changes with it and the secret
	 * itself never appears in a URL or a crontab.
	 */
	public function flushToken(): string {
		if ($this->secret === '') {
			return '';
		}

		return hash_hmac('sha256', 'bridge_webhook/flush', $this->secret);
	}

	public function acceptsFlushToken(string $token): bool {
		$expected = $this->flushToken();

		return $expected !== '' && hash_equals($expected, $token);
	}

	/**
	 * Checks the admin form. A blank secret field means "keep the stored secret".
	 *
	 * @return array<string, string> form field => language key of the error
	 */
	public static function validate(array $post, string $storedSecret): array {
		$errors = [];

		$url = trim((string)($post[self::URL] ?? ''));
		$secret = (string)($post[self::SECRET] ?? '');
		$enabled = !empty($post[self::STATUS]);

		if ($url !== '' && !self::isHttpUrl($url)) {
			$errors['url'] = 'error_url';
		} elseif ($url === '' && $enabled) {
			$errors['url'] = 'error_url_required';
		}

		if ($secret !== '' && strlen($secret) < self::MIN_SECRET_LENGTH) {
			$errors['secret'] = 'error_secret_length';
		} elseif ($secret === '' && $storedSecret === '' && $enabled) {
			$errors['secret'] = 'error_secret_required';
		}

		return $errors;
	}

	/**
	 * @return array<string, string> what to hand to model_setting_setting->editSetting
	 */
	public static function toSave(array $post, string $storedSecret): array {
		$secret = (string)($post[self::SECRET] ?? '');

		return [
			self::STATUS => empty($post[self::STATUS]) ? '0' : '1',
			self::URL    => trim((string)($post[self::URL] ?? '')),
			self::SECRET => $secret === '' ? $storedSecret : $secret
		];
	}

	private static function isHttpUrl(string $url): bool {
		$scheme = strtolower((string)parse_url($url, PHP_URL_SCHEME));

		return filter_var($url, FILTER_VALIDATE_URL) !== false && ($scheme === 'http' || $scheme === 'https');
	}
}
