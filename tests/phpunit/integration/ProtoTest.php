<?php
use MediaWiki\Extension\CaptchaGuard\CaptchaGuardServices;
use PHPUnit\Framework\TestCase;
/**
 * @runTestsInSeparateProcesses
 * @preserveGlobalState disabled
 */
class ProtoTest extends TestCase {
	public function testA() {
		$ctx = RequestContext::getMain();
		$ctx->setRequest( new FauxRequest( [ 'x' => 'y' ], true ) );
		$host = CaptchaGuardServices::getHost();
		$this->assertSame( 'y', $host->value( 'x' ) );
		$this->assertFalse( defined( 'MW_PHPUNIT_TEST' ) );
	}
	public function testB() {
		$this->assertSame( '', CaptchaGuardServices::getHost()->value( 'x' ) );
	}
}
