<?php

use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\AbuseFilter\Filter\MutableFilter;
use MediaWiki\MediaWikiServices;
use MediaWiki\Permissions\SimpleAuthority;
use MediaWiki\User\UserIdentity;
use PHPUnit\Framework\TestCase;
use Wikimedia\Rdbms\IDatabase;

/**
 * A test against the real wiki's database: each test starts, and leaves
 * the wiki, with no switches, filters, hits, kept values or outcome counts.
 */
abstract class DatabaseTestCase extends TestCase {

	private const TABLES = [ 'captchaguard_emergency', 'captchaguard_sensitive_value', 'captchaguard_outcome',
		'abuse_filter_log',
		'abuse_filter_history', 'abuse_filter_action', 'abuse_filter' ];

	protected function setUp(): void {
		parent::setUp();
		$this->emptyTables();
		// AbuseFilter caches filters per request; a test is one.
		AbuseFilterServices::getFilterLookup()->clearLocalCache();
	}

	/** Nor does any test leave a switch or a filter to the suites after it. */
	protected function tearDown(): void {
		$this->emptyTables();
		parent::tearDown();
	}

	private function emptyTables(): void {
		foreach ( self::TABLES as $table ) {
			$this->db()->delete( $table, IDatabase::ALL_ROWS, __METHOD__ );
		}
	}

	protected function db(): IDatabase {
		return MediaWikiServices::getInstance()->getDBLoadBalancerFactory()->getMainLB()
			->getConnection( DB_PRIMARY );
	}

	protected function user( string $name = 'Checker' ): UserIdentity {
		$user = MediaWikiServices::getInstance()->getUserIdentityLookup()->getUserIdentityByName( $name );
		$this->assertNotNull( $user, "user $name (made by wiki.sh)" );
		return $user;
	}

	protected function authority( array $rights, string $name = 'Checker' ): SimpleAuthority {
		return new SimpleAuthority( $this->user( $name ), $rights );
	}

	protected function checkuser(): SimpleAuthority {
		return $this->authority( [ 'abusefilter-modify', 'abusefilter-view-private', 'abusefilter-log-detail',
			'abusefilter-access-protected-vars', 'captchaguard-sensitive-filters' ] );
	}

	/**
	 * Saves a new filter through AbuseFilter's FilterStore (and so through the
	 * validator every save goes through); returns its ID.
	 */
	protected function saveFilter( string $rules, bool $protected, ?SimpleAuthority $performer = null ): int {
		$filter = MutableFilter::newDefault();
		$filter->setName( 'test ' . $rules );
		$filter->setRules( $rules );
		$filter->setProtected( $protected );
		$filter->setGroup( 'default' );
		$status = AbuseFilterServices::getFilterStore()->saveFilter(
			$performer ?? $this->checkuser(), null, $filter, MutableFilter::newDefault()
		);
		$this->assertStatusGood( $status );
		return $status->getValue()[0];
	}

	protected function assertStatusGood( $status ): void {
		$this->assertTrue( $status->isGood(), (string)$status );
	}

	/**
	 * An AbuseLog row of $filter, $ageDays old, with a var dump in the text table.
	 */
	protected function hit( int $filter, int $ageDays, string $dumpText = '{}' ): array {
		$db = $this->db();
		$db->insert( 'text', [ 'old_text' => $dumpText, 'old_flags' => 'utf-8' ], __METHOD__ );
		$dump = 'tt:' . $db->insertId();
		$db->insert( 'abuse_filter_log', [
			'afl_global' => 0,
			'afl_filter_id' => $filter,
			'afl_user' => 0,
			'afl_user_text' => '192.0.2.1',
			'afl_ip' => '192.0.2.1',
			'afl_action' => 'edit',
			'afl_actions' => '',
			'afl_var_dump' => $dump,
			'afl_timestamp' => $db->timestamp( time() - $ageDays * 86400 ),
			'afl_namespace' => 0,
			'afl_title' => 'Hit',
			'afl_wiki' => null,
			'afl_deleted' => 0,
			'afl_rev_id' => null,
		], __METHOD__ );
		return [ (int)$db->insertId(), $dump ];
	}
}
