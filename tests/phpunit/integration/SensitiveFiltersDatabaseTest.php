<?php

use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\AbuseFilter\Filter\Flags;
use MediaWiki\Extension\AbuseFilter\Filter\MutableFilter;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitiveFilterValidator;
use MediaWiki\Extension\CaptchaGuard\AbuseFilter\SensitivePermissionManager;
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveFilterLookup;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitivePurger;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveValueStore;
use MediaWiki\MediaWikiServices;
use Wikimedia\Rdbms\IDatabase;

require_once __DIR__ . '/DatabaseTestCase.php';

/**
 * SensitiveFilterLookup, SensitiveValueStore, SensitivePurger and
 * SensitiveFilterValidator against AbuseFilter 1.43's real tables and services.
 */
class SensitiveFiltersDatabaseTest extends DatabaseTestCase {

	private function lookup(): SensitiveFilterLookup {
		// A fresh one: the service remembers what it found for the request.
		return new SensitiveFilterLookup( MediaWikiServices::getInstance()->getDBLoadBalancerFactory() );
	}

	private function service( string $name ) {
		return MediaWikiServices::getInstance()->get( $name );
	}

	public function testAbuseFiltersServicesAreCaptchaGuards() {
		$this->assertInstanceOf( SensitivePermissionManager::class, AbuseFilterServices::getPermissionManager() );
		$this->assertInstanceOf( SensitiveFilterValidator::class, AbuseFilterServices::getFilterValidator() );
	}

	/** Through FilterStore, as every save goes: the validator's error, or the new ID. */
	private function saveCaptchaFilter( string $rules, array $actions ) {
		$filter = MutableFilter::newDefault();
		$filter->setName( 'captcha ' . $rules );
		$filter->setRules( $rules );
		$filter->setGroup( 'default' );
		$filter->setActions( $actions );
		return AbuseFilterServices::getFilterStore()->saveFilter(
			$this->checkuser(), null, $filter, MutableFilter::newDefault()
		);
	}

	public function testACaptchaFilterLimitedToActionsThatCannotTakeOneIsRefused() {
		$refused = $this->saveCaptchaFilter( 'action == "delete" & page_title rlike "x"', [ 'showcaptcha' => [] ] );
		$this->assertFalse( $refused->isGood() );
		$this->assertTrue( $refused->hasMessage( 'captchaguard-filter-uncovered-actions' ), (string)$refused );
		$this->assertStringContainsString( 'showcaptcha', $refused->getMessage()->text() );
		$this->assertStringContainsString( 'where no CAPTCHA can be asked: delete.', $refused->getMessage()->text() );
		$both = $this->saveCaptchaFilter(
			'(action == "delete" | action == "autocreateaccount") & user_age < 60', [ 'showcaptcha' => [] ]
		);
		$this->assertStringContainsString( 'where no CAPTCHA can be asked: autocreateaccount and delete.',
			$both->getMessage()->text() );
		// A filter that can also match an action a CAPTCHA covers, or any: saved;
		// and any rule without a CAPTCHA action.
		foreach ( [
			'action == "edit" & added_lines rlike "x"',
			'action in ["move", "upload"]',
			'(action == "edit" | action == "autocreateaccount") & user_age < 60',
			'action rlike "upload" & file_size > 100',
			'user_editcount < 10',
		] as $rules ) {
			$this->assertStatusGood( $this->saveCaptchaFilter( $rules, [ 'showcaptcha' => [] ] ) );
		}
		$this->assertStatusGood( $this->saveCaptchaFilter( 'action == "delete"', [ 'disallow' => [] ] ) );
	}

	public function testAFilterIsSensitiveIfAnyVersionReadsAVariable() {
		$sensitive = $this->saveFilter( 'user_agent irlike "bot"', true );
		$public = $this->saveFilter( 'page_title == "x"', false );
		$lookup = $this->lookup();
		$this->assertTrue( $lookup->isSensitive( $sensitive ) );
		$this->assertFalse( $lookup->isSensitive( $public ) );
		$this->assertSame( [ $sensitive ], $lookup->protectedFilterIds() );
		$this->assertSame( [ $public ], $lookup->filterIdsWithout( Flags::FILTER_USES_PROTECTED_VARS ) );
		$this->assertSame( [ $sensitive ], $lookup->filtersWithPattern( 'user_agent irlike "bot"' ) );
		// Dropping the variable: its history still has it.
		$original = AbuseFilterServices::getFilterLookup()->getFilter( $sensitive, false );
		$dropped = MutableFilter::newFromParentFilter( $original );
		$dropped->setRules( 'page_title == "y"' );
		$this->assertStatusGood( AbuseFilterServices::getFilterStore()->saveFilter(
			$this->checkuser(), $sensitive, $dropped, $original ) );
		$this->assertTrue( $this->lookup()->isSensitive( $sensitive ) );
		$history = $this->db()->selectFieldValues( 'abuse_filter_history', 'afh_id',
			[ 'afh_filter' => $sensitive ], __METHOD__ );
		$this->assertCount( 2, $history );
		foreach ( $history as $id ) {
			$this->assertSame( $sensitive, $this->lookup()->filterOfHistory( (int)$id ) );
		}
		$this->assertNull( $this->lookup()->filterOfHistory( 999999 ) );
	}

