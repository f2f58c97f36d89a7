<?php
// Signs bodies with the OpenCart extension's own PHP classes, for php_signer_test.go.
// stdin: JSON list of cases, each {"secret", "timestamp", and either "body_base64" or
//        "event" + "ids" + "occurred_at" (the body is then built by the extension's encoder)}
// stdout: JSON list of {"headers": {name: value}, "body_base64": "..."}
$library = __DIR__ . '/../../../opencart-extension/src/library/bridge_webhook/';

require_once($library . 'signer.php');
require_once($library . 'notifier.php');

$out = [];

foreach (json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR) as $case) {
	if (isset($case['event'])) {
		$body = BridgeWebhookNotifier::encode($case['event'], $case['ids'], $case['occurred_at']);
	} else {
		$body = base64_decode($case['body_base64'], true);
	}

	$signer = new BridgeWebhookSigner($case['secret']);

	$out[] = ['headers' => $signer->headers($case['timestamp'], $body), 'body_base64' => base64_encode($body)];
}

echo json_encode($out);
