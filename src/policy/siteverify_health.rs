//! When hCaptcha's siteverify keeps failing, another CAPTCHA is asked for a
//! while (a circuit breaker): after `threshold` failed verifications in a
//! row, the fallback for `seconds`; then hCaptcha again, and the first
//! failure after that falls back at once, while a success ends it.

/// The breaker as a server last stored it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Health {
    pub failures_in_a_row: u32,
    /// Unix time until which the fallback is asked; 0 when it never was, or
    /// since siteverify answered again.
    pub fallback_until: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FallbackRule {
    /// Failed verifications in a row that start the fallback; 0: never.
    pub threshold: u32,
    pub seconds: i64,
}

/// What a verification changed, for the log and the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    /// The fallback starts now.
    FellBack,
    /// siteverify answered after a fallback.
    Recovered,
}

impl Transition {
    pub fn name(self) -> &'static str {
        match self {
            Transition::None => "",
            Transition::FellBack => "fell-back",
            Transition::Recovered => "recovered",
        }
    }
}

impl Health {
    pub fn uses_fallback(self, now: i64) -> bool {
        now < self.fallback_until
    }

    /// The breaker after one verification (`failed`: siteverify did not
    /// answer, or not in time, or not usably; a wrong answer to the CAPTCHA
    /// is an answer).
    pub fn after(self, failed: bool, now: i64, rule: FallbackRule) -> (Health, Transition) {
        if !failed {
            let transition = if self.fallback_until != 0 {
                Transition::Recovered
            } else {
                Transition::None
            };
            return (Health::default(), transition);
        }
        let failures = self.failures_in_a_row.saturating_add(1);
        if rule.threshold == 0 || failures < rule.threshold || self.uses_fallback(now) {
            return (
                Health {
                    failures_in_a_row: failures,
                    ..self
                },
                Transition::None,
            );
        }
        let health = Health {
            failures_in_a_row: failures,
            fallback_until: now.saturating_add(rule.seconds.max(1)),
        };
        (health, Transition::FellBack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;
    const RULE: FallbackRule = FallbackRule {
        threshold: 3,
        seconds: 60,
    };

    fn failures(count: u32) -> (Health, Vec<Transition>) {
        let mut health = Health::default();
        let mut seen = Vec::new();
        for _ in 0..count {
            let (next, transition) = health.after(true, NOW, RULE);
            health = next;
            seen.push(transition);
        }
        (health, seen)
    }

    #[test]
    fn the_threshold_in_a_row_starts_the_fallback_once() {
        let (health, seen) = failures(5);
        assert_eq!(
            seen,
            [
                Transition::None,
                Transition::None,
                Transition::FellBack,
                Transition::None,
                Transition::None
            ]
        );
        assert!(health.uses_fallback(NOW + 59));
        assert!(!health.uses_fallback(NOW + 60));
    }

    #[test]
    fn a_success_between_failures_starts_the_count_again() {
        let (health, _) = failures(2);
        let (health, transition) = health.after(false, NOW, RULE);
        assert_eq!(transition, Transition::None);
        let (health, transition) = health.after(true, NOW, RULE);
        assert_eq!(transition, Transition::None);
        assert!(!health.uses_fallback(NOW));
    }

    #[test]
    fn after_the_fallback_one_failure_falls_back_again_and_a_success_recovers() {
        let (health, _) = failures(3);
        let later = NOW + 61;
        let (again, transition) = health.after(true, later, RULE);
        assert_eq!(transition, Transition::FellBack);
        assert!(again.uses_fallback(later));
        let (healed, transition) = health.after(false, later, RULE);
        assert_eq!(transition, Transition::Recovered);
        assert_eq!(healed, Health::default());
    }

    #[test]
    fn a_threshold_of_zero_never_falls_back() {
        let rule = FallbackRule {
            threshold: 0,
            seconds: 60,
        };
        let mut health = Health::default();
        for _ in 0..100 {
            let (next, transition) = health.after(true, NOW, rule);
            assert_eq!(transition, Transition::None);
            health = next;
        }
        assert!(!health.uses_fallback(NOW));
    }
}
