<?php

namespace MediaWiki\Extension\CaptchaGuard\Outcomes;

use Html;
use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MessageLocalizer;
use Throwable;
use MediaWiki\Extension\CaptchaGuard\Value\OutcomeDay;

/**
 * The "CAPTCHA outcomes, last 30 days" box of a filter's page and of
 * Special:EmergencyCaptcha: the solve rate, a chart drawn on the server
 * (SVG, readable without JavaScript, with a text description) and the
 * figures by day and action as a table.
 */
class OutcomeBox {

	public const DAYS = 30;

	public function __construct( private OutcomeViewer $viewer, private Host $host ) {
	}

	/**
	 * The box, or nothing when the figures cannot be read (logged): the page
	 * it is part of is shown whole.
	 */
	public function html( string $source, MessageLocalizer $context ): string {
		try {
			return $this->box( $source, $context );
		} catch ( Throwable $e ) {
			$this->host->log( 'error', 'Could not show the CAPTCHA outcomes of {source}', [
				'source' => $source, 'exception' => $e,
			] );
			return '';
		}
	}

	private function box( string $source, MessageLocalizer $context ): string {
		$rows = $this->viewer->rows( $source, self::DAYS );
		$days = OutcomeReport::perDay( $rows, OutcomeReport::lastDays( self::DAYS ) );
		$sum = self::sum( $days );
		$heading = Html::element( 'h2', [],
			$context->msg( 'captchaguard-outcomes-heading' )->numParams( self::DAYS )->text() );
		if ( $sum['challenged'] === 0 && $sum['failed'] === 0 ) {
			return Html::rawElement( 'div', [ 'class' => 'captchaguard-outcomes' ],
				$heading . Html::element( 'p', [ 'class' => 'captchaguard-outcomes-none' ],
					$context->msg( 'captchaguard-outcomes-none' )->numParams( self::DAYS )->text() )
			);
		}
		$rate = OutcomeReport::solveRate( $days );
		$rateText = $rate === null
			? $context->msg( 'captchaguard-outcomes-norate' )->text()
			: $context->msg( 'percent' )->numParams( round( $rate * 100 ) )->text();
		$summary = $context->msg( 'captchaguard-outcomes-summary' )
			->params( $rateText )
			->numParams( $sum['challenged'], $sum['solved'], $sum['abandoned'], $sum['open'], $sum['failed'] )
			->text();
		$chart = OutcomeReport::chart(
			$days,
			$context->msg( 'captchaguard-outcomes-chart-title' )->numParams( self::DAYS )->text(),
			$summary,
			$context->msg( 'captchaguard-outcomes-solved' )->text(),
			$context->msg( 'captchaguard-outcomes-abandoned' )->text(),
			$context->msg( 'captchaguard-outcomes-open' )->text()
		);
		return Html::rawElement( 'div', [ 'class' => 'captchaguard-outcomes' ],
			$heading
			. Html::element( 'p', [ 'class' => 'captchaguard-outcomes-summary' ], $summary )
			. Html::rawElement( 'div', [ 'class' => 'captchaguard-outcomes-chart' ], $chart )
			. Html::element( 'p', [ 'class' => 'captchaguard-outcomes-explained' ],
				$context->msg( 'captchaguard-outcomes-explained' )->text() )
			. $this->table( $rows, $context )
		);
	}

	/**
	 * @param OutcomeDay[] $days
	 * @return array<string,int>
	 */
	private static function sum( array $days ): array {
		$sum = [ 'challenged' => 0, 'solved' => 0, 'failed' => 0, 'abandoned' => 0, 'open' => 0 ];
		foreach ( $days as $day ) {
			foreach ( $sum as $field => $value ) {
				$sum[$field] = $value + $day->$field;
			}
		}
		return $sum;
	}

	/**
	 * @param OutcomeDay[] $rows
	 */
	private function table( array $rows, MessageLocalizer $context ): string {
		$columns = [ 'date', 'action', 'challenged', 'solved', 'failed', 'abandoned', 'open' ];
		$head = '';
		foreach ( $columns as $column ) {
			$head .= Html::element( 'th', [ 'scope' => 'col' ],
				$context->msg( "captchaguard-outcomes-$column" )->text() );
		}
		$body = '';
		foreach ( array_reverse( $rows ) as $row ) {
			$cells = Html::element( 'td', [], $row->date ) . Html::element( 'td', [], $row->action );
			foreach ( array_slice( $columns, 2 ) as $column ) {
				$cells .= Html::element( 'td', [],
					$context->msg( 'captchaguard-outcomes-number' )->numParams( $row->$column )->text() );
			}
			$body .= Html::rawElement( 'tr', [], $cells );
		}
		return Html::rawElement( 'details', [ 'class' => 'captchaguard-outcomes-figures' ],
			Html::element( 'summary', [], $context->msg( 'captchaguard-outcomes-table-caption' )->text() )
			. Html::rawElement( 'table', [ 'class' => 'wikitable' ],
				Html::rawElement( 'thead', [], Html::rawElement( 'tr', [], $head ) ) . Html::rawElement( 'tbody', [], $body )
			)
		);
	}
}
