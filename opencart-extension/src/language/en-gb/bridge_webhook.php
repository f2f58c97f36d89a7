<?php
// Heading
$_['heading_title']         = 'Odoo Bridge Webhooks';

// Text
$_['text_extension']        = 'Extensions';
$_['text_success']          = 'Success: You have modified the Odoo Bridge Webhooks module!';
$_['text_edit']             = 'Edit Odoo Bridge Webhooks';
$_['text_secret_set']       = 'A secret is stored. Leave blank to keep it.';
$_['text_secret_unset']     = 'No secret stored yet.';
$_['text_delivery']         = 'Delivery';
$_['text_endpoint']         = 'Webhooks are posted to';
$_['text_pending']          = 'Waiting to be sent';
$_['text_last_error']       = 'Last error';
$_['text_cron_url']         = 'Cron URL (retries unsent webhooks)';
$_['text_cli']              = 'Or from the shell';
$_['text_cron_help']        = 'Every order and customer change is stored first and then posted. If the bridge is down, the next change or a cron job calling one of these retries the stored ones.';

// Entry
$_['entry_status']          = 'Status';
$_['entry_url']             = 'Bridge URL';
$_['entry_secret']          = 'Webhook secret';

// Help
$_['help_url']              = 'Base URL of the bridge, e.g. https://bridge.example.com. /webhooks/opencart is added.';
$_['help_secret']           = 'The same value as WEBHOOK_SECRET on the bridge; at least 16 characters.';

// Error
$_['error_permission']      = 'Warning: You do not have permission to modify the Odoo Bridge Webhooks module!';
$_['error_url']             = 'Enter a URL starting with http:// or https://.';
$_['error_url_required']    = 'Enter the bridge URL before enabling the module.';
$_['error_secret_length']   = 'The secret must be at least 16 characters long.';
$_['error_secret_required'] = 'Enter the webhook secret before enabling the module.';
$_['error_warning']         = 'Warning: Please check the form carefully for errors!';
