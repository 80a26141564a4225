<?php

use MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner;
use MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler;
use MediaWiki\Extension\CaptchaGuard\Value\FilterHit;
use PHPUnit\Framework\TestCase;

class AbuseFilterHandlerTest extends TestCase {

	private const CONSEQUENCE = 'MediaWiki\\Extension\\CaptchaGuard\\AbuseFilter\\CaptchaConsequence';

	public function testTheActionNamesAreTheModulesEverywhere() {
		$extension = json_decode( file_get_contents( __DIR__ . '/../../../extension.json' ), true );
		$this->assertSame(
			[ ConsequenceRunner::SHOW, ConsequenceRunner::FORCE ],
			$extension['config']['CaptchaGuardAbuseFilterActions']['value']
		);
		$actions = [];
		( new AbuseFilterHandler( new FakeHost(), [ ConsequenceRunner::SHOW, ConsequenceRunner::FORCE ] ) )
			->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [ 'showcaptcha', 'forcecaptcha' ], array_keys( $actions ) );
		foreach ( [ 'showcaptcha', 'forcecaptcha' ] as $action ) {
			$this->assertArrayHasKey( "abusefilter-edit-action-$action",
				json_decode( file_get_contents( __DIR__ . '/../../../i18n/en.json' ), true ) );
		}
	}

	public function testRegistersBothActionsByDefault() {
		$handler = new AbuseFilterHandler( new FakeHost(), [ 'showcaptcha', 'forcecaptcha' ] );
		$actions = [ 'other' => 'keep' ];
		$handler->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [
			'other' => 'keep',
			'showcaptcha' => self::CONSEQUENCE . '::newShowCaptcha',
			'forcecaptcha' => self::CONSEQUENCE . '::newForceCaptcha',
		], $actions );
	}

	public function testConfigTurnsAnActionOff() {
		$handler = new AbuseFilterHandler( new FakeHost(), [ 'forcecaptcha', 'notanaction' ] );
		$actions = [];
		$handler->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [ 'forcecaptcha' ], array_keys( $actions ) );
	}

	public function testRejectsWhatIsNotAnActionList() {
		$handler = new AbuseFilterHandler( new FakeHost(), [] );
		$notAnArray = 'showcaptcha';
		$this->expectExceptionMessage( 'AbuseFilterCustomActions passed a non-array' );
		$handler->onAbuseFilterCustomActions( $notAnArray );
	}

	public function testUnknownActionNameIsAClearError() {
		new AbuseFilterHandler( new FakeHost(), [ 'showcaptcha' ] );
		$this->expectExceptionMessage( "unknown CaptchaGuard action 'captcha'" );
		ConsequenceRunner::execute( new FilterHit( '7', 'edit', 'k', 'Page' ), 'captcha' );
	}

	public function testEditFormShowsNothingWithoutADemand() {
		$host = new FakeHost();
		$notAnOutputPage = new stdClass();
		( new EditFormHandler( $host ) )->onEditPage__showEditForm_fields( null, $notAnOutputPage );
		$this->assertSame( [], $host->logs, 'the output is not touched, so not refused either' );
	}
}
