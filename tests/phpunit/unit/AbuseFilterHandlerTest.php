<?php

use MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner;
use MediaWiki\Extension\CaptchaGuard\Hooks\AbuseFilterHandler;
use MediaWiki\Extension\CaptchaGuard\Hooks\EditFormHandler;
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
		( new AbuseFilterHandler( testHost(), [ ConsequenceRunner::SHOW, ConsequenceRunner::FORCE ] ) )
			->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [ 'showcaptcha', 'forcecaptcha' ], array_keys( $actions ) );
		foreach ( [ 'showcaptcha', 'forcecaptcha' ] as $action ) {
			$this->assertArrayHasKey( "abusefilter-edit-action-$action",
				json_decode( file_get_contents( __DIR__ . '/../../../i18n/en.json' ), true ) );
		}
	}

	public function testRegistersBothActionsByDefault() {
		$handler = new AbuseFilterHandler( testHost(), [ 'showcaptcha', 'forcecaptcha' ] );
		$actions = [ 'other' => 'keep' ];
		$handler->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [
			'other' => 'keep',
			'showcaptcha' => self::CONSEQUENCE . '::newShowCaptcha',
			'forcecaptcha' => self::CONSEQUENCE . '::newForceCaptcha',
		], $actions );
		$this->assertTrue( is_callable( $actions['showcaptcha'] ) );
	}

	public function testConfigTurnsAnActionOff() {
		$handler = new AbuseFilterHandler( testHost(), [ 'forcecaptcha', 'notanaction' ] );
		$actions = [];
		$handler->onAbuseFilterCustomActions( $actions );
		$this->assertSame( [ 'forcecaptcha' ], array_keys( $actions ) );
	}

	public function testRejectsWhatIsNotAnActionList() {
		$handler = new AbuseFilterHandler( testHost(), [] );
		$notAnArray = 'showcaptcha';
		$this->expectExceptionMessage( 'AbuseFilterCustomActions passed a non-array' );
		$handler->onAbuseFilterCustomActions( $notAnArray );
	}

	public function testUnknownActionNameIsAClearError() {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
		$this->expectExceptionMessage( "unknown CaptchaGuard action 'captcha'" );
		MediaWiki\Extension\CaptchaGuard\AbuseFilter\ConsequenceRunner::execute(
			new MediaWiki\Extension\CaptchaGuard\Value\FilterHit( '7', 'edit', 'k' ), 'captcha'
		);
	}

	public function testEditFormShowsNothingWithoutADemand() {
		$out = new FakeOutput();
		( new EditFormHandler( testHost() ) )->onEditPage__showEditForm_fields( null, $out );
		$this->assertSame( '', $out->html );
	}

	public function testEditFormShowsThePromptAfterADemand() {
		RequestContext::$main = new RequestContext( new FakeUser(), new FakeRequest() );
		$status = new FakeStatus();
		( new MediaWiki\Extension\CaptchaGuard\Hooks\EditFilterHandler( testHost() ) )
			->onEditFilterMergedContent( null, null, $status, '', null, false );
		( new MediaWiki\Extension\CaptchaGuard\AbuseFilter\CaptchaConsequence(
			new MediaWiki\Extension\AbuseFilter\Consequences\Parameters(), 'showcaptcha'
		) )->execute();
		$out = new FakeOutput();
		( new EditFormHandler( testHost() ) )->onEditPage__showEditForm_fields( null, $out );
		$this->assertStringContainsString( 'id="captchaguard-prompt"', $out->html );
		$this->assertSame( 1, substr_count( $out->html, 'wpCaptchaWord' ) );
	}
}
