<?php

/** An object stash that records what is asked of it, and throws when told. */
class RecordingStash extends HashBagOStuff {
	public array $gets = [];
	/** @var array Lifetimes set, by key */
	public array $ttls = [];
	public ?Throwable $failure = null;

	public function get( $key, $flags = 0 ) {
		$this->gets[] = $key;
		if ( $this->failure ) {
			throw $this->failure;
		}
		return parent::get( $key, $flags );
	}

	public function set( $key, $value, $exptime = 0, $flags = 0 ) {
		$this->ttls[$key] = $exptime;
		return parent::set( $key, $value, $exptime, $flags );
	}
}
