<?php
/**
 * The subset of OpenCart's DB object (query/escape/getLastId, same result shape) the
 * extension's classes need, for running them outside OpenCart: the CLI flush script.
 * Sets the session the way OpenCart's driver does.
 */
final class BridgeWebhookMysqliDb {
	private $link;

	public function __construct(string $host, string $user, string $password, string $database, int $port = 3306) {
		mysqli_report(MYSQLI_REPORT_OFF);

		$link = @new mysqli($host, $user, $password, $database, $port);

		if ($link->connect_errno) {
			throw new RuntimeException('cannot connect to MySQL database "' . $database . '" at ' . $host . ':' . $port . ' as "' . $user . '": ' . $link->connect_error . '; check DB_* in config.php');
		}

		$link->set_charset('utf8mb4');
		$link->query("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'");

		$this->link = $link;
	}

	/**
	 * @return stdClass|bool {num_rows, row, rows} for statements that return rows, else true
	 */
	public function query(string $sql) {
		$result = $this->link->query($sql);

		if ($result === false) {
			throw new RuntimeException('MySQL error ' . $this->link->errno . ': ' . $this->link->error);
		}

		if (!$result instanceof mysqli_result) {
			return true;
		}

		$rows = $result->fetch_all(MYSQLI_ASSOC);
		$result->close();

		$query = new stdClass();
		$query->num_rows = count($rows);
		$query->row = $rows[0] ?? [];
		$query->rows = $rows;

		return $query;
	}

	public function escape(string $value): string {
		return $this->link->real_escape_string($value);
	}

	public function getLastId(): int {
		return (int)$this->link->insert_id;
	}
}
