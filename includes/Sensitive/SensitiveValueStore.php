<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILBFactory;

/**
 * The captchaguard_sensitive_value table: what CaptchaGuard's CheckUser-level
 * variables were when a filter hit, keyed by the hit's var dump address
 * (afl_var_dump), so they live outside AbuseFilter's append-only blobs and can
 * be deleted for real.
 */
class SensitiveValueStore {

	private const TABLE = 'captchaguard_sensitive_value';

	public function __construct( private ILBFactory $lbFactory ) {
	}

	private function connection( int $index ): IDatabase {
		return $this->lbFactory->getMainLB()->getConnection( $index );
	}

	/**
	 * @param string $varDump The address AbuseFilter stored the rest of the variables at
	 * @param array<string,mixed> $values Variable name => value
	 */
	public function save( string $varDump, array $values ): void {
		$dbw = $this->connection( DB_PRIMARY );
		$dbw->insert(
			self::TABLE,
			[
				'csv_var_dump' => $varDump,
				'csv_values' => json_encode( $values, JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE
					| JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ),
				'csv_timestamp' => $dbw->timestamp(),
			],
			__METHOD__
		);
	}

	/**
	 * @return array<string,mixed> Variable name => value; empty when none were kept (or purged)
	 */
	public function load( string $varDump ): array {
		$stored = $this->connection( DB_REPLICA )->selectFieldValues(
			self::TABLE,
			'csv_values',
			[ 'csv_var_dump' => $varDump ],
			__METHOD__
		);
		$values = [];
		foreach ( $stored as $json ) {
			$decoded = json_decode( (string)$json, true );
			if ( is_array( $decoded ) ) {
				$values += $decoded;
			}
		}
		return $values;
	}
}
