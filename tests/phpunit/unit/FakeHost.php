<?php

use MediaWiki\Extension\CaptchaGuard\Adapter\Host;
use MediaWiki\Extension\CaptchaGuard\Value\ClientFacts;
use MediaWiki\Extension\CaptchaGuard\Value\PerformerFacts;
use MediaWiki\Extension\CaptchaGuard\Value\StoredSwitch;
use MediaWiki\User\UserIdentity;

/**
 * A Host in memory, for tests that give the module nothing of MediaWiki:
 * what it logs, stashes and keeps in the session is here to look at.
 */
class FakeHost implements Host {
	public array $config = [];
	/** @var array[] [ level, message, context ] */
	public array $logs = [];
	public array $stash = [];
	public array $session = [];
	public array $values = [];
	public ?StoredSwitch $switch = null;
	public int $switchReads = 0;
	public string $name = 'Alice';
	public bool $exempt = false;

	public function config( string $name ): mixed {
		return $this->config[$name] ?? null;
	}

	public function log( string $level, string $message, array $context ): void {
		$this->logs[] = [ $level, $message, $context ];
	}

	public function stashedScore( string $userName ): mixed {
		return $this->stash[$userName] ?? false;
	}

	public function stashScore( string $userName, float $score, int $ttl ): void {
		$this->stash[$userName] = $score;
	}

	public function unstashScore( string $userName ): void {
		unset( $this->stash[$userName] );
	}

	public function storedSwitch(): ?StoredSwitch {
		$this->switchReads++;
		return $this->switch;
	}

	public function performer(): PerformerFacts {
		return new PerformerFacts(
			id: 5, name: $this->name, registered: true, skipsCaptcha: false,
			exempt: $this->exempt, bot: false, system: false
		);
	}

	public function isExempt(): bool {
		return $this->exempt;
	}

	public function sessionGet( string $key ): mixed {
		return $this->session[$key] ?? null;
	}

	public function sessionSet( string $key, mixed $value ): void {
		$this->session[$key] = $value;
	}

	public function sessionRemove( string $key ): void {
		unset( $this->session[$key] );
	}

	public function value( string $name ): string {
		return $this->values[$name] ?? '';
	}

	public function client(): ClientFacts {
		return new ClientFacts( ip: '198.51.100.9', userAgent: 'FakeHost/1.0' );
	}

	public function isRequester( UserIdentity $user ): bool {
		return $user->getName() === $this->name;
	}

	public function isApi(): bool {
		return false;
	}
}
