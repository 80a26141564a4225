<?php

namespace MediaWiki\Extension\CaptchaGuard\Outcomes;

use Html;
use MediaWiki\Permissions\Authority;
use OutputPage;

/**
 * The solve-rate column of Special:AbuseFilter's filter list. AbuseFilter's
 * pager has no hook for columns, so the column is added to the list it has
 * rendered: a cell at the end of each row of its table (TablePager marks the
 * ID cell `TablePager_col_af_id`), for the filters whose outcomes the viewer
 * may see; blank for the others and for filters that asked for no CAPTCHA.
 */
class OutcomeListColumn {

	private const ROW = '#<tr\b[^>]*>(?:(?!</tr>).)*?class="TablePager_col_af_id"(?:(?!</tr>).)*?</tr>#s';
	private const ID_LINK = '#class="TablePager_col_af_id"[^>]*>.*?AbuseFilter/(\d+)\b#s';

	public function __construct( private OutcomeViewer $viewer ) {
	}

	public function addTo( OutputPage $out, Authority $viewer ): void {
		$html = $out->getHTML();
		if ( !preg_match_all( self::ROW, $html, $rows ) ) {
			return;
		}
		$ids = [];
		foreach ( $rows[0] as $row ) {
			if ( preg_match( self::ID_LINK, $row, $id ) ) {
				$ids[] = $id[1];
			}
		}
		$rates = $this->viewer->solveRates( $viewer, $ids, OutcomeBox::DAYS );
		$html = preg_replace_callback( self::ROW, function ( array $row ) use ( $rates, $out ): string {
			preg_match( self::ID_LINK, $row[0], $id );
			$rate = $rates[$id[1] ?? ''] ?? null;
			$text = $rate === null ? '' : $out->msg( 'percent' )->numParams( round( $rate * 100 ) )->text();
			$cell = Html::element( 'td', [ 'class' => 'captchaguard-solverate' ], $text );
			return substr( $row[0], 0, -strlen( '</tr>' ) ) . $cell . '</tr>';
		}, $html );
		$header = Html::element( 'th', [
			'class' => 'captchaguard-solverate',
			'title' => $out->msg( 'captchaguard-outcomes-list-column-tooltip' )->numParams( OutcomeBox::DAYS )->text(),
		], $out->msg( 'captchaguard-outcomes-list-column' )->text() );
		$html = preg_replace_callback( '#(<thead\b[^>]*>\s*<tr\b[^>]*>.*?)(</tr>)#s',
			static fn ( array $row ): string => $row[1] . $header . $row[2], $html, 1 );
		$out->clearHTML();
		$out->addHTML( $html );
	}
}
