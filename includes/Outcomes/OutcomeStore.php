<?php

namespace MediaWiki\Extension\CaptchaGuard\Outcomes;

use BagOStuff;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\Extension\CaptchaGuard\Value\StoredOutcomes;
use Wikimedia\Rdbms\IDatabase;
use Throwable;
use Wikimedia\Rdbms\ILBFactory;

/**
 * The CAPTCHA outcome counts of this wiki (captchaguard_outcome): one row
 * per source, UTC day and action. A request's counts are added together;
 * each write is one upsert per row that adds to the row in the database, so
 * several application servers count into the same row without a lock held
 * across a request. Rows older than 90 days are deleted once a day per
 * application server (claimed in its local cache, APCu: no round trip on
 * the requests in between).
 *
 * Under an attack most requests are flagged ones, and a write to the primary
 * database per request is what a wiki can least afford then. Where the main
 * cache is a shared service (memcached; APCu on a single server), requests
 * add their counts to a buffer there, and the buffer is written at most once
 * per $wgCaptchaGuardOutcomeFlushSeconds. Reads (the filter page, the API)
 * add what is in the buffer to what is written, so a reader sees every
 * count. A buffer lost with its cache (a restart) loses at most those
 * seconds of counts.
 */
class OutcomeStore {

	public const TABLE = 'captchaguard_outcome';
	private const COLUMNS = [ 'challenged' => 'cgo_challenged', 'solved' => 'cgo_solved', 'failed' => 'cgo_failed' ];

	/**
	 * @param ILBFactory $lbFactory
	 * @param BagOStuff $serverCache This server's cache (APCu), for the purge claim
	 * @param BagOStuff|null $mainCache The main cache, for the buffer; null: none
	 * @param int $flushSeconds How often the buffer is written; 0: every request writes
	 */
	public function __construct(
		private ILBFactory $lbFactory,
		private BagOStuff $serverCache,
		private ?BagOStuff $mainCache = null,
		private int $flushSeconds = 0
	) {
	}

	private function db( int $index ): IDatabase {
		return $this->lbFactory->getMainLB()->getConnection( $index );
	}

	/**
	 * @param OutcomeCount[] $counts
	 */
	public function add( array $counts ): void {
		if ( !$this->buffers() ) {
			$this->write( self::rowsOf( $counts ) );
		} elseif ( $this->addToBuffer( $counts ) ) {
			$this->flush();
		}
	}

	/**
	 * Adds $counts to the buffer (only where buffers() says so).
	 *
	 * @param OutcomeCount[] $counts
	 * @return bool Whether this request is the one to flush() the buffer now
	 */
	public function addToBuffer( array $counts ): bool {
		$rows = self::rowsOf( $counts );
		if ( !$rows ) {
			return false;
		}
		$buffered = $this->mainCache->merge( $this->bufferKey(),
			static fn ( $cache, $key, $buffer ) => self::sum( is_array( $buffer ) ? $buffer : [], $rows ),
			BagOStuff::TTL_WEEK
		);
		if ( !$buffered ) {
			// The buffer was too busy to take them: written now, not lost.
			$this->write( $rows );
			return false;
		}
		// One request writes what was gathered, at most once per interval.
		return $this->mainCache->add( $this->mainCache->makeKey( 'captchaguard-outcome-flush' ), 1, $this->flushSeconds );
	}

	/**
	 * Writes the buffered counts now.
	 */
	public function flush(): void {
		if ( !$this->buffers() ) {
			return;
		}
		$taken = [];
		$this->mainCache->merge( $this->bufferKey(), static function ( $cache, $key, $buffer ) use ( &$taken ) {
			$taken = is_array( $buffer ) ? $buffer : [];
			// Nothing buffered: nothing to change.
			return $taken ? [] : false;
		}, BagOStuff::TTL_WEEK );
		if ( !$taken ) {
			return;
		}
		try {
			$this->write( $taken );
		} catch ( Throwable $e ) {
			// Back into the buffer for the next write: a failed write loses no count.
			$this->mainCache->merge( $this->bufferKey(),
				static fn ( $cache, $key, $buffer ) => self::sum( is_array( $buffer ) ? $buffer : [], $taken ),
				BagOStuff::TTL_WEEK
			);
			throw $e;
		}
	}

	/** Whether counts go through the buffer: only a shared service is worth it. */
	public function buffers(): bool {
		return $this->flushSeconds > 0 && $this->mainCache !== null
			&& $this->mainCache->getQoS( BagOStuff::ATTR_DURABILITY ) === BagOStuff::QOS_DURABILITY_SERVICE;
	}

	private function bufferKey(): string {
		return $this->mainCache->makeKey( 'captchaguard-outcome-buffer' );
	}

	/**
	 * @param OutcomeCount[] $counts
	 * @return array<string,array> One row per source, day and action, keyed by them
	 */
	private static function rowsOf( array $counts ): array {
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
		return $rows;
	}

	private static function sum( array $rows, array $more ): array {
		foreach ( $more as $key => $row ) {
			if ( !isset( $rows[$key] ) ) {
				$rows[$key] = $row;
				continue;
			}
			foreach ( self::COLUMNS as $column ) {
				$rows[$key][$column] = (int)$rows[$key][$column] + (int)$row[$column];
			}
		}
		return $rows;
	}

	private function write( array $rows ): void {
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
		if ( $this->serverCache->add( $claim, 1, BagOStuff::TTL_WEEK ) ) {
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
			__METHOD__
		);
		$rows = [];
		foreach ( $result as $row ) {
			$rows["$row->cgo_source\n$row->cgo_day\n$row->cgo_action"] = (array)$row;
		}
		// The counts not written yet are counts all the same: a reader sees them
		// without a write (reads may be GET requests, served by a replica).
		$wanted = array_flip( array_map( 'strval', $sources ) );
		$buffered = array_filter( $this->buffered(), static fn ( $row ) =>
			isset( $wanted[(string)$row['cgo_source']] ) && strcmp( (string)$row['cgo_day'], $sinceDay ) >= 0
		);
		$rows = self::sum( $rows, $buffered );
		uasort( $rows, static fn ( $a, $b ) =>
			[ (string)$a['cgo_day'], (string)$a['cgo_action'] ] <=> [ (string)$b['cgo_day'], (string)$b['cgo_action'] ]
		);
		$bySource = [];
		foreach ( $rows as $row ) {
			$bySource[(string)$row['cgo_source']][] = new StoredOutcomes(
				day: (string)$row['cgo_day'],
				action: (string)$row['cgo_action'],
				challenged: (int)$row['cgo_challenged'],
				solved: (int)$row['cgo_solved'],
				failed: (int)$row['cgo_failed']
			);
		}
		return $bySource;
	}

	/**
	 * @return array<string,array> The counts in the buffer, not written yet
	 */
	private function buffered(): array {
		if ( !$this->buffers() ) {
			return [];
		}
		$buffer = $this->mainCache->get( $this->bufferKey() );
		return is_array( $buffer ) ? $buffer : [];
	}
}
