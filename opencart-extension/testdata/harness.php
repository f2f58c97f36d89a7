<?php
/**
 * Runs the extension's packaged controllers the way OpenCart 3.0 / 4.0 / 4.1 would, against a
 * real MariaDB database, for the Go tests in this folder. Only the framework around them is
 * stood in for here (Registry, Controller base class, loader, request/response); event
 * matching and action → controller resolution follow each version's engine
 * (system/engine/event.php, action.php, loader.php of the reference tags).
 *
 * stdin: {"version", "root" (the shop root the package was unpacked into), "db": {host, port,
 *         user, password, name}, "prefix", "settings": {key: value}, "app": "admin"|"catalog",
 *         "step": {"do": "route", "name", "get", "post", "post_request"}
 *              | {"do": "fire", "route", "method", "args", "output"}}
 * stdout: {"handlers": [...], "log": [...], "response": {...}, "view": {...}, "redirect": "..."}
 */
$in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);

$version = $in['version'];
$is3 = version_compare($version, '4.0.0.0', '<');
$app = $in['app'];
$root = rtrim($in['root'], '/') . '/';

define('VERSION', $version);
define('DB_PREFIX', $in['prefix']);
define('DIR_SYSTEM', $root . 'system/');
define('DIR_APPLICATION', $root . $app . '/');
define('DIR_CATALOG', $root . 'catalog/');
define('DIR_EXTENSION', $root . 'extension/');
define('HTTP_CATALOG', 'http://shop.test/');

$library = $is3 ? DIR_SYSTEM . 'library/bridge_webhook/' : DIR_EXTENSION . 'bridge_webhook/system/library/bridge_webhook/';
require_once($library . 'mysqli_db.php');

final class HarnessRegistry {
	private $data = [];
	public function get($key) { return $this->data[$key] ?? null; }
	public function set($key, $value) { $this->data[$key] = $value; }
	public function has($key) { return isset($this->data[$key]); }
}

final class HarnessRedirect extends Exception {}

// Records what the controllers do to the outside world.
final class HarnessOutput {
	public static $log = [];
	public static $headers = [];
	public static $output = null;
	public static $view = null;
	public static $redirect = null;
	public static $handlers = [];
}

final class HarnessConfig {
	private $values;
	public function __construct(array $values) { $this->values = $values; }
	public function get($key) { return $this->values[$key] ?? null; }
}

final class HarnessLog {
	public function write($message) { HarnessOutput::$log[] = $message; }
}

final class HarnessResponse {
	public function addHeader($header) { HarnessOutput::$headers[] = $header; }
	public function setOutput($output) { HarnessOutput::$output = $output; }
	public function redirect($url) { HarnessOutput::$redirect = $url; throw new HarnessRedirect(); }
}

final class HarnessRequest {
	public $get; public $post; public $server;
	public function __construct(array $get, array $post, string $method) {
		$this->get = $get; $this->post = $post; $this->server = ['REQUEST_METHOD' => $method];
	}
}

final class HarnessLanguage {
	private $data = [];
	public function load(string $file) { $_ = []; require($file); $this->data = $_ + $this->data; }
	public function get($key) { return $this->data[$key] ?? $key; }
}

// setting/event as each version's admin model writes it (3.0 positional, 4.x one array).
final class HarnessEventModel {
	private $db; private $is3;
	public function __construct($db, bool $is3) { $this->db = $db; $this->is3 = $is3; }
	public function addEvent(...$a) {
		if ($this->is3) {
			list($code, $trigger, $action) = $a;
			$status = $a[3] ?? 1; $sortOrder = $a[4] ?? 0; $description = null;
		} else {
			$d = $a[0];
			$code = $d['code']; $trigger = $d['trigger']; $action = $d['action']; $status = (int)(bool)$d['status']; $sortOrder = (int)$d['sort_order']; $description = $d['description'];
		}
		$this->db->query("INSERT INTO `" . DB_PREFIX . "event` SET `code` = '" . $this->db->escape($code) . "', " . ($description === null ? '' : "`description` = '" . $this->db->escape($description) . "', ") . "`trigger` = '" . $this->db->escape($trigger) . "', `action` = '" . $this->db->escape($action) . "', `status` = '" . (int)$status . "', `sort_order` = '" . (int)$sortOrder . "'");
	}
	public function deleteEventByCode($code) {
		$this->db->query("DELETE FROM `" . DB_PREFIX . "event` WHERE `code` = '" . $this->db->escape($code) . "'");
	}
}

