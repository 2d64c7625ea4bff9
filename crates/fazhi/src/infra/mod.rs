//! Infrastructure: configuration, the database pool and migrations, the clock, secrets
//! and other things that are not the bureau's business but that the business runs on.

pub mod blob_store;
pub mod clock;
pub mod config;
pub mod db;
pub mod group_commit;
pub mod logging;
pub mod metrics;
pub mod net;
pub mod secret;
