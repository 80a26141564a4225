<?php

use MediaWiki\Extension\CaptchaGuard\Binding;
use PHPUnit\Framework\TestCase;

/**
 * The structure test of the boundary: every PHP method the module calls
 * (src/mw/php/, listed by Binding::methods()) exists in the real MediaWiki
 * 1.43 with ConfirmEdit and AbuseFilter, is public, static or a method of
 * Adapter\Host as the module calls it, and declares the types the module
 * was built against. A method renamed, made private or
 * retyped on either side fails here, not in production.
 */
class BindingTest extends TestCase {

	public static function provideMethods(): array {
		$cases = [];
		foreach ( Binding::methods() as $method ) {
			$cases["{$method['class']}::{$method['method']}"] = [ $method ];
		}
		return $cases;
	}

	public function testTheModuleNamesMethods() {
		// Every adapter class of includes/Adapter is used, and more.
		$this->assertGreaterThanOrEqual( 30, count( Binding::methods() ) );
	}

	/** @dataProvider provideMethods */
	public function testMethodIsDeclaredAsTheModuleCallsIt( array $method ) {
		$name = "{$method['class']}::{$method['method']}";
		$this->assertTrue(
			class_exists( $method['class'] ) || interface_exists( $method['class'] ),
			"$name: no such class or interface"
		);
		$this->assertTrue( method_exists( $method['class'], $method['method'] ), "$name: no such method" );
		$reflection = new ReflectionMethod( $method['class'], $method['method'] );
		$this->assertTrue( $reflection->isPublic(), "$name is not public" );
		$this->assertSame(
			$method['static'], $reflection->isStatic(),
			$method['static'] ? "$name is not static" : "$name is static, not a method of the host"
		);
		$this->assertSame(
			$method['params'],
			array_map(
				static fn ( ReflectionParameter $p ) => $p->hasType() ? (string)$p->getType() : '(untyped)',
				$reflection->getParameters()
			),
			"$name: parameter types"
		);
		$this->assertSame(
			$method['returns'],
			$reflection->hasReturnType() ? (string)$reflection->getReturnType() : '(untyped)',
			"$name: return type"
		);
		foreach ( array_merge( $method['params'], [ $method['returns'] ] ) as $type ) {
			foreach ( explode( '|', ltrim( $type, '?' ) ) as $part ) {
				$this->assertTrue(
					in_array( $part, [ 'string', 'int', 'float', 'bool', 'array', 'mixed', 'void', 'null', 'self' ], true )
						|| class_exists( $part ) || interface_exists( $part ),
					"$name names $part, which MediaWiki 1.43 does not have"
				);
			}
		}
	}
}
