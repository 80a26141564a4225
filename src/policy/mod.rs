//! Decisions, with no PHP types: plain data in, plain data out.

pub mod challenge;
pub mod emergency;
pub mod events;
pub mod farm_switches;
pub mod outcome_chart;
pub mod outcomes;
pub mod pending_warnings;
pub mod rule_actions;
pub mod score;
pub mod sensitive;
pub mod site_keys;
pub mod siteverify_health;

#[cfg(test)]
mod properties;
