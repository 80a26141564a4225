<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use MediaWiki\MediaWikiServices;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILBFactory;

/**
 * The captchaguard_emergency table: every change is a new row, so two changes
 * at once are both kept and the later one wins. A wiki's switch is its newest
 * row, or the newest row for all wikis ("*"), whichever is newer.
 */
class EmergencyStore {

	public const ALL_WIKIS = '*';
	private const TABLE = 'captchaguard_emergency';

	/**
	 * @param ILBFactory $lbFactory
	 * @param string|false $database Shared database of a wiki farm, or false for this wiki's
	 * @param string $wikiId
	 */
	public function __construct(
		private ILBFactory $lbFactory,
		private $database,
		private string $wikiId
	) {
	}

	public function getWikiId(): string {
		return $this->wikiId;
	}

	protected function connection( int $index ): IDatabase {
		$domain = $this->database ?: false;
		return $this->lbFactory->getMainLB( $domain )->getConnection( $index, [], $domain );
	}

	/**
	 * The stored switch; what it means now is for EmergencyPolicy::state() to say.
	 *
	 * @param bool $latest Read the primary database (before a change), not a replica
	 * @return object{active: bool, actions: string, expiry: int, reason: string, user: string,
	 *   timestamp: int, wiki: string}|null
	 */
	public function current( bool $latest = false ): ?object {
		$row = $this->connection( $latest ? DB_PRIMARY : DB_REPLICA )->selectRow(
			self::TABLE,
			[ 'ce_active', 'ce_actions', 'ce_expiry', 'ce_reason', 'ce_user_text', 'ce_timestamp', 'ce_wiki' ],
			[ 'ce_wiki' => [ $this->wikiId, self::ALL_WIKIS ] ],
			__METHOD__,
			[ 'ORDER BY' => 'ce_id DESC' ]
		);
		if ( !$row ) {
			return null;
		}
		return (object)[
			'active' => (bool)$row->ce_active,
			'actions' => (string)$row->ce_actions,
			'expiry' => $row->ce_expiry === null ? 0 : (int)wfTimestamp( TS_UNIX, $row->ce_expiry ),
			'reason' => (string)$row->ce_reason,
			'user' => (string)$row->ce_user_text,
			'timestamp' => (int)wfTimestamp( TS_UNIX, $row->ce_timestamp ),
			'wiki' => (string)$row->ce_wiki,
		];
	}

	/**
	 * Read by the native hook handler when its copy of the switch is stale.
	 */
	public static function currentForHook(): ?object {
		return MediaWikiServices::getInstance()->get( 'CaptchaGuard.EmergencyStore' )->current();
	}

	/**
	 * @param array $change Validated by EmergencyPolicy::validate()
	 * @param string[] $wikis Wiki IDs, or [ '*' ]
	 * @param string $userName
	 */
	public function insert( array $change, array $wikis, string $userName ): void {
		$dbw = $this->connection( DB_PRIMARY );
		$now = $dbw->timestamp();
		$rows = [];
		foreach ( $wikis as $wiki ) {
			$rows[] = [
				'ce_wiki' => $wiki,
				'ce_active' => $change['active'] ? 1 : 0,
				'ce_actions' => $change['storedActions'],
				'ce_expiry' => $change['active'] ? $dbw->timestamp( $change['expiry'] ) : null,
				'ce_reason' => $change['reason'],
				'ce_user_text' => $userName,
				'ce_origin_wiki' => $this->wikiId,
				'ce_timestamp' => $now,
			];
		}
		$dbw->insert( self::TABLE, $rows, __METHOD__ );
	}
}
