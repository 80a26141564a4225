<?php

namespace MediaWiki\Extension\CaptchaGuard\AbuseFilter;

use MediaWiki\Extension\AbuseFilter\Parser\AFPData;
use MediaWiki\Extension\AbuseFilter\Variables\VariableHolder;
use MediaWiki\Extension\AbuseFilter\Variables\VariablesBlobStore;
use MediaWiki\Extension\CaptchaGuard\Sensitive\SensitiveValueStore;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use stdClass;

/**
 * Wraps AbuseFilter's var dump store (a service manipulator, see
 * Setup::onMediaWikiServices): CaptchaGuard's sensitive variables never reach
 * the dump, an append-only blob; their values go to SensitiveValueStore and
 * come back only for viewers the module says may see them. AbuseFilter then
 * logs each view of them, as it does for any protected variable.
 *
 * A subclass only because AbuseFilter's services type-hint the class; every
 * public method delegates to the wrapped store.
 */
class SensitiveVariablesBlobStore extends VariablesBlobStore {

	public function __construct(
		private VariablesBlobStore $inner,
		private SensitiveValueStore $values
	) {
		// The parent's state is the wrapped store's.
	}

	/** @inheritDoc */
	public function storeVarDump( VariableHolder $varsHolder, $global = false ) {
		$kept = clone $varsHolder;
		$sensitive = [];
		foreach ( SensitiveVariables::names() as $name ) {
			if ( !$kept->varIsSet( $name ) ) {
				continue;
			}
			$value = $kept->getVars()[$name];
			// Declared but never read by a filter: nothing to keep.
			if ( $value instanceof AFPData ) {
				$sensitive[$name] = $value->toNative();
			}
			$kept->removeVar( $name );
		}
		$address = $this->inner->storeVarDump( $kept, $global );
		// A global filter's dump is in the central wiki; its sensitive values are not kept.
		if ( $sensitive && !$global ) {
			$this->values->save( $address, $sensitive );
		}
		return $address;
	}

	/** @inheritDoc */
	public function loadVarDump( stdClass $row ): VariableHolder {
		$vars = $this->inner->loadVarDump( $row );
		if ( !SensitiveVariables::viewerMaySee() ) {
			return $vars;
		}
		foreach ( $this->values->load( (string)$row->afl_var_dump ) as $name => $value ) {
			$vars->setVar( $name, $value );
		}
		return $vars;
	}
}
