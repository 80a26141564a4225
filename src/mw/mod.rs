//! The binding layer: one file per MediaWiki concern. Each reads what it needs
//! from MediaWiki objects, asks the policy, and writes the answer back.

pub mod abusefilter;
pub mod account_creation;
pub mod api;
pub mod demand;
pub mod edit_filter;
pub mod edit_form;
pub mod emergency;
pub mod events;
pub mod guard;
pub mod outcomes;
pub mod page_display;
pub mod php;
pub mod refused_form;
pub mod risk_score;
pub mod score_store;
pub mod sensitive_filters;
pub mod sensitive_purge;
pub mod sensitive_variables;
pub mod siteverify_health;