// setting/setting editSetting as in all three versions: replace the code's rows for store 0.
final class HarnessSettingModel {
	private $db;
	public function __construct($db) { $this->db = $db; }
	public function editSetting($code, $data, $store_id = 0) {
		$this->db->query("DELETE FROM `" . DB_PREFIX . "setting` WHERE `store_id` = '" . (int)$store_id . "' AND `code` = '" . $this->db->escape($code) . "'");
		foreach ($data as $key => $value) {
			if (substr($key, 0, strlen($code)) == $code) {
				$this->db->query("INSERT INTO `" . DB_PREFIX . "setting` SET `store_id` = '" . (int)$store_id . "', `code` = '" . $this->db->escape($code) . "', `key` = '" . $this->db->escape($key) . "', `value` = '" . $this->db->escape($value) . "'");
			}
		}
	}
}

final class HarnessLoader {
	private $registry;
	public function __construct($registry) { $this->registry = $registry; }
	public function model($route) {
		$models = ['setting/event' => function () { return new HarnessEventModel($this->registry->get('db'), version_compare(VERSION, '4.0.0.0', '<')); },
			'setting/setting' => function () { return new HarnessSettingModel($this->registry->get('db')); }];
		if (!isset($models[$route])) {
			throw new Exception('harness: the extension loaded model ' . $route . ', which the harness does not provide');
		}
		$this->registry->set('model_' . str_replace('/', '_', $route), $models[$route]());
	}
	public function language($route) {
		// 3.0: admin/language/en-gb/<route>.php; 4.x: extension/<ext>/admin/language/en-gb/<rest>.php
		if (preg_match('#^extension/([a-z_]+)/(.+)$#', $route, $m) && !version_compare(VERSION, '4.0.0.0', '<')) {
			$file = DIR_EXTENSION . $m[1] . '/admin/language/en-gb/' . $m[2] . '.php';
		} else {
			$file = DIR_APPLICATION . 'language/en-gb/' . $route . '.php';
		}
		if (!is_file($file)) {
			throw new Exception('harness: language file ' . $file . ' is missing');
		}
		$this->registry->get('language')->load($file);
	}
	public function view($route, $data) { HarnessOutput::$view = ['route' => $route, 'data' => $data]; return ''; }
	public function controller($route) { return ''; }
}

if ($is3) {
	class Controller {
		protected $registry;
		public function __construct($registry) { $this->registry = $registry; }
		public function __get($key) { return $this->registry->get($key); }
		public function __set($key, $value) { $this->registry->set($key, $value); }
	}
} else {
	require(__DIR__ . '/engine_oc4.php');

	// 4.x autoloader for the extension's controllers (system/engine/autoloader.php, non-PSR-4 branch).
	spl_autoload_register(function ($class) {
		$prefix = 'Opencart\\' . ucfirst($GLOBALS['app']) . '\\Controller\\Extension\\BridgeWebhook\\';
		if (strpos($class, $prefix) !== 0) {
			return;
		}
		$file = DIR_EXTENSION . 'bridge_webhook/' . $GLOBALS['app'] . '/controller/' . trim(str_replace('\\', '/', strtolower(preg_replace('~([a-z])([A-Z]|[0-9])~', '\\1_\\2', substr($class, strlen($prefix))))), '/') . '.php';
		if (is_file($file)) {
			include_once($file);
		}
	});
}

/**
 * Resolves an action string to [controller object, method] as the version's Action class does.
 */
function harness_resolve(string $action, $registry): array {
	if (version_compare(VERSION, '4.0.0.0', '<')) {
		$parts = explode('/', preg_replace('/[^a-zA-Z0-9_\/]/', '', $action));
		$method = 'index';
		while ($parts) {
			$file = DIR_APPLICATION . 'controller/' . implode('/', $parts) . '.php';
			if (is_file($file)) {
				break;
			}
			$method = array_pop($parts);
		}
		if (!$parts) {
			throw new Exception('harness: no controller file for action ' . $action);
		}
		include_once($file);
		$class = 'Controller' . preg_replace('/[^a-zA-Z0-9]/', '', implode('/', $parts));
	} else {
		$separator = version_compare(VERSION, '4.0.2.0', '<') ? '|' : '.';
		$pos = strrpos($action, $separator);
		$route = $pos === false ? $action : substr($action, 0, $pos);
		$method = $pos === false ? 'index' : substr($action, $pos + 1);
		$class = 'Opencart\\' . ucfirst($GLOBALS['app']) . '\\Controller\\' . str_replace(['_', '/'], ['', '\\'], ucwords($route, '_/'));
	}
	if (!class_exists($class)) {
		throw new Exception('harness: action ' . $action . ' names class ' . $class . ', which does not exist');
	}
	$controller = new $class($registry);
	if (!is_callable([$controller, $method])) {
		throw new Exception('harness: action ' . $action . ' names method ' . $method . ', which ' . $class . ' does not have');
	}
	return [$controller, $method];
}

