<?php
require_once(DIR_SYSTEM . 'library/bridge_webhook/handlers.php');

/**
 * Storefront side (OpenCart 3.0): the model events registered at install reach the handlers
 * here, and route extension/module/bridge_webhook/flush serves the cron retry.
 */
class ControllerExtensionModuleBridgeWebhook extends Controller {
	use BridgeWebhookHandlers;
}
