<?php
/**
 * Signs a webhook body the way the bridge verifies it (pkg/webhook in the bridge):
 * HMAC-SHA256 over "<unix seconds>.<raw body>", keyed with the shared secret, sent as
 *   X-Bridge-Timestamp: <unix seconds>
 *   X-Bridge-Signature: sha256=<lower-case hex>
 * The timestamp is inside the MAC so a captured request cannot be replayed later.
 */
final class BridgeWebhookSigner {
	const HEADER_TIMESTAMP = 'X-Bridge-Timestamp';
	const HEADER_SIGNATURE = 'X-Bridge-Signature';

	private $secret;

	public function __construct(string $secret) {
		if ($secret === '') {
			throw new InvalidArgumentException('bridge webhook: the secret is empty; enter it on the extension settings page');
		}

		$this->secret = $secret;
	}

	public function signature(int $timestamp, string $body): string {
		return 'sha256=' . hash_hmac('sha256', $timestamp . '.' . $body, $this->secret);
	}

	/**
	 * @return array<string, string> header name => value
	 */
	public function headers(int $timestamp, string $body): array {
		return [
			self::HEADER_TIMESTAMP => (string)$timestamp,
			self::HEADER_SIGNATURE => $this->signature($timestamp, $body)
		];
	}
}
