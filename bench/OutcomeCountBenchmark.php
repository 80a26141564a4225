<?php
/**
 * make bench: the cost of one counted CAPTCHA outcome (issue 24) on the
 * wiki's own database, side by side in one run:
 * - CaptchaGuard, buffered: OutcomeStore adds the counts to a buffer in the
 *   main cache (APCu), written at most once per 10 s;
 * - CaptchaGuard: the module hands the request's counts over
 *   (OutcomeRecorder::takeCounts) and OutcomeStore adds them, one upsert
 *   per source, day and action in one transaction, with its once-a-day
 *   purge claim;
 * - plain PHP: the same row written by hand with one upsert, the least any
 *   per-day counter can do;
 * - plain PHP, one row per outcome: an INSERT of each event, as a log
 *   table would, which also grows with every CAPTCHA shown.
 * And reading a filter's figures (30 days, settled) for its page.
 *
 * MW_INSTALL_PATH and MW_CONFIG_FILE select the wiki.
 */

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeStore;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeCount;
use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

class OutcomeCountBenchmark extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addOption( 'calls', 'Counted outcomes per measurement', false, true );
	}

	private function best( callable $once, int $calls ): float {
		for ( $i = 0; $i < 50; $i++ ) {
			$once( $i );
		}
		$best = INF;
		for ( $round = 0; $round < 3; $round++ ) {
			$start = hrtime( true );
			for ( $i = 0; $i < $calls; $i++ ) {
				$once( $i );
			}
			$best = min( $best, ( hrtime( true ) - $start ) / $calls );
		}
		return $best / 1000;
	}

	public function execute() {
		$calls = (int)$this->getOption( 'calls', 2000 );
		$services = MediaWikiServices::getInstance();
		$db = $services->getDBLoadBalancerFactory()->getMainLB()->getConnection( DB_PRIMARY );
		$store = CaptchaGuardServices::getOutcomeStore( $services );
		$day = gmdate( 'Ymd' );
		$db->query( 'CREATE TABLE IF NOT EXISTS bench_outcome_event '
			. '(ev_source BLOB, ev_day BLOB, ev_action BLOB, ev_outcome BLOB)', __METHOD__ );

		$module = fn ( $i ) => $store->add( [ new OutcomeCount(
			source: 'bench', action: 'edit', day: $day, outcome: [ 'challenged', 'solved', 'failed' ][$i % 3]
		) ] );
		$upsert = static function ( $i ) use ( $db, $day ) {
			$column = [ 'cgo_challenged', 'cgo_solved', 'cgo_failed' ][$i % 3];
			$db->upsert( OutcomeStore::TABLE,
				[ 'cgo_source' => 'bench-php', 'cgo_day' => $day, 'cgo_action' => 'edit', $column => 1 ],
				[ [ 'cgo_source', 'cgo_day', 'cgo_action' ] ], [ "$column = $column + 1" ], __METHOD__ );
		};
		$insert = static function ( $i ) use ( $db, $day ) {
			$db->insert( 'bench_outcome_event', [ 'ev_source' => 'bench-log', 'ev_day' => $day,
				'ev_action' => 'edit', 'ev_outcome' => [ 'challenged', 'solved', 'failed' ][$i % 3] ], __METHOD__ );
		};
		// Under PHP-FPM the main cache (APCu here, memcached on a farm) takes the counts
		// and one request per $wgCaptchaGuardOutcomeFlushSeconds writes them; in the CLI
		// APCu calls itself script-only, so it is told what it is under PHP-FPM.
		$apcu = new class extends APCUBagOStuff {
			public function getQoS( $flag ) {
				return $flag === self::ATTR_DURABILITY ? self::QOS_DURABILITY_SERVICE : parent::getQoS( $flag );
			}
		};
		$buffered = new OutcomeStore( $services->getDBLoadBalancerFactory(), new HashBagOStuff(), $apcu, 10 );
		$moduleBuffered = fn ( $i ) => $buffered->add( [ new OutcomeCount(
			source: 'bench', action: 'edit', day: $day, outcome: [ 'challenged', 'solved', 'failed' ][$i % 3]
		) ] );
		$this->output( sprintf( "One counted outcome, µs each (best of 3 x %d, %s)\n", $calls, $db->getType() ) );
		$this->output( sprintf( "%-58s %10s\n", 'how', 'µs' ) );
		foreach ( [
			'CaptchaGuard, buffered in APCu, written every 10 s' => $moduleBuffered,
			'CaptchaGuard, each request writing (one upsert + purge claim)' => $module,
			'plain PHP, one upsert by hand' => $upsert,
			'plain PHP, one INSERT per outcome (log table)' => $insert,
		] as $label => $once ) {
			$this->output( sprintf( "%-58s %10.1f\n", $label, $this->best( $once, $calls ) ) );
		}
		$viewer = CaptchaGuardServices::getOutcomeViewer( $services );
		$read = $this->best( static fn () => $viewer->rows( 'bench', 30 ), 200 );
		$this->output( sprintf( "%-58s %10.1f\n", 'reading a filter\'s 30 days, settled (OutcomeViewer::rows)', $read ) );
		foreach ( [ 'bench', 'bench-php' ] as $source ) {
			$db->delete( OutcomeStore::TABLE, [ 'cgo_source' => $source ], __METHOD__ );
		}
		$db->query( 'DROP TABLE bench_outcome_event', __METHOD__ );
	}
}

$maintClass = OutcomeCountBenchmark::class;
require_once RUN_MAINTENANCE_IF_MAIN;