	public function testUnparseableRulesAreJudgedByTheNamesTheyMention() {
		$this->assertTrue( $this->lookup()->usesSensitive( 'user_ip == "1.2.3.4" & (' ) );
		$this->assertFalse( $this->lookup()->usesSensitive( '"user_ip" == "x"' ) );
		// Parsed rules: only a variable counts, not its name in a string.
		$this->assertFalse( $this->lookup()->usesSensitive( 'page_title == "user_agent"' ) );
		$this->assertTrue( $this->lookup()->usesSensitive( 'USER_AGENT rlike "x"' ) );
	}

	public function testHitsAndTheirListConditionAreOfTheFilter() {
		$sensitive = $this->saveFilter( 'user_ip == "192.0.2.1"', true );
		$public = $this->saveFilter( 'page_title == "x"', false );
		[ $sensitiveHit ] = $this->hit( $sensitive, 1 );
		[ $publicHit ] = $this->hit( $public, 1 );
		$this->assertSame( $sensitive, $this->lookup()->filterOfEntry( $sensitiveHit ) );
		$listed = $this->db()->selectFieldValues( 'abuse_filter_log', 'afl_id',
			[ $this->lookup()->conditionOutsideProtectedHits() ], __METHOD__ );
		$this->assertSame( [ (string)$publicHit ], array_map( 'strval', $listed ) );
	}

	public function testValuesAreKeptByDumpAndReadBack() {
		$store = CaptchaGuardServices::getSensitiveValueStore();
		$this->assertInstanceOf( SensitiveValueStore::class, $store );
		$store->save( 'tt:424242', [ 'user_agent' => "Bot/1.0 \u{00e9}", 'user_ip' => '2001:db8::1' ] );
		$this->assertSame( [ 'user_agent' => "Bot/1.0 \u{00e9}", 'user_ip' => '2001:db8::1' ],
			$store->load( 'tt:424242' ) );
		$this->assertSame( [], $store->load( 'tt:1' ) );
	}

	public function testThePurgeDeletesAgedSensitiveHitsTheirDumpsAndValues() {
		$sensitive = $this->saveFilter( 'user_agent irlike "bot"', true );
		$public = $this->saveFilter( 'page_title == "x"', false );
		[ $aged, $agedDump ] = $this->hit( $sensitive, 100, '{"user_name":"Alice"}' );
		[ $fresh ] = $this->hit( $sensitive, 1 );
		[ $agedPublic ] = $this->hit( $public, 100 );
		$values = CaptchaGuardServices::getSensitiveValueStore();
		$values->save( $agedDump, [ 'user_agent' => 'Bot/1.0' ] );
		$this->db()->update( 'captchaguard_sensitive_value',
			[ 'csv_timestamp' => $this->db()->timestamp( time() - 100 * 86400 ) ],
			[ 'csv_var_dump' => $agedDump ], __METHOD__ );
		$purger = CaptchaGuardServices::getSensitivePurger();
		$this->assertInstanceOf( SensitivePurger::class, $purger );
		$this->assertFalse( $purger->purgeBatch(), 'one batch holds it all' );
		$left = array_map( 'intval', $this->db()->selectFieldValues( 'abuse_filter_log', 'afl_id',
			IDatabase::ALL_ROWS, __METHOD__ ) );
		sort( $left );
		$this->assertSame( [ $fresh, $agedPublic ], $left );
		$this->assertFalse( $this->db()->selectField( 'text', 'old_id',
			[ 'old_id' => (int)substr( $agedDump, 3 ) ], __METHOD__ ) );
		$this->assertSame( [], $values->load( $agedDump ) );
	}

	public function testOnlyTheCheckUserLevelMayCreateOrChangeOne() {
		$sysop = $this->authority( [ 'abusefilter-modify', 'abusefilter-access-protected-vars' ], 'Sysop2' );
		$filter = MutableFilter::newDefault();
		$filter->setName( 'by a sysop' );
		$filter->setRules( 'user_agent irlike "x"' );
		$filter->setProtected( true );
		$filter->setGroup( 'default' );
		$store = AbuseFilterServices::getFilterStore();
		$status = $store->saveFilter( $sysop, null, $filter, MutableFilter::newDefault() );
		$this->assertFalse( $status->isGood() );
		$this->assertTrue( $status->hasMessage( 'captchaguard-sensitive-rights-missing' ) );
		$this->assertSame( [ 'captchaguard-sensitive-filters' ],
			AbuseFilterServices::getPermissionManager()->missingRights( $sysop ) );
		// Nor neuter an existing one.
		$id = $this->saveFilter( 'user_agent irlike "x"', true );
		$original = AbuseFilterServices::getFilterLookup()->getFilter( $id, false );
		$neutered = MutableFilter::newFromParentFilter( $original );
		$neutered->setRules( 'false' );
		$this->assertTrue( $store->saveFilter( $sysop, $id, $neutered, $original )
			->hasMessage( 'captchaguard-sensitive-rights-missing' ) );
		$this->assertSame( 'user_agent irlike "x"',
			$this->db()->selectField( 'abuse_filter', 'af_pattern', [ 'af_id' => $id ], __METHOD__ ) );
		// A sensitive filter cannot tag, even at CheckUser level.
		$tagging = MutableFilter::newFromParentFilter( $original );
		$tagging->setActions( [ 'tag' => [ 'cg-sensitive' ] ] );
		$this->assertTrue( $store->saveFilter( $this->checkuser(), $id, $tagging, $original )
			->hasMessage( 'captchaguard-sensitive-no-tag' ) );
	}
}
