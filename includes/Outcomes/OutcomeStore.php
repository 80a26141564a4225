<?php

namespace MediaWiki\Extension\CaptchaGuard\Outcomes;

use BagOStuff;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\Extension\CaptchaGuard\Value\StoredOutcomes;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILBFactory;

/**
 * The CAPTCHA outcome counts of this wiki (captchaguard_outcome): one row
 * per source, UTC day and action. A request's counts are added together and
 * written in one transaction at its end, each as one upsert that adds to
 * the row in the database, so several application servers count into the
 * same row without a lock held across a request. Rows older than 90 days
 * are deleted once a day per application server (claimed in its local
 * cache, APCu: no round trip on the requests in between).
 */
class OutcomeStore {

	public const TABLE = 'captchaguard_outcome';
	private const COLUMNS = [ 'challenged' => 'cgo_challenged', 'solved' => 'cgo_solved', 'failed' => 'cgo_failed' ];

	public function __construct(
		private ILBFactory $lbFactory,
		private BagOStuff $serverCache
	) {
	}

	private function db( int $index ): IDatabase {
		return $this->lbFactory->getMainLB()->getConnection( $index );
	}

	/**
	 * @param OutcomeCount[] $counts
	 */
	public function add( array $counts ): void {
		$rows = [];
		foreach ( $counts as $count ) {
			$column = self::COLUMNS[$count->outcome] ?? null;
			if ( $column === null ) {
				continue;
			}
			$key = "{$count->source}\n{$count->day}\n{$count->action}";
			$rows[$key] ??= [
				'cgo_source' => $count->source, 'cgo_day' => $count->day, 'cgo_action' => $count->action,
				'cgo_challenged' => 0, 'cgo_solved' => 0, 'cgo_failed' => 0,
			];
			$rows[$key][$column]++;
		}
		if ( !$rows ) {
			return;
		}
		$db = $this->db( DB_PRIMARY );
		$db->startAtomic( __METHOD__ );
		foreach ( $rows as $row ) {
			$set = [];
			foreach ( self::COLUMNS as $column ) {
				if ( $row[$column] > 0 ) {
					$set[] = "$column = $column + " . (int)$row[$column];
				}
			}
			$db->upsert( self::TABLE, $row, [ [ 'cgo_source', 'cgo_day', 'cgo_action' ] ], $set, __METHOD__ );
		}
		$db->endAtomic( __METHOD__ );
		$this->purgeOncePerDay( $db );
	}

	/**
	 * Deletes the rows older than 90 days, at most once a day per wiki and
	 * server (the first write of a day claims it in the server's cache).
	 */
	private function purgeOncePerDay( IDatabase $db ): void {
		$oldest = OutcomeRecorder::oldestKeptDay();
		$claim = $this->serverCache->makeKey( 'captchaguard-outcome-purge', $oldest );
		if ( $this->serverCache->add( $claim, 1, BagOStuff::TTL_DAY ) ) {
			$this->purgeBefore( $oldest );
		}
	}

	/**
	 * @return int Rows deleted
	 */
	public function purgeBefore( string $oldestKeptDay ): int {
		$db = $this->db( DB_PRIMARY );
		$db->delete( self::TABLE, [ 'cgo_day < ' . $db->addQuotes( $oldestKeptDay ) ], __METHOD__ );
		return $db->affectedRows();
	}

	/**
	 * @param string $source A filter's ID, or OutcomeReport::EMERGENCY
	 * @param string $sinceDay YYYYMMDD
	 * @return StoredOutcomes[] Oldest first
	 */
	public function daily( string $source, string $sinceDay ): array {
		return $this->dailyOf( [ $source ], $sinceDay )[$source] ?? [];
	}

	/**
	 * The stored rows of each of $sources since $sinceDay, oldest first.
	 *
	 * @param string[] $sources
	 * @param string $sinceDay
	 * @return array<string,StoredOutcomes[]> Source => its rows
	 */
	public function dailyOf( array $sources, string $sinceDay ): array {
		if ( !$sources ) {
			return [];
		}
		$db = $this->db( DB_REPLICA );
		$result = $db->select(
			self::TABLE,
			[ 'cgo_source', 'cgo_day', 'cgo_action', 'cgo_challenged', 'cgo_solved', 'cgo_failed' ],
			[ 'cgo_source' => array_values( $sources ), 'cgo_day >= ' . $db->addQuotes( $sinceDay ) ],
			__METHOD__,
			[ 'ORDER BY' => [ 'cgo_day', 'cgo_action' ] ]
		);
		$bySource = [];
		foreach ( $result as $row ) {
			$bySource[(string)$row->cgo_source][] = new StoredOutcomes(
				day: (string)$row->cgo_day,
				action: (string)$row->cgo_action,
				challenged: (int)$row->cgo_challenged,
				solved: (int)$row->cgo_solved,
				failed: (int)$row->cgo_failed
			);
		}
		return $bySource;
	}
}
