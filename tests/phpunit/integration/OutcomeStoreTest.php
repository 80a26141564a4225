<?php

use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeRecorder;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeStore;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\Extension\CaptchaGuard\Value\StoredOutcomes;
use MediaWiki\MediaWikiServices;
use Wikimedia\Rdbms\IDatabase;

/**
 * The outcome counts in the real wiki's database (SQLite), and who may read
 * them, as AbuseFilter's own services decide it.
 */
class OutcomeStoreTest extends DatabaseTestCase {

	private function store( ?BagOStuff $stash = null ): OutcomeStore {
		return new OutcomeStore(
			MediaWikiServices::getInstance()->getDBLoadBalancerFactory(),
			$stash ?? new HashBagOStuff()
		);
	}

	private static function outcome( string $outcome, string $day, string $source = '7' ): OutcomeCount {
		return new OutcomeCount( source: $source, action: 'edit', day: $day, outcome: $outcome );
	}

	/**
	 * @return array<string,int[]> day => [ challenged, solved, failed ]
	 */
	private function rows( string $source = '7', ?OutcomeStore $store = null ): array {
		$rows = [];
		foreach ( ( $store ?? $this->store() )->daily( $source, '19700101' ) as $row ) {
			$this->assertInstanceOf( StoredOutcomes::class, $row );
			$rows["$row->day $row->action"] = [ $row->challenged, $row->solved, $row->failed ];
		}
		return $rows;
	}

	public function testCountsAddUpInOneRowPerSourceDayAndAction() {
		$today = gmdate( 'Ymd' );
		$store = $this->store();
		$store->add( [ self::outcome( 'challenged', $today ), self::outcome( 'failed', $today ),
			self::outcome( 'failed', $today ), self::outcome( 'challenged', '20261101' ) ] );
		// Another request (another server) adds to the same row.
		$this->store()->add( [ self::outcome( 'solved', $today ), self::outcome( 'challenged', $today ) ] );
		$store->add( [ self::outcome( 'challenged', $today, 'emergency' ), self::outcome( 'bogus', $today ) ] );
		$this->assertSame( [ '20261101 edit' => [ 1, 0, 0 ], "$today edit" => [ 2, 1, 2 ] ], $this->rows() );
		$this->assertSame( [ "$today edit" => [ 1, 0, 0 ] ], $this->rows( 'emergency' ) );
		$this->assertSame( [], $this->store()->daily( '7', '29991231' ) );
		$store->add( [] );
		$this->assertSame( 3, (int)$this->db()->selectField( OutcomeStore::TABLE, 'COUNT(*)', IDatabase::ALL_ROWS ) );
	}

	public function testWithASharedCacheCountsAreWrittenOncePerIntervalAndBeforeEveryRead() {
		$today = gmdate( 'Ymd' );
		// As APCu and memcached say of themselves; HashBagOStuff says "this script only".
		$mainCache = new class extends HashBagOStuff {
			public function getQoS( $flag ) {
				return $flag === self::ATTR_DURABILITY ? self::QOS_DURABILITY_SERVICE : parent::getQoS( $flag );
			}
		};
		$store = fn () => new OutcomeStore(
			MediaWikiServices::getInstance()->getDBLoadBalancerFactory(), new HashBagOStuff(), $mainCache, 60
		);
		$stored = fn () => (int)$this->db()->selectField( OutcomeStore::TABLE, 'SUM(cgo_challenged)',
			[ 'cgo_source' => '9' ], __METHOD__ );
		// The first count of an interval is written at once, with what was gathered.
		$store()->add( [ self::outcome( 'challenged', $today, '9' ) ] );
		$this->assertSame( 1, $stored() );
		// The next ones, from any request or server, wait in the buffer.
		$store()->add( [ self::outcome( 'challenged', $today, '9' ) ] );
		$store()->add( [ self::outcome( 'challenged', $today, '9' ), self::outcome( 'solved', $today, '9' ) ] );
		$this->assertSame( 1, $stored() );
		// A reader sees them all, without a write.
		$this->assertSame( [ "$today edit" => [ 3, 1, 0 ] ], $this->rows( '9', $store() ) );
		$this->assertSame( 1, $stored() );
		$store()->flush();
		$this->assertSame( 3, $stored() );
		$this->assertSame( [ "$today edit" => [ 3, 1, 0 ] ], $this->rows( '9', $store() ), 'a count seen twice' );
		$store()->flush();
		$this->assertSame( 3, $stored(), 'a count written twice' );
		// Without a shared cache (one that lasts the script only), each request writes.
		$plain = new OutcomeStore( MediaWikiServices::getInstance()->getDBLoadBalancerFactory(),
			new HashBagOStuff(), new HashBagOStuff(), 60 );
		$plain->add( [ self::outcome( 'challenged', $today, '9' ) ] );
		$plain->add( [ self::outcome( 'challenged', $today, '9' ) ] );
		$this->assertSame( 5, $stored() );
	}

