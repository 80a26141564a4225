<?php

/**
 * What a test host keeps of the module's log: one [ level, message, context ]
 * record per call, readable as MediaWiki's PSR-3 loggers would write it.
 */
trait RecordedLog {
	/** @var array[] [ level, message, context ] */
	public array $logs = [];

	private function record( string $level, string $message, array $context ): void {
		$this->logs[] = [ $level, $message, $context ];
	}

	/** The log as read: placeholders filled from the context, one "level message" line per call. */
	public function logLines(): array {
		return array_map( static function ( array $record ): string {
			[ $level, $message, $context ] = $record;
			return "$level " . preg_replace_callback( '/\{(\w+)\}/', static function ( $m ) use ( $context ) {
				$value = $context[$m[1]] ?? $m[0];
				return is_scalar( $value ) ? (string)$value : $m[0];
			}, $message );
		}, $this->logs );
	}

	/** @return array[] The records logged at $level */
	public function logged( string $level ): array {
		return array_values( array_filter( $this->logs, static fn ( $record ) => $record[0] === $level ) );
	}
}
