// Package opencartextension has no Go code of its own. It holds the Go tests of the OpenCart
// extension (PHP) in this folder: package layout, PHP lint, and the extension's
// event → outbox → signed POST flow, run with php-cli against a real MariaDB shop database
// and a real HTTP receiver.
//
// Needs: php-cli, php-mysql, php-curl (Debian: apt-get install -y php-cli php-mysql php-curl),
// python3 (build.sh), and MariaDB at 127.0.0.1:3306 (see pkg/opencart/octest).
package opencartextension
