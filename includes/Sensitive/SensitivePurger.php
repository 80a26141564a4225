<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use MediaWiki\Extension\CaptchaGuard\SensitivePurge;
use Psr\Log\LoggerInterface;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILBFactory;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Deletes, for real, what CheckUser-level filters left older than
 * $wgCaptchaGuardSensitiveMaxAge: CaptchaGuard's kept values, the AbuseLog rows
 * of sensitive filters (with their IP), and their var dumps where they live in
 * the wiki's own text table. A dump in ExternalStore (append-only) cannot be
 * deleted; it never held the sensitive values (SensitiveVariablesBlobStore).
 * The module says when that age is and how much one batch takes.
 */
class SensitivePurger {

	public function __construct(
		private ILBFactory $lbFactory,
		private SensitiveFilterLookup $filters,
		private $maxAge,
		private LoggerInterface $logger
	) {
	}

	/**
	 * One batch; true while there is more to delete.
	 */
	public function purgeBatch(): bool {
		$dbw = $this->lbFactory->getMainLB()->getConnection( DB_PRIMARY );
		if ( $dbw->getType() === 'sqlite' ) {
			// Deleted rows must not linger in the file's free pages.
			$dbw->query( 'PRAGMA secure_delete = ON', __METHOD__ );
		}
		$cutoff = $dbw->timestamp( SensitivePurge::cutoff( (int)ConvertibleTimestamp::time(), $this->maxAge ) );
		$batch = SensitivePurge::batchSize();
		$deleted = $this->purgeHits( $dbw, $cutoff, $batch );
		$deleted += $this->purgeValues( $dbw, $cutoff, $batch );
		return SensitivePurge::continues( $deleted );
	}

	private function purgeHits( IDatabase $dbw, string $cutoff, int $batch ): int {
		$sensitive = array_values( array_filter( $this->filters->protectedFilterIds(), [ $this->filters, 'isSensitive' ] ) );
		if ( !$sensitive ) {
			return 0;
		}
		$rows = $dbw->select(
			'abuse_filter_log',
			[ 'afl_id', 'afl_var_dump' ],
			[
				'afl_filter_id' => $sensitive,
				'afl_global' => 0,
				$dbw->buildComparison( '<=', [ 'afl_timestamp' => $cutoff ] ),
			],
			__METHOD__,
			[ 'LIMIT' => $batch, 'ORDER BY' => 'afl_timestamp' ]
		);
		$ids = [];
		$dumps = [];
		foreach ( $rows as $row ) {
			$ids[] = (int)$row->afl_id;
			$dumps[(string)$row->afl_var_dump] = true;
		}
		if ( !$ids ) {
			return 0;
		}
		$dbw->delete( 'abuse_filter_log', [ 'afl_id' => $ids ], __METHOD__ );
		foreach ( array_keys( $dumps ) as $dump ) {
			$this->deleteDump( $dbw, $dump );
		}
		return count( $ids );
	}

	/**
	 * Deletes a var dump no AbuseLog row refers to any more, if it is in the text table.
	 */
	private function deleteDump( IDatabase $dbw, string $address ): void {
		$stillUsed = $dbw->selectField( 'abuse_filter_log', '1', [ 'afl_var_dump' => $address ], __METHOD__ );
		if ( $stillUsed || !preg_match( '/^tt:(\d+)$/', $address, $m ) ) {
			return;
		}
		$flags = $dbw->selectField( 'text', 'old_flags', [ 'old_id' => (int)$m[1] ], __METHOD__ );
		if ( $flags !== false && str_contains( (string)$flags, 'external' ) ) {
			$this->logger->info( 'Var dump {address} of a purged CheckUser-level hit is in ExternalStore and stays there',
				[ 'address' => $address ] );
		}
		$dbw->delete( 'text', [ 'old_id' => (int)$m[1] ], __METHOD__ );
	}

	private function purgeValues( IDatabase $dbw, string $cutoff, int $batch ): int {
		$ids = $dbw->selectFieldValues(
			'captchaguard_sensitive_value',
			'csv_id',
			[ $dbw->buildComparison( '<=', [ 'csv_timestamp' => $cutoff ] ) ],
			__METHOD__,
			[ 'LIMIT' => $batch ]
		);
		if ( $ids ) {
			$dbw->delete( 'captchaguard_sensitive_value', [ 'csv_id' => $ids ], __METHOD__ );
		}
		return count( $ids );
	}
}
