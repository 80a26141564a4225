<?php

namespace MediaWiki\Extension\CaptchaGuard\Api;

use ApiBase;
use ApiQuery;
use ApiQueryBase;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeReport;
use MediaWiki\Extension\CaptchaGuard\Outcomes\OutcomeViewer;
use Wikimedia\ParamValidator\ParamValidator;
use Wikimedia\ParamValidator\TypeDef\IntegerDef;

/**
 * list=captchaguardoutcomes: a filter's (or the emergency switch's) CAPTCHA
 * outcomes, one row per day and action that had any, newest first. Seen by
 * whoever may see the filter (OutcomeViewer).
 */
class ApiQueryCaptchaOutcomes extends ApiQueryBase {

	public function __construct( ApiQuery $query, string $moduleName, private OutcomeViewer $viewer ) {
		parent::__construct( $query, $moduleName, 'cgo' );
	}

	public function execute() {
		$params = $this->extractRequestParams();
		$source = $params['filter'];
		$refusal = $this->viewer->refusal( $this->getAuthority(), $source );
		if ( $refusal !== null ) {
			$this->dieWithError( [ $refusal, wfEscapeWikiText( $source ) ],
				$refusal === 'captchaguard-outcomes-nosuchfilter' ? 'nosuchfilter' : 'permissiondenied' );
		}
		$result = $this->getResult();
		foreach ( array_reverse( $this->viewer->rows( $source, $params['days'] ) ) as $row ) {
			$result->addValue( [ 'query', $this->getModuleName() ], null, [
				'date' => $row->date,
				'action' => $row->action,
				'challenged' => $row->challenged,
				'solved' => $row->solved,
				'failed' => $row->failed,
				'abandoned' => $row->abandoned,
				'open' => $row->open,
			] );
		}
		$result->addIndexedTagName( [ 'query', $this->getModuleName() ], 'day' );
	}

	public function getCacheMode( $params ) {
		// Private and protected filters' outcomes depend on who asks.
		return $params['filter'] === OutcomeReport::EMERGENCY ? 'public' : 'private';
	}

	public function getAllowedParams() {
		return [
			'filter' => [
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_REQUIRED => true,
			],
			'days' => [
				ParamValidator::PARAM_TYPE => 'integer',
				ParamValidator::PARAM_DEFAULT => 30,
				IntegerDef::PARAM_MIN => 1,
				IntegerDef::PARAM_MAX => OutcomeViewer::MAX_DAYS,
				ApiBase::PARAM_RANGE_ENFORCE => true,
			],
		];
	}

	protected function getExamplesMessages() {
		return [
			'action=query&list=captchaguardoutcomes&cgofilter=1&cgodays=30'
				=> 'apihelp-query+captchaguardoutcomes-example-filter',
			'action=query&list=captchaguardoutcomes&cgofilter=emergency'
				=> 'apihelp-query+captchaguardoutcomes-example-emergency',
		];
	}
}
