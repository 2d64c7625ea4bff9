//! fazhi-domain: the pure legal rules of the platform.
//!
//! Nothing in this crate does I/O or reads the clock: every function takes the dates,
//! the calendar and the configuration it needs as arguments. The web and storage layers
//! (crate `fazhi`) call [`engine::check_timeline`] both for stored timelines
//! (`POST /api/v1/case-checks`, `fazhi case check`) and for every transition of a live
//! case, so that what the check flags, the live API refuses.

pub mod catalogue;
pub mod complaint;
pub mod config;
pub mod engine;
pub mod record;
pub mod report;
pub mod rule;
pub mod timeline;

pub use engine::{CheckContext, check_timeline};
pub use report::{CheckReport, Deadline, DeadlineStatus, Surcharge, Violation};
pub use timeline::Timeline;
