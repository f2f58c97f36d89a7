<?php
require_once(__DIR__ . '/signer.php');

/**
 * Posts one signed webhook with a short timeout. It runs inside checkout, so it never waits
 * long and never throws for network trouble: the caller gets an error string and keeps the
 * outbox row for a later retry.
 */
final class BridgeWebhookClient {
	const DEFAULT_TIMEOUT_MS = 2500;

	private $endpoint;
	private $signer;
	private $timeoutMs;

	public function __construct(string $endpoint, BridgeWebhookSigner $signer, int $timeoutMs = self::DEFAULT_TIMEOUT_MS) {
		$this->endpoint = $endpoint;
		$this->signer = $signer;
		$this->timeoutMs = $timeoutMs;
	}

	public function endpoint(): string {
		return $this->endpoint;
	}

	/**
	 * @return string '' when the bridge answered 2xx, else one line saying what went wrong
	 */
	public function post(string $body): string {
		if (!function_exists('curl_init')) {
			return 'PHP curl extension is missing; install it (Debian: php-curl) and restart PHP';
		}

		$headers = ['Content-Type: application/json', 'Expect:'];

		foreach ($this->signer->headers(time(), $body) as $name => $value) {
			$headers[] = $name . ': ' . $value;
		}

		$curl = curl_init($this->endpoint);

		curl_setopt_array($curl, [
			CURLOPT_POST           => true,
			CURLOPT_POSTFIELDS     => $body,
			CURLOPT_HTTPHEADER     => $headers,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_FOLLOWLOCATION => false,
			CURLOPT_NOSIGNAL       => true, // lets sub-second timeouts work
			CURLOPT_CONNECTTIMEOUT_MS => min($this->timeoutMs, 1500),
			CURLOPT_TIMEOUT_MS     => $this->timeoutMs
		]);

		$response = curl_exec($curl);
		$status = (int)curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
		$error = curl_error($curl);

		curl_close($curl);

		if ($response === false) {
			return 'POST ' . $this->endpoint . ' failed: ' . $error;
		}

		if ($status < 200 || $status > 299) {
			return 'POST ' . $this->endpoint . ' answered HTTP ' . $status . ': ' . self::oneLine((string)$response);
		}

		return '';
	}

	private static function oneLine(string $text): string {
		return substr(trim(preg_replace('/\s+/', ' ', $text)), 0, 160);
	}
}
