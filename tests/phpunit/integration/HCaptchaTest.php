<?php

use MediaWiki\Extension\CaptchaGuard\HCaptcha;
use PHPUnit\Framework\TestCase;

/**
 * CaptchaGuard's HCaptcha is a subclass of ConfirmEdit's: a method it
 * overrides must still fit when ConfirmEdit changes the parent's signature
 * (REL1_44 added a third parameter to passCaptcha, which a two-parameter
 * override turns into a fatal error when the class loads).
 */
class HCaptchaTest extends TestCase {

	/**
	 * Parameters of the methods HCaptcha overrides in the newest ConfirmEdit
	 * (master, checked 2026-12: passCaptcha( $_, $token, $user )).
	 */
	private const NEWEST_UPSTREAM_PARAMETERS = [
		'passCaptcha' => 3,
		'getError' => 0,
		'addCaptchaAPI' => 1,
		'getFormInformation' => 2,
		'describeCaptchaType' => 1,
		'onAuthChangeFormFields' => 4,
	];

	/**
	 * The test wiki uses ConfirmEdit's SimpleCaptcha: its hCaptcha module
	 * (the parent) is made loadable from the same ConfirmEdit.
	 */
	public static function setUpBeforeClass(): void {
		$confirmEdit = dirname( ExtensionRegistry::getInstance()->getAllThings()['ConfirmEdit']['path'] );
		AutoLoader::registerNamespaces( [
			'MediaWiki\\Extension\\ConfirmEdit\\hCaptcha\\' => "$confirmEdit/hCaptcha/includes/",
		] );
	}

	public function testItLoadsAgainstThisWikisConfirmEdit() {
		$this->assertTrue( class_exists( HCaptcha::class ) );
	}

	public function testEveryOverrideFitsThisWikisParent() {
		$class = new ReflectionClass( HCaptcha::class );
		$overrides = 0;
		foreach ( $class->getMethods() as $method ) {
			if ( $method->getDeclaringClass()->getName() !== HCaptcha::class
				|| !$class->getParentClass()->hasMethod( $method->getName() )
			) {
				continue;
			}
			$parent = $class->getParentClass()->getMethod( $method->getName() );
			$this->assertGreaterThanOrEqual( $parent->getNumberOfParameters(), $method->getNumberOfParameters(),
				"{$method->getName()} takes every parameter of the parent" );
			$this->assertLessThanOrEqual( $parent->getNumberOfRequiredParameters(),
				$method->getNumberOfRequiredParameters(), "{$method->getName()} requires no more than the parent" );
			$overrides++;
		}
		$this->assertSame( count( self::NEWEST_UPSTREAM_PARAMETERS ), $overrides,
			'the overrides listed here are the ones HCaptcha has' );
	}

	/** @dataProvider provideNewestUpstream */
	public function testEveryOverrideFitsTheNewestConfirmEdit( string $name, int $parameters ) {
		$method = new ReflectionMethod( HCaptcha::class, $name );
		$this->assertGreaterThanOrEqual( $parameters, $method->getNumberOfParameters(),
			"$name takes the newest ConfirmEdit's parameters" );
	}

	public static function provideNewestUpstream(): array {
		$cases = [];
		foreach ( self::NEWEST_UPSTREAM_PARAMETERS as $name => $parameters ) {
			$cases[$name] = [ $name, $parameters ];
		}
		return $cases;
	}
}
