<?php
require_once(DIR_SYSTEM . 'library/bridge_webhook/admin.php');

/**
 * Settings page, install/uninstall, and admin-side customer events (OpenCart 3.0).
 */
class ControllerExtensionModuleBridgeWebhook extends Controller {
	use BridgeWebhookAdmin;

	public function index() {
		$this->load->language('extension/module/bridge_webhook');

		$this->document->setTitle($this->language->get('heading_title'));

		$errors = [];

		if ($this->request->server['REQUEST_METHOD'] == 'POST') {
			if (!$this->user->hasPermission('modify', 'extension/module/bridge_webhook')) {
				$errors['warning'] = $this->language->get('error_permission');
			} else {
				$errors = $this->bridgeWebhookSave($this->request->post);
			}

			if (!$errors) {
				$this->session->data['success'] = $this->language->get('text_success');

				$this->response->redirect($this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=module', true));
			}
		}

		$data = $this->bridgeWebhookFormData();

		if ($this->request->server['REQUEST_METHOD'] == 'POST') {
			$data['status'] = !empty($this->request->post[BridgeWebhookSettings::STATUS]);
			$data['url'] = (string)($this->request->post[BridgeWebhookSettings::URL] ?? '');
		}

		$data['errors'] = $errors;

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', 'user_token=' . $this->session->data['user_token'], true)],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=module', true)],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link('extension/module/bridge_webhook', 'user_token=' . $this->session->data['user_token'], true)]
		];

		$data['action'] = $this->url->link('extension/module/bridge_webhook', 'user_token=' . $this->session->data['user_token'], true);
		$data['cancel'] = $this->url->link('marketplace/extension', 'user_token=' . $this->session->data['user_token'] . '&type=module', true);

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view('extension/module/bridge_webhook', $data));
	}
}
