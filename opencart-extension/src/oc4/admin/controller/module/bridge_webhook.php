<?php
namespace Opencart\Admin\Controller\Extension\BridgeWebhook\Module;

require_once(DIR_EXTENSION . 'bridge_webhook/system/library/bridge_webhook/admin.php');

/**
 * Settings page, install/uninstall, and admin-side customer events (OpenCart 4.0 and 4.1).
 */
class BridgeWebhook extends \Opencart\System\Engine\Controller {
	use \BridgeWebhookAdmin;

	public function index(): void {
		$this->load->language('extension/bridge_webhook/module/bridge_webhook');

		$this->document->setTitle($this->language->get('heading_title'));

		$data = $this->bridgeWebhookFormData();

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'])],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=module')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link('extension/bridge_webhook/module/bridge_webhook', 'user_token=' . $this->session->data['user_token'])]
		];

		$data['save'] = $this->url->link(\BridgeWebhookEvents::action(VERSION, 'save'), 'user_token=' . $this->session->data['user_token']);
		$data['back'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=module');

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('extension/bridge_webhook/module/bridge_webhook', $data));
	}

	public function save(): void {
		$this->load->language('extension/bridge_webhook/module/bridge_webhook');

		$json = [];

		if (!$this->user->hasPermission('modify', 'extension/bridge_webhook/module/bridge_webhook')) {
			$json['error']['warning'] = $this->language->get('error_permission');
		} else {
			$errors = $this->bridgeWebhookSave($this->request->post);

			if ($errors) {
				$json['error'] = $errors + ['warning' => $this->language->get('error_warning')];
			} else {
				$json['success'] = $this->language->get('text_success');
			}
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}
}