	public function testRowsOlderThanNinetyDaysGoOnceADay() {
		$oldest = OutcomeRecorder::oldestKeptDay();
		$tooOld = gmdate( 'Ymd', time() - 90 * 86400 );
		$this->db()->insert( OutcomeStore::TABLE, [
			[ 'cgo_source' => '7', 'cgo_day' => $tooOld, 'cgo_action' => 'edit', 'cgo_challenged' => 3 ],
			[ 'cgo_source' => '7', 'cgo_day' => $oldest, 'cgo_action' => 'edit', 'cgo_challenged' => 4 ],
		], __METHOD__ );
		$stash = new HashBagOStuff();
		$this->store( $stash )->add( [ self::outcome( 'challenged', gmdate( 'Ymd' ) ) ] );
		$this->assertSame( [ "$oldest edit", gmdate( 'Ymd' ) . ' edit' ], array_keys( $this->rows() ) );
		// The day's purge is done: a row written back is not looked at again until tomorrow.
		$this->db()->insert( OutcomeStore::TABLE,
			[ 'cgo_source' => '8', 'cgo_day' => $tooOld, 'cgo_action' => 'edit', 'cgo_challenged' => 1 ], __METHOD__ );
		$this->store( $stash )->add( [ self::outcome( 'challenged', gmdate( 'Ymd' ) ) ] );
		$this->assertCount( 1, $this->rows( '8' ) );
		$this->assertSame( 1, $this->store()->purgeBefore( $oldest ) );
	}

	public function testWhoMaySeeAFiltersOutcomesIsAbuseFiltersDecision() {
		$viewer = CaptchaGuardServices::getOutcomeViewer();
		$public = (string)$this->saveFilter( 'added_lines rlike "x"', false );
		$view = $this->authority( [ 'abusefilter-view' ] );
		$this->assertNull( $viewer->refusal( $view, $public ) );
		$this->assertSame( 'captchaguard-outcomes-permissiondenied', $viewer->refusal( $this->authority( [] ), $public ) );
		$this->assertNull( $viewer->refusal( $this->authority( [] ), 'emergency' ) );
		foreach ( [ '999999', 'x', '07', "$public ", '-1', 'global-1' ] as $nothing ) {
			$this->assertSame( 'captchaguard-outcomes-nosuchfilter', $viewer->refusal( $view, $nothing ), $nothing );
		}
		// A CheckUser-level filter (it reads user_ip): the protected level, raised by CaptchaGuard.
		$sensitive = (string)$this->saveFilter( 'user_ip == "192.0.2.1"', true );
		AbuseFilterServices::getFilterLookup()->clearLocalCache();
		$this->assertSame( 'captchaguard-outcomes-nosuchfilter', $viewer->refusal(
			$this->authority( [ 'abusefilter-view', 'abusefilter-view-private', 'abusefilter-access-protected-vars' ] ),
			$sensitive
		) );
		$this->assertNull( $viewer->refusal( $this->authority( [ 'abusefilter-view',
			'abusefilter-view-private', 'abusefilter-access-protected-vars', 'captchaguard-sensitive-filters' ] ),
			$sensitive ) );
	}
}
