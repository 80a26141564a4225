<?php

use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyPolicy;
use MediaWiki\Extension\CaptchaGuard\Emergency\EmergencyStore;
use MediaWiki\Extension\CaptchaGuard\Value\AcceptedChange;
use MediaWiki\Extension\CaptchaGuard\Value\SwitchChange;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/DatabaseTestCase.php';

class EmergencyStoreTest extends DatabaseTestCase {

	private function store(): EmergencyStore {
		return CaptchaGuardServices::getEmergencyStore();
	}

	private function change( bool $on, array $wikis = [] ): AcceptedChange {
		$check = EmergencyPolicy::validate( new SwitchChange(
			on: $on, actions: [ 'edit', 'createaccount' ], expiryGiven: $on,
			expiry: $on ? time() + 3600 : null, reason: "spam wave $on", maxSeconds: 86400,
			wikis: $wikis, currentWiki: $this->store()->getWikiId(), knownWikis: [],
			maySwitchOthers: true
		) );
		$this->assertInstanceOf( AcceptedChange::class, $check, print_r( $check, true ) );
		return $check;
	}

	public function testAChangeIsReadBackWithItsReasonPerformerAndScope() {
		$this->assertNull( $this->store()->current( true ) );
		$change = $this->change( true );
		$this->store()->insert( $change, $change->wikis, $this->user( 'Admin' ) );
		$stored = $this->store()->current( true );
		$this->assertTrue( $stored->active );
		$this->assertSame( $change->storedActions, $stored->actions );
		$this->assertSame( $change->expiry, $stored->expiry );
		$this->assertSame( 'spam wave 1', $stored->reason );
		$this->assertSame( 'Admin', $stored->user );
		$this->assertSame( $this->store()->getWikiId(), $stored->wiki );
		// The check reads only what it needs, and it agrees.
		[ $hook ] = $this->store()->switchesInEffect();
		$this->assertSame( [ true, $change->storedActions, $change->expiry, $stored->wiki ],
			[ $hook->active, $hook->actions, $hook->expiry, $hook->wiki ] );
	}

	public function testTheCheckReadsTheRowsSinceTheOldestSwitchStillOn() {
		$ids = static fn ( array $rows ) => array_map( static fn ( $row ) => $row->id, $rows );
		$off = $this->change( false );
		$this->store()->insert( $off, [ 'olderwiki' ], $this->user( 'Admin' ) );
		$this->assertSame( [], $this->store()->switchesInEffect(), 'nothing on: no rows' );
		$on = $this->change( true );
		$this->store()->insert( $on, [ 'otherwiki' ], $this->user( 'Admin' ) );
		$this->store()->insert( $on, $on->wikis, $this->user( 'Admin' ) );
		$this->store()->insert( $off, $off->wikis, $this->user( 'Admin' ) );
		$rows = $this->store()->switchesInEffect();
		// From otherwiki's switch on: this wiki's on and off too, not the older off.
		$this->assertSame( [ 'otherwiki', $this->store()->getWikiId(), $this->store()->getWikiId() ],
			array_map( static fn ( $row ) => $row->wiki, $rows ) );
		$this->assertSame( $ids( $rows ), array_unique( $ids( $rows ) ) );
		$this->assertGreaterThan( $rows[0]->id, $rows[2]->id );
		$this->store()->insert( $off, [ 'otherwiki' ], $this->user( 'Admin' ) );
		$this->assertSame( [], $this->store()->switchesInEffect(), 'all off again' );
	}

	public function testTheLatestChangeWinsAndOtherWikisSwitchesAreNotThisWikis() {
		$on = $this->change( true );
		$this->store()->insert( $on, $on->wikis, $this->user( 'Admin' ) );
		$this->store()->insert( $on, [ 'otherwiki' ], $this->user( 'Admin' ) );
		$this->assertSame( $this->store()->getWikiId(), $this->store()->current( true )->wiki );
		$off = $this->change( false );
		$this->store()->insert( $off, $off->wikis, $this->user( 'Admin' ) );
		$this->assertFalse( $this->store()->current( true )->active );
		$this->assertSame( 0, $this->store()->current( true )->expiry, 'switching off has no expiry' );
	}

	public function testAFarmWideSwitchCoversThisWiki() {
		$all = $this->change( true );
		$this->store()->insert( $all, [ EmergencyPolicy::allWikis() ], $this->user( 'Admin' ) );
		$stored = $this->store()->current( true );
		$this->assertSame( EmergencyPolicy::allWikis(), $stored->wiki );
		$this->assertTrue( $stored->active );
	}

	public function testAPerformerOfAnotherWikiIsNamedWithItsWiki() {
		$this->assertSame( 'farm2>Alice', EmergencyStore::externalName( 'farm2', 'Alice' ) );
		$this->assertSame( 'farm2>Alice', EmergencyStore::externalName( 'farm3', 'farm2>Alice' ) );
	}
}