/**
 * Fires "<app>/model/<route>..." after-events the way the version's loader names them, on the
 * event rows stored in the database (startup/event.php + engine/event.php).
 */
function harness_fire(array $step, $registry) {
	$sep = version_compare(VERSION, '4.1.0.0', '>=') ? '.' : '/';
	$event = 'model/' . $step['route'] . $sep . $step['method'] . '/after';
	// OpenCart's own event rows are in the database too; only the extension's controllers exist here.
	$rows = $registry->get('db')->query("SELECT `trigger`, `action` FROM `" . DB_PREFIX . "event` WHERE `status` = '1' AND `code` LIKE 'bridge\\_webhook\\_%' ORDER BY `sort_order` ASC")->rows;
	foreach ($rows as $row) {
		if (strpos($row['trigger'], $GLOBALS['app'] . '/') !== 0) {
			continue;
		}
		$trigger = substr($row['trigger'], strlen($GLOBALS['app']) + 1);
		if (!preg_match('/^' . str_replace(['\*', '\?'], ['.*', '.'], preg_quote($trigger, '/')) . '/', $event)) {
			continue;
		}
		list($controller, $method) = harness_resolve($row['action'], $registry);
		$route = $step['route'] . $sep . $step['method'];
		$args = $step['args'];
		$output = $step['output'];
		$result = call_user_func_array([$controller, $method], [&$route, &$args, &$output]);
		if ($result !== null) {
			throw new Exception('harness: handler ' . $row['action'] . ' returned a value; on 3.0 that would replace the model output');
		}
		HarnessOutput::$handlers[] = $row['action'];
	}
}

$registry = new HarnessRegistry();
$db = new BridgeWebhookMysqliDb($in['db']['host'], $in['db']['user'], $in['db']['password'], $in['db']['name'], (int)$in['db']['port']);
$registry->set('db', $db);
$registry->set('config', new HarnessConfig($in['settings']));
$registry->set('log', new HarnessLog());
$registry->set('response', new HarnessResponse());
$registry->set('language', new HarnessLanguage());
$registry->set('load', new HarnessLoader($registry));
$registry->set('request', new HarnessRequest($in['step']['get'] ?? [], $in['step']['post'] ?? [], !empty($in['step']['post_request']) ? 'POST' : 'GET'));
$registry->set('session', (object)['data' => ['user_token' => 'harness-token']]);
$registry->set('document', new class { public function setTitle($title) {} });
$registry->set('url', new class { public function link($route, $args = '', $secure = false) { return 'index.php?route=' . $route . ($args ? '&' . $args : ''); } });
$registry->set('user', new class { public function hasPermission($what, $route) { return true; } });

$step = $in['step'];

try {
	if ($step['do'] == 'fire') {
		harness_fire($step, $registry);
	} elseif ($step['do'] == 'route') {
		// The extension's own routes, named as OpenCart's module installer and menus call them.
		$action = $is3 ? 'extension/module/bridge_webhook/' . $step['name'] : 'extension/bridge_webhook/module/bridge_webhook' . (version_compare($version, '4.0.2.0', '<') ? '|' : '.') . $step['name'];
		list($controller, $method) = harness_resolve($action, $registry);
		$controller->$method();
		HarnessOutput::$handlers[] = $action;
	} else {
		throw new Exception('harness: unknown step ' . $step['do']);
	}
} catch (HarnessRedirect $redirect) {
	// redirect() ends the request in OpenCart; nothing more to do.
}

echo json_encode([
	'handlers' => HarnessOutput::$handlers,
	'log'      => HarnessOutput::$log,
	'headers'  => HarnessOutput::$headers,
	'output'   => HarnessOutput::$output,
	'view'     => HarnessOutput::$view,
	'redirect' => HarnessOutput::$redirect
]);
