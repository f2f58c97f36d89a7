<?php
namespace Opencart\Catalog\Controller\Extension\BridgeWebhook\Module;

require_once(DIR_EXTENSION . 'bridge_webhook/system/library/bridge_webhook/handlers.php');

/**
 * Storefront side (OpenCart 4.x): the model events registered at install reach the handlers
 * here, and route extension/bridge_webhook/module/bridge_webhook.flush serves the cron retry.
 */
class BridgeWebhook extends \Opencart\System\Engine\Controller {
	use \BridgeWebhookHandlers;
}
