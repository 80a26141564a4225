<?php

namespace MediaWiki\Extension\CaptchaGuard\Emergency;

use CommentStore;
use ExternalUserNames;
use MediaWiki\Extension\CaptchaGuard\Value\AcceptedChange;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityValue;
use WikiMap;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\ILBFactory;

/**
 * The captchaguard_emergency table: every change is a new row, so two changes
 * at once are both kept and the later one wins. A wiki's switch is its newest
 * row, or the newest row for all wikis ("*"), whichever is newer.
 */
class EmergencyStore implements SwitchSource {

	private const TABLE = 'captchaguard_emergency';

	/**
	 * @param ILBFactory $lbFactory
	 * @param string|false $database Shared database of a wiki farm, or false for this wiki's
	 * @param string $wikiId
	 */
	public function __construct(
		private ILBFactory $lbFactory,
		private CommentStore $comments,
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
	 * @return StoredSwitch|null Null if never switched
	 */
	public function current( bool $latest = false ): ?StoredSwitch {
		$reason = $this->comments->getJoin( 'ce_reason' );
		$row = $this->connection( $latest ? DB_PRIMARY : DB_REPLICA )->selectRow(
			[ self::TABLE, 'actor' ] + $reason['tables'],
			[ 'ce_active', 'ce_actions', 'ce_expiry', 'ce_timestamp', 'ce_wiki', 'ce_origin_wiki', 'actor_name' ]
				+ $reason['fields'],
			[ 'ce_wiki' => [ $this->wikiId, EmergencyPolicy::allWikis() ] ],
			__METHOD__,
			[ 'ORDER BY' => 'ce_id DESC' ],
			[ 'actor' => [ 'JOIN', 'actor_id = ce_actor' ] ] + $reason['joins']
		);
		if ( !$row ) {
			return null;
		}
		return new StoredSwitch(
			...self::switchFields( $row ),
			reason: $this->comments->getComment( 'ce_reason', $row )->text,
			user: $this->nameHere( $row->actor_name, $row->ce_origin_wiki ),
			timestamp: (int)wfTimestamp( TS_UNIX, $row->ce_timestamp ),
			wiki: (string)$row->ce_wiki
		);
	}

	public function tableId(): string {
		return $this->database ?: $this->wikiId;
	}

	/**
	 * Read by the native emergency check (through Adapter\Host) when its
	 * snapshot is stale, for every wiki of the table at once: the rows from
	 * the oldest change that is still on and still its wiki's newest (with
	 * nothing on, none). They hold each wiki's newest row that can be on now,
	 * and the newer ones that switch a wiki off again. One query, without the
	 * actor and comment joins.
	 */
	public function switchesInEffect(): array {
		$db = $this->connection( DB_REPLICA );
		$newer = $db->selectSQLText(
			[ 'newer' => self::TABLE ],
			'1',
			[ 'newer.ce_wiki = oldest.ce_wiki', 'newer.ce_id > oldest.ce_id' ],
			__METHOD__
		);
		$oldestOn = $db->selectSQLText(
			[ 'oldest' => self::TABLE ],
			'MIN(oldest.ce_id)',
			[
				'oldest.ce_active' => 1,
				'oldest.ce_expiry > ' . $db->addQuotes( $db->timestamp() ),
				"NOT EXISTS ($newer)",
			],
			__METHOD__
		);
		// In a section that can be cancelled: if the read fails (the table
		// missing, its database down), the request's transaction, and with it
		// the edit being checked, must not fail too.
		$db->startAtomic( __METHOD__, IDatabase::ATOMIC_CANCELABLE );
		try {
			$rows = $db->select(
				self::TABLE,
				[ 'ce_id', 'ce_wiki', 'ce_active', 'ce_actions', 'ce_expiry' ],
				[ "ce_id >= ($oldestOn)" ],
				__METHOD__,
				[ 'ORDER BY' => 'ce_id' ]
			);
		} catch ( DBError $e ) {
			$db->cancelAtomic( __METHOD__ );
			throw $e;
		}
		$db->endAtomic( __METHOD__ );
		$switches = [];
		foreach ( $rows as $row ) {
			$switches[] = new StoredSwitch(
				...self::switchFields( $row ),
				wiki: (string)$row->ce_wiki,
				id: (int)$row->ce_id
			);
		}
		return $switches;
	}

	private static function switchFields( object $row ): array {
		return [
			'active' => (bool)$row->ce_active,
			'actions' => (string)$row->ce_actions,
			'expiry' => $row->ce_expiry === null ? 0 : (int)wfTimestamp( TS_UNIX, $row->ce_expiry ),
		];
	}

	/**
	 * A plain actor name is a user of the table's wiki, where the change was
	 * made; anyone else's is external ("origin>Name"), and ours again here.
	 */
	private function nameHere( string $actorName, string $originWiki ): string {
		if ( ExternalUserNames::isExternal( $actorName ) ) {
			[ $prefix, $name ] = explode( '>', $actorName, 2 );
			return $prefix === $this->wikiId ? $name : $actorName;
		}
		return $originWiki === $this->wikiId ? $actorName : "$originWiki>$actorName";
	}

	/**
	 * @param AcceptedChange $change
	 * @param string[] $wikis Wiki IDs, or [ '*' ]
	 * @param UserIdentity $performer A user of this wiki
	 */
	public function insert( AcceptedChange $change, array $wikis, UserIdentity $performer ): void {
		$dbw = $this->connection( DB_PRIMARY );
		$now = $dbw->timestamp();
		$shared = [
			'ce_active' => $change->active ? 1 : 0,
			'ce_actions' => $change->storedActions,
			'ce_expiry' => $change->active ? $dbw->timestamp( $change->expiry ) : null,
			'ce_actor' => self::acquireActor( $dbw, $performer, $this->wikiId ),
			'ce_origin_wiki' => $this->wikiId,
			'ce_timestamp' => $now,
		] + $this->comments->insert( $dbw, 'ce_reason', $change->reason );
		$rows = [];
		foreach ( $wikis as $wiki ) {
			$rows[] = [ 'ce_wiki' => $wiki ] + $shared;
		}
		$dbw->insert( self::TABLE, $rows, __METHOD__ );
	}

	/**
	 * "origin>Name", as imports and cross-wiki logs name a user of another wiki
	 * (a name that is external already stays as it is).
	 */
	public static function externalName( string $originWiki, string $name ): string {
		return ( new ExternalUserNames( $originWiki, false ) )->applyPrefix( $name );
	}

	/**
	 * The performer's actor in the table's database (in a farm, maybe another
	 * wiki's): a registered user of that wiki as such; anyone else, and
	 * everyone from another wiki, by the external name "origin>Name".
	 *
	 * @param IDatabase $dbw The table's database
	 * @param UserIdentity $user A user of $originWiki
	 * @param string $originWiki
	 */
	public static function acquireActor( IDatabase $dbw, UserIdentity $user, string $originWiki ): int {
		$tableWiki = WikiMap::getWikiIdFromDbDomain( $dbw->getDomainID() );
		$local = WikiMap::isCurrentWikiId( $tableWiki );
		if ( $originWiki !== $tableWiki || !$user->isRegistered() ) {
			$user = new UserIdentityValue(
				0,
				self::externalName( $originWiki, $user->getName() ),
				$local ? UserIdentity::LOCAL : $tableWiki
			);
		}
		return MediaWikiServices::getInstance()->getActorStoreFactory()
			->getActorNormalization( $local ? UserIdentity::LOCAL : $tableWiki )
			->acquireActorId( $user, $dbw );
	}
}
