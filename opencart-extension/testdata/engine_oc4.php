<?php
// OpenCart 4.x's Controller base class, as far as the extension uses it (harness.php).
namespace Opencart\System\Engine;

class Controller {
	protected $registry;

	public function __construct($registry) {
		$this->registry = $registry;
	}

	public function __get(string $key) {
		return $this->registry->get($key);
	}

	public function __set(string $key, $value): void {
		$this->registry->set($key, $value);
	}
}
