<?php

namespace MediaWiki\Extension\CaptchaGuard\Sensitive;

use MediaWiki\Extension\AbuseFilter\AbuseFilterServices;
use MediaWiki\Extension\AbuseFilter\Filter\Flags;
use MediaWiki\Extension\CaptchaGuard\SensitiveVariables;
use Throwable;
use Wikimedia\Rdbms\ILBFactory;

/**
 * Which filters are CheckUser-level: those of which any version, current or
 * past, reads one of CaptchaGuard's sensitive variables. Dropping the
 * variable later does not make a filter public: its history still shows it.
 */
class SensitiveFilterLookup {

	/** @var array<int,bool> Filter ID => sensitive, for this request */
	private array $known = [];

	public function __construct( private ILBFactory $lbFactory ) {
	}

	/**
	 * Whether $rules read a sensitive variable, as AbuseFilter's own parser
	 * sees it. Rules it cannot parse are judged by the names alone, so a
	 * syntax error cannot hide a variable.
	 */
	public function usesSensitive( string $rules ): bool {
		$names = SensitiveVariables::names();
		if ( !$this->mentionsAny( $rules, $names ) ) {
			return false;
		}
		$checker = AbuseFilterServices::getRuleCheckerFactory()->newRuleChecker();
		$byName = (bool)preg_match( '/\b(' . implode( '|', $names ) . ')\b/i', $rules );
		try {
			// AbuseFilter answers no variables at all for rules it cannot parse.
			if ( !$checker->checkSyntax( $rules )->isValid() ) {
				return $byName;
			}
			$used = $checker->getUsedVars( $rules );
		} catch ( Throwable $unparseable ) {
			return $byName;
		}
		return (bool)array_intersect( array_map( 'strtolower', $used ), $names );
	}

	private function mentionsAny( string $rules, array $names ): bool {
		foreach ( $names as $name ) {
			if ( stripos( $rules, $name ) !== false ) {
				return true;
			}
		}
		return false;
	}

	public function isSensitive( int $filterId ): bool {
		if ( !isset( $this->known[$filterId] ) ) {
			$this->known[$filterId] = false;
			foreach ( $this->versions( $filterId ) as $rules ) {
				if ( $this->usesSensitive( $rules ) ) {
					$this->known[$filterId] = true;
					break;
				}
			}
		}
		return $this->known[$filterId];
	}

	/**
	 * Whether the wiki has any sensitive filter.
	 */
	public function anySensitive(): bool {
		foreach ( $this->protectedFilterIds() as $id ) {
			if ( $this->isSensitive( $id ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @return int[] AbuseFilter-protected filters: every sensitive filter is one of them
	 */
	public function protectedFilterIds(): array {
		$db = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA );
		return array_map( 'intval', $db->selectFieldValues(
			'abuse_filter',
			'af_id',
			[ $db->bitAnd( 'af_hidden', Flags::FILTER_USES_PROTECTED_VARS ) . ' != 0' ],
			__METHOD__
		) );
	}

	/**
	 * @param int $flags Flags bits of af_hidden
	 * @return int[] Local filters with none of $flags
	 */
	public function filterIdsWithout( int $flags ): array {
		$db = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA );
		return array_map( 'intval', $db->selectFieldValues(
			'abuse_filter',
			'af_id',
			[ $db->bitAnd( 'af_hidden', $flags ) . ' = 0' ],
			__METHOD__
		) );
	}

	/**
	 * A condition on abuse_filter_log that leaves out the hits of protected
	 * filters (global filters' hits are the central wiki's); null when there are none.
	 */
	public function conditionOutsideProtectedHits(): ?string {
		$protected = $this->protectedFilterIds();
		if ( !$protected ) {
			return null;
		}
		$db = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA );
		return $db->orExpr( [
			$db->expr( 'afl_global', '=', 1 ),
			$db->expr( 'afl_filter_id', '!=', $protected ),
		] )->toSql( $db );
	}

	/**
	 * @return string[] Every distinct text the filter has had
	 */
	private function versions( int $filterId ): array {
		$db = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA );
		$current = $db->selectFieldValues( 'abuse_filter', 'af_pattern', [ 'af_id' => $filterId ], __METHOD__ );
		$past = $db->selectFieldValues( 'abuse_filter_history', 'afh_pattern', [ 'afh_filter' => $filterId ], __METHOD__ );
		return array_unique( array_map( 'strval', array_merge( $current, $past ) ) );
	}

	/**
	 * @return int[] Local filters whose current rules are $pattern
	 */
	public function filtersWithPattern( string $pattern ): array {
		$db = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA );
		return array_map( 'intval', $db->selectFieldValues(
			'abuse_filter', 'af_id', [ 'af_pattern' => $pattern ], __METHOD__
		) );
	}

	/**
	 * The filter a version in its history belongs to; null for none.
	 */
	public function filterOfHistory( int $historyId ): ?int {
		$filter = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA )->selectField(
			'abuse_filter_history',
			'afh_filter',
			[ 'afh_id' => $historyId ],
			__METHOD__
		);
		return $filter === false ? null : (int)$filter;
	}

	/**
	 * The filter whose hit AbuseLog entry $logId records; null for none or a global filter.
	 */
	public function filterOfEntry( int $logId ): ?int {
		$row = $this->lbFactory->getMainLB()->getConnection( DB_REPLICA )->selectRow(
			'abuse_filter_log',
			[ 'afl_filter_id', 'afl_global' ],
			[ 'afl_id' => $logId ],
			__METHOD__
		);
		return $row && !$row->afl_global ? (int)$row->afl_filter_id : null;
	}
}
